package dist

import (
	"math"
	"sort"
	"strings"
	"testing"
)

func TestLookup(t *testing.T) {
	for _, n := range Names() {
		d, err := Lookup(n)
		if err != nil || d.Name != n {
			t.Errorf("Lookup(%q) = %v, %v", n, d, err)
		}
		for _, v := range d.Variants {
			if v.Dist != d {
				t.Errorf("%s: variant %v does not point back to its distribution", n, v.Params)
			}
			if (v.Logp == nil) != (d.Layout != Elementwise) {
				t.Errorf("%s: Logp set %v for a Vector=%v distribution", n, v.Logp != nil, d.Vector)
			}
		}
	}
	_, err := Lookup("Foo")
	if err == nil || !strings.Contains(err.Error(), `unknown distribution "Foo"`) || !strings.Contains(err.Error(), "Normal") {
		t.Errorf("Lookup(Foo): %v", err)
	}
	if names := Names(); len(names) != len(registry) || !sort.StringsAreSorted(names) {
		t.Errorf("Names() = %v: not every distribution, or not in order", names)
	}
}

func TestVariant(t *testing.T) {
	cases := []struct {
		dist   string
		given  []string
		params []string // chosen variant; nil when an error is expected
		err    string   // substring of the error
	}{
		{"Normal", nil, []string{"mu", "sigma"}, ""},
		{"Normal", []string{"sigma"}, []string{"mu", "sigma"}, ""},
		{"Normal", []string{"sd"}, nil, `Normal: unknown parameter "sd" (parameters: mu, sigma)`},
		{"Normal", []string{"mu", "mu"}, nil, `Normal: parameter "mu" given twice`},
		{"Gamma", []string{"alpha"}, nil, `Gamma: missing parameter "beta"`},
		{"Gamma", nil, nil, `Gamma: missing parameters "alpha", "beta"`},
		{"InverseGamma", []string{"alpha"}, []string{"alpha", "beta"}, ""},
		{"StudentT", []string{"mu"}, nil, `StudentT: missing parameter "nu"`},
		{"Bernoulli", []string{"p"}, []string{"p"}, ""},
		{"Bernoulli", []string{"logit_p"}, []string{"logit_p"}, ""},
		{"Bernoulli", []string{"p", "logit_p"}, nil, "Bernoulli: give one of p or logit_p, not both"},
		{"Bernoulli", nil, nil, "Bernoulli: missing parameter: give one of p or logit_p"},
		{"Binomial", []string{"logit_p", "n"}, []string{"n", "logit_p"}, ""},
		{"Binomial", []string{"n"}, nil, "Binomial: missing parameter: give one of p or logit_p"},
		{"Binomial", []string{"p"}, nil, `Binomial: missing parameter "n"`},
		{"Binomial", []string{"n", "p", "logit_p"}, nil, "give one of p or logit_p, not both"},
		{"Binomial", []string{"n", "q"}, nil, `Binomial: unknown parameter "q" (parameters: n, p, logit_p)`},
		{"NegativeBinomial", []string{"mu", "alpha"}, []string{"mu", "alpha"}, ""},
		{"NegativeBinomial", []string{"p", "n"}, []string{"n", "p"}, ""},
		{"NegativeBinomial", []string{"n", "mu"}, []string{"mu", "n"}, ""},
		{"NegativeBinomial", []string{"alpha", "p"}, []string{"alpha", "p"}, ""},
		{"NegativeBinomial", []string{"mu", "p"}, nil, "NegativeBinomial: give one of mu or p, not both"},
		{"NegativeBinomial", []string{"alpha", "n"}, nil, "give one of alpha or n, not both"},
		{"NegativeBinomial", []string{"mu"}, nil, "NegativeBinomial: missing parameter: give one of alpha or n"},
		{"NegativeBinomial", nil, nil, "NegativeBinomial: missing parameters: give one of {mu, alpha} or {n, p}"},
		{"Flat", nil, []string(nil), ""},
		{"Flat", []string{"mu"}, nil, `Flat: unknown parameter "mu" (parameters: none)`},
		{"GaussianRandomWalk", []string{"init_sigma", "sigma"}, []string{"mu", "sigma", "init_mu", "init_sigma"}, ""},
	}
	for _, c := range cases {
		d, err := Lookup(c.dist)
		if err != nil {
			t.Fatal(err)
		}
		v, err := d.Variant(c.given)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s.Variant(%v): error %v, want %q", c.dist, c.given, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s.Variant(%v): %v", c.dist, c.given, err)
			continue
		}
		if strings.Join(v.Params, ",") != strings.Join(c.params, ",") {
			t.Errorf("%s.Variant(%v) = %v, want %v", c.dist, c.given, v.Params, c.params)
		}
	}
}

func TestCheckParam(t *testing.T) {
	cases := []struct {
		dist   string
		params []string
		name   string
		value  float64
		err    string // "" when valid
	}{
		{"Normal", []string{"mu", "sigma"}, "sigma", -1, "sigma must be positive, got -1"},
		{"Normal", []string{"mu", "sigma"}, "sigma", 0, "sigma must be positive, got 0"},
		{"Normal", []string{"mu", "sigma"}, "sigma", 0.5, ""},
		{"Normal", []string{"mu", "sigma"}, "mu", -1e300, ""},
		{"Normal", []string{"mu", "sigma"}, "mu", math.NaN(), "mu must be finite, got NaN"},
		{"Normal", []string{"mu", "sigma"}, "sigma", math.Inf(1), "sigma must be finite, got +Inf"},
		{"Normal", []string{"mu", "sigma"}, "tau", 1, `Normal: unknown parameter "tau"`},
		{"HalfNormal", []string{"sigma"}, "sigma", -2, "sigma must be positive"},
		{"Exponential", []string{"lam"}, "lam", -0.1, "lam must be positive"},
		{"Gamma", []string{"alpha", "beta"}, "beta", -3, "beta must be positive"},
		{"StudentT", []string{"nu", "mu", "sigma"}, "nu", 0, "nu must be positive"},
		{"Laplace", []string{"mu", "b"}, "b", -1, "b must be positive"},
		{"HalfCauchy", []string{"beta"}, "beta", -1, "beta must be positive"},
		{"GaussianRandomWalk", []string{"mu", "sigma", "init_mu", "init_sigma"}, "init_sigma", -1, "init_sigma must be positive"},
		{"GaussianRandomWalk", []string{"mu", "sigma", "init_mu", "init_sigma"}, "mu", -1, ""},
		{"Bernoulli", []string{"p"}, "p", 1.5, "p must be in [0, 1], got 1.5"},
		{"Bernoulli", []string{"p"}, "p", 1, ""},
		{"Bernoulli", []string{"logit_p"}, "logit_p", -40, ""},
		{"Binomial", []string{"n", "p"}, "n", 2.5, "n must be a non-negative integer, got 2.5"},
		{"Binomial", []string{"n", "p"}, "n", -1, "n must be a non-negative integer"},
		{"Binomial", []string{"n", "p"}, "n", 0, ""},
		{"DiscreteUniform", []string{"lower", "upper"}, "lower", -3, ""},
		{"DiscreteUniform", []string{"lower", "upper"}, "upper", 2.5, "upper must be an integer, got 2.5"},
		{"Poisson", []string{"mu"}, "mu", 0, ""},
		{"Poisson", []string{"mu"}, "mu", -1, "mu must be non-negative, got -1"},
		{"NegativeBinomial", []string{"n", "p"}, "p", 1, "p must be in (0, 1), got 1"},
		{"NegativeBinomial", []string{"n", "p"}, "n", 0.5, ""},
		{"NegativeBinomial", []string{"mu", "alpha"}, "alpha", 0, "alpha must be positive"},
		{"Uniform", []string{"lower", "upper"}, "lower", -5, ""},
	}
	for _, c := range cases {
		v := variantByParams(t, c.dist, c.params)
		err := v.CheckParam(c.name, c.value)
		if c.err == "" {
			if err != nil {
				t.Errorf("%s.CheckParam(%s, %v): %v", c.dist, c.name, c.value, err)
			}
		} else if err == nil || !strings.Contains(err.Error(), c.err) {
			t.Errorf("%s.CheckParam(%s, %v): error %v, want %q", c.dist, c.name, c.value, err, c.err)
		}
	}
	u := variantByParams(t, "Uniform", []string{"lower", "upper"})
	if err := u.CheckParams([]float64{2, 1}); err == nil || !strings.Contains(err.Error(), "lower must be less than upper") {
		t.Errorf("Uniform.CheckParams(2, 1): %v", err)
	}
	if err := u.CheckParams([]float64{1, 2}); err != nil {
		t.Errorf("Uniform.CheckParams(1, 2): %v", err)
	}
}

func TestInSupport(t *testing.T) {
	inf := math.Inf(1)
	cases := []struct {
		dist   string
		params map[string]float64
		x      float64
		want   bool
	}{
		{"Normal", nil, -1e300, true},
		{"Normal", nil, inf, false},
		{"Normal", nil, math.NaN(), false},
		{"HalfNormal", nil, 0, true},
		{"HalfNormal", nil, -1e-300, false},
		{"Exponential", nil, 0, true},
		{"Gamma", map[string]float64{"alpha": 1, "beta": 1}, 0, false},
		{"Gamma", map[string]float64{"alpha": 1, "beta": 1}, 1e-300, true},
		{"LogNormal", nil, 0, false},
		{"Beta", map[string]float64{"alpha": 1, "beta": 1}, 0.5, true},
		{"Beta", map[string]float64{"alpha": 1, "beta": 1}, 1, false},
		{"Uniform", map[string]float64{"lower": -1, "upper": 2}, 1.5, true},
		{"Uniform", map[string]float64{"lower": -1, "upper": 2}, 2.5, false},
		{"Uniform", map[string]float64{"lower": -1, "upper": 2}, -1.5, false},
		{"HalfFlat", nil, 0, true},
		{"Bernoulli", map[string]float64{"p": 0.5}, 1, true},
		{"Bernoulli", map[string]float64{"p": 0.5}, 0, true},
		{"Bernoulli", map[string]float64{"p": 0.5}, 0.5, false},
		{"Bernoulli", map[string]float64{"p": 0.5}, 2, false},
		{"Binomial", map[string]float64{"n": 4, "p": 0.5}, 4, true},
		{"Binomial", map[string]float64{"n": 4, "p": 0.5}, 5, false},
		{"Binomial", map[string]float64{"n": 4, "logit_p": 0.5}, -1, false},
		{"BetaBinomial", map[string]float64{"alpha": 1, "beta": 2, "n": 4}, 4, true},
		{"BetaBinomial", map[string]float64{"alpha": 1, "beta": 2, "n": 4}, 5, false},
		{"BetaBinomial", map[string]float64{"alpha": 1, "beta": 2, "n": 4}, 0.5, false},
		{"Geometric", map[string]float64{"p": 0.5}, 1, true},
		{"Geometric", map[string]float64{"p": 0.5}, 1e6, true},
		{"Geometric", map[string]float64{"p": 0.5}, 0, false},
		{"Geometric", map[string]float64{"p": 0.5}, 2.5, false},
		{"DiscreteUniform", map[string]float64{"lower": -2, "upper": 3}, -2, true},
		{"DiscreteUniform", map[string]float64{"lower": -2, "upper": 3}, 3, true},
		{"DiscreteUniform", map[string]float64{"lower": -2, "upper": 3}, 4, false},
		{"DiscreteUniform", map[string]float64{"lower": -2, "upper": 3}, -3, false},
		{"DiscreteUniform", map[string]float64{"lower": -2, "upper": 3}, 0.5, false},
		{"HyperGeometric", map[string]float64{"N": 10, "k": 7, "n": 6}, 3, true},
		{"HyperGeometric", map[string]float64{"N": 10, "k": 7, "n": 6}, 2, false},
		{"HyperGeometric", map[string]float64{"N": 10, "k": 7, "n": 6}, 6, true},
		{"HyperGeometric", map[string]float64{"N": 10, "k": 3, "n": 6}, 4, false},
		{"HurdleGamma", map[string]float64{"psi": 0.5, "alpha": 2, "beta": 1}, 0, true},
		{"HurdleGamma", map[string]float64{"psi": 0.5, "alpha": 2, "beta": 1}, -1, false},
		{"ZeroInflatedBinomial", map[string]float64{"psi": 0.5, "n": 4, "p": 0.5}, 5, false},
		{"Poisson", map[string]float64{"mu": 1}, 1e6, true},
		{"Poisson", map[string]float64{"mu": 1}, 1.5, false},
		{"Poisson", map[string]float64{"mu": 1}, inf, false},
		{"NegativeBinomial", map[string]float64{"mu": 1, "alpha": 1}, 0, true},
		{"NegativeBinomial", map[string]float64{"mu": 1, "alpha": 1}, -2, false},
	}
	for _, c := range cases {
		v, p := variantFor(t, c.dist, c.params)
		if got := v.InSupport(c.x, p); got != c.want {
			t.Errorf("%s%v.InSupport(%v) = %v, want %v", c.dist, c.params, c.x, got, c.want)
		}
	}
}

// Supports, bounds and default transforms as PyMC sets them.
func TestMetadata(t *testing.T) {
	cases := []struct {
		dist         string
		support      Support
		transform    TransformKind
		lower, upper int
		discrete     bool
	}{
		{"Normal", Real, NoTransform, -1, -1, false},
		{"HalfNormal", NonNegative, LogTransform, -1, -1, false},
		{"Exponential", NonNegative, LogTransform, -1, -1, false},
		{"Gamma", Positive, LogTransform, -1, -1, false},
		{"InverseGamma", Positive, LogTransform, -1, -1, false},
		{"Beta", UnitInterval, IntervalTransform, -1, -1, false},
		{"Uniform", Bounded, IntervalTransform, 0, 1, false},
		{"StudentT", Real, NoTransform, -1, -1, false},
		{"HalfStudentT", NonNegative, LogTransform, -1, -1, false},
		{"Cauchy", Real, NoTransform, -1, -1, false},
		{"HalfCauchy", NonNegative, LogTransform, -1, -1, false},
		{"LogNormal", Positive, LogTransform, -1, -1, false},
		{"Laplace", Real, NoTransform, -1, -1, false},
		{"Logistic", Real, NoTransform, -1, -1, false},
		{"Weibull", NonNegative, LogTransform, -1, -1, false},
		{"Gumbel", Real, NoTransform, -1, -1, false},
		{"ChiSquared", Positive, LogTransform, -1, -1, false},
		{"Kumaraswamy", UnitInterval, IntervalTransform, -1, -1, false},
		{"Moyal", Real, NoTransform, -1, -1, false},
		{"AsymmetricLaplace", Real, NoTransform, -1, -1, false},
		{"Wald", Positive, LogTransform, -1, -1, false},
		{"ExGaussian", Real, NoTransform, -1, -1, false},
		{"SkewNormal", Real, NoTransform, -1, -1, false},
		{"SkewStudentT", Real, NoTransform, -1, -1, false},
		{"Rice", Positive, LogTransform, -1, -1, false},
		{"VonMises", Circle, CircularTransform, -1, -1, false},
		{"Pareto", AtLeast, LowerBoundTransform, 1, -1, false},
		{"Triangular", Bounded, IntervalTransform, 0, 2, false},
		{"LogitNormal", UnitInterval, IntervalTransform, -1, -1, false},
		{"Flat", Real, NoTransform, -1, -1, false},
		{"HalfFlat", NonNegative, LogTransform, -1, -1, false},
		{"GaussianRandomWalk", Real, NoTransform, -1, -1, false},
		{"Bernoulli", Binary, NoTransform, -1, -1, true},
		{"Binomial", BoundedCount, NoTransform, -1, 0, true},
		{"BetaBinomial", BoundedCount, NoTransform, -1, 0, true},
		{"Geometric", PositiveCount, NoTransform, -1, -1, true},
		{"DiscreteUniform", CountRange, NoTransform, 0, 1, true},
		{"Poisson", Count, NoTransform, -1, -1, true},
		{"NegativeBinomial", Count, NoTransform, -1, -1, true},
		{"ZeroInflatedPoisson", Count, NoTransform, -1, -1, true},
		{"ZeroInflatedBinomial", BoundedCount, NoTransform, -1, 1, true},
		{"ZeroInflatedNegativeBinomial", Count, NoTransform, -1, -1, true},
		{"HurdlePoisson", Count, NoTransform, -1, -1, true},
		{"HurdleNegativeBinomial", Count, NoTransform, -1, -1, true},
		{"HurdleGamma", NonNegative, NoTransform, -1, -1, true},
		{"HurdleLogNormal", NonNegative, NoTransform, -1, -1, true},
		{"HyperGeometric", DrawnCount, NoTransform, -1, -1, true},
		{"DiscreteWeibull", Count, NoTransform, -1, -1, true},
	}
	for _, c := range cases {
		d, _ := Lookup(c.dist)
		if d.Discrete != c.discrete {
			t.Errorf("%s: Discrete %v", c.dist, d.Discrete)
		}
		for _, v := range d.Variants {
			if v.Support != c.support || v.Transform != c.transform || v.Lower != c.lower || v.Upper != c.upper {
				t.Errorf("%s%v: support %v transform %v bounds %d %d", c.dist, v.Params, v.Support, v.Transform, v.Lower, v.Upper)
			}
		}
	}
	b, _ := Lookup("Beta")
	if v := b.Variants[0]; v.IntervalLo != 0 || v.IntervalHi != 1 {
		t.Errorf("Beta interval %v %v", v.IntervalLo, v.IntervalHi)
	}
}
