package adapt

import (
	"fmt"
	"math"
)

// Options configures a Warmup. The zero value is not useful; start from
// DefaultOptions.
type Options struct {
	// TargetAccept is the dual-averaging target δ, in (0, 1): the user's
	// target_accept, which core/sample checks (its Schema) before any
	// warmup is made.
	TargetAccept float64
	Gamma        float64
	T0           float64
	Kappa        float64
	InitBuffer   int
	TermBuffer   int
	BaseWindow   int
	// TermFraction lengthens the terminal buffer to this fraction of the
	// warmup when that is more than TermBuffer.
	TermFraction float64

	// The online schedule's settings (see Online); the windowed schedule
	// ignores them.
	//
	// EarlyFraction is the share of the warmup, from its start, in which
	// the estimators swap every EarlySwitch draws.
	EarlyFraction float64
	EarlySwitch   int
	// Switch is the first swap interval after the early phase; each swap
	// multiplies it by SwitchGrowth (rounded; 1 keeps it constant).
	Switch       int
	SwitchGrowth float64
	// FinalFraction is the share of the warmup, at its end, in which only
	// the step size adapts.
	FinalFraction float64
	// UpdateEvery is the number of warmup draws between metric updates
	// from the foreground estimator; swaps update it regardless.
	UpdateEvery int
}

// DefaultOptions returns Stan's defaults but for the terminal buffer: 15%
// of the warmup (the share nutpie gives its final step-size window), 150
// iterations of 1000, and never less than Stan's 50. After the last metric
// update the step size restarts from the heuristic, and 50 dual-averaging
// iterations are too few for it to settle: their average x̄ lands below the
// step size that reaches the target, the realised acceptance is 0.88-0.93
// for a target of 0.8, and each draw takes more leapfrog steps than it
// needs. Measured on the benchmark models (docs/DECISIONS.md), 150 of 1000
// gives more effective draws per gradient on six of seven. A short warmup
// keeps Stan's 50, so that its slow windows are not cut.
func DefaultOptions() Options {
	return Options{TargetAccept: 0.8, Gamma: 0.05, T0: 10, Kappa: 0.75,
		InitBuffer: 75, TermBuffer: 50, BaseWindow: 25, TermFraction: 0.15,
		EarlyFraction: 0.3, EarlySwitch: 10, Switch: 80, SwitchGrowth: 1.5,
		FinalFraction: 0.15, UpdateEvery: 1}
}

// StanOptions returns Stan's defaults: a terminal buffer of 50 whatever the
// warmup's length.
func StanOptions() Options {
	o := DefaultOptions()
	o.TermFraction = 0
	return o
}

// TermBufferFor is the terminal buffer for a warmup of tune iterations.
func (o Options) TermBufferFor(tune int) int {
	return max(o.TermBuffer, int(o.TermFraction*float64(tune)))
}

// Validate reports the first invalid setting of the schedule and the dual
// averaging. TargetAccept is not among them: it is the user's option,
// checked by core/sample.
func (o Options) Validate() error {
	switch {
	case !(o.Gamma > 0), !(o.T0 > 0), !(o.Kappa > 0):
		return fmt.Errorf("Gamma, T0 and Kappa must be positive, got %v, %v, %v", o.Gamma, o.T0, o.Kappa)
	case !(o.TermFraction >= 0 && o.TermFraction < 1):
		return fmt.Errorf("TermFraction must be in [0, 1), got %v", o.TermFraction)
	case o.InitBuffer < 0 || o.TermBuffer < 0 || o.BaseWindow < 1:
		return fmt.Errorf("InitBuffer and TermBuffer must be ≥ 0 and BaseWindow ≥ 1, got %d, %d, %d",
			o.InitBuffer, o.TermBuffer, o.BaseWindow)
	case !(o.EarlyFraction >= 0 && o.FinalFraction >= 0 && o.EarlyFraction+o.FinalFraction < 1):
		return fmt.Errorf("EarlyFraction and FinalFraction must be ≥ 0 with a sum below 1, got %v and %v",
			o.EarlyFraction, o.FinalFraction)
	case o.EarlySwitch < 1 || o.Switch < 1 || o.UpdateEvery < 1:
		return fmt.Errorf("EarlySwitch, Switch and UpdateEvery must be ≥ 1, got %d, %d, %d",
			o.EarlySwitch, o.Switch, o.UpdateEvery)
	case !(o.SwitchGrowth >= 1) || math.IsInf(o.SwitchGrowth, 0):
		return fmt.Errorf("SwitchGrowth must be finite and ≥ 1, got %v", o.SwitchGrowth)
	}
	return nil
}

// Warmup is Stan's windowed adaptation for one chain. Per warmup
// iteration the caller runs a transition at StepSize, then calls Learn
// with its outcome. When Learn reports a metric update, the caller installs
// InvMass, re-initialises the step size (InitStepSize) and calls Restart
// with the result. After the last warmup iteration, Final is the step size
// to sample with.
type Warmup struct {
	sched   *Schedule
	da      *DualAveraging
	metric  MetricAdapter
	invMass []float64
	scratch []float64
	updates int
}

// NewWarmup returns a warmup of tune iterations starting from the inverse
// mass matrix invMass (copied; its layout follows metric.Dense()) and step
// size eps.
func NewWarmup(tune int, metric MetricAdapter, invMass []float64, eps float64, o Options) (*Warmup, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	if tune < 0 {
		return nil, fmt.Errorf("tune must be ≥ 0, got %d", tune)
	}
	w := &Warmup{
		sched:   NewSchedule(tune, o.InitBuffer, o.TermBufferFor(tune), o.BaseWindow),
		da:      NewDualAveraging(o.TargetAccept, eps),
		metric:  metric,
		invMass: append([]float64(nil), invMass...),
		scratch: append([]float64(nil), invMass...),
	}
	w.da.Gamma, w.da.T0, w.da.Kappa = o.Gamma, o.T0, o.Kappa
	return w, nil
}

// Learn records one warmup transition: the chain's position and gradient
// after it and its acceptance statistic. It reports whether the inverse
// mass matrix changed. An error means the metric estimate overflowed.
func (w *Warmup) Learn(q, grad []float64, acceptStat float64) (metricUpdated bool, err error) {
	w.da.Update(acceptStat)
	collect, end := w.sched.Step()
	if collect {
		w.metric.Observe(q, grad)
	}
	if !end {
		return false, nil
	}
	copy(w.scratch, w.invMass)
	err = w.metric.Estimate(w.scratch)
	w.metric.Reset()
	if err != nil {
		return false, err
	}
	changed := false
	for i, v := range w.scratch {
		if v != w.invMass[i] {
			changed = true
			break
		}
	}
	if !changed {
		return false, nil
	}
	w.invMass, w.scratch = w.scratch, w.invMass
	w.updates++
	return true, nil
}

// Begin does nothing: the windowed schedule starts from the caller's
// metric and learns from draws only.
func (w *Warmup) Begin(q, grad []float64) Update { return 0 }

// Step is Learn for the Adapter interface: every metric update asks for
// a step-size reset, since the windowed schedule restarts dual averaging
// under each new metric.
func (w *Warmup) Step(t Transition) (Update, error) {
	updated, err := w.Learn(t.Q, t.Grad, t.AcceptStat)
	if !updated {
		return 0, err
	}
	return MetricChanged | StepSizeReset, err
}

// StepSize is the step size for the next warmup transition.
func (w *Warmup) StepSize() float64 { return w.da.StepSize() }

// StepSizeBar is the dual-averaging average exp(x̄) so far: the step size
// sampling would use if warmup ended now.
func (w *Warmup) StepSizeBar() float64 { return w.da.Final() }

// Restart recentres step-size adaptation on eps, the re-initialised step
// size for a new metric, forgetting the history gathered under the old one.
func (w *Warmup) Restart(eps float64) { w.da.Restart(eps) }

// InvMass is the current inverse mass matrix; do not modify it.
func (w *Warmup) InvMass() []float64 { return w.invMass }

// MetricUpdates counts the metric updates so far.
func (w *Warmup) MetricUpdates() int { return w.updates }

// Final is the step size to sample with once warmup is over.
func (w *Warmup) Final() float64 {
	eps := w.da.Final()
	if math.IsNaN(eps) || eps <= 0 || math.IsInf(eps, 0) {
		return w.da.StepSize()
	}
	return eps
}
