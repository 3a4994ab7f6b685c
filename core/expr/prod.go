package expr

import (
	"github.com/exmc/exmc/core/ops"
	"github.com/exmc/exmc/core/shape"
)

// prod multiplies along one axis (or over the whole array). The derivative
// in an element is the product of the others, formed as the product of
// those before it times those after it, never as the product divided by the
// element: exact where elements are zero. The products before each element
// go in a Scratch slot of the axis's length.
type prod struct {
	outer, dim, inner int
}

func buildProd(_ *Program, a Attrs, _ []Slot, shapes [][]int, _ []int) (Kernel, error) {
	src := shapes[0]
	k := &prod{outer: 1, dim: shape.Size(src), inner: 1}
	if a.Axis != nil {
		ax, _ := ops.Axis(a, len(src))
		k.outer, k.dim, k.inner = split(src, ax)
	}
	return k, nil
}

func prodScratch(a Attrs, shapes [][]int, _ []int) int {
	if a.Axis == nil {
		return shape.Size(shapes[0])
	}
	ax, _ := ops.Axis(a, len(shapes[0]))
	return shapes[0][ax]
}

func (k *prod) Forward(in [][]float64, out []float64) {
	a, w := in[0], k.inner
	for o := range k.outer {
		src := a[o*k.dim*w : (o+1)*k.dim*w]
		dst := out[o*w : (o+1)*w]
		for i := range dst {
			dst[i] = 1
		}
		for d := range k.dim {
			row := src[d*w : (d+1)*w]
			for i, v := range row {
				dst[i] *= v
			}
		}
	}
}

func (k *prod) Backward(in [][]float64, _, g []float64, gin [][]float64) {
	ga := gin[0]
	if ga == nil {
		return
	}
	a, w := in[0], k.inner
	before := in[1][:k.dim]
	for o := range k.outer {
		base := o * k.dim * w
		for i := range w {
			p := 1.0
			for d := range k.dim {
				before[d] = p
				p *= a[base+d*w+i]
			}
			gi, after := g[o*w+i], 1.0
			for d := k.dim - 1; d >= 0; d-- {
				j := base + d*w + i
				ga[j] += gi * before[d] * after
				after *= a[j]
			}
		}
	}
}
