package expr

import (
	"errors"
	"fmt"
	"math"

	"github.com/exmc/exmc/core/shape"
)

// scatter is x with the elements at flat positions idx set to y (or, for
// scatter_add, incremented by it), y broadcast to idx's shape. The indices
// are constant data, checked and normalised here; where a position is set
// twice the last write wins, as in numpy, and only it carries a gradient.
type scatter struct {
	add  bool
	idx  []int32
	y    shape.Map
	set  []bool // per position of x: whether it is overwritten (set only)
	wins []bool // per index: whether its write is the last to its position (set only)
}

func buildScatter(add bool) func(*Program, Attrs, []Slot, [][]int, []int) (Kernel, error) {
	return func(p *Program, _ Attrs, args []Slot, shapes [][]int, _ []int) (Kernel, error) {
		vals, ok := p.IsConst(args[1])
		if !ok {
			return nil, errors.New("the index array must be constant data")
		}
		n := shape.Size(shapes[0])
		k := &scatter{add: add, idx: make([]int32, len(vals))}
		for i, v := range vals {
			if v != math.Trunc(v) {
				return nil, fmt.Errorf("index %v is not an integer", v)
			}
			if v < float64(-n) || v >= float64(n) {
				return nil, fmt.Errorf("index %v is out of bounds for an array of %d elements", v, n)
			}
			j := int(v)
			if j < 0 {
				j += n
			}
			k.idx[i] = int32(j)
		}
		var err error
		if k.y, err = shape.NewMap(shapes[2], shapes[1]); err != nil {
			return nil, err
		}
		if !add {
			k.set = make([]bool, n)
			k.wins = make([]bool, len(k.idx))
			for i := len(k.idx) - 1; i >= 0; i-- {
				if j := k.idx[i]; !k.set[j] {
					k.set[j], k.wins[i] = true, true
				}
			}
		}
		return k, nil
	}
}

func (k *scatter) Forward(in [][]float64, out []float64) {
	copy(out, in[0])
	y := in[2]
	if k.add {
		for i, j := range k.idx {
			out[j] += y[k.y.At(i)]
		}
		return
	}
	for i, j := range k.idx {
		out[j] = y[k.y.At(i)]
	}
}

func (k *scatter) Backward(_ [][]float64, _, g []float64, gin [][]float64) {
	if gx := gin[0]; gx != nil {
		if k.add {
			addTo(gx, g)
		} else {
			gx = gx[:len(g)]
			for j, s := range k.set {
				if !s {
					gx[j] += g[j]
				}
			}
		}
	}
	if gy := gin[2]; gy != nil {
		for i, j := range k.idx {
			if k.add || k.wins[i] {
				gy[k.y.At(i)] += g[j]
			}
		}
	}
}
