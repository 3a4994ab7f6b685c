package sample

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/exmc/exmc/core/nuts"
)

// Model is what Sample needs of a compiled model: its dimension and one
// Density per chain, each owning its scratch buffers. NewDensity is called
// once per chain, in chain order, by the goroutine calling Start.
type Model interface {
	Dim() int
	NewDensity() nuts.Density
}

// Run is a sampling run in progress.
type Run struct {
	opts   Options
	dim    int
	ctx    context.Context
	cancel context.CancelFunc
	chains []*chain
	done   chan struct{} // closed when every chain has finished

	started   atomic.Int64 // chains taken by a worker
	remaining atomic.Int64 // chains not yet finished

	mu     sync.Mutex
	queue  []Batch
	signal chan struct{} // one wake-up token for Next

	once   sync.Once
	result *Result
	err    error
}

// Progress is a snapshot of a run.
type Progress struct {
	Chains []ChainProgress
}

// ChainProgress is a snapshot of one chain.
type ChainProgress struct {
	Chain int // the chain's number (Options.FirstChain + its index)
	// Done counts transitions, warmup included, out of Total.
	Done, Total       int
	Tuning            bool
	Divergences       int
	WarmupDivergences int
	// Finished is set once the chain's draws are complete. Every chain is
	// Finished exactly when the run has ended: Done is closed and Wait
	// returns at once.
	Finished bool
	Err      error
}

// Sample runs o.Chains chains of m, at most o.Cores at a time, and returns
// their draws. Its error is for invalid options or model, or the context's
// error when it was cancelled (the Result then holds the draws so far);
// chain failures are in the Result.
func Sample(ctx context.Context, m Model, o Options) (*Result, error) {
	r, err := Start(ctx, m, o)
	if err != nil {
		return nil, err
	}
	return r.Wait()
}

// Start launches the chains and returns at once. Read batches with Next
// or TryNext, or ignore them: they are queued as headers over the result
// arrays and cost no copies.
func Start(ctx context.Context, m Model, o Options) (*Run, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	if m == nil {
		return nil, errors.New("sample: model is nil")
	}
	dim, err := modelDim(m)
	if err != nil {
		return nil, err
	}
	if err := o.validateDim(dim); err != nil {
		return nil, err
	}
	cores := o.Cores
	if cores <= 0 {
		cores = runtime.GOMAXPROCS(0)
	}
	rctx, cancel := context.WithCancel(ctx)
	r := &Run{
		opts: o, dim: dim, ctx: rctx, cancel: cancel,
		done: make(chan struct{}), signal: make(chan struct{}, 1),
	}
	for i := range o.Chains {
		c := newChain(r, i)
		c.dens, c.setupErr = newDensity(m)
		r.chains = append(r.chains, c)
	}
	r.dispatch(cores)
	return r, nil
}

func modelDim(m Model) (dim int, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("sample: model's Dim panicked: %v", v)
		}
	}()
	dim = m.Dim()
	if dim < 0 {
		return 0, fmt.Errorf("sample: model dimension is %d", dim)
	}
	return dim, nil
}

// dispatch starts the workers. Each takes the lowest-numbered chain not
// yet started, so that with fewer cores than chains the low-numbered
// chains finish first.
func (r *Run) dispatch(cores int) {
	workers := min(cores, len(r.chains))
	r.remaining.Store(int64(len(r.chains)))
	start := r.opts.Threads
	if start == nil {
		start = func(work func()) { go work() }
	}
	for range workers {
		start(r.work)
	}
}

func (r *Run) work() {
	for {
		i := int(r.started.Add(1)) - 1
		if i >= len(r.chains) {
			return
		}
		c := r.chains[i]
		if err := r.ctx.Err(); err != nil {
			c.interrupt = err
			r.finish(c)
			continue
		}
		c.main(r.ctx)
	}
}

// finish marks a chain finished once its output is complete. The run ends
// (done closes) before the last chain's flag is raised, so that whoever
// sees every chain finished in Progress finds the run ended: Wait, Done
// and the result never lag behind what Progress said.
func (r *Run) finish(c *chain) {
	c.tuning.Store(false)
	if r.remaining.Add(-1) == 0 {
		close(r.done)
		r.wake()
	}
	c.finished.Store(true)
}

// Cancel stops every chain at its next transition; Wait then returns the
// draws so far.
func (r *Run) Cancel() { r.cancel() }

// Done is closed when every chain has finished.
func (r *Run) Done() <-chan struct{} { return r.done }

// Wait blocks until every chain has finished and returns the result. The
// error is the context's when a chain was cut short by cancellation, nil
// otherwise; chain failures are in the Result. Wait may be called more
// than once.
func (r *Run) Wait() (*Result, error) {
	<-r.done
	r.once.Do(func() {
		res := &Result{Dim: r.dim, Chains: make([]ChainResult, len(r.chains))}
		for i, c := range r.chains {
			res.Chains[i] = c.result(r.dim)
			if c.interrupt != nil && r.err == nil {
				r.err = c.interrupt
			}
		}
		r.result = res
		r.cancel() // release the context's resources
	})
	return r.result, r.err
}

// Progress returns a snapshot of every chain; it is safe to call at any
// time from any goroutine.
func (r *Run) Progress() Progress {
	p := Progress{Chains: make([]ChainProgress, len(r.chains))}
	total := r.opts.Tune + r.opts.Draws
	// Once the run has ended every chain is finished, even one whose flag
	// its worker has yet to raise: Done and Progress agree both ways.
	ended := false
	select {
	case <-r.done:
		ended = true
	default:
	}
	for i, c := range r.chains {
		p.Chains[i] = ChainProgress{
			Chain:             c.idx,
			Done:              int(c.done.Load()),
			Total:             total,
			Tuning:            c.tuning.Load(),
			Divergences:       int(c.divs.Load()),
			WarmupDivergences: int(c.warmDivs.Load()),
			Finished:          ended || c.finished.Load(),
			Err:               c.getErr(),
		}
	}
	return p
}
