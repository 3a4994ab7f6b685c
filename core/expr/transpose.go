package expr

import (
	"fmt"

	"github.com/exmc/exmc/core/shape"
)

// resolvePerm returns the permutation with negative axes resolved; none
// given means reversing the axes, as numpy does.
func resolvePerm(a Attrs, rank int) ([]int, error) {
	if a.Perm == nil {
		p := make([]int, rank)
		for i := range p {
			p[i] = rank - 1 - i
		}
		return p, nil
	}
	if len(a.Perm) != rank {
		return nil, fmt.Errorf("perm %v does not match an array of rank %d", a.Perm, rank)
	}
	p := make([]int, rank)
	seen := make([]bool, rank)
	for i, ax := range a.Perm {
		n, err := normAxis(ax, rank)
		if err != nil {
			return nil, err
		}
		if seen[n] {
			return nil, fmt.Errorf("perm %v repeats axis %d", a.Perm, ax)
		}
		seen[n] = true
		p[i] = n
	}
	return p, nil
}

func transposeShape(a Attrs, args [][]int) ([]int, error) {
	perm, err := resolvePerm(a, len(args[0]))
	if err != nil {
		return nil, err
	}
	out := make([]int, len(perm))
	for i, ax := range perm {
		out[i] = args[0][ax]
	}
	return out, nil
}

// transpose reads its operand through a table of source positions, built
// once, so that any permutation is one gather.
type transpose struct {
	src []int32
}

func buildTranspose(_ *Program, a Attrs, _ []Slot, shapes [][]int, out []int) (Kernel, error) {
	perm, _ := resolvePerm(a, len(shapes[0]))
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
