package sample

import (
	"context"
	"time"
)

// sliceLength is how long a chain computes before it offers its core to a
// chain waiting for one: short against a run of even a small model (a few
// milliseconds), long against the microsecond a hand-over costs.
const sliceLength = 500 * time.Microsecond

// cores lets at most cap(slots) chains compute at once, and hands the
// slots round: a chain holds one for a slice of time, then queues for it
// again behind the chains already waiting (Go queues blocked senders in
// order). With more chains than cores every chain advances and they finish
// together, so a run takes the chains' total time over the cores rather
// than that of the unluckiest pairing of long and short chains.
type cores struct{ slots chan struct{} }

func newCores(n int) cores { return cores{slots: make(chan struct{}, n)} }

// acquire waits for a slot; false when ctx ends first.
func (c cores) acquire(ctx context.Context) bool {
	select {
	case c.slots <- struct{}{}:
		return true
	case <-ctx.Done():
		return false
	}
}

func (c cores) release() { <-c.slots }

// turn is a chain's hold on a slot.
type turn struct {
	cores cores
	held  bool
	iters int
	since time.Time
}

// next is called before each iteration: once the chain has computed for a
// slice it gives its slot to the next waiting chain and waits for its turn
// again (at once when none waits). false when ctx ended while it waited;
// the chain then holds no slot.
func (t *turn) next(ctx context.Context) bool {
	t.iters++
	// reading the clock costs tens of nanoseconds: not every iteration
	if t.iters&7 != 0 {
		return true
	}
	if time.Since(t.since) < sliceLength {
		return true
	}
	t.cores.release()
	if t.held = t.cores.acquire(ctx); !t.held {
		return false
	}
	t.since = time.Now()
	return true
}

// done gives the slot back for good.
func (t *turn) done() {
	if t.held {
		t.held = false
		t.cores.release()
	}
}
