package sample

import (
	"fmt"
	"unsafe"

	"github.com/exmc/exmc/core/limits"
	"github.com/exmc/exmc/core/nuts"
)

// chainOverhead is what a chain holds beside its arrays: its state,
// progress, adapter and sampler structures.
const chainOverhead = 64 << 10

// MemoryNeeded is about the memory, in bytes, a run of a model of
// dimension dim holds beside its densities (the model's own; see
// compile.Model.DensityBytes): each chain's kept draws and their
// statistics, allocated when the run starts unless a Recorder keeps them,
// and its sampler's and metric's buffers (a dense metric's dim x dim
// matrices among them). math.MaxUint64 stands for a count beyond 64 bits.
func (o Options) MemoryNeeded(dim int) uint64 {
	d := limits.Uint(dim)
	kept := limits.Uint(o.Draws)
	if o.SaveWarmup {
		kept = limits.Add(kept, limits.Uint(o.Tune))
	}
	if o.Recorder != nil {
		kept = 0 // the recorder's memory is its own to count
	}
	perDraw := limits.Add(limits.Mul(d, 8), uint64(unsafe.Sizeof(nuts.Stats{})))
	// the trajectory's points and momenta, one set per tree level, and
	// the adaptation's running estimates
	vectors := limits.Add(16, limits.Mul(3, limits.Uint(o.MaxTreeDepth)))
	perChain := limits.Add(
		limits.Mul(kept, perDraw),
		limits.Mul(vectors, d, 8),
		chainOverhead,
	)
	if o.Dense {
		// the metric, its factor, the running covariance and the copies
		// an update makes
		perChain = limits.Add(perChain, limits.Mul(8, d, d, 8))
	} else if o.Metric == MetricLowRank {
		// two estimators' copies of up to every warmup draw and gradient,
		// and the scaled copies and factors an update makes
		perChain = limits.Add(perChain, limits.Mul(8, limits.Uint(o.Tune), d, 8))
	}
	return limits.Mul(limits.Uint(o.Chains), perChain)
}

// checkMemory refuses a run whose arrays (MemoryNeeded) would not fit in
// the memory limit (core/limits), before any is allocated.
func (o Options) checkMemory(dim int) error {
	what := fmt.Sprintf("sampling %d chain%s of %d draws", o.Chains, plural(o.Chains), o.Draws)
	if o.SaveWarmup {
		what += fmt.Sprintf(" and %d warmup draws", o.Tune)
	}
	what += fmt.Sprintf(" in dimension %d", dim)
	if o.Dense {
		what += " with a dense metric"
	} else if o.Metric == MetricLowRank {
		what += " with a low-rank metric"
	}
	if err := limits.Check(what, o.MemoryNeeded(dim)); err != nil {
		return fmt.Errorf("sample: %w", err)
	}
	return nil
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
