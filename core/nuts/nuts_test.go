package nuts_test

import (
	"math"
	"testing"

	"github.com/exmc/exmc/core/nuts"
)

var criteria = []nuts.Criterion{nuts.CriterionDisplacement, nuts.CriterionMomentumSum}

func withCriterion(c nuts.Criterion) nuts.Options {
	o := nuts.DefaultOptions()
	o.Criterion = c
	return o
}

func TestGaussianMoments(t *testing.T) {
	tests := []struct {
		name    string
		sd      []float64
		metric  bool // use the true variances as the inverse mass matrix
		eps     float64
		n       int
		seed    uint64
		maxMean float64 // ceiling on mean tree depth, a guard against runaway trajectories
	}{
		{"d1", []float64{2}, false, 0.9, 20000, 1, 4},
		{"d10 unit metric", logspace(10, 0.5, 2), false, 0.4, 3000, 2, 5},
		{"d100 adapted metric", logspace(100, 0.1, 10), true, 0.5, 2000, 3, 5},
	}
	for _, c := range criteria {
		for _, tc := range tests {
			t.Run(c.String()+"/"+tc.name, func(t *testing.T) {
				g := newDiagGauss(tc.sd)
				d := len(tc.sd)
				m := nuts.NewDiagMetric(d)
				v := make([]float64, d)
				for i, s := range tc.sd {
					v[i] = s * s
				}
				if tc.metric {
					if err := m.SetInvMass(v); err != nil {
						t.Fatal(err)
					}
				}
				s := mustSampler(t, g, m, withCriterion(c), tc.eps, g.mu)
				draws, stats := run(t, s, newRand(tc.seed), tc.n)
				depth := 0
				for i, st := range stats {
					if st.Diverging {
						t.Fatalf("draw %d diverged on a Gaussian", i)
					}
					depth += st.TreeDepth
				}
				if md := float64(depth) / float64(len(stats)); md > tc.maxMean {
					t.Errorf("mean tree depth %.2f > %v", md, tc.maxMean)
				}
				checkMoments(t, draws, d, g.mu, v)
			})
		}
	}
}

// logGamma is the product of log-Gamma(kᵢ, 1) marginals: x = log y with
// y ~ Gamma(k, 1), density ∝ exp(k x - eˣ), mean ψ(k) and variance ψ′(k).
// It is skewed with a long left tail, so a trajectory's length depends on
// which way it runs: a criterion that is not symmetric in a stretch's ends
// would bias the draws here, where a Gaussian might hide it.
type logGamma struct{ k []float64 }

func (g *logGamma) Dim() int { return len(g.k) }

func (g *logGamma) LogpGrad(x, grad []float64) (float64, error) {
	lp := 0.0
	for i, k := range g.k {
		e := math.Exp(x[i])
		lp += k*x[i] - e
		grad[i] = k - e
	}
	return lp, nil
}

func TestLogGammaMoments(t *testing.T) {
	const eulerGamma = 0.5772156649015329
	// k = 1/2, 1, 3: ψ(1/2) = -γ - 2 log 2, ψ′(1/2) = π²/2; ψ(1) = -γ,
	// ψ′(1) = π²/6; ψ(3) = 3/2 - γ, ψ′(3) = π²/6 - 5/4.
	g := &logGamma{k: []float64{0.5, 1, 3}}
	mean := []float64{-eulerGamma - 2*math.Ln2, -eulerGamma, 1.5 - eulerGamma}
	vars := []float64{math.Pi * math.Pi / 2, math.Pi * math.Pi / 6, math.Pi*math.Pi/6 - 1.25}
	for _, c := range criteria {
		t.Run(c.String(), func(t *testing.T) {
			m := nuts.NewDiagMetric(3)
			if err := m.SetInvMass(vars); err != nil {
				t.Fatal(err)
			}
			s := mustSampler(t, g, m, withCriterion(c), 0.7, mean)
			const n = 20000
			draws, stats := run(t, s, newRand(21), n)
			acc := 0.0
			for _, st := range stats {
				acc += st.AcceptanceRate / n
			}
			// Not a correctness check: a guard that the step size is in the
			// range where the test means something.
			if acc < 0.6 || acc > 0.97 {
				t.Fatalf("mean acceptance %.3f", acc)
			}
			checkMomentsAny(t, draws, 3, mean, vars)
		})
	}
}

// The criteria pair momenta with displacements or velocities (Δq·p,
// Σp·M⁻¹p), which do not change under a linear change of coordinates.
// So a diagonal metric must give the same trees as running with the unit
// metric on the target rescaled by the metric's standard deviations, the
// whitened space in which nutpie states its criterion: same seeds, same
// step counts, and positions that agree up to rounding.
func TestWhitenedEquivalent(t *testing.T) {
	sd := []float64{0.2, 1, 3, 7}
	scale := []float64{0.5, 2, 1, 5} // the metric's standard deviations, deliberately not sd
	raw := newDiagGauss(sd)
	white := &diagGauss{mu: make([]float64, len(sd)), sd: make([]float64, len(sd))}
	invMass := make([]float64, len(sd))
	for i := range sd {
		white.mu[i] = raw.mu[i] / scale[i]
		white.sd[i] = sd[i] / scale[i]
		invMass[i] = scale[i] * scale[i]
	}
	for _, c := range criteria {
		t.Run(c.String(), func(t *testing.T) {
			m := nuts.NewDiagMetric(len(sd))
			if err := m.SetInvMass(invMass); err != nil {
				t.Fatal(err)
			}
			a := mustSampler(t, raw, m, withCriterion(c), 0.3, raw.mu)
			b := mustSampler(t, white, nuts.NewDiagMetric(len(sd)), withCriterion(c), 0.3, white.mu)
			ra, rb := newRand(6), newRand(6)
			for i := 0; i < 300; i++ {
				sa, err := a.Transition(ra)
				if err != nil {
					t.Fatal(err)
				}
				sb, err := b.Transition(rb)
				if err != nil {
					t.Fatal(err)
				}
				if sa.NSteps != sb.NSteps || sa.TreeDepth != sb.TreeDepth {
					t.Fatalf("transition %d: %d steps/depth %d, whitened %d/%d", i, sa.NSteps, sa.TreeDepth, sb.NSteps, sb.TreeDepth)
				}
				for j, x := range a.Position() {
					if y := b.Position()[j] * scale[j]; math.Abs(x-y) > 1e-9*math.Max(1, math.Abs(x)) {
						t.Fatalf("transition %d: coordinate %d is %v, whitened run %v", i, j, x, y)
					}
				}
			}
		})
	}
}

// Over leapfrog points z₀…zₙ the momentum sum is exactly
// MΔq/ε + (p₀ + pₙ)/2 + ε(gₙ - g₀)/4, so its test at the end n reads
// Δq·pₙ/ε + Kₙ + p₀·M⁻¹pₙ/2 + O(ε): an extra term, about d/2 on average,
// in favour of going on. Each stiff direction (one that turns within a few
// steps) adds about 1/2 to it while its displacement term changes sign as
// it oscillates, so where many stiff directions set the step size, as in
// the stochastic-volatility model, the slow directions must run well past
// their U-turn before the momentum sum reports it. Here: 20 unit-variance
// coordinates with correlation 0.95 (one direction of sd 4.4, nineteen of
// sd 0.22) under the unit diagonal metric; the 0.8 bound leaves a margin
// on the 0.72 this seed gives.
func TestDisplacementTrajectoriesShorter(t *testing.T) {
	const d, rho = 20, 0.95
	// Σ = (1-ρ)I + ρ11ᵀ has Σ⁻¹ = (I - ρ/(1-ρ+dρ) 11ᵀ)/(1-ρ).
	g := &denseGauss{mu: make([]float64, d), prec: make([]float64, d*d), r: make([]float64, d)}
	for i := range d {
		for j := range d {
			v := -rho / (1 - rho + d*rho)
			if i == j {
				v++
			}
			g.prec[i*d+j] = v / (1 - rho)
		}
	}
	steps := map[nuts.Criterion]float64{}
	for _, c := range criteria {
		s := mustSampler(t, g, nuts.NewDiagMetric(d), withCriterion(c), 0.15, g.mu)
		_, stats := run(t, s, newRand(13), 300)
		for _, st := range stats {
			steps[c] += float64(st.NSteps) / 300
		}
	}
	if d, m := steps[nuts.CriterionDisplacement], steps[nuts.CriterionMomentumSum]; d > 0.8*m {
		t.Errorf("mean steps: displacement %.1f, momentum sum %.1f", d, m)
	}
}

func TestDenseUnitMetricMatchesDiag(t *testing.T) {
	// With identity metrics both implementations must produce the same
	// chain bit for bit up to floating-point summation order: compare
	// positions loosely and tree shapes exactly.
	g := newDiagGauss([]float64{1, 2, 0.5})
	for _, c := range criteria {
		a := mustSampler(t, g, nuts.NewDiagMetric(3), withCriterion(c), 0.5, nil)
		b := mustSampler(t, g, nuts.NewDenseMetric(3), withCriterion(c), 0.5, nil)
		ra, rb := newRand(5), newRand(5)
		for i := 0; i < 200; i++ {
			sa, err := a.Transition(ra)
			if err != nil {
				t.Fatal(err)
			}
			sb, err := b.Transition(rb)
			if err != nil {
				t.Fatal(err)
			}
			if sa.NSteps != sb.NSteps || sa.TreeDepth != sb.TreeDepth {
				t.Fatalf("%v, transition %d: diag %d steps/depth %d, dense %d/%d", c, i, sa.NSteps, sa.TreeDepth, sb.NSteps, sb.TreeDepth)
			}
			for j := range a.Position() {
				if math.Abs(a.Position()[j]-b.Position()[j]) > 1e-9 {
					t.Fatalf("%v, transition %d: positions differ: %v vs %v", c, i, a.Position(), b.Position())
				}
			}
		}
	}
}

func TestEnergyConservation(t *testing.T) {
	g := newDiagGauss(logspace(10, 0.5, 2))
	o := nuts.DefaultOptions()
	o.MaxTreeDepth = 6
	s := mustSampler(t, g, nuts.NewDiagMetric(10), o, 1e-3, nil)
	_, stats := run(t, s, newRand(3), 50)
	for i, st := range stats {
		// Leapfrog's energy error is O(ε²) over a bounded time: with
		// ε = 1e-3 and at most 63 steps it is far below 1e-5.
		if math.Abs(st.EnergyError) > 1e-5 || math.Abs(st.MaxEnergyError) > 1e-5 {
			t.Fatalf("draw %d: energy error %g, max %g", i, st.EnergyError, st.MaxEnergyError)
		}
		if st.AcceptanceRate < 1-1e-5 {
			t.Fatalf("draw %d: acceptance %g", i, st.AcceptanceRate)
		}
	}
}

func TestTreeDepthLimit(t *testing.T) {
	g := newDiagGauss([]float64{1, 1})
	for _, maxDepth := range []int{1, 3, 5} {
		o := nuts.DefaultOptions()
		o.MaxTreeDepth = maxDepth
		// A tiny step never turns within 2^maxDepth steps.
		s := mustSampler(t, g, nuts.NewDiagMetric(2), o, 1e-4, nil)
		_, stats := run(t, s, newRand(1), 20)
		for i, st := range stats {
			if st.TreeDepth != maxDepth || st.NSteps != 1<<maxDepth-1 || !st.ReachedMaxTreedepth {
				t.Fatalf("max depth %d, draw %d: depth %d, steps %d, reached %v", maxDepth, i, st.TreeDepth, st.NSteps, st.ReachedMaxTreedepth)
			}
		}
	}
	// A reasonable step turns before the limit and says so.
	s := mustSampler(t, g, nuts.NewDiagMetric(2), nuts.DefaultOptions(), 0.5, nil)
	_, stats := run(t, s, newRand(2), 200)
	for i, st := range stats {
		// A transition takes the 2^depth - 1 steps of its accepted tree plus
		// at most the 2^depth of a rejected last subtree.
		if st.ReachedMaxTreedepth || st.TreeDepth > 10 || st.NSteps > (1<<st.TreeDepth-1)+(1<<st.TreeDepth) {
			t.Fatalf("draw %d: %+v", i, st)
		}
	}
}

// faulty is a N(0, 2²) in each coordinate that misbehaves when x[0] > 3.
type faulty struct {
	diagGauss
	mode string
}

func (f *faulty) LogpGrad(x, grad []float64) (float64, error) {
	if x[0] > 3 {
		switch f.mode {
		case "nan":
			return math.NaN(), nil
		case "inf":
			return math.Inf(1), nil
		case "neginf":
			return math.Inf(-1), nil
		case "gradnan":
			lp, _ := f.diagGauss.LogpGrad(x, grad)
			grad[0] = math.NaN()
			return lp, nil
		case "panic":
			var m map[string]int
			m["boom"]++ // a genuine runtime panic, not a friendly one
		case "recoverable":
			return 0, recoverableErr{}
		}
	}
	return f.diagGauss.LogpGrad(x, grad)
}

func TestBadRegionsDiverge(t *testing.T) {
	for _, mode := range []string{"nan", "inf", "neginf", "gradnan", "panic", "recoverable"} {
		t.Run(mode, func(t *testing.T) {
			f := &faulty{diagGauss: diagGauss{mu: []float64{0, 0}, sd: []float64{2, 2}}, mode: mode}
			s := mustSampler(t, f, nuts.NewDiagMetric(2), nuts.DefaultOptions(), 0.8, nil)
			draws, stats := run(t, s, newRand(4), 1000)
			div := 0
			for i, st := range stats {
				if st.Diverging {
					div++
					if !math.IsInf(st.MaxEnergyError, 1) {
						t.Fatalf("draw %d: divergent with max energy error %v", i, st.MaxEnergyError)
					}
				}
				if x := draws[2*i]; x > 3 {
					t.Fatalf("draw %d: x[0] = %v lies in the bad region", i, x)
				}
				if math.IsNaN(st.Lp) || math.IsInf(st.Lp, 0) || math.IsNaN(st.AcceptanceRate) {
					t.Fatalf("draw %d: %+v", i, st)
				}
			}
			// P(x0 > 3) = 6.7% under N(0, 4): many trajectories cross it.
			if div < 20 {
				t.Errorf("%d divergences in 1000 draws, expected many", div)
			}
			if s.LastFailure() == nil {
				t.Error("LastFailure is nil after failing evaluations")
			}
		})
	}
}

type fatalAfter struct {
	diagGauss
	n, calls int
}

func (f *fatalAfter) LogpGrad(x, grad []float64) (float64, error) {
	f.calls++
	if f.calls > f.n {
		return 0, errBroken
	}
	return f.diagGauss.LogpGrad(x, grad)
}

func TestFatalErrorStopsTransition(t *testing.T) {
	f := &fatalAfter{diagGauss: diagGauss{mu: []float64{0}, sd: []float64{1}}, n: 50}
	s := mustSampler(t, f, nuts.NewDiagMetric(1), nuts.DefaultOptions(), 0.5, nil)
	r := newRand(1)
	for i := 0; i < 100; i++ {
		before := s.Position()[0]
		_, err := s.Transition(r)
		if err != nil {
			if err != errBroken {
				t.Fatalf("error %v, want the density's own", err)
			}
			if s.Position()[0] != before {
				t.Fatal("chain moved on a failed transition")
			}
			return
		}
	}
	t.Fatal("fatal density error never surfaced")
}

func TestSetPositionRejectsBadPoints(t *testing.T) {
	f := &faulty{diagGauss: diagGauss{mu: []float64{0}, sd: []float64{1}}, mode: "panic"}
	s, err := nuts.New(f, nuts.NewDiagMetric(1), nuts.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Transition(newRand(1)); err == nil {
		t.Fatal("transition before SetPosition succeeded")
	}
	err = s.SetPosition([]float64{5})
	if err == nil || !nuts.IsRecoverable(err) {
		t.Fatalf("SetPosition in the panic region: %v", err)
	}
	var pe *nuts.PanicError
	if !asPanic(err, &pe) {
		t.Fatalf("error %T is not a PanicError", err)
	}
	if err := s.SetPosition([]float64{1}); err != nil {
		t.Fatal(err)
	}
}

func TestDeterministic(t *testing.T) {
	g := newDiagGauss(logspace(5, 0.5, 3))
	a := mustSampler(t, g, nuts.NewDiagMetric(5), nuts.DefaultOptions(), 0.4, nil)
	b := mustSampler(t, g, nuts.NewDiagMetric(5), nuts.DefaultOptions(), 0.4, nil)
	da, sa := run(t, a, newRand(9), 300)
	db, sb := run(t, b, newRand(9), 300)
	for i := range da {
		if da[i] != db[i] {
			t.Fatalf("draw value %d differs", i)
		}
	}
	for i := range sa {
		if sa[i] != sb[i] {
			t.Fatalf("stats %d differ", i)
		}
	}
}

func TestProbeStep(t *testing.T) {
	g := newDiagGauss([]float64{1, 1, 1})
	s := mustSampler(t, g, nuts.NewDiagMetric(3), nuts.DefaultOptions(), 1, []float64{0.3, 0.1, -0.2})
	pos := append([]float64(nil), s.Position()...)
	r := newRand(1)
	small, err := s.ProbeStep(r, 1e-4)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(small) > 1e-6 {
		t.Errorf("tiny step changed energy by %g", small)
	}
	f := &faulty{diagGauss: diagGauss{mu: []float64{0}, sd: []float64{1}}, mode: "nan"}
	s2 := mustSampler(t, f, nuts.NewDiagMetric(1), nuts.DefaultOptions(), 1, []float64{2.9})
	// A huge step lands beyond 3 or far out in the tail: never a gain.
	huge, err := s2.ProbeStep(r, 50)
	if err != nil || huge > 0 {
		t.Errorf("huge step: %v, %v", huge, err)
	}
	for i := range pos {
		if s.Position()[i] != pos[i] {
			t.Fatal("ProbeStep moved the chain")
		}
	}
}

// New trusts its options (core/sample checks the user's), but a tree depth
// that would leave nothing to do or allocate without bound is a caller's
// bug, which it reports by panicking.
func TestNewPanicsOnAnUncheckedTreeDepth(t *testing.T) {
	g := newDiagGauss(logspace(2, 1, 1))
	for _, depth := range []int{0, -1, nuts.MaxTreeDepthLimit + 1, 1 << 40} {
		o := nuts.DefaultOptions()
		o.MaxTreeDepth = depth
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("New accepted MaxTreeDepth %d", depth)
				}
			}()
			_, _ = nuts.New(g, nuts.NewDiagMetric(2), o)
		}()
	}
	if c := nuts.DefaultOptions().Criterion; c != nuts.CriterionDisplacement {
		t.Errorf("default criterion %v", c)
	}
}

func TestZeroAllocs(t *testing.T) {
	for _, c := range criteria {
		for _, dense := range []bool{false, true} {
			g := newDiagGauss(logspace(10, 0.5, 2))
			var m nuts.Metric = nuts.NewDiagMetric(10)
			if dense {
				m = nuts.NewDenseMetric(10)
			}
			s := mustSampler(t, g, m, withCriterion(c), 0.3, nil)
			r := newRand(1)
			run(t, s, r, 20)
			allocs := testing.AllocsPerRun(200, func() {
				if _, err := s.Transition(r); err != nil {
					t.Fatal(err)
				}
			})
			if allocs != 0 {
				t.Errorf("%v, dense=%v: %v allocations per transition", c, dense, allocs)
			}
		}
	}
}

func BenchmarkTransition10d(b *testing.B) {
	for _, dense := range []bool{false, true} {
		name := "diag"
		if dense {
			name = "dense"
		}
		b.Run(name, func(b *testing.B) {
			g := newDiagGauss(logspace(10, 0.5, 2))
			var m nuts.Metric = nuts.NewDiagMetric(10)
			if dense {
				m = nuts.NewDenseMetric(10)
			}
			s := mustSampler(b, g, m, nuts.DefaultOptions(), 0.3, nil)
			r := newRand(1)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := s.Transition(r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
