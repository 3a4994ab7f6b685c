package transform

import (
	"math"

	"github.com/exmc/exmc/core/expr"
)

// LogJacKernel computes the sum over all elements of log|dx/dy| of the
// constrain map (PyMC's log_jac_det, summed), as an expr.Kernel with the
// same inputs as ConstrainKernel and a one-element out.
//
// Per element: Identity and Circular 0; Log, LowerBound and UpperBound y; Interval
// log(hi - lo) + log_sigmoid(y) + log_sigmoid(-y); Ordered y[i] for every
// i > 0 along the last axis (the Jacobian is triangular with diagonal
// 1, exp(y[1]), exp(y[2]), ...); CholeskyCovPacked the sum of y over
// the packed diagonal; Simplex, per row of the last axis,
// PyMC's log K + K sum(y) - K logsumexp(y + sum(y), 0), which is
// log K - K logsumexp(z) with z = (y, -sum(y)), the log-determinant of
// the first K-1 values' Jacobian in y; ZeroSum 0, as PyMC's (an
// isometry onto the zero-sum subspace).
type LogJacKernel struct{ s spec }

var _ expr.GradKernel = (*LogJacKernel)(nil)

// NewLogJac builds the log-Jacobian kernel of kind k for y of shape y and
// bound arrays of the given shapes.
func NewLogJac(k Kind, y []int, bounds ...[]int) (*LogJacKernel, error) {
	return NewLogJacAxes(k, y, 0, bounds...)
}

// NewLogJacAxes is NewLogJac for a transform over the last axes axes
// (ZeroSum, whose log-Jacobian is 0).
func NewLogJacAxes(k Kind, y []int, axes int, bounds ...[]int) (*LogJacKernel, error) {
	s, err := newSpec(k, y, axes, bounds)
	if err != nil {
		return nil, err
	}
	return &LogJacKernel{s}, nil
}

// Forward writes the summed log-Jacobian into out[0].
func (l *LogJacKernel) Forward(in [][]float64, out []float64) {
	s := &l.s
	y := in[0][:s.n]
	lo, hi, _, _ := s.bounds(in, nil)
	sum := 0.0
	switch s.kind {
	case Log, LowerBound, UpperBound:
		for _, v := range y {
			sum += v
		}
	case Interval:
		for i, v := range y {
			sum += math.Log(hi[s.hi.At(i)]-lo[s.lo.At(i)]) + logSigmoidPair(v)
		}
	case Ordered:
		for r := 0; r < s.n; r += s.row {
			for _, v := range y[r+1 : r+s.row] {
				sum += v
			}
		}
	case CholeskyCovPacked:
		for r := 0; r < s.n; r += s.row {
			for d, j := 0, 0; d < s.row; j, d = j+1, d+j+2 {
				sum += y[r+d]
			}
		}
	case Simplex:
		// with one category a row has no coordinates and adds log 1 - 0
		k := float64(s.row + 1)
		for r := 0; s.row > 0 && r < s.n; r += s.row {
			sum += math.Log(k) - k*simplexLSE(y[r:r+s.row])
		}
	}
	out[0] = sum
}

// ForwardGrad is Forward followed by Backward with an adjoint of 1, as
// expr.GradKernel asks: the log-Jacobian is a term of the log-density, and
// computing its gradient here spares the backward pass an instruction.
func (l *LogJacKernel) ForwardGrad(in [][]float64, out []float64, gin [][]float64) {
	l.Forward(in, out)
	one := [1]float64{1}
	l.Backward(in, out, one[:], gin)
}

// Backward adds gout[0] times the gradient of the sum into gin.
func (l *LogJacKernel) Backward(in [][]float64, out, gout []float64, gin [][]float64) {
	s := &l.s
	g := gout[0]
	y := in[0][:s.n]
	gy := gin[0]
	lo, hi, glo, ghi := s.bounds(in, gin)
	switch s.kind {
	case Log, LowerBound, UpperBound:
		if gy != nil {
			for i := range y {
				gy[i] += g
			}
		}
	case Interval:
		for i, v := range y {
			if gy != nil {
				gy[i] += g * dLogSigmoidPair(v)
			}
			if glo == nil && ghi == nil {
				continue
			}
			j, k := s.lo.At(i), s.hi.At(i)
			d := g / (hi[k] - lo[j])
			if glo != nil {
				glo[j] -= d
			}
			if ghi != nil {
				ghi[k] += d
			}
		}
	case Ordered:
		if gy == nil {
			return
		}
		for r := 0; r < s.n; r += s.row {
			for i := r + 1; i < r+s.row; i++ {
				gy[i] += g
			}
		}
	case CholeskyCovPacked:
		if gy == nil {
			return
		}
		for r := 0; r < s.n; r += s.row {
			for d, j := 0, 0; d < s.row; j, d = j+1, d+j+2 {
				gy[r+d] += g
			}
		}
	case Simplex:
		if gy == nil || s.row == 0 {
			return
		}
		// d/dy_j (-K lse(z)) = -K (x_j - x_K)
		k := float64(s.row + 1)
		for r := 0; r < s.n; r += s.row {
			row := y[r : r+s.row]
			lse := simplexLSE(row)
			sum := 0.0
			for _, v := range row {
				sum += v
			}
			xk := math.Exp(-sum - lse)
			for j, v := range row {
				gy[r+j] -= g * k * (math.Exp(v-lse) - xk)
			}
		}
	}
}

// simplexLSE returns logsumexp(y, -sum(y)).
func simplexLSE(y []float64) float64 {
	sum := 0.0
	for _, v := range y {
		sum += v
	}
	top := -sum
	for _, v := range y {
		top = math.Max(top, v)
	}
	tot := math.Exp(-sum - top)
	for _, v := range y {
		tot += math.Exp(v - top)
	}
	return top + math.Log(tot)
}
