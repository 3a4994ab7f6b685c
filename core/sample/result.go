package sample

import (
	"errors"

	"github.com/exmc/exmc/core/nuts"
)

// Result holds every chain's output.
type Result struct {
	Chains []ChainResult
	Dim    int
}

// ChainResult is one chain's output. When the run was cancelled or the
// chain failed, the arrays hold what was drawn until then.
type ChainResult struct {
	Chain int // the chain's number (Options.FirstChain + its index)
	// Draws holds the post-warmup unconstrained positions, n × Dim
	// row-major; Stats the matching transition statistics. Both are nil
	// with Options.Recorder.
	Draws []float64
	Stats []nuts.Stats
	// WarmupDraws and WarmupStats are filled when Options.SaveWarmup
	// (without a Recorder).
	WarmupDraws []float64
	WarmupStats []nuts.Stats
	// DrawCount is the number of post-warmup draws the chain made,
	// WarmupCount that of the warmup draws it kept (Options.SaveWarmup).
	DrawCount, WarmupCount int
	// StepSize and InvMass are the adapted parameters sampling used (the
	// warmup's current ones if warmup did not finish). InvMass is the
	// diagonal, the row-major Dim × Dim matrix with Options.Dense, or
	// nuts.LowRankMetric's packed layout with MetricLowRank.
	StepSize float64
	InvMass  []float64
	// Err is non-nil when the chain failed for good; its message starts
	// with "chain <index>: ".
	Err error
	// Divergences counts post-warmup divergent transitions;
	// WarmupDivergences those during warmup.
	Divergences       int
	WarmupDivergences int
	// GradEvals counts log-density evaluations, warmup and initialisation
	// included.
	GradEvals int64
}

// NumDraws is the number of post-warmup draws the chain produced.
func (c *ChainResult) NumDraws() int { return c.DrawCount }

// head is the first n elements of s, or nil when s is nil (the chain's
// arrays are nil when a Recorder keeps the draws).
func head[T any](s []T, n int) []T {
	if s == nil {
		return nil
	}
	return s[:n:n]
}

// Err joins the chains' errors; it is nil when every chain succeeded.
func (r *Result) Err() error {
	var errs []error
	for i := range r.Chains {
		if r.Chains[i].Err != nil {
			errs = append(errs, r.Chains[i].Err)
		}
	}
	return errors.Join(errs...)
}
