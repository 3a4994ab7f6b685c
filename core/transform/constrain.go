package transform

import (
	"math"

	"github.com/exmc/exmc/core/expr"
)

// ConstrainKernel computes x = Constrain(y) elementwise (Ordered: along the
// last axis), as an expr.Kernel: in[0] is y, followed by the bounds
// (Interval: lo, hi), each broadcast to y's shape; out has y's shape.
type ConstrainKernel struct{ s spec }

var _ expr.Kernel = (*ConstrainKernel)(nil)

// NewConstrain builds the constrain kernel of kind k for y of shape y and
// bound arrays of the given shapes.
func NewConstrain(k Kind, y []int, bounds ...[]int) (*ConstrainKernel, error) {
	s, err := newSpec(k, y, bounds)
	if err != nil {
		return nil, err
	}
	return &ConstrainKernel{s}, nil
}

// Forward writes x into out.
func (c *ConstrainKernel) Forward(in [][]float64, out []float64) {
	s := &c.s
	y := in[0][:s.n]
	out = out[:s.n]
	lo, hi, _, _ := s.bounds(in, nil)
	switch s.kind {
	case Identity:
		copy(out, y)
	case Log:
		for i, v := range y {
			out[i] = math.Exp(v)
		}
	case Interval:
		for i, v := range y {
			out[i] = intervalValue(v, lo[s.lo.At(i)], hi[s.hi.At(i)])
		}
	case LowerBound:
		for i, v := range y {
			out[i] = lo[s.lo.At(i)] + math.Exp(v)
		}
	case UpperBound:
		for i, v := range y {
			out[i] = hi[s.hi.At(i)] - math.Exp(v)
		}
	case Ordered:
		for r := 0; r < s.n; r += s.row {
			acc := y[r]
			out[r] = acc
			for i := r + 1; i < r+s.row; i++ {
				acc += math.Exp(y[i])
				out[i] = acc
			}
		}
	}
}

// Backward adds gout pulled back through x(y, lo, hi) into gin.
func (c *ConstrainKernel) Backward(in [][]float64, out, gout []float64, gin [][]float64) {
	s := &c.s
	y := in[0][:s.n]
	gout = gout[:s.n]
	gy := gin[0]
	lo, hi, glo, ghi := s.bounds(in, gin)
	switch s.kind {
	case Identity:
		if gy != nil {
			for i, g := range gout {
				gy[i] += g
			}
		}
	case Log:
		// dx/dy = x, already in out.
		if gy != nil {
			for i, g := range gout {
				gy[i] += g * out[i]
			}
		}
	case Interval:
		for i, g := range gout {
			j, k := s.lo.At(i), s.hi.At(i)
			p, q := sigmoid(y[i]), sigmoid(-y[i])
			if gy != nil {
				gy[i] += g * (hi[k] - lo[j]) * p * q
			}
			if glo != nil {
				glo[j] += g * q
			}
			if ghi != nil {
				ghi[k] += g * p
			}
		}
	case LowerBound, UpperBound:
		sign, m, gb := 1.0, &s.lo, glo
		if s.kind == UpperBound {
			sign, m, gb = -1, &s.hi, ghi
		}
		for i, g := range gout {
			if gy != nil {
				gy[i] += sign * g * math.Exp(y[i])
			}
			if gb != nil {
				gb[m.At(i)] += g
			}
		}
	case Ordered:
		if gy == nil {
			return
		}
		// y[j] moves every x[i] with i >= j, by exp(y[j]) for j > 0.
		for r := 0; r < s.n; r += s.row {
			acc := 0.0
			for i := r + s.row - 1; i > r; i-- {
				acc += gout[i]
				gy[i] += acc * math.Exp(y[i])
			}
			gy[r] += acc + gout[r]
		}
	}
}
