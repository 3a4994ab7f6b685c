package sample

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/exmc/exmc/core/adapt"
	"github.com/exmc/exmc/core/nuts"
)

// PanicError is a panic in a chain's goroutine outside the log-density
// (which turns its own panics into divergences).
type PanicError struct {
	Value any
	Stack []byte
}

func (e *PanicError) Error() string { return fmt.Sprintf("panic: %v", e.Value) }

// chain is one chain's state. Its goroutine alone writes the fields below
// the atomics; readers wait for the run to finish, except for the atomics
// and err, which Progress reads while it runs.
type chain struct {
	run  *Run
	pos  int // index in the run
	idx  int // the chain's number, FirstChain + pos: seeds its stream and names it
	dens nuts.Density
	// setupErr is a failure of the model's NewDensity for this chain.
	setupErr error

	done      atomic.Int64
	divs      atomic.Int64
	warmDivs  atomic.Int64
	tuning    atomic.Bool
	finished  atomic.Bool
	errMu     sync.Mutex
	err       error
	interrupt error // the context's error when the chain was cut short

	draws, warmDraws []float64
	stats, warmStats []nuts.Stats
	n, warmN         int
	stepSize         float64
	invMass          []float64
	gradEvals        int64
}

func newChain(r *Run, pos int) *chain {
	c := &chain{run: r, pos: pos, idx: r.opts.FirstChain + pos}
	if r.opts.Recorder != nil {
		return c // the recorder keeps the draws
	}
	c.stats = make([]nuts.Stats, r.opts.Draws)
	c.draws = make([]float64, r.opts.Draws*r.dim)
	if r.opts.SaveWarmup {
		c.warmStats = make([]nuts.Stats, r.opts.Tune)
		c.warmDraws = make([]float64, r.opts.Tune*r.dim)
	}
	return c
}

func (c *chain) setErr(err error) {
	c.errMu.Lock()
	c.err = fmt.Errorf("chain %d: %w", c.idx, err)
	c.errMu.Unlock()
}

func (c *chain) getErr() error {
	c.errMu.Lock()
	defer c.errMu.Unlock()
	return c.err
}

// main runs the chain to completion, cancellation or failure. Whatever
// happens, the chain ends flushed and marked finished.
func (c *chain) main(ctx context.Context) {
	var warm, post *batcher
	defer func() {
		if v := recover(); v != nil {
			c.setErr(&PanicError{Value: v, Stack: debug.Stack()})
		}
		if warm != nil {
			warm.flush(c.warmN, c.warmDraws, c.warmStats)
		}
		if post != nil {
			post.flush(c.n, c.draws, c.stats)
		}
		c.run.finish(c)
	}()
	if c.setupErr != nil {
		c.setErr(c.setupErr)
		return
	}
	o := c.run.opts
	dim := c.run.dim
	if got := c.dens.Dim(); got != dim {
		c.setErr(fmt.Errorf("density has dimension %d but the model has dimension %d", got, dim))
		return
	}
	rng := chainRNG(o.Seed, c.idx)

	var metric nuts.Metric
	var learner func() adapt.MetricAdapter
	switch {
	case o.Dense:
		metric, learner = nuts.NewDenseMetric(dim), func() adapt.MetricAdapter { return adapt.NewDenseCovariance(dim) }
	case o.Metric == MetricVariance:
		metric, learner = nuts.NewDiagMetric(dim), func() adapt.MetricAdapter { return adapt.NewDiagVariance(dim) }
	case o.Metric == MetricLowRank:
		rank := min(dim, adapt.LowRankMaxRank)
		metric, learner = nuts.NewLowRankMetric(dim, rank), func() adapt.MetricAdapter { return adapt.NewLowRank(dim, rank) }
	default:
		metric, learner = nuts.NewDiagMetric(dim), func() adapt.MetricAdapter { return adapt.NewDiagGradient(dim) }
	}
	s, err := nuts.New(c.dens, metric, nuts.Options{MaxTreeDepth: o.MaxTreeDepth, MaxEnergyError: o.MaxEnergyError, Criterion: o.Criterion})
	if err != nil {
		c.setErr(err)
		return
	}
	defer func() {
		c.gradEvals = s.GradEvals()
		if c.invMass == nil {
			c.invMass = append([]float64(nil), metric.InvMass()...)
		}
		if c.stepSize == 0 {
			c.stepSize = s.StepSize()
		}
	}()

	if err := initialise(s, rng, o, c.pos); err != nil {
		c.setErr(err)
		return
	}
	probe := func(eps float64) (float64, error) { return s.ProbeStep(rng, eps) }
	reinit := func(eps float64) (float64, error) {
		if dim == 0 {
			return eps, nil // no dynamics to tune
		}
		return adapt.InitStepSize(eps, probe)
	}
	eps, err := reinit(1)
	if err != nil {
		c.setErr(err)
		return
	}
	ao := adapt.DefaultOptions()
	ao.TargetAccept = o.TargetAccept
	if o.Metric == MetricLowRank && !o.Dense {
		// an estimate factorises the window's draws: at the swaps of
		// the estimators, not after each draw
		ao.UpdateEvery = adapt.LowRankUpdateEvery
	}
	var w adapt.Adapter
	if o.Dense || o.Schedule == ScheduleWindowed {
		w, err = adapt.NewWarmup(o.Tune, learner(), metric.InvMass(), eps, ao)
	} else {
		w, err = adapt.NewOnline(o.Tune, learner(), learner(), metric.InvMass(), eps, ao)
	}
	if err != nil {
		c.setErr(err)
		return
	}
	apply := func(u adapt.Update) error {
		if u&adapt.MetricChanged != 0 {
			if err := metric.SetInvMass(w.InvMass()); err != nil {
				return fmt.Errorf("metric update: %w", err)
			}
		}
		if u&adapt.StepSizeReset != 0 {
			eps, err := reinit(w.StepSize())
			if err != nil {
				return err
			}
			w.Restart(eps)
		}
		return nil
	}
	if err := apply(w.Begin(s.Position(), s.Gradient())); err != nil {
		c.setErr(fmt.Errorf("warmup: %w", err))
		return
	}

	now := time.Now()
	if o.SaveWarmup {
		warm = &batcher{run: c.run, chain: c.idx, tuning: true, dim: dim, size: o.BatchSize, lastFlush: now}
	}
	c.tuning.Store(o.Tune > 0)
	for i := range o.Tune {
		if err := ctx.Err(); err != nil {
			c.interrupt = err
			return
		}
		if err := s.SetStepSize(w.StepSize()); err != nil {
			c.setErr(fmt.Errorf("warmup iteration %d: %w", i, err))
			return
		}
		st, err := s.Transition(rng)
		if err != nil {
			c.setErr(fmt.Errorf("warmup iteration %d: %w", i, err))
			return
		}
		u, err := w.Step(adapt.Transition{Q: s.Position(), Grad: s.Gradient(),
			AcceptStat: st.AcceptanceRate, Diverging: st.Diverging})
		if err == nil {
			err = apply(u)
		}
		if err != nil {
			c.setErr(fmt.Errorf("warmup iteration %d: %w", i, err))
			return
		}
		st.Tuning = true
		st.StepSizeNom = w.StepSizeBar()
		if st.Diverging {
			c.warmDivs.Add(1)
		}
		if warm != nil {
			if err := c.keep(true, c.warmN, s.Position(), st); err != nil {
				c.setErr(fmt.Errorf("warmup iteration %d: %w", i, err))
				return
			}
			c.warmN++
			warm.added(c.warmN, c.warmDraws, c.warmStats)
		}
		c.done.Add(1)
	}
	if warm != nil {
		warm.flush(c.warmN, c.warmDraws, c.warmStats)
		warm = nil
	}
	c.tuning.Store(false)

	c.stepSize = w.Final()
	if err := s.SetStepSize(c.stepSize); err != nil {
		c.setErr(err)
		return
	}
	c.invMass = append([]float64(nil), metric.InvMass()...)

	post = &batcher{run: c.run, chain: c.idx, dim: dim, size: o.BatchSize, lastFlush: time.Now()}
	for range o.Draws {
		if err := ctx.Err(); err != nil {
			c.interrupt = err
			return
		}
		st, err := s.Transition(rng)
		if err != nil {
			c.setErr(fmt.Errorf("draw %d: %w", c.n, err))
			return
		}
		if st.Diverging {
			c.divs.Add(1)
		}
		if err := c.keep(false, c.n, s.Position(), st); err != nil {
			c.setErr(fmt.Errorf("draw %d: %w", c.n, err))
			return
		}
		c.n++
		post.added(c.n, c.draws, c.stats)
		c.done.Add(1)
	}
}

// result is the chain's output; call it only once the chain has finished.
func (c *chain) result(dim int) ChainResult {
	cr := ChainResult{
		Chain:             c.idx,
		Draws:             head(c.draws, c.n*dim),
		Stats:             head(c.stats, c.n),
		DrawCount:         c.n,
		WarmupCount:       c.warmN,
		StepSize:          c.stepSize,
		InvMass:           c.invMass,
		Err:               c.err,
		Divergences:       int(c.divs.Load()),
		WarmupDivergences: int(c.warmDivs.Load()),
		GradEvals:         c.gradEvals,
	}
	if c.run.opts.SaveWarmup {
		cr.WarmupDraws = head(c.warmDraws, c.warmN*dim)
		cr.WarmupStats = head(c.warmStats, c.warmN)
	}
	return cr
}

// newDensity calls the model's factory, turning a panic or a nil density
// into an error for that chain alone.
func newDensity(m Model) (d nuts.Density, err error) {
	defer func() {
		if v := recover(); v != nil {
			d, err = nil, fmt.Errorf("NewDensity: %w", &PanicError{Value: v, Stack: debug.Stack()})
		}
	}()
	d = m.NewDensity()
	if d == nil {
		return nil, errors.New("NewDensity returned nil")
	}
	return d, nil
}
