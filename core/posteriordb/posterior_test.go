package posteriordb

import (
	"context"
	"math"
	"testing"

	"github.com/exmc/exmc/core/compile"
	"github.com/exmc/exmc/core/sample"
)

// run samples a compiled model with 4 chains x 1000 draws after 1000
// tuning steps and returns each reported element's pooled draws under its
// Stan name, and the number of divergences.
func run(t *testing.T, c *compile.Model, o sample.Options) (map[string][]float64, int) {
	t.Helper()
	o.Chains, o.Draws, o.Tune = 4, 1000, 1000
	res, err := sample.Sample(context.Background(), sample.Compiled(c), o)
	if err != nil {
		t.Fatal(err)
	}
	if err := res.Err(); err != nil {
		t.Fatal(err)
	}
	d := c.NewDensity()
	out := make([]float64, c.ConstrainedSize())
	draws := map[string][]float64{}
	div := 0
	for _, ch := range res.Chains {
		div += ch.Divergences
		for i := 0; i < ch.NumDraws(); i++ {
			if err := d.Constrain(ch.Draws[i*c.Dim():(i+1)*c.Dim()], out); err != nil {
				t.Fatal(err)
			}
			for _, v := range c.Vars() {
				for k := 0; k < v.Size; k++ {
					name := StanName(v.Name, v.Shape, k)
					draws[name] = append(draws[name], out[v.Offset+k])
				}
			}
		}
	}
	return draws, div
}

// TestPosteriors checks exmc's posterior against posteriordb's reference
// draws. With 4000 draws the Monte Carlo error of a mean is about
// sd/sqrt(ESS), a few hundredths of an sd at the ESS these models reach,
// so 0.1 sd is a bound a correct sampler meets and a biased one (a wrong
// gradient, a wrong Jacobian) does not; the sd's relative Monte Carlo error
// is about 1/sqrt(2 ESS), well inside 10%. Seeds are fixed.
func TestPosteriors(t *testing.T) {
	for _, cs := range Cases {
		t.Run(cs.Posterior, func(t *testing.T) {
			if testing.Short() && cs.Posterior != "eight_schools-eight_schools_noncentered" {
				t.Skip("short mode runs one posterior")
			}
			data, err := Data(cs.Data)
			if err != nil {
				t.Fatal(err)
			}
			m, err := cs.Build(data)
			if err != nil {
				t.Fatal(err)
			}
			c, err := compile.Compile(m, nil)
			if err != nil {
				t.Fatal(err)
			}
			ref, err := Reference(cs.Posterior)
			if err != nil {
				t.Fatal(err)
			}
			o := sample.DefaultOptions()
			o.Seed = 20261121
			switch cs.Posterior {
			case "eight_schools-eight_schools_noncentered":
				// tau's half-Cauchy tail leaves a few divergences at the
				// default 0.8, in Stan as here; the reference was run
				// without them, so ask for the smaller steps it needs.
				o.TargetAccept = 0.9
			case "earnings-logearn_interaction", "kilpisjarvi_mod-kilpisjarvi":
				// Uncentred predictors make the coefficients almost
				// collinear: the dense metric is the tool for that.
				o.Dense = true
			}
			draws, div := run(t, c, o)
			if div != 0 {
				t.Errorf("%d divergences; the reference ran without", div)
			}
			for _, name := range Names(ref) {
				x, ok := draws[name]
				if !ok {
					t.Fatalf("exmc reports no %q", name)
				}
				got := moments(x)
				want := ref[name]
				if z := math.Abs(got.Mean-want.Mean) / want.SD; z > 0.1 {
					t.Errorf("%s: mean %.4g, reference %.4g (%.3f reference sd away)", name, got.Mean, want.Mean, z)
				}
				if r := got.SD / want.SD; math.Abs(r-1) > 0.1 {
					t.Errorf("%s: sd %.4g, reference %.4g (ratio %.3f)", name, got.SD, want.SD, r)
				}
			}
		})
	}
}
