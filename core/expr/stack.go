package expr

import (
	"github.com/exmc/exmc/core/ops"
	"github.com/exmc/exmc/core/shape"
)

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
	ax, _ := ops.Axis(a, len(s)+1)
	blocks := make([]int, len(shapes))
	for i := range blocks {
		blocks[i] = shape.Size(s[ax:])
	}
	return newJoin(shape.Size(s[:ax]), blocks), nil
}

func buildConcat(_ *Program, a Attrs, _ []Slot, shapes [][]int, _ []int) (Kernel, error) {
	ax, _ := ops.Axis(a, len(shapes[0]))
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
