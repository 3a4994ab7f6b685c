package adapt

import "math"

// DualAveraging tunes log(step size) by Nesterov's dual averaging, as
// Hoffman and Gelman adapted it for HMC: the iterate x moves against the
// running mean of (target - acceptance), shrunk towards Mu, and the
// weighted average x̄ of the iterates is the step size to keep.
type DualAveraging struct {
	Target float64 // acceptance statistic to reach, δ
	Gamma  float64 // shrinkage towards Mu, γ
	T0     float64 // damping of early iterations, t₀
	Kappa  float64 // decay of the averaging weights, κ
	Mu     float64 // the point x is shrunk towards

	counter float64
	sBar    float64
	xBar    float64
	eps     float64
}

// NewDualAveraging returns Stan's defaults (γ = 0.05, t₀ = 10, κ = 0.75)
// for the given target, started at step size eps.
func NewDualAveraging(target, eps float64) *DualAveraging {
	d := &DualAveraging{Target: target, Gamma: 0.05, T0: 10, Kappa: 0.75}
	d.Restart(eps)
	return d
}

// Restart forgets the history and recentres on eps: Mu becomes log(10 eps),
// which biases the search towards larger steps, the cheap direction to
// be wrong in.
func (d *DualAveraging) Restart(eps float64) {
	d.counter, d.sBar, d.xBar = 0, 0, 0
	d.Mu = math.Log(10 * eps)
	d.eps = eps
}

// Update records one transition's acceptance statistic and returns the
// step size for the next transition.
func (d *DualAveraging) Update(acceptStat float64) float64 {
	d.counter++
	switch {
	case math.IsNaN(acceptStat):
		acceptStat = 0
	case acceptStat > 1:
		acceptStat = 1
	}
	eta := 1 / (d.counter + d.T0)
	d.sBar = (1-eta)*d.sBar + eta*(d.Target-acceptStat)
	x := d.Mu - d.sBar*math.Sqrt(d.counter)/d.Gamma
	w := math.Pow(d.counter, -d.Kappa)
	d.xBar = (1-w)*d.xBar + w*x
	d.eps = math.Exp(x)
	return d.eps
}

// StepSize is the current iterate exp(x), the step size to explore with.
func (d *DualAveraging) StepSize() float64 { return d.eps }

// Final is the averaged step size exp(x̄), the one to sample with. Before
// any update it is the current step size: x̄ = 0 would mean a step of 1,
// which is not an estimate of anything (the trap Stan falls into when the
// last window ends on the last warmup iteration).
func (d *DualAveraging) Final() float64 {
	if d.counter == 0 {
		return d.eps
	}
	return math.Exp(d.xBar)
}

// Count is the number of updates since the last restart.
func (d *DualAveraging) Count() int { return int(d.counter) }
