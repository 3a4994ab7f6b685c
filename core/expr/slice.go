package expr

import "github.com/exmc/exmc/core/ops"

// slicer takes every step-th block of an axis, starting at start.
type slicer struct {
	outer, dim, inner int
	start, step, n    int
}

func buildSlice(_ *Program, a Attrs, _ []Slot, shapes [][]int, _ []int) (Kernel, error) {
	ax, _ := ops.Axis(a, len(shapes[0]))
	k := &slicer{}
	k.outer, k.dim, k.inner = split(shapes[0], ax)
	var err error
	k.start, k.step, k.n, err = ops.SliceRange(a, k.dim)
	return k, err
}

// sliceView: a slice is contiguous when nothing lies outside the sliced
// axis in front of it and it takes consecutive blocks.
func sliceView(a Attrs, shapes [][]int, _ []int) (int, bool) {
	ax, _ := ops.Axis(a, len(shapes[0]))
	outer, dim, inner := split(shapes[0], ax)
	start, step, n, err := ops.SliceRange(a, dim)
	if err != nil || outer != 1 || (step != 1 && n > 1) {
		return 0, false
	}
	if n == 0 {
		return 0, true
	}
	return start * inner, true
}

func (k *slicer) Forward(in [][]float64, out []float64) {
	a, w := in[0], k.inner
	for o := range k.outer {
		src := a[o*k.dim*w : (o+1)*k.dim*w]
		dst := out[o*k.n*w : (o+1)*k.n*w]
		if k.step == 1 {
			copy(dst, src[k.start*w:])
			continue
		}
		for j := range k.n {
			p := (k.start + j*k.step) * w
			copy(dst[j*w:(j+1)*w], src[p:p+w])
		}
	}
}

func (k *slicer) Backward(_ [][]float64, _, g []float64, gin [][]float64) {
	ga := gin[0]
	if ga == nil {
		return
	}
	w := k.inner
	for o := range k.outer {
		dst := ga[o*k.dim*w : (o+1)*k.dim*w]
		src := g[o*k.n*w : (o+1)*k.n*w]
		if k.step == 1 {
			addTo(dst[k.start*w:], src)
			continue
		}
		for j := range k.n {
			p := (k.start + j*k.step) * w
			addTo(dst[p:p+w], src[j*w:(j+1)*w])
		}
	}
}
