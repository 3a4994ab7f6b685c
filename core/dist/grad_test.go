package dist

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func unif(r *rand.Rand, lo, hi float64) float64 { return lo + (hi-lo)*r.Float64() }

// logU draws exp(U(lo, hi)): a scale spread over several orders of magnitude.
func logU(r *rand.Rand, lo, hi float64) float64 { return math.Exp(unif(r, lo, hi)) }

// gradCases draw random points inside the support and the parameter domain,
// keyed by distribution and parameter names; p is in the order listed.
var gradCases = []struct {
	dist   string
	params []string
	gen    func(r *rand.Rand) (x float64, p []float64)
}{
	{"Normal", []string{"mu", "sigma"}, func(r *rand.Rand) (float64, []float64) {
		mu, s := unif(r, -3, 3), logU(r, -2, 2)
		return mu + s*r.NormFloat64(), []float64{mu, s}
	}},
	{"HalfNormal", []string{"sigma"}, func(r *rand.Rand) (float64, []float64) {
		s := logU(r, -2, 2)
		return s * (0.01 + math.Abs(r.NormFloat64())), []float64{s}
	}},
	{"LogNormal", []string{"mu", "sigma"}, func(r *rand.Rand) (float64, []float64) {
		mu, s := unif(r, -2, 2), logU(r, -1.5, 1)
		return math.Exp(mu + s*r.NormFloat64()), []float64{mu, s}
	}},
	{"Exponential", []string{"lam"}, func(r *rand.Rand) (float64, []float64) {
		l := logU(r, -2, 2)
		return (0.01 + r.ExpFloat64()) / l, []float64{l}
	}},
	{"Gamma", []string{"alpha", "beta"}, func(r *rand.Rand) (float64, []float64) {
		a, b := logU(r, -1.5, 2.5), logU(r, -2, 2)
		return logU(r, -2, 1) * a / b, []float64{a, b}
	}},
	{"InverseGamma", []string{"alpha", "beta"}, func(r *rand.Rand) (float64, []float64) {
		a, b := logU(r, -1.5, 2.5), logU(r, -2, 2)
		return logU(r, -1, 2) * b / (a + 1), []float64{a, b}
	}},
	{"Beta", []string{"alpha", "beta"}, func(r *rand.Rand) (float64, []float64) {
		return unif(r, 0.02, 0.98), []float64{logU(r, -1.5, 2), logU(r, -1.5, 2)}
	}},
	{"Uniform", []string{"lower", "upper"}, func(r *rand.Rand) (float64, []float64) {
		lo := unif(r, -5, 5)
		hi := lo + logU(r, -2, 2)
		return lo + (hi-lo)*unif(r, 0.05, 0.95), []float64{lo, hi}
	}},
	{"StudentT", []string{"nu", "mu", "sigma"}, func(r *rand.Rand) (float64, []float64) {
		nu, mu, s := logU(r, -1, 3.5), unif(r, -3, 3), logU(r, -2, 2)
		return mu + 3*s*r.NormFloat64(), []float64{nu, mu, s}
	}},
	{"HalfStudentT", []string{"nu", "sigma"}, func(r *rand.Rand) (float64, []float64) {
		nu, s := logU(r, -1, 3.5), logU(r, -2, 2)
		return s * logU(r, -3, 2), []float64{nu, s}
	}},
	{"Cauchy", []string{"alpha", "beta"}, func(r *rand.Rand) (float64, []float64) {
		a, b := unif(r, -3, 3), logU(r, -2, 2)
		return a + 3*b*r.NormFloat64(), []float64{a, b}
	}},
	{"HalfCauchy", []string{"beta"}, func(r *rand.Rand) (float64, []float64) {
		b := logU(r, -2, 2)
		return b * logU(r, -3, 2), []float64{b}
	}},
	{"Laplace", []string{"mu", "b"}, func(r *rand.Rand) (float64, []float64) {
		mu, b := unif(r, -3, 3), logU(r, -2, 2)
		d := 2 * b * r.NormFloat64()
		if math.Abs(d) < 1e-3*b { // keep the kink at x = mu out of the difference
			d = b
		}
		return mu + d, []float64{mu, b}
	}},
	{"Logistic", []string{"mu", "s"}, func(r *rand.Rand) (float64, []float64) {
		mu, sc := unif(r, -3, 3), logU(r, -2, 2)
		return mu + 3*sc*r.NormFloat64(), []float64{mu, sc}
	}},
	{"Weibull", []string{"alpha", "beta"}, func(r *rand.Rand) (float64, []float64) {
		a, b := logU(r, -1.5, 2.5), logU(r, -2, 2)
		return b * math.Pow(0.01+r.ExpFloat64(), 1/a), []float64{a, b}
	}},
	{"Gumbel", []string{"mu", "beta"}, func(r *rand.Rand) (float64, []float64) {
		mu, b := unif(r, -3, 3), logU(r, -2, 2)
		return mu + b*(r.NormFloat64()+0.5), []float64{mu, b}
	}},
	{"ChiSquared", []string{"nu"}, func(r *rand.Rand) (float64, []float64) {
		nu := logU(r, -1, 3.5)
		return logU(r, -2, 1) * nu, []float64{nu}
	}},
	{"Kumaraswamy", []string{"a", "b"}, func(r *rand.Rand) (float64, []float64) {
		return unif(r, 0.02, 0.98), []float64{logU(r, -1.5, 2), logU(r, -1.5, 2)}
	}},
	{"Moyal", []string{"mu", "sigma"}, func(r *rand.Rand) (float64, []float64) {
		mu, s := unif(r, -3, 3), logU(r, -2, 2)
		return mu + s*(2*r.NormFloat64()+1), []float64{mu, s}
	}},
	{"AsymmetricLaplace", []string{"b", "kappa", "mu"}, func(r *rand.Rand) (float64, []float64) {
		b, k, mu := logU(r, -2, 2), logU(r, -1.5, 1.5), unif(r, -3, 3)
		d := 2 * r.NormFloat64() / b
		if math.Abs(d) < 1e-3/b { // keep the kink at x = mu out of the difference
			d = 1 / b
		}
		return mu + d, []float64{b, k, mu}
	}},
	{"Wald", []string{"mu", "lam", "alpha"}, func(r *rand.Rand) (float64, []float64) {
		mu, lam, alpha := logU(r, -2, 2), logU(r, -2, 2), logU(r, -3, 1)
		return alpha + mu*logU(r, -2, 1.5), []float64{mu, lam, alpha}
	}},
	{"ExGaussian", []string{"mu", "sigma", "nu"}, func(r *rand.Rand) (float64, []float64) {
		mu, s := unif(r, -3, 3), logU(r, -2, 2)
		nu := s * logU(r, -3.5, 2) // both sides of PyMC's switch at nu = 0.05 sigma
		return mu + 3*s*r.NormFloat64() + nu*r.ExpFloat64(), []float64{mu, s, nu}
	}},
	{"SkewNormal", []string{"mu", "sigma", "alpha"}, func(r *rand.Rand) (float64, []float64) {
		mu, s, a := unif(r, -3, 3), logU(r, -2, 2), unif(r, -8, 8)
		return mu + 3*s*r.NormFloat64(), []float64{mu, s, a}
	}},
	{"SkewStudentT", []string{"a", "b", "mu", "sigma"}, func(r *rand.Rand) (float64, []float64) {
		a, b, mu, s := logU(r, -1.5, 3), logU(r, -1.5, 3), unif(r, -3, 3), logU(r, -2, 2)
		return mu + 3*s*r.NormFloat64(), []float64{a, b, mu, s}
	}},
	{"Rice", []string{"b", "sigma"}, func(r *rand.Rand) (float64, []float64) {
		b, s := logU(r, -4, 4), logU(r, -2, 2) // both sides of the Bessel functions' switch at zb = 30
		return s * math.Hypot(b+r.NormFloat64(), r.NormFloat64()), []float64{b, s}
	}},
	{"Rice", []string{"nu", "sigma"}, func(r *rand.Rand) (float64, []float64) {
		nu, s := logU(r, -3, 4), logU(r, -2, 2)
		return math.Hypot(nu+s*r.NormFloat64(), s*r.NormFloat64()), []float64{nu, s}
	}},
	{"VonMises", []string{"mu", "kappa"}, func(r *rand.Rand) (float64, []float64) {
		return unif(r, -3, 3), []float64{unif(r, -3, 3), logU(r, -4, 5)}
	}},
	{"Pareto", []string{"alpha", "m"}, func(r *rand.Rand) (float64, []float64) {
		a, m := logU(r, -1.5, 2.5), logU(r, -2, 2)
		return m * logU(r, 0.01, 3), []float64{a, m}
	}},
	{"Triangular", []string{"lower", "c", "upper"}, func(r *rand.Rand) (float64, []float64) {
		lo := unif(r, -3, 3)
		hi := lo + logU(r, -2, 2)
		c := unif(r, lo+0.01*(hi-lo), hi-0.01*(hi-lo))
		x := unif(r, lo+0.01*(hi-lo), hi-0.01*(hi-lo))
		if math.Abs(x-c) < 1e-3*(hi-lo) { // keep the kink at the mode out of the difference
			x = lo + 0.5*(c-lo)
		}
		return x, []float64{lo, c, hi}
	}},
	{"LogitNormal", []string{"mu", "sigma"}, func(r *rand.Rand) (float64, []float64) {
		return unif(r, 0.02, 0.98), []float64{unif(r, -3, 3), logU(r, -2, 2)}
	}},
	{"Flat", nil, func(r *rand.Rand) (float64, []float64) { return 10 * r.NormFloat64(), nil }},
	{"HalfFlat", nil, func(r *rand.Rand) (float64, []float64) { return logU(r, -3, 3), nil }},
	{"Bernoulli", []string{"p"}, func(r *rand.Rand) (float64, []float64) {
		return float64(r.IntN(2)), []float64{unif(r, 0.02, 0.98)}
	}},
	{"Bernoulli", []string{"logit_p"}, func(r *rand.Rand) (float64, []float64) {
		return float64(r.IntN(2)), []float64{unif(r, -6, 6)}
	}},
	{"Binomial", []string{"n", "p"}, func(r *rand.Rand) (float64, []float64) {
		n := r.IntN(40)
		return float64(r.IntN(n + 1)), []float64{float64(n), unif(r, 0.02, 0.98)}
	}},
	{"Binomial", []string{"n", "logit_p"}, func(r *rand.Rand) (float64, []float64) {
		n := r.IntN(40)
		return float64(r.IntN(n + 1)), []float64{float64(n), unif(r, -6, 6)}
	}},
	{"BetaBinomial", []string{"n", "alpha", "beta"}, func(r *rand.Rand) (float64, []float64) {
		n := r.IntN(40)
		return float64(r.IntN(n + 1)), []float64{float64(n), logU(r, -2, 3), logU(r, -2, 3)}
	}},
	{"Geometric", []string{"p"}, func(r *rand.Rand) (float64, []float64) {
		return float64(1 + r.IntN(30)), []float64{unif(r, 0.02, 0.98)}
	}},
	{"DiscreteUniform", []string{"lower", "upper"}, func(r *rand.Rand) (float64, []float64) {
		lo := float64(r.IntN(20) - 10)
		hi := lo + float64(r.IntN(20))
		return lo + float64(r.IntN(int(hi-lo)+1)), []float64{lo, hi}
	}},
	{"Poisson", []string{"mu"}, func(r *rand.Rand) (float64, []float64) {
		mu := logU(r, -2, 4)
		return float64(r.IntN(int(3*mu) + 3)), []float64{mu}
	}},
	{"NegativeBinomial", []string{"mu", "alpha"}, func(r *rand.Rand) (float64, []float64) {
		mu := logU(r, -1, 3)
		return float64(r.IntN(int(3*mu) + 3)), []float64{mu, logU(r, -2, 3)}
	}},
	{"NegativeBinomial", []string{"n", "p"}, func(r *rand.Rand) (float64, []float64) {
		return float64(r.IntN(30)), []float64{logU(r, -2, 3), unif(r, 0.05, 0.95)}
	}},
	{"NegativeBinomial", []string{"mu", "n"}, func(r *rand.Rand) (float64, []float64) {
		mu := logU(r, -1, 3)
		return float64(r.IntN(int(3*mu) + 3)), []float64{mu, logU(r, -2, 3)}
	}},
	{"NegativeBinomial", []string{"alpha", "p"}, func(r *rand.Rand) (float64, []float64) {
		return float64(r.IntN(30)), []float64{logU(r, -2, 3), unif(r, 0.05, 0.95)}
	}},
	{"ZeroInflatedPoisson", []string{"psi", "mu"}, func(r *rand.Rand) (float64, []float64) {
		mu := logU(r, -2, 3)
		return float64(r.IntN(3) * r.IntN(int(2*mu)+2)), []float64{unif(r, 0.05, 0.95), mu}
	}},
	{"ZeroInflatedBinomial", []string{"psi", "n", "p"}, func(r *rand.Rand) (float64, []float64) {
		n := 1 + r.IntN(30)
		return float64(r.IntN(2) * r.IntN(n+1)), []float64{unif(r, 0.05, 0.95), float64(n), unif(r, 0.02, 0.98)}
	}},
	{"ZeroInflatedNegativeBinomial", []string{"psi", "mu", "alpha"}, func(r *rand.Rand) (float64, []float64) {
		mu := logU(r, -1, 3)
		return float64(r.IntN(2) * r.IntN(int(3*mu)+3)), []float64{unif(r, 0.05, 0.95), mu, logU(r, -2, 3)}
	}},
	{"ZeroInflatedNegativeBinomial", []string{"psi", "n", "p"}, func(r *rand.Rand) (float64, []float64) {
		return float64(r.IntN(2) * r.IntN(30)), []float64{unif(r, 0.05, 0.95), logU(r, -2, 3), unif(r, 0.05, 0.95)}
	}},
	{"ZeroInflatedNegativeBinomial", []string{"psi", "mu", "n"}, func(r *rand.Rand) (float64, []float64) {
		mu := logU(r, -1, 3)
		return float64(r.IntN(2) * r.IntN(int(3*mu)+3)), []float64{unif(r, 0.05, 0.95), mu, logU(r, -2, 3)}
	}},
	{"ZeroInflatedNegativeBinomial", []string{"psi", "alpha", "p"}, func(r *rand.Rand) (float64, []float64) {
		return float64(r.IntN(2) * r.IntN(30)), []float64{unif(r, 0.05, 0.95), logU(r, -2, 3), unif(r, 0.05, 0.95)}
	}},
	{"HurdlePoisson", []string{"psi", "mu"}, func(r *rand.Rand) (float64, []float64) {
		mu := logU(r, -3, 3)
		return float64(r.IntN(3) * r.IntN(int(2*mu)+2)), []float64{unif(r, 0.05, 0.95), mu}
	}},
	{"HurdleNegativeBinomial", []string{"psi", "mu", "alpha"}, func(r *rand.Rand) (float64, []float64) {
		mu := logU(r, -1, 3)
		return float64(r.IntN(2) * r.IntN(int(3*mu)+3)), []float64{unif(r, 0.05, 0.95), mu, logU(r, -2, 3)}
	}},
	{"HurdleNegativeBinomial", []string{"psi", "n", "p"}, func(r *rand.Rand) (float64, []float64) {
		return float64(r.IntN(2) * r.IntN(30)), []float64{unif(r, 0.05, 0.95), logU(r, -2, 3), unif(r, 0.05, 0.95)}
	}},
	{"HurdleNegativeBinomial", []string{"psi", "mu", "n"}, func(r *rand.Rand) (float64, []float64) {
		mu := logU(r, -1, 3)
		return float64(r.IntN(2) * r.IntN(int(3*mu)+3)), []float64{unif(r, 0.05, 0.95), mu, logU(r, -2, 3)}
	}},
	{"HurdleNegativeBinomial", []string{"psi", "alpha", "p"}, func(r *rand.Rand) (float64, []float64) {
		return float64(r.IntN(2) * r.IntN(30)), []float64{unif(r, 0.05, 0.95), logU(r, -2, 3), unif(r, 0.05, 0.95)}
	}},
	{"HurdleGamma", []string{"psi", "alpha", "beta"}, func(r *rand.Rand) (float64, []float64) {
		a, b := logU(r, -1.5, 2.5), logU(r, -2, 2)
		return float64(r.IntN(2)) * logU(r, -2, 1) * a / b, []float64{unif(r, 0.05, 0.95), a, b}
	}},
	{"HurdleLogNormal", []string{"psi", "mu", "sigma"}, func(r *rand.Rand) (float64, []float64) {
		mu, s := unif(r, -2, 2), logU(r, -1.5, 1)
		return float64(r.IntN(2)) * math.Exp(mu+s*r.NormFloat64()), []float64{unif(r, 0.05, 0.95), mu, s}
	}},
	{"HyperGeometric", []string{"N", "k", "n"}, func(r *rand.Rand) (float64, []float64) {
		N := 1 + r.IntN(40)
		k, n := r.IntN(N+1), r.IntN(N+1)
		lo, hi := max(0, n-N+k), min(k, n)
		return float64(lo + r.IntN(hi-lo+1)), []float64{float64(N), float64(k), float64(n)}
	}},
	{"DiscreteWeibull", []string{"q", "beta"}, func(r *rand.Rand) (float64, []float64) {
		return float64(r.IntN(15)), []float64{unif(r, 0.3, 0.97), logU(r, -1.5, 1)}
	}},
	// the Poisson limit (for n, p the difference quotient cancels
	// catastrophically; TestNegativeBinomialPoissonLimit covers it)
	{"NegativeBinomial", []string{"mu", "alpha"}, func(r *rand.Rand) (float64, []float64) {
		mu := logU(r, -1, 3)
		return float64(r.IntN(int(3*mu) + 3)), []float64{mu, logU(r, 24, 30)}
	}},
}

// variantByParams finds the variant of dist whose Params are exactly names.
func variantByParams(t *testing.T, dist string, names []string) *Variant {
	t.Helper()
	d, err := Lookup(dist)
	if err != nil {
		t.Fatal(err)
	}
	v, err := d.Variant(names)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(v.Params, ",") != strings.Join(names, ",") {
		t.Fatalf("%s: variant %v, want parameters %v in that order", dist, v.Params, names)
	}
	return v
}

// Analytic gradients against central differences. The step is 1e-6 of the
// variable's magnitude (at least 1e-7, and within 1e-6 of the distance to
// the edge of a unit interval), so that both the truncation error
// h^2 f3/6 (f3 the third derivative) and the rounding error eps |f|/h
// stay well under the tolerance: 1e-6 relative to max(1, |gradient|).
func TestGradients(t *testing.T) {
	const (
		rel    = 1e-6
		points = 40
	)
	r := rand.New(rand.NewPCG(1, 2))
	for _, c := range gradCases {
		v := variantByParams(t, c.dist, c.params)
		for range points {
			x, p := c.gen(r)
			dp := make([]float64, len(p))
			lp, dx := v.Logp(x, p, dp)
			if math.IsInf(lp, 0) || math.IsNaN(lp) {
				t.Fatalf("%s%v at x=%g p=%v: logp %v; the generator left the support", c.dist, c.params, x, p, lp)
			}
			f := func(x float64, p []float64) float64 { lp, _ := v.Logp(x, p, nil); return lp }
			check := func(what string, an, fd float64) {
				if math.Abs(an-fd) > rel*math.Max(1, math.Abs(an)) {
					t.Errorf("%s%v at x=%g p=%v: d/d%s analytic %.12g, finite difference %.12g",
						c.dist, c.params, x, p, what, an, fd)
				}
			}
			if v.Dist.Discrete {
				if dx != 0 {
					t.Errorf("%s%v: dx = %v for a discrete distribution, want 0", c.dist, c.params, dx)
				}
			} else {
				h := step(x, v.Support == UnitInterval)
				check("x", dx, (f(x+h, p)-f(x-h, p))/(2*h))
			}
			for i := range p {
				if v.domains[i].integral() {
					if dp[i] != 0 {
						t.Errorf("%s%v: d/d%s = %v for an integer parameter, want 0", c.dist, c.params, v.Params[i], dp[i])
					}
					continue
				}
				h := step(p[i], v.domains[i] == probability || v.domains[i] == openUnit)
				q := append([]float64(nil), p...)
				q[i] = p[i] + h
				up := f(x, q)
				q[i] = p[i] - h
				down := f(x, q)
				check(v.Params[i], dp[i], (up-down)/(2*h))
			}
		}
	}
}

func step(v float64, unit bool) float64 {
	if unit {
		return 1e-6 * math.Min(v, 1-v)
	}
	return 1e-6 * math.Max(math.Abs(v), 0.1)
}

// Every element-wise variant has a gradient case.
func TestGradientCoverage(t *testing.T) {
	for _, name := range Names() {
		d, _ := Lookup(name)
		if d.Layout != Elementwise {
			continue // event_test.go, walk and mixture tests
		}
		for _, v := range d.Variants {
			found := false
			for _, c := range gradCases {
				if c.dist == name && strings.Join(c.params, ",") == strings.Join(v.Params, ",") {
					found = true
				}
			}
			if !found {
				t.Errorf("no gradient case for %s%v", name, v.Params)
			}
		}
	}
}
