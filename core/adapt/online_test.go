package adapt_test

import (
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/exmc/exmc/core/adapt"
	"github.com/exmc/exmc/core/nuts"
)

// counter is an estimator that only counts its draws. Its estimate is the
// number of draws it has seen since it was made, which grows with every
// draw, so that every update is a change.
type counter struct{ n, total int }

func (c *counter) Dense() bool               { return false }
func (c *counter) Observe(q, grad []float64) { c.n++; c.total++ }
func (c *counter) N() int                    { return c.n }
func (c *counter) Reset()                    { c.n = 0 }
func (c *counter) Estimate(inv []float64) error {
	for i := range inv {
		inv[i] = float64(c.total)
	}
	return nil
}

// driveOnline runs the online schedule over tune transitions that all move
// and never diverge, and returns the 0-based draws after which the
// estimators swapped and the Update of every Step.
func driveOnline(t *testing.T, tune int, o adapt.Options) (*adapt.Online, []int, []adapt.Update, adapt.Update) {
	t.Helper()
	w, err := adapt.NewOnline(tune, &counter{}, &counter{}, []float64{1}, 0.5, o)
	if err != nil {
		t.Fatal(err)
	}
	begin := w.Begin([]float64{0}, []float64{2})
	var swaps []int
	ups := make([]adapt.Update, tune)
	q := []float64{0}
	for i := range tune {
		q[0]++
		before := w.Swaps()
		ups[i], err = w.Step(adapt.Transition{Q: q, Grad: q, AcceptStat: 0.8})
		if err != nil {
			t.Fatal(err)
		}
		if w.Swaps() != before {
			swaps = append(swaps, i)
		}
	}
	return w, swaps, ups, begin
}

func span(from, to, step int) []int {
	var out []int
	for i := from; i <= to; i += step {
		out = append(out, i)
	}
	return out
}

func TestOnlineSwaps(t *testing.T) {
	// Both estimators hold the initial point, so the background first
	// reaches 10 draws after draw 8, and every 10 draws after that while
	// the early phase (30%) lasts. The main phase starts at an interval of
	// 80 and grows by half per swap: 298+80 = 378, 378+120 = 498; the next
	// interval, 180, would end at 678 and the one after it (270) would
	// overrun the final phase (from 850), so there is no swap at 678 and
	// the foreground keeps growing to 849.
	tests := []struct {
		tune int
		want []int
		last int // the last draw that updates the metric
	}{
		{1000, append(span(8, 298, 10), 378, 498), 849},
		{2000, append(span(8, 598, 10), 678, 798, 978, 1248), 1699},
		// Early phase 0-59, final phase from 170: the first main interval
		// (80, from 58) would end at 138 and the next one (120) overrun.
		{200, span(8, 58, 10), 169},
		{100, span(8, 28, 10), 84},
		// Early phase 0-5 ends before the background holds 10 draws.
		{20, nil, 16},
		// Under MinTuneForMetric, no metric adaptation at all.
		{19, nil, -1},
		{0, nil, -1},
	}
	for _, tc := range tests {
		w, swaps, ups, begin := driveOnline(t, tc.tune, adapt.DefaultOptions())
		if !reflect.DeepEqual(swaps, tc.want) {
			t.Errorf("tune %d: swaps after draws %v, want %v", tc.tune, swaps, tc.want)
		}
		if tc.last < 0 {
			if begin != 0 || w.MetricUpdates() != 0 {
				t.Errorf("tune %d: Begin %v, %d metric updates, want none", tc.tune, begin, w.MetricUpdates())
			}
			continue
		}
		// The initial metric, then one update per draw from draw 1 (the
		// foreground's third draw) to the last before the final phase.
		if begin != adapt.MetricChanged|adapt.StepSizeReset {
			t.Errorf("tune %d: Begin %v", tc.tune, begin)
		}
		for i, u := range ups {
			want := adapt.MetricChanged
			switch {
			case i == 0 || i > tc.last:
				want = 0
			case i == 1:
				want |= adapt.StepSizeReset
			}
			if u != want {
				t.Errorf("tune %d: draw %d update %v, want %v", tc.tune, i, u, want)
				break
			}
		}
		if got := w.MetricUpdates(); got != tc.last+1 {
			t.Errorf("tune %d: %d metric updates, want %d", tc.tune, got, tc.last+1)
		}
	}
}

func TestOnlineOptions(t *testing.T) {
	// Constant intervals of 50 after an early phase of 10%, a final
	// phase of 20%, and an update every 25 draws besides the swaps.
	o := adapt.DefaultOptions()
	o.EarlyFraction, o.Switch, o.SwitchGrowth, o.FinalFraction, o.UpdateEvery = 0.1, 50, 1, 0.2, 25
	w, swaps, ups, _ := driveOnline(t, 1000, o)
	want := append(span(8, 98, 10), span(148, 748, 50)...)
	if !reflect.DeepEqual(swaps, want) {
		t.Errorf("swaps after draws %v, want %v", swaps, want)
	}
	var updates []int
	for i, u := range ups {
		if u != 0 {
			updates = append(updates, i)
		}
	}
	// Swaps update the metric, and so does every 25th draw after the last
	// update; the final phase starts at 800.
	var wantUp []int
	last := 0
	for i := 1; i < 800; i++ {
		isSwap := len(want) > 0 && (i-8)%10 == 0 && i <= 98 || i >= 148 && (i-148)%50 == 0 && i <= 748
		if isSwap || i-last >= 25 {
			wantUp = append(wantUp, i)
			last = i
		}
	}
	if !reflect.DeepEqual(updates, wantUp) {
		t.Errorf("updates after draws %v, want %v", updates, wantUp)
	}
	if w.MetricUpdates() != len(wantUp)+1 {
		t.Errorf("%d metric updates, want %d", w.MetricUpdates(), len(wantUp)+1)
	}
}

func TestOnlineSkipsStuckAndDivergentDraws(t *testing.T) {
	fg, bg := &counter{}, &counter{}
	w, err := adapt.NewOnline(1000, fg, bg, []float64{1}, 0.5, adapt.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	w.Begin([]float64{0}, []float64{1})
	steps := []adapt.Transition{
		{Q: []float64{0}, Grad: []float64{1}},                  // did not move
		{Q: []float64{1}, Grad: []float64{1}},                  // moved
		{Q: []float64{2}, Grad: []float64{1}, Diverging: true}, // diverged
		{Q: []float64{2}, Grad: []float64{1}},                  // did not move from there
		{Q: []float64{3}, Grad: []float64{1}},                  // moved
	}
	for _, s := range steps {
		if _, err := w.Step(s); err != nil {
			t.Fatal(err)
		}
	}
	if fg.N() != 3 || bg.N() != 3 {
		t.Errorf("estimators hold %d and %d draws, want the initial point and 2", fg.N(), bg.N())
	}
}

func TestOnlineRejects(t *testing.T) {
	o := adapt.DefaultOptions()
	if _, err := adapt.NewOnline(100, adapt.NewDenseCovariance(2), adapt.NewDenseCovariance(2), make([]float64, 4), 1, o); err == nil {
		t.Error("dense estimators accepted")
	}
	a := adapt.NewDiagGradient(1)
	if _, err := adapt.NewOnline(100, a, a, []float64{1}, 1, o); err == nil {
		t.Error("one estimator for both roles accepted")
	}
	if _, err := adapt.NewOnline(-1, adapt.NewDiagGradient(1), adapt.NewDiagGradient(1), []float64{1}, 1, o); err == nil {
		t.Error("negative tune accepted")
	}
	for _, mut := range []func(*adapt.Options){
		func(o *adapt.Options) { o.EarlyFraction = -0.1 },
		func(o *adapt.Options) { o.EarlyFraction, o.FinalFraction = 0.5, 0.5 },
		func(o *adapt.Options) { o.EarlySwitch = 0 },
		func(o *adapt.Options) { o.Switch = 0 },
		func(o *adapt.Options) { o.UpdateEvery = 0 },
		func(o *adapt.Options) { o.SwitchGrowth = 0.9 },
		func(o *adapt.Options) { o.SwitchGrowth = math.NaN() },
	} {
		o := adapt.DefaultOptions()
		mut(&o)
		if o.Validate() == nil {
			t.Errorf("%+v accepted", o)
		}
	}
}

func TestOnlineGradientInitialMetric(t *testing.T) {
	w, err := adapt.NewOnline(100, adapt.NewDiagGradient(4), adapt.NewDiagGradient(4), []float64{1, 1, 1, 1}, 1, adapt.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	// 1/|g|, bounded to [1e-10, 1e10]; a zero gradient keeps the scale.
	w.Begin(make([]float64, 4), []float64{-4, 0.5, 0, 1e20})
	if got, want := w.InvMass(), []float64{0.25, 2, 1, 1e-10}; !reflect.DeepEqual(got, want) {
		t.Errorf("initial inverse mass %v, want %v", got, want)
	}
}

// runOnline runs the online warmup with NUTS on N(0, diag(sd²)) as a
// sampler would, then n draws at the final step size, and returns their
// mean acceptance statistic.
func runOnline(t *testing.T, sd []float64, fg, bg adapt.MetricAdapter, target float64, seed uint64, n int) (float64, *adapt.Online) {
	t.Helper()
	d := len(sd)
	r := rand.New(rand.NewPCG(seed, 1))
	m := nuts.NewDiagMetric(d)
	s, err := nuts.New(gauss{sd}, m, nuts.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	x0 := make([]float64, d)
	for i := range x0 {
		x0[i] = 4*r.Float64() - 2
	}
	if err := s.SetPosition(x0); err != nil {
		t.Fatal(err)
	}
	probe := func(eps float64) (float64, error) { return s.ProbeStep(r, eps) }
	eps, err := adapt.InitStepSize(1, probe)
	if err != nil {
		t.Fatal(err)
	}
	o := adapt.DefaultOptions()
	o.TargetAccept = target
	w, err := adapt.NewOnline(1000, fg, bg, m.InvMass(), eps, o)
	if err != nil {
		t.Fatal(err)
	}
	apply := func(u adapt.Update) {
		if u&adapt.MetricChanged != 0 {
			if err := m.SetInvMass(w.InvMass()); err != nil {
				t.Fatal(err)
			}
		}
		if u&adapt.StepSizeReset != 0 {
			eps, err := adapt.InitStepSize(w.StepSize(), probe)
			if err != nil {
				t.Fatal(err)
			}
			w.Restart(eps)
		}
	}
	apply(w.Begin(s.Position(), s.Gradient()))
	for range 1000 {
		if err := s.SetStepSize(w.StepSize()); err != nil {
			t.Fatal(err)
		}
		st, err := s.Transition(r)
		if err != nil {
			t.Fatal(err)
		}
		u, err := w.Step(adapt.Transition{Q: s.Position(), Grad: s.Gradient(), AcceptStat: st.AcceptanceRate, Diverging: st.Diverging})
		if err != nil {
			t.Fatal(err)
		}
		apply(u)
	}
	if err := s.SetStepSize(w.Final()); err != nil {
		t.Fatal(err)
	}
	acc := 0.0
	for range n {
		st, err := s.Transition(r)
		if err != nil {
			t.Fatal(err)
		}
		acc += st.AcceptanceRate / float64(n)
	}
	return acc, w
}

func TestOnlineLearnsGaussian(t *testing.T) {
	sd := []float64{0.1, 1, 10}
	for seed := uint64(1); seed <= 3; seed++ {
		// On a Gaussian the gradient-based estimate is the variance
		// itself from any two distinct draws (see
		// TestDiagGradientGaussian), so it holds to rounding.
		_, w := runOnline(t, sd, adapt.NewDiagGradient(3), adapt.NewDiagGradient(3), 0.8, seed, 1)
		for i, s := range sd {
			if got := w.InvMass()[i]; math.Abs(got-s*s) > 1e-9*s*s {
				t.Errorf("seed %d, gradient estimator: inverse mass %d is %v, want %v", seed, i, got, s*s)
			}
		}
		// The draw variance comes from the foreground's draws 378-849.
		// NUTS draws of a Gaussian are nearly independent, but their
		// squares are not: over seeds 1-12 the ratio to the truth has a
		// standard deviation near 0.1, so ±35% is three and a half of them.
		_, w = runOnline(t, sd, adapt.NewDiagVariance(3), adapt.NewDiagVariance(3), 0.8, seed, 1)
		for i, s := range sd {
			if r := w.InvMass()[i] / (s * s); r < 0.65 || r > 1.35 {
				t.Errorf("seed %d, draw variance: inverse mass %d is %.4g, want ≈ %.4g", seed, i, w.InvMass()[i], s*s)
			}
		}
	}
}

func TestOnlineAcceptance(t *testing.T) {
	// The step size is dual-averaged over the whole warmup and its last
	// 150 iterations see a fixed metric, so the averaged step size lands
	// near the target: a mean over 2000 draws has a standard error near
	// 0.004, and the window leaves room for the average's residual bias,
	// which is towards smaller steps (higher acceptance).
	for _, target := range []float64{0.65, 0.8, 0.9} {
		got, w := runOnline(t, []float64{1, 2, 0.5, 3, 1.5}, adapt.NewDiagGradient(5), adapt.NewDiagGradient(5), target, 3, 2000)
		if got < target-0.03 || got > target+0.08 {
			t.Errorf("target %v: mean acceptance %.3f after warmup (step size %.3f)", target, got, w.Final())
		}
	}
}
