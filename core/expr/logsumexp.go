package expr

import (
	"math"

	"github.com/exmc/exmc/core/fastmath"
	"github.com/exmc/exmc/core/ops"
	"github.com/exmc/exmc/core/shape"
)

// logsumexp is log(sum(exp(a))) along one axis, or over the whole array
// when the axis attribute is absent (the shape rule is sum's). The
// largest element is taken out first so that nothing overflows; a slice
// whose largest element is -Inf gives -Inf and +Inf gives +Inf, as in
// scipy. The adjoint of element j is exp(a[j] - out), the softmax weight.
type logsumexp struct {
	outer, dim, inner int
}

func buildLogsumexp(_ *Program, a Attrs, _ []Slot, shapes [][]int, _ []int) (Kernel, error) {
	src := shapes[0]
	k := &logsumexp{outer: 1, dim: shape.Size(src), inner: 1}
	if a.Axis != nil {
		ax, _ := ops.Axis(a, len(src))
		k.outer, k.dim, k.inner = split(src, ax)
	}
	return k, nil
}

func (k *logsumexp) Forward(in [][]float64, out []float64) {
	a, w := in[0], k.inner
	for o := range k.outer {
		src := a[o*k.dim*w : (o+1)*k.dim*w]
		for i := range w {
			m := math.Inf(-1)
			for d := range k.dim {
				m = max(m, src[d*w+i])
			}
			if math.IsInf(m, 0) || math.IsNaN(m) {
				out[o*w+i] = m
				continue
			}
			t := 0.0
			for d := range k.dim {
				t += fastmath.Exp(src[d*w+i] - m)
			}
			out[o*w+i] = m + fastmath.Log(t)
		}
	}
}

func (k *logsumexp) Backward(in [][]float64, out, g []float64, gin [][]float64) {
	ga := gin[0]
	if ga == nil {
		return
	}
	a, w := in[0], k.inner
	for o := range k.outer {
		base := o * k.dim * w
		for i := range w {
			z, v := out[o*w+i], g[o*w+i]
			if math.IsInf(z, 0) || math.IsNaN(z) || v == 0 {
				continue
			}
			for d := range k.dim {
				p := base + d*w + i
				ga[p] += v * fastmath.Exp(a[p]-z)
			}
		}
	}
}
