package sample

import (
	"context"
	"time"

	"github.com/exmc/exmc/core/nuts"
)

// Batch is a run of consecutive draws of one chain and one phase. Its
// slices are views of the chain's result arrays: read them, do not modify
// them. With Options.Recorder they are nil: the draws are the recorder's.
type Batch struct {
	Chain int // the chain's number (Options.FirstChain + its index)
	// Start is the index of the first draw within its phase: within the
	// warmup draws when Tuning, within the post-warmup draws otherwise.
	Start  int
	Tuning bool
	// N is the number of draws.
	N int
	// Positions holds N × Dim unconstrained positions, row-major.
	Positions []float64
	Stats     []nuts.Stats
}

// Len is the number of draws in the batch.
func (b Batch) Len() int { return b.N }

// A Recorder keeps a run's draws where its user wants them, instead of
// the run's Go arrays: the C library writes them straight into the Arrow
// columns it hands out, so that they exist once.
type Recorder interface {
	// Record stores draw i of a phase (the warmup when tuning, counted
	// from 0 in each phase) of the chain at index chain of the run (its
	// number less Options.FirstChain). x is the unconstrained position,
	// valid during the call only. Record is called from each chain's
	// thread in turn, draws in order, chains at once: it must be safe for
	// concurrent calls about different chains. An error ends the chain,
	// as a failure.
	Record(chain int, tuning bool, i int, x []float64, st nuts.Stats) error
}

// keep stores draw n of a phase of c: in the chain's arrays, or through
// the recorder.
func (c *chain) keep(tuning bool, n int, x []float64, st nuts.Stats) error {
	if rec := c.run.opts.Recorder; rec != nil {
		return rec.Record(c.pos, tuning, n, x, st)
	}
	dim := c.run.dim
	if tuning {
		copy(c.warmDraws[n*dim:], x)
		c.warmStats[n] = st
	} else {
		copy(c.draws[n*dim:], x)
		c.stats[n] = st
	}
	return nil
}

// push queues a batch and wakes one waiting reader.
func (r *Run) push(b Batch) {
	r.mu.Lock()
	r.queue = append(r.queue, b)
	r.mu.Unlock()
	r.wake()
}

func (r *Run) wake() {
	select {
	case r.signal <- struct{}{}:
	default:
	}
}

// TryNext returns the oldest queued batch without blocking.
func (r *Run) TryNext() (Batch, bool) {
	r.mu.Lock()
	if len(r.queue) == 0 {
		r.mu.Unlock()
		return Batch{}, false
	}
	b := r.queue[0]
	r.queue[0] = Batch{}
	r.queue = r.queue[1:]
	more := len(r.queue) > 0
	r.mu.Unlock()
	if more {
		// One wake-up token may stand for several pushes; pass it on so a
		// second reader does not sleep on a non-empty queue.
		r.wake()
	}
	return b, true
}

// Next blocks until a batch is ready and returns it. It returns false when
// every chain has finished and every batch has been taken, or when ctx
// ends.
func (r *Run) Next(ctx context.Context) (Batch, bool) {
	for {
		if b, ok := r.TryNext(); ok {
			return b, true
		}
		select {
		case <-r.signal:
		case <-r.done:
			return r.TryNext()
		case <-ctx.Done():
			return Batch{}, false
		}
	}
}

// batcher cuts one phase of a chain's output into batches.
type batcher struct {
	run       *Run
	chain     int
	tuning    bool
	dim       int
	size      int
	start     int // first draw not yet streamed
	lastFlush time.Time
}

// added is called after draw n-1 of the phase has been written to
// positions and stats; it streams a batch when one is full or overdue.
func (b *batcher) added(n int, positions []float64, stats []nuts.Stats) {
	if n-b.start >= b.size || time.Since(b.lastFlush) >= FlushInterval {
		b.flush(n, positions, stats)
	}
}

// flush streams draws [start, n) of the phase; positions and stats are
// nil when a Recorder keeps them.
func (b *batcher) flush(n int, positions []float64, stats []nuts.Stats) {
	b.lastFlush = time.Now()
	if n <= b.start {
		return
	}
	d := b.dim
	batch := Batch{Chain: b.chain, Start: b.start, Tuning: b.tuning, N: n - b.start}
	if stats != nil {
		batch.Positions = positions[b.start*d : n*d : n*d]
		batch.Stats = stats[b.start:n:n]
	}
	b.run.push(batch)
	b.start = n
}
