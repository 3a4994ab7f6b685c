package diag

import (
	"math"
	"slices"
)

// quantile is numpy's default ("linear", Hyndman & Fan type 7) sample
// quantile of all draws. The tail ESS compares draws against it, so the
// interpolation is done exactly as numpy does it (including its switch to
// interpolating from the upper neighbour past the midpoint) to put the
// indicator boundary where ArviZ puts it.
func quantile(chains [][]float64, p float64) float64 {
	s := flatten(chains)
	slices.Sort(s)
	v := float64(len(s)-1) * p
	lo := math.Floor(v)
	i := int(lo)
	if i >= len(s)-1 {
		return s[len(s)-1]
	}
	t := v - lo
	a, b := s[i], s[i+1]
	d := b - a
	if t >= 0.5 {
		return b - d*(1-t)
	}
	return a + d*t
}
