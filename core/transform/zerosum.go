package transform

import "math"

// PyMC's zerosum transform over the last k axes of the value (k <=
// maxZeroSumAxes). The unconstrained value has each of those axes one
// shorter. Along one axis, a line y of m coordinates becomes the m+1
// values x_j = y_j - S/(sqrt(n)+n) (j < m), x_m = -S/sqrt(n), with n =
// m+1 and S = sum(y): PyMC's extend_axis, an isometry onto the vectors
// that sum to zero, so the log-Jacobian is 0. The axes are extended one
// after another; the maps of different axes commute.

const maxZeroSumAxes = 8

// zeroSum is the geometry of one zerosum transform: the event axes'
// lengths (constrained) and strides, the number of events.
type zeroSum struct {
	axes   int
	len    [maxZeroSumAxes]int // each zero-sum axis's length in x
	stride [maxZeroSumAxes]int // its stride in x
	event  int                 // values of x in one event
	events int
}

// lines calls f for every line along axis a of one event at offset base
// of x's layout, the other zero-sum axes running over cur's lengths.
func (z *zeroSum) lines(base, a int, cur *[maxZeroSumAxes]int, f func(off, stride, n int)) {
	var idx [maxZeroSumAxes]int
	for {
		off := base
		for i := range z.axes {
			off += idx[i] * z.stride[i]
		}
		f(off, z.stride[a], cur[a])
		// next index over the axes but a
		i := z.axes - 1
		for ; i >= 0; i-- {
			if i == a {
				continue
			}
			idx[i]++
			if idx[i] < cur[i] {
				break
			}
			idx[i] = 0
		}
		if i < 0 {
			return
		}
	}
}

// each calls f(xOff, yOff) for every coordinate of y, with its offset
// in x's layout, event by event.
func (z *zeroSum) each(f func(xo, yo int)) {
	var idx [maxZeroSumAxes]int
	yo := 0
	for e := range z.events {
		base := e * z.event
		for {
			off := base
			for i := range z.axes {
				off += idx[i] * z.stride[i]
			}
			f(off, yo)
			yo++
			i := z.axes - 1
			for ; i >= 0; i-- {
				idx[i]++
				if idx[i] < z.len[i]-1 {
					break
				}
				idx[i] = 0
			}
			if i < 0 {
				break
			}
		}
	}
}

// extend applies PyMC's extend_axis to the line of m+1 values at off
// with stride st whose first m hold y.
func extend(x []float64, off, st, n int) {
	m := n - 1
	s := 0.0
	for j := range m {
		s += x[off+j*st]
	}
	rn := math.Sqrt(float64(n))
	norm := s / (rn + float64(n))
	for j := range m {
		x[off+j*st] -= norm
	}
	x[off+m*st] = -s / rn
}

// extendAdjoint is extend's transpose on a line of adjoints g of n
// values: the first m become y's adjoints.
func extendAdjoint(g []float64, off, st, n int) {
	m := n - 1
	t := 0.0
	for j := range m {
		t += g[off+j*st]
	}
	rn := math.Sqrt(float64(n))
	d := t/(rn+float64(n)) + g[off+m*st]/rn
	for j := range m {
		g[off+j*st] -= d
	}
}

// forward writes x from y.
func (z *zeroSum) forward(y, x []float64) {
	z.each(func(xo, yo int) { x[xo] = y[yo] })
	for e := range z.events {
		cur := z.len
		for i := range z.axes {
			cur[i]--
		}
		for a := range z.axes {
			cur[a]++
			z.lines(e*z.event, a, &cur, func(off, st, n int) { extend(x, off, st, n) })
		}
	}
}

// backward adds the adjoints gx pulled back through x into gy, working
// in scratch (of x's size).
func (z *zeroSum) backward(gx, gy, scratch []float64) {
	copy(scratch, gx)
	for e := range z.events {
		cur := z.len
		for a := range z.axes {
			z.lines(e*z.event, a, &cur, func(off, st, n int) { extendAdjoint(scratch, off, st, n) })
			cur[a]--
		}
	}
	z.each(func(xo, yo int) { gy[yo] += scratch[xo] })
}
