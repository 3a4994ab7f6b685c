package sample_test

import (
	"context"
	"errors"
	"github.com/exmc/exmc/core/diag"
	"gonum.org/v1/gonum/mat"
	"math"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/exmc/exmc/core/nuts"
	"github.com/exmc/exmc/core/sample"
)

func TestGaussianPosterior(t *testing.T) {
	tests := []struct {
		name string
		sd   []float64
		seed uint64
	}{
		{"d1", []float64{3}, 1},
		{"d10", logspace(10, 0.3, 3), 2},
		{"d100", logspace(100, 0.1, 10), 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := diagModel(tc.sd...)
			res, err := sample.Sample(context.Background(), m, opts(4, 1000, 1000, tc.seed))
			if err != nil {
				t.Fatal(err)
			}
			if err := res.Err(); err != nil {
				t.Fatal(err)
			}
			v := make([]float64, len(tc.sd))
			for i, s := range tc.sd {
				v[i] = s * s
			}
			for _, c := range res.Chains {
				if c.Divergences != 0 {
					t.Errorf("chain %d: %d divergences on a Gaussian", c.Chain, c.Divergences)
				}
				if len(c.Draws) != 1000*len(tc.sd) || len(c.Stats) != 1000 {
					t.Fatalf("chain %d: %d values, %d stats", c.Chain, len(c.Draws), len(c.Stats))
				}
				// The adapted inverse mass is the posterior variance,
				// estimated from the last window's 500 draws.
				for i, w := range c.InvMass {
					if r := w / v[i]; r < 0.6 || r > 1.6 {
						t.Errorf("chain %d: inverse mass %d is %.4g, variance %.4g", c.Chain, i, w, v[i])
					}
				}
				for _, st := range c.Stats {
					if st.Tuning || st.StepSize != c.StepSize || st.StepSizeNom != c.StepSize {
						t.Fatalf("chain %d: post-warmup stats %+v (step size %v)", c.Chain, st, c.StepSize)
					}
				}
			}
			checkMoments(t, res, m.mu, v)
		})
	}
}

func TestDenseCorrelated(t *testing.T) {
	const rho = 0.95
	s1, s2 := 1.0, 4.0
	cov := []float64{s1 * s1, rho * s1 * s2, rho * s1 * s2, s2 * s2}
	det := cov[0]*cov[3] - cov[1]*cov[2]
	m := &gaussModel{mu: []float64{1, -1}, prec: []float64{cov[3] / det, -cov[1] / det, -cov[2] / det, cov[0] / det}}
	o := opts(4, 1000, 1000, 4)
	o.Dense = true
	res, err := sample.Sample(context.Background(), m, o)
	if err != nil || res.Err() != nil {
		t.Fatal(err, res.Err())
	}
	depth := 0
	for _, c := range res.Chains {
		if len(c.InvMass) != 4 {
			t.Fatalf("dense inverse mass has %d entries", len(c.InvMass))
		}
		// The learned matrix captures the correlation.
		if r := c.InvMass[1] / math.Sqrt(c.InvMass[0]*c.InvMass[3]); r < 0.9 {
			t.Errorf("chain %d: learned correlation %.3f, want ≈ %v", c.Chain, r, rho)
		}
		for _, st := range c.Stats {
			depth += st.TreeDepth
		}
	}
	// In the metric's geometry the target is round: short trees.
	if md := float64(depth) / 4000; md > 3 {
		t.Errorf("mean tree depth %.2f with a dense metric", md)
	}
	checkMoments(t, res, m.mu, []float64{cov[0], cov[3]})
}

// region returns a hook that misbehaves where x[0] > 3.
func region(mode string) func(x, grad []float64) (float64, error, bool) {
	return func(x, grad []float64) (float64, error, bool) {
		if x[0] <= 3 {
			return 0, nil, false
		}
		switch mode {
		case "nan":
			return math.NaN(), nil, true
		case "panic":
			panic("bad region")
		}
		return 0, nil, false
	}
}

func TestBadRegions(t *testing.T) {
	for _, mode := range []string{"nan", "panic"} {
		t.Run(mode, func(t *testing.T) {
			m := diagModel(2, 2)
			m.mu = []float64{0, 0}
			m.hook = region(mode)
			res, err := sample.Sample(context.Background(), m, opts(2, 300, 500, 7))
			if err != nil || res.Err() != nil {
				t.Fatal(err, res.Err())
			}
			div := 0
			for _, c := range res.Chains {
				div += c.Divergences
				if c.NumDraws() != 500 {
					t.Errorf("chain %d stopped at %d draws", c.Chain, c.NumDraws())
				}
				n := 0
				for i, st := range c.Stats {
					if st.Diverging {
						n++
					}
					if c.Draws[2*i] > 3 {
						t.Fatalf("chain %d: draw %d in the bad region", c.Chain, i)
					}
				}
				if n != c.Divergences {
					t.Errorf("chain %d: Divergences %d, stats say %d", c.Chain, c.Divergences, n)
				}
			}
			if div == 0 {
				t.Error("no divergences counted")
			}
		})
	}
}

// failingModel gives the chain with index bad a density built by mk.
type failingModel struct {
	gaussModel
	bad   int
	mk    func() nuts.Density
	calls atomic.Int32
}

func (m *failingModel) NewDensity() nuts.Density {
	if int(m.calls.Add(1))-1 == m.bad {
		return m.mk()
	}
	return m.gaussModel.NewDensity()
}

type brokenDensity struct{ after, calls int }

func (b *brokenDensity) Dim() int { return 2 }
func (b *brokenDensity) LogpGrad(x, grad []float64) (float64, error) {
	b.calls++
	if b.calls > b.after {
		return 0, errors.New("disk on fire")
	}
	grad[0], grad[1] = -x[0], -x[1]
	return -0.5 * (x[0]*x[0] + x[1]*x[1]), nil
}

type panickyDim struct{ *brokenDensity }

func (panickyDim) Dim() int { panic("no dimension today") }

type nanDensity struct{}

func (nanDensity) Dim() int                                    { return 2 }
func (nanDensity) LogpGrad(x, grad []float64) (float64, error) { return math.NaN(), nil }

func TestChainFailureIsIsolated(t *testing.T) {
	tests := []struct {
		name string
		mk   func() nuts.Density
		want string
	}{
		{"fatal error mid-run", func() nuts.Density { return &brokenDensity{after: 500} }, "disk on fire"},
		{"fatal error at init", func() nuts.Density { return &brokenDensity{} }, "disk on fire"},
		{"panic outside LogpGrad", func() nuts.Density { return panickyDim{&brokenDensity{after: 1 << 30}} }, "no dimension today"},
		{"panic in NewDensity", func() nuts.Density { panic("factory broke") }, "factory broke"},
		{"nil density", func() nuts.Density { return nil }, "nil"},
		{"wrong dimension", func() nuts.Density { return diagModel(1, 1, 1).NewDensity() }, "dimension 3"},
		{"no finite initial point", func() nuts.Density { return nanDensity{} }, "no finite initial point"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := &failingModel{gaussModel: *diagModel(1, 2), bad: 2, mk: tc.mk}
			res, err := sample.Sample(context.Background(), m, opts(4, 200, 300, 1))
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range res.Chains {
				if c.Chain == 2 {
					if c.Err == nil {
						t.Fatal("chain 2 did not fail")
					}
					if msg := c.Err.Error(); !strings.HasPrefix(msg, "chain 2: ") || !strings.Contains(msg, tc.want) {
						t.Errorf("chain 2 error %q, want prefix %q and %q", msg, "chain 2: ", tc.want)
					}
					continue
				}
				if c.Err != nil || c.NumDraws() != 300 {
					t.Errorf("chain %d: err %v, %d draws", c.Chain, c.Err, c.NumDraws())
				}
			}
			if err := res.Err(); err == nil || !strings.Contains(err.Error(), "chain 2") {
				t.Errorf("Result.Err() = %v", err)
			}
		})
	}
}

func TestDeterminism(t *testing.T) {
	m := diagModel(logspace(6, 0.5, 4)...)
	runWith := func(cores int, seed uint64, dense bool) *sample.Result {
		o := opts(4, 300, 300, seed)
		o.Cores, o.Dense, o.SaveWarmup = cores, dense, true
		res, err := sample.Sample(context.Background(), m, o)
		if err != nil || res.Err() != nil {
			t.Fatal(err, res.Err())
		}
		return res
	}
	for _, dense := range []bool{false, true} {
		a, b := runWith(1, 42, dense), runWith(4, 42, dense)
		if !reflect.DeepEqual(a, b) {
			t.Errorf("dense=%v: Cores 1 and 4 differ", dense)
		}
		c := runWith(2, 43, dense)
		if reflect.DeepEqual(a.Chains[0].Draws, c.Chains[0].Draws) {
			t.Errorf("dense=%v: seeds 42 and 43 gave the same draws", dense)
		}
		for i := 1; i < 4; i++ {
			if reflect.DeepEqual(a.Chains[0].Draws[:10], a.Chains[i].Draws[:10]) {
				t.Errorf("chains 0 and %d start identically", i)
			}
		}
	}
}

// TestFirstChain checks that chains can be sampled apart: a run of chain
// k alone, or of a block of chains starting at k, makes exactly the draws
// of the same chains in one run of them all, and numbers them alike.
func TestFirstChain(t *testing.T) {
	m := diagModel(logspace(4, 0.5, 3)...)
	o := opts(4, 150, 100, 11)
	o.SaveWarmup = true
	full, err := sample.Sample(context.Background(), m, o)
	if err != nil || full.Err() != nil {
		t.Fatal(err, full.Err())
	}
	for _, part := range []struct{ first, chains int }{{2, 1}, {0, 1}, {1, 3}} {
		p := o
		p.FirstChain, p.Chains = part.first, part.chains
		r, err := sample.Start(context.Background(), m, p)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[int]int{}
		for {
			b, ok := r.Next(context.Background())
			if !ok {
				break
			}
			if !b.Tuning {
				seen[b.Chain] += b.Len()
			}
		}
		res, err := r.Wait()
		if err != nil || res.Err() != nil {
			t.Fatal(err, res.Err())
		}
		for i, c := range res.Chains {
			k := part.first + i
			if c.Chain != k || seen[k] != o.Draws {
				t.Errorf("first %d: chain at %d is numbered %d, streamed %d draws", part.first, i, c.Chain, seen[k])
			}
			if pr := r.Progress().Chains[i]; pr.Chain != k {
				t.Errorf("first %d: progress of chain at %d is numbered %d", part.first, i, pr.Chain)
			}
			want := full.Chains[k]
			if !reflect.DeepEqual(c.Draws, want.Draws) || !reflect.DeepEqual(c.Stats, want.Stats) ||
				!reflect.DeepEqual(c.WarmupDraws, want.WarmupDraws) || c.StepSize != want.StepSize {
				t.Errorf("chain %d sampled from FirstChain %d differs from the full run", k, part.first)
			}
		}
	}
	// Errors name the chain by its number.
	fm := &failingModel{gaussModel: *diagModel(1, 2), bad: 0, mk: func() nuts.Density { return &brokenDensity{} }}
	p := opts(1, 10, 10, 1)
	p.FirstChain = 5
	res, err := sample.Sample(context.Background(), fm, p)
	if err != nil {
		t.Fatal(err)
	}
	if e := res.Chains[0].Err; e == nil || !strings.HasPrefix(e.Error(), "chain 5: ") {
		t.Errorf("error of chain 5 is %v", e)
	}
}

// slowModel sleeps in every evaluation so that a run lasts long enough
// to be interrupted.
func slowModel() *gaussModel {
	m := diagModel(1, 1)
	m.hook = func(x, grad []float64) (float64, error, bool) {
		time.Sleep(20 * time.Microsecond)
		return 0, nil, false
	}
	return m
}

func TestCancel(t *testing.T) {
	o := opts(4, 100, 100000, 1)
	o.Cores, o.BatchSize = 2, 10
	r, err := sample.Start(context.Background(), slowModel(), o)
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithTimeout(context.Background(), 20*time.Second)
	defer stop()
	var batches []sample.Batch
	for len(batches) < 3 {
		b, ok := r.Next(ctx)
		if !ok {
			t.Fatal("run ended before any batch")
		}
		batches = append(batches, b)
	}
	t0 := time.Now()
	r.Cancel()
	res, err := r.Wait()
	if el := time.Since(t0); el > 2*time.Second {
		t.Errorf("Wait took %v after Cancel", el)
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Wait error %v, want context.Canceled", err)
	}
	total := 0
	for _, c := range res.Chains {
		if c.Err != nil {
			t.Errorf("chain %d: %v", c.Chain, c.Err)
		}
		if c.NumDraws() >= o.Draws {
			t.Errorf("chain %d finished despite cancel", c.Chain)
		}
		if len(c.Draws) != c.NumDraws()*res.Dim {
			t.Errorf("chain %d: %d values for %d draws", c.Chain, len(c.Draws), c.NumDraws())
		}
		total += c.NumDraws()
	}
	if total == 0 {
		t.Error("no draws kept")
	}
	for {
		b, ok := r.Next(ctx)
		if !ok {
			break
		}
		batches = append(batches, b)
	}
	checkBatches(t, res, batches, false)
}

func TestContextDeadline(t *testing.T) {
	ctx, stop := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer stop()
	t0 := time.Now()
	res, err := sample.Sample(ctx, slowModel(), opts(2, 100, 100000, 1))
	if el := time.Since(t0); el > 3*time.Second {
		t.Errorf("Sample returned %v after start with a 300 ms deadline", el)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error %v, want deadline exceeded", err)
	}
	if res == nil || len(res.Chains) != 2 {
		t.Fatal("no partial result")
	}
}

// checkBatches verifies that the batches of each chain and phase tile the
// result exactly, in order.
func checkBatches(t *testing.T, res *sample.Result, batches []sample.Batch, warmup bool) {
	t.Helper()
	d := res.Dim
	type key struct {
		chain  int
		tuning bool
	}
	pos := map[key][]float64{}
	stats := map[key][]nuts.Stats{}
	for _, b := range batches {
		k := key{b.Chain, b.Tuning}
		if b.Start != len(stats[k]) {
			t.Fatalf("chain %d tuning=%v: batch starts at %d after %d draws", b.Chain, b.Tuning, b.Start, len(stats[k]))
		}
		if len(b.Positions) != b.Len()*d {
			t.Fatalf("batch has %d values for %d draws", len(b.Positions), b.Len())
		}
		pos[k] = append(pos[k], b.Positions...)
		stats[k] = append(stats[k], b.Stats...)
	}
	for _, c := range res.Chains {
		k := key{c.Chain, false}
		if !reflect.DeepEqual(pos[k], nilIfEmpty(c.Draws)) || !reflect.DeepEqual(stats[k], nilIfEmptyStats(c.Stats)) {
			t.Errorf("chain %d: streamed %d draws, result %d", c.Chain, len(stats[k]), len(c.Stats))
		}
		if warmup {
			k.tuning = true
			if !reflect.DeepEqual(pos[k], nilIfEmpty(c.WarmupDraws)) || !reflect.DeepEqual(stats[k], nilIfEmptyStats(c.WarmupStats)) {
				t.Errorf("chain %d: streamed %d warmup draws, result %d", c.Chain, len(stats[k]), len(c.WarmupStats))
			}
			for _, st := range stats[k] {
				if !st.Tuning {
					t.Fatal("warmup batch with a non-tuning draw")
				}
			}
		} else if len(stats[key{c.Chain, true}]) > 0 {
			t.Errorf("chain %d: warmup streamed without SaveWarmup", c.Chain)
		}
	}
}

func nilIfEmpty(x []float64) []float64 {
	if len(x) == 0 {
		return nil
	}
	return x
}

func nilIfEmptyStats(x []nuts.Stats) []nuts.Stats {
	if len(x) == 0 {
		return nil
	}
	return x
}

func TestStreaming(t *testing.T) {
	gate := make(chan struct{})
	var calls atomic.Int64
	m := diagModel(1, 2, 3)
	m.hook = func(x, grad []float64) (float64, error, bool) {
		// Every chain stalls at its 3000th-or-so evaluation until the test
		// has seen a batch, so the first batch provably precedes the end.
		if calls.Add(1) == 3000 {
			<-gate
		}
		return 0, nil, false
	}
	o := opts(3, 200, 400, 9)
	o.SaveWarmup, o.BatchSize = true, 7
	r, err := sample.Start(context.Background(), m, o)
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithTimeout(context.Background(), 30*time.Second)
	defer stop()
	first, ok := r.Next(ctx)
	if !ok {
		t.Fatal("no first batch")
	}
	select {
	case <-r.Done():
		t.Fatal("run finished before the first batch was read")
	default:
	}
	p := r.Progress()
	finished := 0
	for _, c := range p.Chains {
		if c.Finished {
			finished++
		}
	}
	if finished == len(p.Chains) {
		t.Fatal("all chains finished while one was gated")
	}
	close(gate)
	batches := []sample.Batch{first}
	for {
		b, ok := r.Next(ctx)
		if !ok {
			break
		}
		if b.Len() > o.BatchSize {
			t.Fatalf("batch of %d draws, BatchSize %d", b.Len(), o.BatchSize)
		}
		batches = append(batches, b)
	}
	res, err := r.Wait()
	if err != nil || res.Err() != nil {
		t.Fatal(err, res.Err())
	}
	checkBatches(t, res, batches, true)
	if _, ok := r.TryNext(); ok {
		t.Error("TryNext found a batch after the stream was drained")
	}
	for _, c := range r.Progress().Chains {
		if !c.Finished || c.Done != c.Total || c.Total != 600 || c.Tuning {
			t.Errorf("final progress %+v", c)
		}
	}
}

func TestConcurrentReaders(t *testing.T) {
	o := opts(4, 100, 300, 3)
	o.BatchSize = 3
	r, err := sample.Start(context.Background(), diagModel(1, 1), o)
	if err != nil {
		t.Fatal(err)
	}
	ch := make(chan []sample.Batch, 3)
	for range 3 {
		go func() {
			var got []sample.Batch
			for {
				b, ok := r.Next(context.Background())
				if !ok {
					ch <- got
					return
				}
				got = append(got, b)
			}
		}()
	}
	n := 0
	for range 3 {
		for _, b := range <-ch {
			n += b.Len()
		}
	}
	if n != 4*300 {
		t.Errorf("readers got %d draws, want %d", n, 4*300)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		mut  func(*sample.Options)
		want string
	}{
		{"draws", func(o *sample.Options) { o.Draws = 0 }, "draws must be at least 1, got 0"},
		{"tune", func(o *sample.Options) { o.Tune = -1 }, "tune must be in [0, 1099511627776], got -1"},
		{"chains", func(o *sample.Options) { o.Chains = 0 }, "chains"},
		{"first chain", func(o *sample.Options) { o.FirstChain = -1 }, "first_chain"},
		{"first chain too large", func(o *sample.Options) { o.FirstChain = math.MaxInt - 1 }, "first_chain"},
		{"target 0", func(o *sample.Options) { o.TargetAccept = 0 }, "target_accept must be in (0, 1), got 0"},
		{"target 1", func(o *sample.Options) { o.TargetAccept = 1 }, "target_accept"},
		{"target NaN", func(o *sample.Options) { o.TargetAccept = math.NaN() }, "target_accept must be in (0, 1), got NaN"},
		{"depth", func(o *sample.Options) { o.MaxTreeDepth = 0 }, "max_treedepth must be in [1, 30], got 0"},
		{"energy", func(o *sample.Options) { o.MaxEnergyError = 0 }, "max_energy_error must be finite and greater than 0, got 0"},
		{"jitter", func(o *sample.Options) { o.InitJitter = -1 }, "init (exmc_options.init_jitter) must be finite and at least 0, got -1"},
		{"retries", func(o *sample.Options) { o.InitRetries = 0 }, "InitRetries"},
		{"batch", func(o *sample.Options) { o.BatchSize = 0 }, "batch_size"},
		{"init count", func(o *sample.Options) { o.Init = [][]float64{{0, 0}} }, "init has 1 points"},
		{"init ragged", func(o *sample.Options) { o.Init = [][]float64{{0, 0}, {0}, {0, 0}, {0, 0}} }, "init[1] has length 1"},
		{"init NaN", func(o *sample.Options) { o.Init = [][]float64{{0, 0}, {0, math.NaN()}, {0, 0}, {0, 0}} }, "init[3] (chain 1, coordinate 1) is NaN"},
		{"metric", func(o *sample.Options) { o.Metric = 7 }, "metric must be one of gradient (0), variance (1), low_rank (2), got 7"},
	}
	for _, tc := range tests {
		o := sample.DefaultOptions()
		tc.mut(&o)
		err := o.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error naming %s", tc.name, err, tc.want)
		}
		if _, err := sample.Start(context.Background(), diagModel(1, 1), o); err == nil {
			t.Errorf("%s: Start accepted invalid options", tc.name)
		}
	}
	if err := sample.DefaultOptions().Validate(); err != nil {
		t.Error(err)
	}
	// Checks that need the model's dimension.
	o := sample.DefaultOptions()
	o.Init = [][]float64{{0}, {0}, {0}, {0}}
	if _, err := sample.Sample(context.Background(), diagModel(1, 1), o); err == nil || !strings.Contains(err.Error(), "Init") {
		t.Errorf("wrong Init length: %v", err)
	}
	o = sample.DefaultOptions()
	o.InitCenter = []float64{0, 0, 0}
	if _, err := sample.Sample(context.Background(), diagModel(1, 1), o); err == nil || !strings.Contains(err.Error(), "InitCenter") {
		t.Errorf("wrong InitCenter length: %v", err)
	}
	if _, err := sample.Sample(context.Background(), nil, sample.DefaultOptions()); err == nil {
		t.Error("nil model accepted")
	}
}

func TestInitOptions(t *testing.T) {
	// Explicit initial points: the first warmup draw starts from there, so
	// with a tiny tree it stays close.
	m := diagModel(1, 1)
	o := opts(2, 0, 5, 1)
	o.Init = [][]float64{{10, 10}, {-10, -10}}
	o.SaveWarmup = true
	res, err := sample.Sample(context.Background(), m, o)
	if err != nil || res.Err() != nil {
		t.Fatal(err, res.Err())
	}
	// A bad explicit point fails the chain with a message saying so.
	m.hook = func(x, grad []float64) (float64, error, bool) {
		if x[0] > 5 {
			return math.NaN(), nil, true
		}
		return 0, nil, false
	}
	res, err = sample.Sample(context.Background(), m, o)
	if err != nil {
		t.Fatal(err)
	}
	if e := res.Chains[0].Err; e == nil || !strings.Contains(e.Error(), "Init[0]") {
		t.Errorf("chain 0 error %v", e)
	}
	if res.Chains[1].Err != nil {
		t.Errorf("chain 1: %v", res.Chains[1].Err)
	}
	// A centre far out with no jitter is used as is.
	o = opts(1, 10, 10, 1)
	o.InitCenter, o.InitJitter = []float64{100, 100}, 0
	m.hook = nil
	res, err = sample.Sample(context.Background(), m, o)
	if err != nil || res.Err() != nil {
		t.Fatal(err, res.Err())
	}
}

func TestTuneZeroAndShortTune(t *testing.T) {
	for _, tune := range []int{0, 10, 100} {
		res, err := sample.Sample(context.Background(), diagModel(1, 5), opts(2, tune, 200, 1))
		if err != nil || res.Err() != nil {
			t.Fatal(tune, err, res.Err())
		}
		for _, c := range res.Chains {
			if !(c.StepSize > 0) || math.IsInf(c.StepSize, 0) {
				t.Errorf("tune %d: step size %v", tune, c.StepSize)
			}
			adapted := c.InvMass[1] != 1
			if adapted != (tune >= 20) {
				t.Errorf("tune %d: inverse mass %v", tune, c.InvMass)
			}
		}
	}
}

type zeroDim struct{}

func (zeroDim) Dim() int                 { return 0 }
func (zeroDim) NewDensity() nuts.Density { return zeroDensity{} }

type zeroDensity struct{}

func (zeroDensity) Dim() int                                    { return 0 }
func (zeroDensity) LogpGrad(x, grad []float64) (float64, error) { return -1, nil }

// A model with no free variable samples, with every metric (a warmup long
// enough to adapt one).
func TestZeroDimensional(t *testing.T) {
	for _, m := range []sample.Metric{sample.MetricGradient, sample.MetricVariance, sample.MetricLowRank} {
		o := opts(2, 200, 20, 1)
		o.Metric = m
		res, err := sample.Sample(context.Background(), zeroDim{}, o)
		if err != nil || res.Err() != nil {
			t.Fatal(m, err, res.Err())
		}
		if res.Chains[0].NumDraws() != 20 || len(res.Chains[0].Draws) != 0 {
			t.Errorf("%v: %d draws, %d values", m, res.Chains[0].NumDraws(), len(res.Chains[0].Draws))
		}
	}
}

// Both diagonal estimators learn a Gaussian's variances; the default is
// the gradient-informed one, and the choice changes the draws.
func TestMetricEstimators(t *testing.T) {
	sd := []float64{0.05, 1, 20}
	model := diagModel(sd...)
	v := []float64{sd[0] * sd[0], sd[1] * sd[1], sd[2] * sd[2]}
	if sample.DefaultOptions().Metric != sample.MetricGradient || sample.MetricGradient.String() != "gradient" ||
		sample.MetricVariance.String() != "variance" {
		t.Fatal("the default metric is not the gradient-informed one")
	}
	var first []float64
	for _, m := range []sample.Metric{sample.MetricGradient, sample.MetricVariance} {
		o := opts(2, 1000, 1000, 31)
		o.Metric = m
		res, err := sample.Sample(context.Background(), model, o)
		if err != nil {
			t.Fatal(err)
		}
		checkMoments(t, res, model.mu, v)
		for i, s := range sd {
			if r := res.Chains[0].InvMass[i] / (s * s); r < 0.6 || r > 1.6 {
				t.Errorf("%v: inverse mass %d is %.4g, want about %.4g", m, i, res.Chains[0].InvMass[i], s*s)
			}
		}
		if first == nil {
			first = res.Chains[0].Draws
		} else if first[len(first)-1] == res.Chains[0].Draws[len(first)-1] {
			t.Error("the metric option did not change the draws")
		}
	}
}

func TestThreadStarter(t *testing.T) {
	m := diagModel(logspace(3, 0.5, 2)...)
	base := opts(5, 100, 100, 7)
	base.Cores = 1
	want, err := sample.Sample(context.Background(), m, base)
	if err != nil || want.Err() != nil {
		t.Fatal(err, want.Err())
	}
	for _, tc := range []struct{ cores, workers int }{{1, 1}, {2, 2}, {8, 5}} {
		var started atomic.Int32
		o := base
		o.Cores = tc.cores
		o.Threads = func(work func()) {
			started.Add(1)
			go work()
		}
		got, err := sample.Sample(context.Background(), m, o)
		if err != nil || got.Err() != nil {
			t.Fatal(err, got.Err())
		}
		if n := int(started.Load()); n != tc.workers {
			t.Errorf("cores %d, 5 chains: %d workers started, want %d", tc.cores, n, tc.workers)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("cores %d: draws differ from one core's", tc.cores)
		}
	}
}

// The low-rank metric samples a strongly correlated Gaussian correctly
// (ten coordinates with scales from 0.1 to 10 and correlations of 0.9:
// one direction with 92 times the variance of the nine others, whatever
// the diagonal scaling), learns the long direction, and draws at least
// five times as many effective draws per gradient as the diagonal metric
// (bulk ESS of the worst coordinate, two chains: 218 against 7.9 per 1000
// gradients with this seed).
func TestLowRankCorrelated(t *testing.T) {
	const d, rho = 10, 0.9
	sd := logspace(d, 0.1, 10)
	cov := mat.NewSymDense(d, nil)
	for i := range d {
		for j := i; j < d; j++ {
			c := rho
			if i == j {
				c = 1
			}
			cov.SetSym(i, j, c*sd[i]*sd[j])
		}
	}
	var prec mat.Dense
	if err := prec.Inverse(cov); err != nil {
		t.Fatal(err)
	}
	m := &gaussModel{mu: make([]float64, d), prec: prec.RawMatrix().Data}
	v := make([]float64, d)
	for i := range v {
		v[i] = sd[i] * sd[i]
	}
	perGrad := map[sample.Metric]float64{}
	for _, metric := range []sample.Metric{sample.MetricLowRank, sample.MetricGradient} {
		o := opts(2, 1000, 1000, 9)
		o.Metric = metric
		res, err := sample.Sample(context.Background(), m, o)
		if err != nil || res.Err() != nil {
			t.Fatal(err, res.Err())
		}
		checkMoments(t, res, m.mu, v)
		grads := 0.0
		for _, c := range res.Chains {
			for _, st := range c.Stats {
				grads += float64(st.NSteps)
			}
		}
		ess := math.Inf(1)
		for i := range d {
			var cols [][]float64
			for _, c := range res.Chains {
				col := make([]float64, c.DrawCount)
				for k := range col {
					col[k] = c.Draws[k*d+i]
				}
				cols = append(cols, col)
			}
			ess = math.Min(ess, diag.ESSBulk(cols))
		}
		perGrad[metric] = 1000 * ess / grads
		if metric != sample.MetricLowRank {
			continue
		}
		for _, c := range res.Chains {
			if len(c.InvMass) != d+d*(d+1) {
				t.Fatalf("chain %d: packed inverse mass has %d entries, want %d", c.Chain, len(c.InvMass), d+d*(d+1))
			}
			// The first slot is the long direction: in the scaled
			// coordinates, parallel to (1, ..., 1).
			dot := 0.0
			for _, u := range c.InvMass[d+1 : 2*d+1] {
				dot += u / math.Sqrt(d)
			}
			if l := c.InvMass[d]; l < 2 || math.Abs(dot) < 0.95 {
				t.Errorf("chain %d: first direction has eigenvalue %.3g and cosine %.3f with the long one", c.Chain, l, dot)
			}
		}
	}
	if lr, dg := perGrad[sample.MetricLowRank], perGrad[sample.MetricGradient]; lr < 5*dg {
		t.Errorf("%.3g effective draws per 1000 gradients with the low-rank metric, %.3g with the diagonal one", lr, dg)
	}
}
