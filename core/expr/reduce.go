package expr

import (
	"github.com/exmc/exmc/core/ops"
	"github.com/exmc/exmc/core/shape"
)

// reduce sums (and for mean scales) along one axis; a reduction over all
// axes is the same walk with the whole array as that axis.
type reduce struct {
	outer, dim, inner int
	scale             float64
}

func buildReduce(mean bool) func(*Program, Attrs, []Slot, [][]int, []int) (Kernel, error) {
	return func(_ *Program, a Attrs, _ []Slot, shapes [][]int, _ []int) (Kernel, error) {
		src := shapes[0]
		k := &reduce{outer: 1, dim: shape.Size(src), inner: 1, scale: 1}
		if a.Axis != nil {
			ax, _ := ops.Axis(a, len(src))
			k.outer, k.dim, k.inner = split(src, ax)
		}
		if mean {
			// An empty mean is 0/0: NaN, as in numpy.
			k.scale = 1 / float64(k.dim)
		}
		return k, nil
	}
}

func (k *reduce) Forward(in [][]float64, out []float64) {
	a, w := in[0], k.inner
	for o := range k.outer {
		src := a[o*k.dim*w : (o+1)*k.dim*w]
		dst := out[o*w : (o+1)*w]
		if w == 1 {
			t := 0.0
			for _, v := range src {
				t += v
			}
			dst[0] = t * k.scale
			continue
		}
		clear(dst)
		for d := range k.dim {
			addTo(dst, src[d*w:(d+1)*w])
		}
		if k.scale != 1 {
			for i := range dst {
				dst[i] *= k.scale
			}
		}
	}
}

func (k *reduce) Backward(_ [][]float64, _, g []float64, gin [][]float64) {
	ga := gin[0]
	if ga == nil {
		return
	}
	w := k.inner
	for o := range k.outer {
		dst := ga[o*k.dim*w : (o+1)*k.dim*w]
		src := g[o*w : (o+1)*w]
		for d := range k.dim {
			row := dst[d*w : (d+1)*w]
			for i, v := range src {
				row[i] += v * k.scale
			}
		}
	}
}

// ForwardGrad makes a sum that is a term of the objective (a potential,
// say) cost no backward step.
func (k *reduce) ForwardGrad(in [][]float64, out []float64, gin [][]float64) {
	k.Forward(in, out)
	if ga := gin[0]; ga != nil {
		for i := range ga[:k.outer*k.dim*k.inner] {
			ga[i] += k.scale
		}
	}
}
