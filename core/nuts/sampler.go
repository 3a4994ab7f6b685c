package nuts

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
)

// Options are the trajectory limits and the U-turn criterion of a Sampler.
type Options struct {
	// MaxTreeDepth bounds the number of doublings, hence 2^MaxTreeDepth - 1
	// leapfrog steps per transition.
	MaxTreeDepth int
	// MaxEnergyError is the energy error H - H0 above which a step is
	// divergent.
	MaxEnergyError float64
	// Criterion is the U-turn criterion; the zero value is
	// CriterionDisplacement.
	Criterion Criterion
}

// Criterion selects how a trajectory is judged to have turned. Both are
// valid NUTS criteria: each is symmetric in a stretch's two ends and is
// applied to every merge of two subtrees, including the checks across the
// merge, so the tree is reversible and the chain keeps its target.
type Criterion int

const (
	// CriterionDisplacement reports a U-turn when the displacement Δq
	// between a stretch's ends has a negative inner product with the
	// momentum p at either end. This is nutpie's (nuts-rs's) criterion,
	// which it states on positions and velocities in the metric's whitened
	// coordinates; Δq·p is the same number in any linear coordinates.
	CriterionDisplacement Criterion = iota
	// CriterionMomentumSum is Stan's generalised criterion: the momentum ρ
	// summed over every point of a stretch, ends included, against the
	// velocity M⁻¹p at either end. Since ρ = MΔq/ε + (p₀ + pₙ)/2 + O(ε),
	// its test at an end carries an extra K + p₀·M⁻¹pₙ/2, about d/2, in
	// favour of going on; with many stiff directions its trajectories run
	// past the U-turn. On the stochastic-volatility benchmark model (d =
	// 102) it takes 79 gradients per draw where CriterionDisplacement takes
	// 56, for a quarter fewer effective draws per gradient; on the small
	// benchmark models the two are within a few percent.
	CriterionMomentumSum
)

func (c Criterion) String() string {
	switch c {
	case CriterionDisplacement:
		return "displacement"
	case CriterionMomentumSum:
		return "momentum-sum"
	}
	return fmt.Sprintf("Criterion(%d)", int(c))
}

// DefaultOptions returns Stan's limits, depth 10 and energy error 1000,
// with the displacement criterion.
func DefaultOptions() Options {
	return Options{MaxTreeDepth: 10, MaxEnergyError: 1000, Criterion: CriterionDisplacement}
}

// MaxTreeDepthLimit is the largest MaxTreeDepth there is a use for; deeper
// trees would take more than a billion gradient evaluations per draw.
// core/sample's Schema bounds the user's max_treedepth with it.
const MaxTreeDepthLimit = 30

// Sampler runs NUTS transitions for one chain. It is not safe for
// concurrent use.
type Sampler struct {
	dens   Density
	metric Metric
	dim    int
	opt    Options
	eps    float64

	cur draw // the chain's current state
	rng *rand.Rand

	// Trajectory ends, each integrated in place.
	fwd, bck point
	sample   draw
	propose  draw

	// The four ends of the two subtrees around the latest merge, named
	// <subtree><end>, and the summed momenta CriterionMomentumSum needs.
	fwdFwd, fwdBck, bckFwd, bckBck edge
	rho, rhoFwd, rhoBck, rhoExt    []float64

	levels []level // scratch for buildTree, indexed by depth

	// Per-transition accumulators.
	h0           float64
	nLeapfrog    int
	sumMetroProb float64
	divergent    bool
	maxErr       float64
	fatal        error

	gradEvals int64
	cause     error
	probe     point
}

// level is the scratch one recursion level of buildTree needs; only one
// frame per depth is live at a time, so one level per depth suffices.
type level struct {
	proposeFinal                 draw
	initEnd, finalBeg            edge
	rhoInit, rhoFinal, rhoSubset []float64
}

// New returns a Sampler for d with metric m and step size 1. Call
// SetPosition before the first transition.
//
// o's values are the user's options, checked by core/sample (its Schema)
// before a sampler is made: New does not check them again. It panics on
// a MaxTreeDepth below 1, which would leave a transition nothing to do,
// or above MaxTreeDepthLimit, for which it would allocate scratch by the
// gigabyte: neither can reach it from a user's options.
func New(d Density, m Metric, o Options) (*Sampler, error) {
	if d == nil || m == nil {
		return nil, errors.New("nuts: density and metric must not be nil")
	}
	if o.MaxTreeDepth < 1 || o.MaxTreeDepth > MaxTreeDepthLimit {
		panic(fmt.Sprintf("nuts: New called with MaxTreeDepth %d, outside the validated options' bounds", o.MaxTreeDepth))
	}
	dim := d.Dim()
	if dim < 0 {
		return nil, fmt.Errorf("nuts: density dimension is %d", dim)
	}
	if m.Dim() != dim {
		return nil, fmt.Errorf("nuts: metric dimension %d does not match density dimension %d", m.Dim(), dim)
	}
	s := &Sampler{dens: d, metric: m, dim: dim, opt: o, eps: 1}
	s.cur, s.sample, s.propose = newDraw(dim), newDraw(dim), newDraw(dim)
	s.fwd, s.bck, s.probe = newPoint(dim), newPoint(dim), newPoint(dim)
	s.fwdFwd, s.fwdBck, s.bckFwd, s.bckBck = newEdge(dim), newEdge(dim), newEdge(dim), newEdge(dim)
	vecs := make([]float64, 4*dim)
	next := func() []float64 {
		v := vecs[:dim:dim]
		vecs = vecs[dim:]
		return v
	}
	s.rho, s.rhoFwd, s.rhoBck, s.rhoExt = next(), next(), next(), next()
	s.levels = make([]level, o.MaxTreeDepth)
	for i := 1; i < len(s.levels); i++ {
		buf := make([]float64, 3*dim)
		lv := &s.levels[i]
		lv.proposeFinal = newDraw(dim)
		lv.initEnd, lv.finalBeg = newEdge(dim), newEdge(dim)
		for _, p := range []*[]float64{&lv.rhoInit, &lv.rhoFinal, &lv.rhoSubset} {
			*p = buf[:dim:dim]
			buf = buf[dim:]
		}
	}
	s.cur.logp = math.NaN()
	return s, nil
}

// Dim is the dimension of the sampled space.
func (s *Sampler) Dim() int { return s.dim }

// Options returns the trajectory limits and the U-turn criterion.
func (s *Sampler) Options() Options { return s.opt }

// SetPosition moves the chain to q. It fails, leaving the chain where it
// was, when the density is not finite there or fails.
func (s *Sampler) SetPosition(q []float64) error {
	if len(q) != s.dim {
		return fmt.Errorf("nuts: position has length %d, want %d", len(q), s.dim)
	}
	copy(s.probe.q, q)
	lp, err := s.eval(s.probe.q, s.probe.grad)
	if err != nil {
		return err
	}
	copy(s.cur.q, s.probe.q)
	copy(s.cur.grad, s.probe.grad)
	s.cur.logp = lp
	return nil
}

// Position is the current state; it is valid until the next transition and
// must not be modified.
func (s *Sampler) Position() []float64 { return s.cur.q }

// Gradient is ∇log p at Position, under the same rules.
func (s *Sampler) Gradient() []float64 { return s.cur.grad }

// Logp is the log-density at Position.
func (s *Sampler) Logp() float64 { return s.cur.logp }

// StepSize is the step size of the next transition.
func (s *Sampler) StepSize() float64 { return s.eps }

// SetStepSize sets the step size; it must be finite and positive.
func (s *Sampler) SetStepSize(eps float64) error {
	if !(eps > 0) || math.IsInf(eps, 0) {
		return fmt.Errorf("nuts: step size must be finite and positive, got %v", eps)
	}
	s.eps = eps
	return nil
}

// Metric is the metric in use.
func (s *Sampler) Metric() Metric { return s.metric }

// GradEvals counts LogpGrad calls since New, including failed ones.
func (s *Sampler) GradEvals() int64 { return s.gradEvals }

// LastFailure is the most recent recoverable density failure (a panic, an
// error or a non-finite value), or nil. It explains divergences that are
// not plain energy blow-ups.
func (s *Sampler) LastFailure() error { return s.cause }

// eval wraps Eval with bookkeeping: a recoverable failure is remembered as
// the cause of the divergence it produces, an unrecoverable one aborts the
// transition through s.fatal.
func (s *Sampler) eval(q, grad []float64) (float64, error) {
	s.gradEvals++
	lp, err := Eval(s.dens, q, grad)
	if err != nil {
		if IsRecoverable(err) {
			s.cause = err
		} else {
			s.fatal = err
		}
		return lp, err
	}
	return lp, nil
}

// ProbeStep draws a momentum at the current position, takes one leapfrog
// step of size eps and returns H0 - H, the log of the Metropolis ratio
// (-Inf when the step fails). The chain does not move. It is the primitive
// of step-size initialisation heuristics; its error is fatal.
func (s *Sampler) ProbeStep(r *rand.Rand, eps float64) (float64, error) {
	if s.dim == 0 {
		return 0, nil
	}
	s.rng = r
	defer func() { s.rng = nil }()
	s.fatal = nil
	z := &s.probe
	copy(z.q, s.cur.q)
	copy(z.grad, s.cur.grad)
	z.logp = s.cur.logp
	s.startMomentum(z)
	h0 := z.energy()
	if err := s.leapfrog(z, eps); err != nil {
		if s.fatal != nil {
			return math.NaN(), s.fatal
		}
		return math.Inf(-1), nil
	}
	d := h0 - z.energy()
	if math.IsNaN(d) {
		return math.Inf(-1), nil
	}
	return d, nil
}
