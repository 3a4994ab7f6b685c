package sample_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/exmc/exmc/core/sample"
)

// With more chains than cores, at most Cores chains compute at once, and
// they take turns: when the first chain ends, every chain is well under
// way, where in two waves the second wave would barely have begun.
func TestChainsTakeTurnsOnTheCores(t *testing.T) {
	for _, cores := range []int{1, 2} {
		var running, most atomic.Int64
		m := diagModel(1, 1)
		m.hook = func(x, grad []float64) (float64, error, bool) {
			n := running.Add(1)
			for p := most.Load(); n > p && !most.CompareAndSwap(p, n); p = most.Load() {
			}
			// busy, not asleep: a sleeping chain would hand its thread to
			// the runtime and hide the turn-taking
			for t0 := time.Now(); time.Since(t0) < 5*time.Microsecond; {
			}
			running.Add(-1)
			return 0, nil, false
		}
		o := opts(4, 200, 400, 3)
		o.Cores = cores
		r, err := sample.Start(context.Background(), m, o)
		if err != nil {
			t.Fatal(err)
		}
		var atFirstEnd []sample.ChainProgress
		for atFirstEnd == nil {
			select {
			case <-r.Done():
				t.Fatalf("cores %d: the run ended before its progress was seen", cores)
			case <-time.After(200 * time.Microsecond):
			}
			p := r.Progress().Chains
			for _, c := range p {
				if c.Finished {
					atFirstEnd = p
				}
			}
		}
		if _, err := r.Wait(); err != nil {
			t.Fatal(err)
		}
		if got := most.Load(); got > int64(cores) {
			t.Errorf("cores %d: %d chains computed at once", cores, got)
		}
		for _, c := range atFirstEnd {
			// the share a chain has done when the first one ends: about
			// one half or more taking turns, 0 for a chain of the second
			// wave. The bound is low because equal turns are equal times,
			// not equal iterations: a chain whose trajectories are longer
			// has done fewer (measured under load: 23% at the least).
			if share := float64(c.Done) / float64(c.Total); share < 0.1 {
				t.Errorf("cores %d: chain %d had done %.0f%% when the first chain ended", cores, c.Chain, 100*share)
			}
		}
	}
}
