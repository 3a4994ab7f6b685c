package expr

import "errors"

// sliceRange resolves start:stop:step against an axis of length n exactly as
// Python's slice.indices does, returning the first index, the step and the
// number of elements taken.
func sliceRange(a Attrs, n int) (start, step, count int, err error) {
	step = 1
	if a.Step != nil {
		step = *a.Step
	}
	if step == 0 {
		return 0, 0, 0, errors.New("slice step cannot be zero")
	}
	// Out-of-range bounds clamp to just outside the ends, which differ by
	// direction: a backward slice may stop before element 0.
	lo, hi := 0, n
	if step < 0 {
		lo, hi = -1, n-1
	}
	clamp := func(p *int, def int) int {
		if p == nil {
			return def
		}
		v := *p
		if v < 0 {
			v += n
		}
		return min(max(v, lo), hi)
	}
	var stop int
	if step > 0 {
		start, stop = clamp(a.Start, lo), clamp(a.Stop, hi)
		if stop > start {
			count = (stop-start-1)/step + 1
		}
	} else {
		start, stop = clamp(a.Start, hi), clamp(a.Stop, lo)
		if start > stop {
			count = (start-stop-1)/(-step) + 1
		}
	}
	return start, step, count, nil
}

func sliceShape(a Attrs, args [][]int) ([]int, error) {
	src := args[0]
	if len(src) == 0 {
		return nil, errors.New("cannot slice a scalar")
	}
	ax, err := normAxis(axisOr(a.Axis, 0), len(src))
	if err != nil {
		return nil, err
	}
	_, _, count, err := sliceRange(a, src[ax])
	if err != nil {
		return nil, err
	}
	out := clone(src)
	out[ax] = count
	return out, nil
}

// slicer takes every step-th block of an axis, starting at start.
type slicer struct {
	outer, dim, inner int
	start, step, n    int
}

func buildSlice(_ *Program, a Attrs, _ []Slot, shapes [][]int, _ []int) (Kernel, error) {
	ax, _ := normAxis(axisOr(a.Axis, 0), len(shapes[0]))
	k := &slicer{}
	k.outer, k.dim, k.inner = split(shapes[0], ax)
	var err error
	k.start, k.step, k.n, err = sliceRange(a, k.dim)
	return k, err
}

// sliceView: a slice is contiguous when nothing lies outside the sliced
// axis in front of it and it takes consecutive blocks.
func sliceView(a Attrs, shapes [][]int, _ []int) (int, bool) {
	ax, _ := normAxis(axisOr(a.Axis, 0), len(shapes[0]))
	outer, dim, inner := split(shapes[0], ax)
	start, step, n, err := sliceRange(a, dim)
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
