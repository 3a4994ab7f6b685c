package expr

import (
	"errors"
	"fmt"
	"math"

	"github.com/exmc/exmc/core/ops"
)

// gather is a[idx] along one axis. The indices are data, fixed when the
// model is compiled, so they are checked and normalised once here and the
// kernel only copies blocks.
type gather struct {
	outer, dim, inner int
	idx               []int
}

func buildGather(p *Program, a Attrs, args []Slot, shapes [][]int, _ []int) (Kernel, error) {
	vals, ok := p.IsConst(args[1])
	if !ok {
		return nil, errors.New("the index array must be constant data")
	}
	ax, _ := ops.Axis(a, len(shapes[0]))
	k := &gather{idx: make([]int, len(vals))}
	k.outer, k.dim, k.inner = split(shapes[0], ax)
	for i, v := range vals {
		if v != math.Trunc(v) {
			return nil, fmt.Errorf("index %v is not an integer", v)
		}
		if v < float64(-k.dim) || v >= float64(k.dim) {
			return nil, fmt.Errorf("index %v is out of bounds for axis %d with size %d", v, ax, k.dim)
		}
		j := int(v)
		if j < 0 {
			j += k.dim
		}
		k.idx[i] = j
	}
	return k, nil
}

func (k *gather) Forward(in [][]float64, out []float64) {
	a, n, w := in[0], len(k.idx), k.inner
	for o := range k.outer {
		src := a[o*k.dim*w : (o+1)*k.dim*w]
		dst := out[o*n*w : (o+1)*n*w]
		if w == 1 {
			for j, ix := range k.idx {
				dst[j] = src[ix]
			}
			continue
		}
		for j, ix := range k.idx {
			copy(dst[j*w:(j+1)*w], src[ix*w:(ix+1)*w])
		}
	}
}

func (k *gather) Backward(_ [][]float64, _, g []float64, gin [][]float64) {
	ga := gin[0]
	if ga == nil {
		return
	}
	n, w := len(k.idx), k.inner
	for o := range k.outer {
		dst := ga[o*k.dim*w : (o+1)*k.dim*w]
		src := g[o*n*w : (o+1)*n*w]
		if w == 1 {
			for j, ix := range k.idx {
				dst[ix] += src[j]
			}
			continue
		}
		for j, ix := range k.idx {
			addTo(dst[ix*w:(ix+1)*w], src[j*w:(j+1)*w])
		}
	}
}

// addTo is dst += src, the adjoint of a copy.
func addTo(dst, src []float64) {
	dst = dst[:len(src)]
	for i, v := range src {
		dst[i] += v
	}
}
