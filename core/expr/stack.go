package expr

import (
	"fmt"

	"github.com/exmc/exmc/core/shape"
)

func stackShape(a Attrs, args [][]int) ([]int, error) {
	first := args[0]
	for i, s := range args[1:] {
		if !shape.Equal(s, first) {
			return nil, fmt.Errorf("all arguments must have the same shape, but argument 1 has shape %s and argument %d has shape %s",
				shape.String(first), i+2, shape.String(s))
		}
	}
	ax, err := normAxis(axisOr(a.Axis, 0), len(first)+1)
	if err != nil {
		return nil, err
	}
	out := append(clone(first[:ax]), len(args))
	return append(out, first[ax:]...), nil
}

func concatShape(a Attrs, args [][]int) ([]int, error) {
	first := args[0]
	if len(first) == 0 {
		return nil, fmt.Errorf("cannot concatenate scalars (use stack)")
	}
	ax, err := normAxis(axisOr(a.Axis, 0), len(first))
	if err != nil {
		return nil, err
	}
	out := clone(first)
	for i, s := range args[1:] {
		ok := len(s) == len(first)
		for d := 0; ok && d < len(s); d++ {
			ok = d == ax || s[d] == first[d]
		}
		if !ok {
			return nil, fmt.Errorf("argument 1 has shape %s and argument %d has shape %s, which differ on an axis other than %d",
				shape.String(first), i+2, shape.String(s), ax)
		}
		out[ax] += s[ax]
	}
	return out, nil
}

// join interleaves its arguments: for each of outer steps, a contiguous
// block of each argument in turn. Stacking is joining blocks of a whole
// trailing sub-array; concatenation is joining blocks that include the axis.
type join struct {
	outer  int
	blocks []int
	row    int
}

func newJoin(outer int, blocks []int) *join {
	k := &join{outer: outer, blocks: blocks}
	for _, b := range blocks {
		k.row += b
	}
	return k
}

func buildStack(_ *Program, a Attrs, _ []Slot, shapes [][]int, _ []int) (Kernel, error) {
	s := shapes[0]
	ax, _ := normAxis(axisOr(a.Axis, 0), len(s)+1)
	blocks := make([]int, len(shapes))
	for i := range blocks {
		blocks[i] = shape.Size(s[ax:])
	}
	return newJoin(shape.Size(s[:ax]), blocks), nil
}

func buildConcat(_ *Program, a Attrs, _ []Slot, shapes [][]int, _ []int) (Kernel, error) {
	ax, _ := normAxis(axisOr(a.Axis, 0), len(shapes[0]))
	blocks := make([]int, len(shapes))
	for i, s := range shapes {
		blocks[i] = shape.Size(s[ax:])
	}
	return newJoin(shape.Size(shapes[0][:ax]), blocks), nil
}

func (k *join) Forward(in [][]float64, out []float64) {
	for o := range k.outer {
		dst := out[o*k.row : (o+1)*k.row]
		for j, b := range k.blocks {
			copy(dst[:b], in[j][o*b:(o+1)*b])
			dst = dst[b:]
		}
	}
}

func (k *join) Backward(_ [][]float64, _, g []float64, gin [][]float64) {
	for o := range k.outer {
		src := g[o*k.row : (o+1)*k.row]
		for j, b := range k.blocks {
			if gin[j] != nil {
				addTo(gin[j][o*b:(o+1)*b], src[:b])
			}
			src = src[b:]
		}
	}
}
