package expr

import (
	"github.com/exmc/exmc/core/ops"
	"github.com/exmc/exmc/core/shape"
)

// transpose reads its operand through a table of source positions, built
// once, so that any permutation is one gather.
type transpose struct {
	src []int32
}

func buildTranspose(_ *Program, a Attrs, _ []Slot, shapes [][]int, out []int) (Kernel, error) {
	perm, _ := ops.Perm(a, len(shapes[0]))
	identity := true
	for i, ax := range perm {
		identity = identity && i == ax
	}
	if identity {
		return copier{}, nil
	}
	st := shape.Strides(shapes[0])
	// Stride of each result axis in the operand.
	ost := make([]int, len(out))
	for i, ax := range perm {
		ost[i] = st[ax]
	}
	k := &transpose{src: make([]int32, shape.Size(out))}
	pos := make([]int, len(out))
	cur := 0
	for i := range k.src {
		k.src[i] = int32(cur)
		for ax := len(out) - 1; ax >= 0; ax-- {
			pos[ax]++
			cur += ost[ax]
			if pos[ax] < out[ax] {
				break
			}
			cur -= ost[ax] * pos[ax]
			pos[ax] = 0
		}
	}
	return k, nil
}

func (k *transpose) Forward(in [][]float64, out []float64) {
	a := in[0]
	out = out[:len(k.src)]
	for i, s := range k.src {
		out[i] = a[s]
	}
}

func (k *transpose) Backward(_ [][]float64, _, g []float64, gin [][]float64) {
	ga := gin[0]
	if ga == nil {
		return
	}
	g = g[:len(k.src)]
	for i, s := range k.src {
		ga[s] += g[i]
	}
}
