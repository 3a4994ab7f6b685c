package adapt

import (
	"errors"
	"math"
)

// MetricAdapter learns an inverse mass matrix from the draws of one slow
// window at a time.
type MetricAdapter interface {
	// Dense reports whether Estimate writes a row-major d×d matrix rather
	// than a diagonal of length d.
	Dense() bool
	// Observe records one draw of the current window with the gradient of
	// the log-density there.
	Observe(q, grad []float64)
	// N is the number of draws observed in the current window.
	N() int
	// Estimate writes the new inverse mass matrix into invMass. It may
	// leave invMass unchanged when the window holds too little to go on.
	Estimate(invMass []float64) error
	// Reset starts a new window.
	Reset()
}

// ErrMetricOverflow reports a non-finite metric estimate: the chain went
// to extreme values, usually because the posterior is too wide or improper.
var ErrMetricOverflow = errors.New("numerical overflow in metric adaptation: the chain reached extreme values of the unconstrained parameters, which happens when the posterior is very wide or improper")

// regularize shrinks an estimate from n draws towards 1e-3 times the
// identity, with weight 5/(n+5) as Stan does: short windows are trusted
// less, and a coordinate that never moved still gets a positive variance.
func regularize(n int, v float64, onDiag bool) float64 {
	fn := float64(n)
	v *= fn / (fn + 5)
	if onDiag {
		v += 1e-3 * 5 / (fn + 5)
	}
	return v
}

// DiagVariance estimates a diagonal inverse mass matrix as the
// regularised sample variance of the window's draws.
type DiagVariance struct {
	w *WelfordVar
}

// NewDiagVariance returns Stan's diagonal estimator for dimension d.
func NewDiagVariance(d int) *DiagVariance { return &DiagVariance{w: NewWelfordVar(d)} }

func (a *DiagVariance) Dense() bool               { return false }
func (a *DiagVariance) Observe(q, grad []float64) { a.w.Add(q) }
func (a *DiagVariance) N() int                    { return a.w.N() }
func (a *DiagVariance) Reset()                    { a.w.Reset() }

// Estimate keeps the previous metric when the window has under two draws:
// there is no variance to regularise then.
func (a *DiagVariance) Estimate(invMass []float64) error {
	n := a.w.N()
	if n < 2 {
		return nil
	}
	a.w.Variance(invMass)
	for i, v := range invMass {
		invMass[i] = regularize(n, v, true)
		if math.IsNaN(invMass[i]) || math.IsInf(invMass[i], 0) {
			return ErrMetricOverflow
		}
	}
	return nil
}

// DenseCovariance estimates a dense inverse mass matrix as the regularised
// sample covariance of the window's draws.
type DenseCovariance struct {
	w *WelfordCov
	d int
}

// NewDenseCovariance returns Stan's dense estimator for dimension d.
func NewDenseCovariance(d int) *DenseCovariance {
	return &DenseCovariance{w: NewWelfordCov(d), d: d}
}

func (a *DenseCovariance) Dense() bool               { return true }
func (a *DenseCovariance) Observe(q, grad []float64) { a.w.Add(q) }
func (a *DenseCovariance) N() int                    { return a.w.N() }
func (a *DenseCovariance) Reset()                    { a.w.Reset() }

// Estimate keeps the previous metric when the window has under two draws.
func (a *DenseCovariance) Estimate(invMass []float64) error {
	n := a.w.N()
	if n < 2 {
		return nil
	}
	a.w.Covariance(invMass)
	for i, v := range invMass {
		invMass[i] = regularize(n, v, i/a.d == i%a.d)
		if math.IsNaN(invMass[i]) || math.IsInf(invMass[i], 0) {
			return ErrMetricOverflow
		}
	}
	return nil
}
