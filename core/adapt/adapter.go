package adapt

// Transition is what warmup learns from one NUTS transition.
type Transition struct {
	// Q and Grad are the chain's position after the transition and the
	// gradient of the log-density there; they are read, not kept.
	Q, Grad []float64
	// AcceptStat is the transition's mean acceptance statistic.
	AcceptStat float64
	// Diverging reports a divergent trajectory.
	Diverging bool
}

// Update says what the caller must do after a warmup transition.
type Update uint8

const (
	// MetricChanged: install InvMass in the sampler's metric.
	MetricChanged Update = 1 << iota
	// StepSizeReset: re-initialise the step size for the new metric
	// (InitStepSize from StepSize) and hand the result to Restart.
	StepSizeReset
)

// Adapter is one chain's warmup, whatever its schedule. Per warmup
// iteration the caller runs a transition at StepSize and passes its
// outcome to Step, then acts on the Update (Begin's too, before the first
// transition). After the last iteration,
// Final is the step size to sample with and InvMass the metric.
type Adapter interface {
	// Begin takes the initial point and its gradient, before the first
	// transition.
	Begin(q, grad []float64) Update
	Step(t Transition) (Update, error)
	// StepSize is the step size for the next warmup transition.
	StepSize() float64
	// StepSizeBar is the step size sampling would use if warmup ended now.
	StepSizeBar() float64
	// Restart recentres step-size adaptation on eps.
	Restart(eps float64)
	// InvMass is the current inverse mass matrix; do not modify it.
	InvMass() []float64
	// MetricUpdates counts the metric changes so far.
	MetricUpdates() int
	// Final is the step size to sample with once warmup is over.
	Final() float64
}

var (
	_ Adapter = (*Warmup)(nil)
	_ Adapter = (*Online)(nil)
)
