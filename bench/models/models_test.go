package models

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/exmc/exmc/core/compile"
	"github.com/exmc/exmc/core/sample"
)

var dims = map[string]int{"simple": 2, "medium": 5, "stress": 8, "eight_schools": 10, "funnel": 10, "logistic": 21, "sv": 102}

func compiled(t testing.TB, name string, centred bool) *compile.Model {
	t.Helper()
	m, err := Build(name, centred)
	if err != nil {
		t.Fatal(err)
	}
	c, err := compile.Compile(m, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Every model has the dimension MODELS.md gives it, and its gradient agrees
// with central differences (h = 1e-6 relative: error ~1e-8 for these smooth
// densities, so 1e-5 relative leaves room for the sv model's 100 terms).
func TestModels(t *testing.T) {
	for _, name := range Names {
		t.Run(name, func(t *testing.T) {
			c := compiled(t, name, false)
			if c.Dim() != dims[name] {
				t.Fatalf("dimension %d, MODELS.md says %d", c.Dim(), dims[name])
			}
			d := c.NewDensity()
			r := rand.New(rand.NewPCG(3, 4))
			grad := make([]float64, c.Dim())
			for range 5 {
				x := make([]float64, c.Dim())
				for i := range x {
					x[i] = r.Float64() - 0.5
				}
				lp, err := d.LogpGrad(x, grad)
				if err != nil || math.IsNaN(lp) || math.IsInf(lp, 0) {
					t.Fatalf("logp %v, err %v", lp, err)
				}
				for i := range x {
					h := 1e-6 * math.Max(1, math.Abs(x[i]))
					xp := append([]float64{}, x...)
					xm := append([]float64{}, x...)
					xp[i] += h
					xm[i] -= h
					fp, _ := d.Logp(xp)
					fm, _ := d.Logp(xm)
					if num := (fp - fm) / (2 * h); math.Abs(num-grad[i]) > 1e-5*math.Max(1, math.Abs(num)) {
						t.Fatalf("gradient[%d] %v, finite differences %v", i, grad[i], num)
					}
				}
			}
		})
	}
}

// The centred eight schools has a funnel between tau and theta. Sampled as
// written, NUTS meets its neck and diverges; with the automatic non-centring
// the same model samples with few or none. 4 chains x 1000 draws, fixed
// seed: without the rewrite Stan and PyMC report tens of divergences on this
// model, so at least 10 is a conservative floor; with it, a handful at most.
func TestEightSchoolsNonCentring(t *testing.T) {
	divergences := func(centred bool) int {
		c := compiled(t, "eight_schools", centred)
		o := sample.DefaultOptions()
		o.Seed = 8
		res, err := sample.Sample(context.Background(), sample.Compiled(c), o)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, ch := range res.Chains {
			n += ch.Divergences
		}
		return n
	}
	c := compiled(t, "eight_schools", false)
	if got := c.NonCentered(); len(got) != 1 || got[0] != "theta" {
		t.Fatalf("rewrite applied to %v, want [theta]", got)
	}
	with, without := divergences(false), divergences(true)
	t.Logf("divergences: %d non-centred automatically, %d centred", with, without)
	if with > 5 {
		t.Errorf("%d divergences with the automatic non-centring, want at most 5", with)
	}
	if without < 10 {
		t.Errorf("only %d divergences with the funnel left in; the test no longer shows the funnel", without)
	}
}

func BenchmarkLogpGrad(b *testing.B) {
	for _, name := range Names {
		b.Run(name, func(b *testing.B) {
			c := compiled(b, name, false)
			d := c.NewDensity()
			x := make([]float64, c.Dim())
			for i := range x {
				x[i] = 0.1
			}
			g := make([]float64, c.Dim())
			b.ReportAllocs()
			for b.Loop() {
				d.LogpGrad(x, g)
			}
		})
	}
}

// One full run as MODELS.md scores it: one chain, 1000 tuning steps and
// 1000 draws.
func BenchmarkNUTS(b *testing.B) {
	for _, name := range Names {
		b.Run(name, func(b *testing.B) {
			c := compiled(b, name, false)
			o := sample.DefaultOptions()
			o.Chains = 1
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				o.Seed = uint64(i)
				if _, err := sample.Sample(context.Background(), sample.Compiled(c), o); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
