package transform

import (
	"math"

	"github.com/exmc/exmc/core/expr"
)

// ConstrainKernel computes x = Constrain(y) elementwise (Ordered, Simplex:
// along the last axis), as an expr.Kernel: in[0] is y, followed by the
// bounds (Interval: lo, hi), each broadcast to y's shape; out has y's
// shape, or Kind.Constrained's.
type ConstrainKernel struct{ s spec }

var _ expr.Kernel = (*ConstrainKernel)(nil)

// NewConstrain builds the constrain kernel of kind k for y of shape y and
// bound arrays of the given shapes.
func NewConstrain(k Kind, y []int, bounds ...[]int) (*ConstrainKernel, error) {
	return NewConstrainAxes(k, y, 0, bounds...)
}

// NewConstrainAxes is NewConstrain for a transform over the last axes
// axes (ZeroSum; Simplex's is always 1). ZeroSum's Backward reads working
// space of Scratch values from its last input.
func NewConstrainAxes(k Kind, y []int, axes int, bounds ...[]int) (*ConstrainKernel, error) {
	s, err := newSpec(k, y, axes, bounds)
	if err != nil {
		return nil, err
	}
	return &ConstrainKernel{s}, nil
}

// Forward writes x into out.
func (c *ConstrainKernel) Forward(in [][]float64, out []float64) {
	s := &c.s
	y := in[0][:s.n]
	if s.kind == Simplex {
		simplexForward(y, out[:s.nx], s.row)
		return
	}
	if s.kind == ZeroSum {
		s.zs.forward(y, out[:s.nx])
		return
	}
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
	case Circular:
		for i, v := range y {
			out[i] = math.Atan2(math.Sin(v), math.Cos(v))
		}
	case LowerBound:
		for i, v := range y {
			out[i] = lo[s.lo.At(i)] + math.Exp(v)
		}
	case UpperBound:
		for i, v := range y {
			out[i] = hi[s.hi.At(i)] - math.Exp(v)
		}
	case CholeskyCovPacked:
		for r := 0; r < s.n; r += s.row {
			for d, j := 0, 0; d < s.row; j, d = j+1, d+j+2 {
				copy(out[r+d-j:r+d], y[r+d-j:r+d])
				out[r+d] = math.Exp(y[r+d])
			}
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
	gy := gin[0]
	if s.kind == Simplex {
		if gy != nil {
			simplexBackward(out[:s.nx], gout[:s.nx], gy[:s.n], s.row)
		}
		return
	}
	if s.kind == ZeroSum {
		if gy != nil {
			s.zs.backward(gout[:s.nx], gy[:s.n], in[1][:s.nx])
		}
		return
	}
	gout = gout[:s.n]
	lo, hi, glo, ghi := s.bounds(in, gin)
	switch s.kind {
	case Identity, Circular:
		// Circular: x moves with y (by whole turns it jumps, on a set of
		// measure zero)
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
	case CholeskyCovPacked:
		if gy == nil {
			return
		}
		for i, g := range gout {
			if packedDiagonal(i % s.row) {
				g *= out[i]
			}
			gy[i] += g
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

// simplexForward writes x = softmax(y, -sum(y)) row by row: rows of m
// coordinates of y, of m+1 values of x.
func simplexForward(y, x []float64, m int) {
	for r, o := 0, 0; o < len(x); r, o = r+m, o+m+1 {
		row, xr := y[r:r+m], x[o:o+m+1]
		s := 0.0
		for _, v := range row {
			s += v
		}
		top := -s
		for _, v := range row {
			top = math.Max(top, v)
		}
		tot := 0.0
		for i, v := range row {
			xr[i] = math.Exp(v - top)
			tot += xr[i]
		}
		xr[m] = math.Exp(-s - top)
		tot += xr[m]
		for i := range xr {
			xr[i] /= tot
		}
	}
}

// simplexBackward adds to gy the adjoints gx pulled back through x:
// with z = (y, -sum(y)), d/dz_j = x_j (gx_j - sum_i gx_i x_i), and
// d/dy_j = d/dz_j - d/dz_K.
func simplexBackward(x, gx, gy []float64, m int) {
	for r, o := 0, 0; o < len(x); r, o = r+m, o+m+1 {
		xr, gr := x[o:o+m+1], gx[o:o+m+1]
		dot := 0.0
		for i, v := range xr {
			dot += v * gr[i]
		}
		last := xr[m] * (gr[m] - dot)
		for j := range m {
			gy[r+j] += xr[j]*(gr[j]-dot) - last
		}
	}
}

// Scratch is the working space, in values, that Backward reads from the
// kernel's last input: ZeroSum's, x's size; 0 for the others, which have
// no such input.
func (c *ConstrainKernel) Scratch() int {
	if c.s.kind == ZeroSum {
		return c.s.nx
	}
	return 0
}
