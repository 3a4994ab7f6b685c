package sample

import (
	"fmt"
	"math"
	"time"

	"github.com/exmc/exmc/core/nuts"
)

// Options configures a run. Start from DefaultOptions: zero values are
// rejected rather than silently replaced.
type Options struct {
	// The options of Schema, which says what each may be; Validate checks
	// them there.
	Draws  int // post-warmup draws per chain
	Tune   int // warmup iterations per chain
	Chains int
	Cores  int // chains run at once; 0 means runtime.GOMAXPROCS(0)
	Seed   uint64
	// FirstChain is the number of the run's first chain: the run samples
	// chains FirstChain, …, FirstChain+Chains-1. A chain's draws depend on
	// (Seed, its number) and the other options only, so a run of chain k
	// alone reproduces chain k of a larger run; that is how chains are
	// spread over processes or machines. Init is indexed from 0 all the same.
	FirstChain int

	TargetAccept   float64 // step-size adaptation target
	MaxTreeDepth   int
	MaxEnergyError float64
	Dense          bool // adapt a dense inverse mass matrix instead of a diagonal
	// Metric is the estimator of the inverse mass matrix when Dense is
	// false: MetricGradient, the default, MetricVariance or MetricLowRank.
	Metric Metric
	// Schedule is the warmup schedule of a diagonal metric: ScheduleOnline,
	// the default, or ScheduleWindowed. A dense metric always uses the
	// windowed one: the online schedule updates the metric after every
	// draw, which for a dense one would mean a factorisation per draw and
	// estimates from fewer draws than dimensions.
	Schedule Schedule
	// Criterion is NUTS's U-turn test (nuts.CriterionDisplacement, the
	// default, or nuts.CriterionMomentumSum, Stan's).
	Criterion nuts.Criterion

	// Init optionally gives each chain its unconstrained initial point
	// (len Chains, each of the model's dimension). Otherwise each chain
	// starts at InitCenter (zeros when nil) plus independent
	// Uniform(-InitJitter, InitJitter) noise per coordinate, redrawn up to
	// InitRetries times until the log-density and gradient are finite.
	Init        [][]float64
	InitCenter  []float64
	InitJitter  float64
	InitRetries int

	SaveWarmup bool // keep (and stream) warmup draws
	// Recorder, when set, receives every kept draw as it is made, and the
	// run keeps none: Result's and Batch's arrays are then nil, and their
	// counts say how many draws each chain made.
	Recorder Recorder
	// BatchSize is the number of draws per streamed batch per chain; a
	// chain also flushes a partial batch when FlushInterval has passed.
	BatchSize int

	// Threads starts the run's workers, min(Cores, Chains) of them, each
	// running chains one after another; nil starts each on a goroutine.
	Threads ThreadStarter
}

// A ThreadStarter runs work on a thread of its own and returns at once.
// work never panics. A host that owns threads (the C library) passes one
// so that workers are woken where it chooses rather than where the Go
// scheduler's wake-ups land.
type ThreadStarter func(work func())

// Metric names an estimator of the diagonal inverse mass matrix.
type Metric int

const (
	// MetricGradient is sqrt(var(draws)/var(gradients)) per coordinate,
	// nutpie's estimator (adapt.DiagGradient): more effective draws per
	// gradient on the benchmark models than MetricVariance.
	MetricGradient Metric = iota
	// MetricVariance is the regularised variance of the draws, Stan's
	// estimator (adapt.DiagVariance).
	MetricVariance
	// MetricLowRank is MetricGradient's diagonal with a low-rank
	// correction in the directions where the scaled posterior's
	// covariance is furthest from the identity (nutpie's low-rank mass
	// matrix: adapt.LowRank, nuts.LowRankMetric), of rank at most
	// adapt.LowRankMaxRank.
	MetricLowRank
)

func (m Metric) String() string {
	switch m {
	case MetricGradient:
		return "gradient"
	case MetricVariance:
		return "variance"
	case MetricLowRank:
		return "low_rank"
	}
	return fmt.Sprintf("Metric(%d)", int(m))
}

// Schedule names a warmup schedule.
type Schedule int

const (
	// ScheduleOnline is nutpie's: the metric starts from the gradient at
	// the initial point and is updated after every draw from two
	// alternating running estimators, the step size dual-averaged
	// throughout (adapt.Online). Over 30 seeds it gives more effective
	// draws per gradient than ScheduleWindowed on six of the seven
	// benchmark models (5-35% at the median) and as many on sv.
	ScheduleOnline Schedule = iota
	// ScheduleWindowed is Stan's: the metric is estimated at the end of
	// doubling windows, and the step size restarted after each
	// (adapt.Warmup).
	ScheduleWindowed
)

func (s Schedule) String() string {
	switch s {
	case ScheduleWindowed:
		return "windowed"
	case ScheduleOnline:
		return "online"
	}
	return fmt.Sprintf("Schedule(%d)", int(s))
}

// FlushInterval bounds how long a drawn point waits before it is streamed.
const FlushInterval = 100 * time.Millisecond

// DefaultOptions returns Stan's and PyMC's defaults: 1000 draws after 1000
// warmup iterations, 4 chains, target acceptance 0.8, tree depth 10,
// initial points uniform in (-2, 2); warmup follows nutpie
// (ScheduleOnline, MetricGradient).
func DefaultOptions() Options {
	return Options{
		Draws: 1000, Tune: 1000, Chains: 4,
		TargetAccept: 0.8, MaxTreeDepth: 10, MaxEnergyError: 1000,
		InitJitter: 2, InitRetries: 100,
		BatchSize: 50,
	}
}

// Validate reports the first invalid option. The options of Schema (those
// of the C ABI and the Python package) are checked against their ranges
// and choices there, by the names users know (an *OptionError); the others
// here. Checks that need the model's dimension happen in Start.
func (o Options) Validate() error {
	if err := o.checkSchema(); err != nil {
		return err
	}
	bad := func(format string, args ...any) error {
		return fmt.Errorf("sample: invalid options: "+format, args...)
	}
	switch {
	case o.FirstChain > math.MaxInt-o.Chains:
		return bad("first_chain + chains overflows (first_chain %d, chains %d)", o.FirstChain, o.Chains)
	case o.InitRetries < 1:
		return bad("InitRetries must be ≥ 1, got %d", o.InitRetries)
	case o.Init != nil && len(o.Init) != o.Chains:
		return bad("init has %d points, want one per chain (chains = %d)", len(o.Init), o.Chains)
	}
	for c, x := range o.Init {
		if len(x) != len(o.Init[0]) {
			return bad("init[%d] has length %d but init[0] has length %d", c, len(x), len(o.Init[0]))
		}
		for i, v := range x {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				// indexed as the flat chains x dimension array the C ABI takes
				return bad("init[%d] (chain %d, coordinate %d) is %v", c*len(x)+i, c, i, v)
			}
		}
	}
	for i, v := range o.InitCenter {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return bad("InitCenter[%d] is %v", i, v)
		}
	}
	return nil
}

// validateDim checks the options that depend on the model's dimension,
// and that the run's arrays fit in memory (MemoryNeeded).
func (o Options) validateDim(dim int) error {
	if len(o.Init) > 0 && len(o.Init[0]) != dim {
		return fmt.Errorf("sample: invalid options: Init points have length %d, the model's dimension is %d", len(o.Init[0]), dim)
	}
	if o.InitCenter != nil && len(o.InitCenter) != dim {
		return fmt.Errorf("sample: invalid options: InitCenter has length %d, the model's dimension is %d", len(o.InitCenter), dim)
	}
	return o.checkMemory(dim)
}
