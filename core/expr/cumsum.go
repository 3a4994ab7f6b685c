package expr

import "github.com/exmc/exmc/core/ops"

// cumsum is the running sum along one axis; its adjoint is the running sum
// of the gradient taken from the other end.
type cumsum struct {
	outer, dim, inner int
}

func buildCumsum(_ *Program, a Attrs, _ []Slot, shapes [][]int, _ []int) (Kernel, error) {
	ax, _ := ops.Axis(a, len(shapes[0]))
	k := &cumsum{}
	k.outer, k.dim, k.inner = split(shapes[0], ax)
	return k, nil
}

func (k *cumsum) Forward(in [][]float64, out []float64) {
	a, w := in[0], k.inner
	for o := range k.outer {
		src := a[o*k.dim*w : (o+1)*k.dim*w]
		dst := out[o*k.dim*w : (o+1)*k.dim*w]
		if k.dim == 0 {
			continue
		}
		copy(dst[:w], src[:w])
		// Row by row, so the inner axis is walked contiguously.
		for d := 1; d < k.dim; d++ {
			prev, cur, x := dst[(d-1)*w:d*w], dst[d*w:(d+1)*w], src[d*w:(d+1)*w]
			for i := range cur {
				cur[i] = prev[i] + x[i]
			}
		}
	}
}

func (k *cumsum) Backward(_ [][]float64, _, g []float64, gin [][]float64) {
	ga := gin[0]
	if ga == nil {
		return
	}
	w := k.inner
	for o := range k.outer {
		base := o * k.dim * w
		for i := range w {
			t := 0.0
			for d := k.dim - 1; d >= 0; d-- {
				p := base + d*w + i
				t += g[p]
				ga[p] += t
			}
		}
	}
}
