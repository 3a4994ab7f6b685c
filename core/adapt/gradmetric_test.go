package adapt_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/exmc/exmc/core/adapt"
)

var _ adapt.MetricAdapter = (*adapt.DiagGradient)(nil)

// On a Gaussian the gradient is -x/s², so sqrt(var(x)/var(grad)) is s²,
// the variance, exactly for every sample (var(grad) = var(x)/s⁴); draws
// from anywhere give it, not only draws from the posterior.
func TestDiagGradientGaussian(t *testing.T) {
	sd := []float64{0.01, 1, 30}
	a := adapt.NewDiagGradient(len(sd))
	r := rand.New(rand.NewPCG(1, 2))
	q, g := make([]float64, len(sd)), make([]float64, len(sd))
	for range 10 {
		for i, s := range sd {
			q[i] = 3 * r.NormFloat64() // not the posterior's spread
			g[i] = -q[i] / (s * s)
		}
		a.Observe(q, g)
	}
	if a.N() != 10 || a.Dense() {
		t.Fatalf("N %d, dense %v", a.N(), a.Dense())
	}
	inv := make([]float64, len(sd))
	if err := a.Estimate(inv); err != nil {
		t.Fatal(err)
	}
	for i, s := range sd {
		if math.Abs(inv[i]-s*s) > 1e-9*s*s {
			t.Errorf("inverse mass %d: %v, want %v", i, inv[i], s*s)
		}
	}
	a.Reset()
	if a.N() != 0 {
		t.Fatalf("N %d after Reset", a.N())
	}
}

func TestDiagGradientEdges(t *testing.T) {
	// One draw keeps the previous metric.
	a := adapt.NewDiagGradient(1)
	a.Observe([]float64{1}, []float64{2})
	keep := []float64{7}
	if err := a.Estimate(keep); err != nil || keep[0] != 7 {
		t.Fatalf("one draw: %v, %v", keep, err)
	}
	// A coordinate whose gradient never changes falls back to the
	// regularised variance of its draws; one that never moved gets the
	// regularisation's floor.
	a = adapt.NewDiagGradient(2)
	xs := []float64{1, 2, 4, 3, 6}
	for _, x := range xs {
		a.Observe([]float64{x, 5}, []float64{0.5, 0.5})
	}
	v := adapt.NewDiagVariance(2)
	for _, x := range xs {
		v.Observe([]float64{x, 5}, nil)
	}
	got, want := make([]float64, 2), make([]float64, 2)
	if err := a.Estimate(got); err != nil {
		t.Fatal(err)
	}
	if err := v.Estimate(want); err != nil {
		t.Fatal(err)
	}
	if got[0] != want[0] || got[1] != want[1] {
		t.Errorf("flat gradient: %v, draw variance %v", got, want)
	}
	// Extreme ratios are bounded, not passed on.
	a = adapt.NewDiagGradient(2)
	for i := range 4 {
		x := float64(i)
		a.Observe([]float64{1e-9 * x, 1e9 * x}, []float64{1e9 * x, 1e-9 * x})
	}
	if err := a.Estimate(got); err != nil {
		t.Fatal(err)
	}
	if got[0] != 1e-10 || got[1] != 1e10 {
		t.Errorf("bounded estimate %v, want [1e-10 1e10]", got)
	}
	// Overflow is reported.
	a = adapt.NewDiagGradient(1)
	a.Observe([]float64{-1e300}, []float64{0})
	a.Observe([]float64{1e300}, []float64{0})
	if err := a.Estimate(keep); !errors.Is(err, adapt.ErrMetricOverflow) {
		t.Errorf("overflow: %v", err)
	}
}

// The full warmup with the gradient-informed metric learns a Gaussian's
// variances as the draw-variance one does.
func TestWarmupLearnsGradientMetric(t *testing.T) {
	sd := []float64{0.1, 1, 10}
	_, w := warmupMetric(t, sd, adapt.NewDiagGradient(len(sd)), 5)
	for i, s := range sd {
		if r := w.InvMass()[i] / (s * s); r < 0.7 || r > 1.3 {
			t.Errorf("inverse mass %d is %.4g, want ≈ %.4g", i, w.InvMass()[i], s*s)
		}
	}
}
