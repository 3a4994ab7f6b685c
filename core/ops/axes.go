package ops

import (
	"errors"
	"fmt"
)

// normAxis turns a possibly negative axis into an index below rank, with
// numpy's rule that -1 is the last axis.
func normAxis(axis, rank int) (int, error) {
	if axis < -rank || axis >= rank {
		return 0, fmt.Errorf("axis %d is out of bounds for an array of rank %d", axis, rank)
	}
	if axis < 0 {
		axis += rank
	}
	return axis, nil
}

// Axis is the axis attribute of a, 0 when absent, resolved against an
// array of the given rank: a negative axis counts from the end, as in
// numpy.
func Axis(a Attrs, rank int) (int, error) {
	axis := 0
	if a.Axis != nil {
		axis = *a.Axis
	}
	return normAxis(axis, rank)
}

// SliceRange resolves a's start:stop:step against an axis of length n
// exactly as Python's slice.indices does, returning the first index, the
// step and the number of elements taken.
func SliceRange(a Attrs, n int) (start, step, count int, err error) {
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

// Perm returns a's permutation of the axes of an array of the given rank,
// with negative axes resolved; none given means reversing the axes, as
// numpy does.
func Perm(a Attrs, rank int) ([]int, error) {
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
