package adapt

import (
	"errors"
	"fmt"
	"math"
)

// Online is nutpie's warmup schedule for one chain. The metric is updated
// after every draw from a running estimator instead of once per window, so
// that the sampler leaves its starting guess after a handful of draws
// rather than after Stan's 100. Two estimators take every draw: the
// foreground one, which the metric is computed from, and a background one.
// When the background has seen enough draws it becomes the foreground and
// a fresh background starts, so the metric forgets the early, transient
// draws at every swap while never being computed from fewer draws than the
// last swap interval.
//
// The warmup is split in three by fractions of its length: an early phase
// (EarlyFraction) that swaps every EarlySwitch draws, so the metric
// tracks a chain that is still travelling; a main phase whose swap
// interval starts at Switch and grows by SwitchGrowth per swap, and whose
// last interval stretches to its end rather than leaving a short one; and
// a final phase (FinalFraction) in which the metric is frozen and only the
// step size adapts, so that the step size sampling uses belongs to the
// metric sampling uses.
//
// The step size is dual-averaged throughout. Its history is forgotten
// once, when the first metric learned from draws replaces the initial
// one; later changes are gradual enough for the averaging to follow.
//
// The initial metric, installed by Begin, is 1/|∂logp/∂qᵢ| at the initial
// point: a scale for each coordinate before any draw exists.
type Online struct {
	o                  Options
	adapting           bool
	earlyEnd, finalBeg int
	fg, bg             MetricAdapter
	da                 *DualAveraging
	invMass, scratch   []float64
	prev               []float64
	draw, lastUpdate   int
	window             int
	updates, swaps     int
	learned            bool // the metric has been estimated from draws
}

// onlineMinDraws is how many draws the foreground estimator needs before
// its estimate replaces the metric: two give a variance, but one from two
// points is mostly noise.
const onlineMinDraws = 3

// NewOnline returns the online schedule for tune warmup iterations with
// two estimators of the same kind (diagonal only: updating a dense metric
// after every draw would mean a factorisation per draw), starting from
// invMass (copied) and step size eps. Call Begin before the first Step.
// Below MinTuneForMetric iterations only the step size adapts.
func NewOnline(tune int, fg, bg MetricAdapter, invMass []float64, eps float64, o Options) (*Online, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	if tune < 0 {
		return nil, fmt.Errorf("tune must be ≥ 0, got %d", tune)
	}
	if fg == nil || bg == nil || fg == bg {
		return nil, errors.New("the online schedule needs two distinct estimators")
	}
	if fg.Dense() || bg.Dense() {
		return nil, errors.New("the online schedule learns diagonal metrics only")
	}
	w := &Online{
		o:        o,
		adapting: tune >= MinTuneForMetric,
		earlyEnd: int(o.EarlyFraction * float64(tune)),
		finalBeg: tune - int(o.FinalFraction*float64(tune)),
		fg:       fg, bg: bg,
		da:      NewDualAveraging(o.TargetAccept, eps),
		invMass: append([]float64(nil), invMass...),
		scratch: append([]float64(nil), invMass...),
		prev:    make([]float64, len(invMass)), // at least the dimension
		window:  o.Switch,
	}
	w.da.Gamma, w.da.T0, w.da.Kappa = o.Gamma, o.T0, o.Kappa
	return w, nil
}

// Begin takes the chain's initial point and the gradient there: it seeds
// both estimators with them and sets the gradient-based initial metric.
func (w *Online) Begin(q, grad []float64) Update {
	copy(w.prev, q)
	if !w.adapting {
		return 0
	}
	w.fg.Observe(q, grad)
	w.bg.Observe(q, grad)
	// The metric's first len(q) entries are the diagonal (a low-rank
	// metric's scales, its correction starting empty).
	for i, g := range grad[:len(q)] {
		// For a Gaussian coordinate 1/|g| = σ²/|q-μ|, of the order of σ
		// where the chain starts; a zero or non-finite gradient says
		// nothing, and keeps the caller's scale.
		v := 1 / math.Abs(g)
		if math.IsInf(v, 0) || math.IsNaN(v) {
			v = w.invMass[i]
		}
		w.scratch[i] = math.Min(math.Max(v, gradMetricMin), gradMetricMax)
	}
	if !w.install() {
		return 0
	}
	return MetricChanged | StepSizeReset
}

// Step records one warmup transition.
func (w *Online) Step(t Transition) (Update, error) {
	i := w.draw
	w.draw++
	w.da.Update(t.AcceptStat)
	if !w.adapting || i >= w.finalBeg {
		return 0, nil
	}
	// A transition that kept its starting point, or that diverged, says
	// more about the step size than about the posterior's scales.
	if !t.Diverging && !equal(t.Q, w.prev) {
		w.fg.Observe(t.Q, t.Grad)
		w.bg.Observe(t.Q, t.Grad)
	}
	copy(w.prev, t.Q)

	early := i < w.earlyEnd
	if i == w.earlyEnd {
		// Never shorten the interval the background has already reached.
		w.window = max(w.window, w.bg.N())
	}
	every, next := w.o.EarlySwitch, w.o.EarlySwitch
	if !early {
		every = w.window
		next = int(math.Round(float64(w.window) * w.o.SwitchGrowth))
	}
	// No swap when the interval after it could not complete before the
	// final phase: the foreground then keeps growing to the end instead.
	swap := w.bg.N() >= every && i+next <= w.finalBeg
	if swap {
		w.fg, w.bg = w.bg, w.fg
		w.bg.Reset()
		w.swaps++
		if !early {
			w.window = next
		}
	}
	if !swap && i-w.lastUpdate < w.o.UpdateEvery || w.fg.N() < onlineMinDraws {
		return 0, nil
	}
	copy(w.scratch, w.invMass)
	if err := w.fg.Estimate(w.scratch); err != nil {
		return 0, err
	}
	w.lastUpdate = i
	if !w.install() {
		return 0, nil
	}
	if !w.learned {
		w.learned = true
		return MetricChanged | StepSizeReset, nil
	}
	return MetricChanged, nil
}

// install makes scratch the metric if it differs from the current one.
func (w *Online) install() bool {
	if equal(w.scratch, w.invMass) {
		return false
	}
	w.invMass, w.scratch = w.scratch, w.invMass
	w.updates++
	return true
}

func equal(a, b []float64) bool {
	for i, v := range a {
		if v != b[i] {
			return false
		}
	}
	return true
}

func (w *Online) StepSize() float64    { return w.da.StepSize() }
func (w *Online) StepSizeBar() float64 { return w.da.Final() }
func (w *Online) Restart(eps float64)  { w.da.Restart(eps) }
func (w *Online) InvMass() []float64   { return w.invMass }
func (w *Online) MetricUpdates() int   { return w.updates }

// Swaps counts the estimator swaps so far.
func (w *Online) Swaps() int { return w.swaps }

// Final is the dual-averaging average, or the current iterate when the
// average is not a usable step size.
func (w *Online) Final() float64 {
	eps := w.da.Final()
	if math.IsNaN(eps) || eps <= 0 || math.IsInf(eps, 0) {
		return w.da.StepSize()
	}
	return eps
}
