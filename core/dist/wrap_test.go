package dist

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func wrapOf(t *testing.T, kind Wrapping, dist string, params []string, lower, upper bool) *Variant {
	t.Helper()
	v, err := Wrap(kind, variantByParams(t, dist, params), lower, upper)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// Reference values are scipy.stats 1.17.1's, from the call in each
// comment; a censored value on its bound is the log-CDF (lower) or the
// log-survival function (upper) there, as in PyMC.
func TestWrappedValues(t *testing.T) {
	inf := math.Inf(1)
	for _, c := range []struct {
		kind         Wrapping
		dist         string
		params       []string
		lower, upper bool
		p            []float64
		x, want      float64
	}{
		{Censoring, "Normal", []string{"mu", "sigma"}, true, true, []float64{0.5, 2, -1, 3}, -1, -1.484448229919656},    // stats.norm(0.5, 2.0).logcdf(-1.0)
		{Censoring, "Normal", []string{"mu", "sigma"}, true, true, []float64{0.5, 2, -1, 3}, 3, -2.247625677214318},     // stats.norm(0.5, 2.0).logsf(3.0)
		{Censoring, "Normal", []string{"mu", "sigma"}, true, true, []float64{0.5, 2, -1, 3}, 1.2, -1.6733357137646179},  // stats.norm(0.5, 2.0).logpdf(1.2)
		{Censoring, "Normal", []string{"mu", "sigma"}, true, true, []float64{0.5, 2, -1, 3}, 3.5, negInf},               // beyond the upper bound
		{Censoring, "Normal", []string{"mu", "sigma"}, true, true, []float64{0.5, 2, -1, 3}, -1.5, negInf},              // below the lower bound
		{Censoring, "Normal", []string{"mu", "sigma"}, false, true, []float64{0.5, 2, inf}, 1.2, -1.6733357137646179},   // an infinite bound: uncensored
		{Censoring, "Normal", []string{"mu", "sigma"}, false, true, []float64{0.5, 2, 3}, 3, -2.247625677214318},        // stats.norm(0.5, 2.0).logsf(3.0)
		{Truncation, "Normal", []string{"mu", "sigma"}, true, true, []float64{0.5, 2, -1, 3}, 1.2, -1.2694536628942885}, // stats.truncnorm.logpdf(1.2, (-1-0.5)/2, (3-0.5)/2, 0.5, 2.0)
		{Truncation, "Normal", []string{"mu", "sigma"}, true, false, []float64{0, 1, 40}, 41, -36.810496519450794},      // stats.truncnorm.logpdf(41.0, 40, np.inf, 0, 1)
		{Truncation, "Normal", []string{"mu", "sigma"}, false, true, []float64{0, 1, -40}, -40.5, -16.435496519450794},  // stats.truncnorm.logpdf(-40.5, -np.inf, -40, 0, 1)
		{Truncation, "Normal", []string{"mu", "sigma"}, true, true, []float64{0, 1, 38, 39}, 38.2, -3.981722514384728},  // stats.truncnorm.logpdf(38.2, 38, 39, 0, 1)
		{Truncation, "Normal", []string{"mu", "sigma"}, true, true, []float64{0, 1, -inf, inf}, 0, -lnSqrt2Pi},          // unbounded on both sides
		{Truncation, "Normal", []string{"mu", "sigma"}, true, true, []float64{0, 1, 38, 39}, 39.5, negInf},              // beyond the upper bound
		{Truncation, "Weibull", []string{"alpha", "beta"}, true, false, []float64{1.5, 2, 1}, 2.5, -1.2200993921387708}, // w.logpdf(2.5) - w.logsf(1.0), w = stats.weibull_min(1.5, scale=2.0)
		{Truncation, "Weibull", []string{"alpha", "beta"}, false, true, []float64{1.5, 2, 4}, 2.5, -1.5127282602278151}, // w.logpdf(2.5) - w.logcdf(4.0)
	} {
		v := wrapOf(t, c.kind, c.dist, c.params, c.lower, c.upper)
		got, _ := v.Logp(c.x, c.p, nil)
		if !(got == c.want || math.Abs(got-c.want) <= 1e-12*math.Abs(c.want)) {
			t.Errorf("%s at x=%g p=%v: %.17g, want %.17g", v.Dist.Name, c.x, c.p, got, c.want)
		}
	}
}

// The gradients of every censored and truncated distribution, at random
// points of each gradient case, with bounds placed around the value (and
// the value on a bound, for censoring), against central differences.
func TestWrappedGradients(t *testing.T) {
	const rel = 1e-6
	r := rand.New(rand.NewPCG(7, 8))
	for _, c := range gradCases {
		base := variantByParams(t, c.dist, c.params)
		if !base.HasCDF() {
			continue
		}
		for _, kind := range []Wrapping{Censoring, Truncation} {
			for _, sides := range [][2]bool{{true, false}, {false, true}, {true, true}} {
				v, err := Wrap(kind, base, sides[0], sides[1])
				if err != nil {
					t.Fatal(err)
				}
				checked := 0
				for k := range 12 {
					x, p := c.gen(r)
					lo, hi := wrapBounds(base, x, p, r)
					if sides[0] {
						p = append(p, lo)
					}
					if sides[1] {
						p = append(p, hi)
					}
					if kind == Censoring && k%3 != 0 {
						// on a bound
						if sides[0] && (k%3 == 1 || !sides[1]) {
							x = lo
						} else {
							x = hi
						}
					}
					dp := make([]float64, len(p))
					lp, _ := v.Logp(x, p, dp)
					if !(lp > negInf) || math.IsNaN(lp) {
						continue // a bound outside the support: nothing to differentiate
					}
					f := func(p []float64) float64 { l, _ := v.Logp(x, p, nil); return l }
					for i := range p {
						if v.domains[i].integral() || v.Dist.Discrete && v.Params[i] == "lower" || v.Dist.Discrete && v.Params[i] == "upper" {
							continue
						}
						if kind == Censoring && (v.Params[i] == "lower" || v.Params[i] == "upper") && p[i] == x {
							// a bound on the value: the density jumps as it moves, and its
							// derivative there is PyMC's 0
							if dp[i] != 0 {
								t.Errorf("%s%v: d/d%s = %g with the value on the bound, want 0", v.Dist.Name, v.Params, v.Params[i], dp[i])
							}
							continue
						}
						h := step(p[i], v.domains[i] == probability || v.domains[i] == openUnit)
						if v.domains[i] == boundParam && p[i] != 0 {
							// a bound near 0 (a Weibull's, at 1e-6) by its own scale
							h = 1e-6 * math.Abs(p[i])
						}
						q := append([]float64(nil), p...)
						q[i] = p[i] + h
						up := f(q)
						q[i] = p[i] - h
						down := f(q)
						fd := (up - down) / (2 * h)
						checked++
						if math.Abs(dp[i]-fd) > rel*math.Max(1, math.Abs(dp[i])) {
							t.Errorf("%s%v at x=%g p=%v: d/d%s analytic %.12g, finite difference %.12g", v.Dist.Name, v.Params, x, p, v.Params[i], dp[i], fd)
						}
					}
				}
				continuous := false
				for i := range base.Params {
					continuous = continuous || !base.domains[i].integral()
				}
				if continuous && checked < 4 {
					t.Errorf("%s%v: only %d derivatives checked", v.Dist.Name, v.Params, checked)
				}
			}
		}
	}
}

// wrapBounds draws bounds on either side of x, within reach of the
// distribution's mass: x moved by a random share of its own scale.
func wrapBounds(v *Variant, x float64, p []float64, r *rand.Rand) (lo, hi float64) {
	if v.Dist.Discrete {
		return x - float64(r.IntN(3)), x + float64(r.IntN(3))
	}
	s := math.Max(math.Abs(x), 0.1)
	lo, hi = x-s*unif(r, 0.05, 1), x+s*unif(r, 0.05, 1)
	switch v.Support {
	case Positive, NonNegative:
		lo = x * unif(r, 0.1, 0.9)
	case UnitInterval:
		lo, hi = x*unif(r, 0.1, 0.9), x+(1-x)*unif(r, 0.1, 0.9)
	case Bounded:
		lo = p[v.Lower] + (x-p[v.Lower])*unif(r, 0.1, 0.9)
		hi = x + (p[v.Upper]-x)*unif(r, 0.1, 0.9)
	}
	return lo, hi
}

func TestWrapRefusals(t *testing.T) {
	for _, c := range []struct {
		dist, want string
		lower      bool
	}{
		{"Flat", "has no log-CDF", true},
		{"GaussianRandomWalk", "one element at a time", true},
		{"Normal", "needs a lower bound, an upper bound, or both", false},
	} {
		d, _ := Lookup(c.dist)
		_, err := Wrap(Censoring, d.Variants[0], c.lower, false)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one saying %q", c.dist, err, c.want)
		}
	}
	n, _ := Lookup("Normal")
	v, _ := Wrap(Truncation, n.Variants[0], true, true)
	if _, err := Wrap(Censoring, v, true, false); err == nil {
		t.Error("a truncated variant was censored again")
	}
	if w, _ := Wrap(Truncation, n.Variants[0], true, true); w != v {
		t.Error("the same wrapping made twice gave two variants")
	}
	if err := v.CheckParams([]float64{0, 1, 2, 1}); err == nil {
		t.Error("lower above upper passed CheckParams")
	}
	if err := v.CheckParams([]float64{0, 1, math.Inf(-1), math.Inf(1)}); err != nil {
		t.Errorf("infinite bounds: %v", err)
	}
}

// Truncated draws lie within the bounds, with scipy's truncnorm moments;
// in the far tail (mass 3e-7 beyond 5 sd) they come by inversion. Censored
// draws are the base's, clipped. 20000 draws: the mean's standard error is
// under 0.01 sd, so 4 standard errors (tolerance 0.03 and 0.008) never
// flake with the fixed seed and would catch a wrong shift.
func TestWrappedRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	inf := math.Inf(1)
	for _, c := range []struct {
		lo, hi, mean, sd, tol float64
	}{
		{-1, 3, 0.8549027639677395, 1.0739496450241752, 0.03},      // stats.truncnorm((-1-0.5)/2, (3-0.5)/2, 0.5, 2.0).mean(), .std()
		{10.5, inf, 10.873007934251703, 0.3616431092503317, 0.008}, // stats.truncnorm(5, np.inf, 0.5, 2.0).mean(), .std()
	} {
		v := wrapOf(t, Truncation, "Normal", []string{"mu", "sigma"}, true, true)
		p := []float64{0.5, 2, c.lo, c.hi}
		const n = 20000
		var s, s2 float64
		for range n {
			x := v.Random(p, r)
			if x < c.lo || x > c.hi {
				t.Fatalf("draw %g outside [%g, %g]", x, c.lo, c.hi)
			}
			s += x
			s2 += x * x
		}
		mean := s / n
		sd := math.Sqrt(s2/n - mean*mean)
		if math.Abs(mean-c.mean) > c.tol || math.Abs(sd-c.sd) > 0.03*c.sd {
			t.Errorf("[%g, %g]: mean %g sd %g, want %g and %g", c.lo, c.hi, mean, sd, c.mean, c.sd)
		}
	}
	v := wrapOf(t, Censoring, "Normal", []string{"mu", "sigma"}, true, true)
	at := 0
	for range 1000 {
		x := v.Random([]float64{0, 1, -0.5, 0.5}, r)
		if x < -0.5 || x > 0.5 {
			t.Fatalf("censored draw %g outside [-0.5, 0.5]", x)
		}
		if x == -0.5 || x == 0.5 {
			at++
		}
	}
	if at < 550 || at > 680 { // P(|Z| > 0.5) = 0.617
		t.Errorf("%d of 1000 censored draws on a bound, want about 617", at)
	}
}
