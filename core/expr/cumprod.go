package expr

import "github.com/exmc/exmc/core/ops"

// cumprod is the running product along one axis. Its adjoint needs no
// division (so zeros in the argument are no trouble): with P[d] the
// product up to d and S[d] = g[d] + x[d+1]*S[d+1] the gradient's running
// sum weighted by the factors after d, d out[i]/d x[d] summed against g is
// P[d-1] * S[d].
type cumprod struct {
	outer, dim, inner int
}

func buildCumprod(_ *Program, a Attrs, _ []Slot, shapes [][]int, _ []int) (Kernel, error) {
	ax, _ := ops.Axis(a, len(shapes[0]))
	k := &cumprod{}
	k.outer, k.dim, k.inner = split(shapes[0], ax)
	return k, nil
}

func (k *cumprod) Forward(in [][]float64, out []float64) {
	a, w := in[0], k.inner
	if k.dim == 0 {
		return
	}
	for o := range k.outer {
		src := a[o*k.dim*w : (o+1)*k.dim*w]
		dst := out[o*k.dim*w : (o+1)*k.dim*w]
		copy(dst[:w], src[:w])
		// Row by row, so the inner axis is walked contiguously.
		for d := 1; d < k.dim; d++ {
			prev, cur, x := dst[(d-1)*w:d*w], dst[d*w:(d+1)*w], src[d*w:(d+1)*w]
			for i := range cur {
				cur[i] = prev[i] * x[i]
			}
		}
	}
}

func (k *cumprod) Backward(in [][]float64, out, g []float64, gin [][]float64) {
	ga := gin[0]
	if ga == nil {
		return
	}
	a, w := in[0], k.inner
	for o := range k.outer {
		base := o * k.dim * w
		for i := range w {
			s := 0.0
			for d := k.dim - 1; d >= 0; d-- {
				p := base + d*w + i
				if d < k.dim-1 {
					s = g[p] + a[p+w]*s
				} else {
					s = g[p]
				}
				if d > 0 {
					ga[p] += out[p-w] * s
				} else {
					ga[p] += s
				}
			}
		}
	}
}
