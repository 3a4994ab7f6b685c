package adapt

import "math"

// DiagGradient estimates a diagonal inverse mass matrix from the draws and
// the gradients of the log-density at them: sqrt(var(q_i) / var(g_i)), the
// estimator nutpie uses. For a Gaussian posterior both var(q_i) and
// 1/var(g_i) are the variance, so the ratio's square root is too; away from
// Gaussian, the gradients carry the curvature the draws alone have to wait
// for, which makes the estimate from a short window better than the draw
// variance (Stan's DiagVariance).
type DiagGradient struct {
	q, g   *WelfordVar
	vq, vg []float64
}

// Bounds of the estimate: beyond them a coordinate is either frozen or
// flying off, and the metric would only hide it.
const (
	gradMetricMin = 1e-10
	gradMetricMax = 1e10
)

// NewDiagGradient returns the gradient-informed diagonal estimator for
// dimension d.
func NewDiagGradient(d int) *DiagGradient {
	return &DiagGradient{q: NewWelfordVar(d), g: NewWelfordVar(d), vq: make([]float64, d), vg: make([]float64, d)}
}

func (a *DiagGradient) Dense() bool { return false }

func (a *DiagGradient) Observe(q, grad []float64) {
	a.q.Add(q)
	a.g.Add(grad)
}

func (a *DiagGradient) N() int { return a.q.N() }

func (a *DiagGradient) Reset() {
	a.q.Reset()
	a.g.Reset()
}

// Estimate keeps the previous metric when the window has under two draws.
// A coordinate whose gradient did not vary (a flat direction) falls back
// to its regularised draw variance, as DiagVariance would estimate it.
func (a *DiagGradient) Estimate(invMass []float64) error {
	n := a.q.N()
	if n < 2 {
		return nil
	}
	a.q.Variance(a.vq)
	a.g.Variance(a.vg)
	for i := range invMass {
		v := math.Sqrt(a.vq[i] / a.vg[i])
		if !(v > 0) || math.IsInf(v, 0) {
			v = regularize(n, a.vq[i], true)
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return ErrMetricOverflow
		}
		invMass[i] = math.Min(math.Max(v, gradMetricMin), gradMetricMax)
	}
	return nil
}
