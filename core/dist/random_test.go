package dist

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// Mean, variance and excess kurtosis are scipy.stats 1.17.1 values from the
// call in each comment (HalfStudentT's from 2*stats.t.expect(x**k, args=(10,),
// scale=2, lb=0), k = 1..4, scipy having no half-t).
var momentCases = []struct {
	dist           string
	params         map[string]float64
	mean, variance float64
	exkurt         float64
}{
	{"Normal", map[string]float64{"mu": 1.5, "sigma": 2.0}, 1.5, 4.0, 0.0},                                                                                // stats.norm.stats(1.5, 2.0, moments='mvk')
	{"HalfNormal", map[string]float64{"sigma": 2.0}, 1.5957691216057308, 1.4535209105296745, 0.8691773036059736},                                          // stats.halfnorm.stats(scale=2.0, moments='mvk')
	{"Exponential", map[string]float64{"lam": 2.0}, 0.5, 0.25, 6.0},                                                                                       // stats.expon.stats(scale=1/2.0, moments='mvk')
	{"Gamma", map[string]float64{"alpha": 3.0, "beta": 2.0}, 1.5, 0.75, 2.0},                                                                              // stats.gamma.stats(3.0, scale=1/2.0, moments='mvk')
	{"Gamma", map[string]float64{"alpha": 0.5, "beta": 4.0}, 0.125, 0.03125, 12.0},                                                                        // stats.gamma.stats(0.5, scale=1/4.0, moments='mvk')
	{"Gamma", map[string]float64{"alpha": 0.1, "beta": 1.0}, 0.1, 0.1, 60.0},                                                                              // stats.gamma.stats(0.1, scale=1/1.0, moments='mvk')
	{"InverseGamma", map[string]float64{"alpha": 6.0, "beta": 2.0}, 0.4, 0.04, 19.0},                                                                      // stats.invgamma.stats(6.0, scale=2.0, moments='mvk')
	{"Beta", map[string]float64{"alpha": 2.0, "beta": 5.0}, 0.2857142857142857, 0.025510204081632654, -0.12},                                              // stats.beta.stats(2.0, 5.0, moments='mvk')
	{"Beta", map[string]float64{"alpha": 0.3, "beta": 0.6}, 0.33333333333333337, 0.1169590643274854, -1.0344827586206897},                                 // stats.beta.stats(0.3, 0.6, moments='mvk')
	{"Uniform", map[string]float64{"lower": -1.0, "upper": 3.0}, 1.0, 1.3333333333333333, -1.2},                                                           // stats.uniform.stats(loc=-1.0, scale=4.0, moments='mvk')
	{"StudentT", map[string]float64{"nu": 10.0, "mu": 1.0, "sigma": 2.0}, 1.0, 5.0, 1.0},                                                                  // stats.t.stats(10.0, 1.0, 2.0, moments='mvk')
	{"LogNormal", map[string]float64{"mu": 0.2, "sigma": 0.4}, 1.323129812337437, 0.3037607103477868, 3.2600129766986097},                                 // stats.lognorm.stats(0.4, scale=np.exp(0.2), moments='mvk')
	{"Laplace", map[string]float64{"mu": 1.0, "b": 2.0}, 1.0, 8.0, 3.0},                                                                                   // stats.laplace.stats(1.0, 2.0, moments='mvk')
	{"Logistic", map[string]float64{"mu": 1.0, "s": 2.0}, 1.0, 13.159472534785811, 1.2},                                                                   // stats.logistic.stats(1.0, 2.0, moments='mvk')
	{"Weibull", map[string]float64{"alpha": 1.5, "beta": 2.0}, 1.805490585901867, 1.5027611392557279, 1.3904035615957744},                                 // stats.weibull_min.stats(1.5, scale=2.0, moments='mvk')
	{"Gumbel", map[string]float64{"mu": 1.0, "beta": 2.0}, 2.1544313298030655, 6.579736267392906, 2.4},                                                    // stats.gumbel_r.stats(1.0, 2.0, moments='mvk')
	{"ChiSquared", map[string]float64{"nu": 3.0}, 3.0, 6.0, 4.0},                                                                                          // stats.chi2.stats(3.0, moments='mvk')
	{"Kumaraswamy", map[string]float64{"a": 2.0, "b": 3.0}, 0.4571428571428571, 0.04102040816326538, -0.7342475021245516},                                 // raw moments b*special.beta(1+k/a, b), k = 1..4
	{"Moyal", map[string]float64{"mu": 1.0, "sigma": 2.0}, 3.5407256909229563, 19.739208802178716, 4.0},                                                   // stats.moyal.stats(1.0, 2.0, moments='mvk')
	{"AsymmetricLaplace", map[string]float64{"kappa": 2.0, "mu": 1.0, "b": 1.5}, 0.0, 1.8888888888888886, 5.335640138408304},                              // stats.laplace_asymmetric.stats(2.0, 1.0, 1/1.5, moments='mvk')
	{"Wald", map[string]float64{"mu": 1.5, "lam": 2.0, "alpha": 0.5}, 2.0, 1.6875, 11.25},                                                                 // stats.invgauss.stats(1.5/2.0, loc=0.5, scale=2.0, moments='mvk')
	{"ExGaussian", map[string]float64{"mu": 1.0, "sigma": 2.0, "nu": 1.5}, 2.5, 6.25, 0.7776000000000001},                                                 // stats.exponnorm.stats(1.5/2.0, loc=1.0, scale=2.0, moments='mvk')
	{"ZeroInflatedPoisson", map[string]float64{"psi": 0.7, "mu": 3.5}, 2.45, 5.022500000000002, -0.3704549041508347},                                      // sums over the pmf from stats.poisson
	{"HurdlePoisson", map[string]float64{"psi": 0.7, "mu": 0.8}, 1.0169410837130128, 0.7963247829400264, 1.0608029851185714},                              // sums over the pmf from stats.poisson (p(0) > 1/2: inversion)
	{"HurdlePoisson", map[string]float64{"psi": 0.6, "mu": 3.0}, 1.894312253684261, 3.988830100278701, -0.051924647190231266},                             // sums over the pmf from stats.poisson (rejection)
	{"ZeroInflatedBinomial", map[string]float64{"psi": 0.6, "n": 10.0, "p": 0.3}, 1.799999999999999, 3.419999999999998, -0.746383502616188},               // sums over the pmf from stats.binom
	{"ZeroInflatedNegativeBinomial", map[string]float64{"psi": 0.6, "mu": 4.0, "alpha": 2.0}, 2.4000000000000012, 11.040000000000006, 4.2512602394454895}, // sums over the pmf from stats.nbinom(2, 2/6)
	{"ZeroInflatedNegativeBinomial", map[string]float64{"psi": 0.6, "mu": 4.0, "n": 2.0}, 2.4000000000000012, 11.040000000000006, 4.2512602394454895},     // sums over the pmf from stats.nbinom(2, 2/6)
	{"ZeroInflatedNegativeBinomial", map[string]float64{"psi": 0.6, "n": 3.0, "p": 0.4}, 2.6999999999999993, 11.609999999999996, 2.4870700879354244},      // sums over the pmf from stats.nbinom(3, 0.4)
	{"ZeroInflatedNegativeBinomial", map[string]float64{"psi": 0.6, "alpha": 3.0, "p": 0.4}, 2.6999999999999993, 11.609999999999996, 2.4870700879354244},  // sums over the pmf from stats.nbinom(3, 0.4)
	{"HurdleNegativeBinomial", map[string]float64{"psi": 0.6, "mu": 4.0, "alpha": 2.0}, 2.700000000000002, 11.610000000000007, 3.700939446747988},         // sums over the pmf from stats.nbinom(2, 2/6)
	{"HurdleNegativeBinomial", map[string]float64{"psi": 0.6, "mu": 4.0, "n": 2.0}, 2.700000000000002, 11.610000000000007, 3.700939446747988},             // sums over the pmf from stats.nbinom(2, 2/6)
	{"HurdleNegativeBinomial", map[string]float64{"psi": 0.6, "n": 3.0, "p": 0.4}, 2.8846153846153846, 11.871301775147925, 2.260713308294757},             // sums over the pmf from stats.nbinom(3, 0.4)
	{"HurdleNegativeBinomial", map[string]float64{"psi": 0.6, "alpha": 3.0, "p": 0.4}, 2.8846153846153846, 11.871301775147925, 2.260713308294757},         // sums over the pmf from stats.nbinom(3, 0.4)
	{"HurdleGamma", map[string]float64{"psi": 0.7, "alpha": 2.0, "beta": 1.5}, 0.9333333333333332, 0.9955555555555555, 2.5379464285714324},                // psi times stats.gamma(2, scale=1/1.5).moment(k), k = 1..4
	{"HurdleLogNormal", map[string]float64{"psi": 0.7, "mu": 0.2, "sigma": 0.4}, 0.9261908686362059, 0.5802737223056319, 0.23551481741206404},             // psi times stats.lognorm(0.4, scale=exp(0.2)).moment(k), k = 1..4
	{"HyperGeometric", map[string]float64{"N": 50.0, "k": 10.0, "n": 25.0}, 5.0, 2.0408163265306123, -0.13297872340425532},                                // stats.hypergeom.stats(50, 10, 25, moments='mvk')
	{"DiscreteWeibull", map[string]float64{"q": 0.7, "beta": 1.3}, 1.5572326760688453, 2.520420180911998, 2.420376825362485},                              // sums over q^(x^beta) - q^((x+1)^beta)
	{"SkewNormal", map[string]float64{"mu": 1.0, "sigma": 2.0, "alpha": 3.0}, 2.513879513212096, 1.708168819476707, 0.5097701294494134},                   // stats.skewnorm.stats(3.0, loc=1.0, scale=2.0, moments='mvk')
	{"SkewStudentT", map[string]float64{"a": 6.0, "b": 4.0, "mu": 1.0, "sigma": 2.0}, 2.5280250506473494, 5.665139444594164, 1.7227797466565677},          // stats.jf_skew_t.stats(6.0, 4.0, loc=1.0, scale=2.0, moments='mvk')
	{"Rice", map[string]float64{"b": 1.5, "sigma": 2.0}, 3.749871498811231, 2.9384637424032114, -0.15709254960607755},                                     // stats.rice.stats(1.5, scale=2.0, moments='mvk')
	{"Rice", map[string]float64{"nu": 3.0, "sigma": 2.0}, 3.749871498811231, 2.9384637424032114, -0.15709254960607755},                                    // as b = 1.5, sigma = 2
	{"VonMises", map[string]float64{"mu": 0.0, "kappa": 2.0}, 0.0, 0.7644618798111332, 0.884726590033452},                                                 // stats.vonmises.stats(2.0, moments='mvk')
	{"Pareto", map[string]float64{"alpha": 6.0, "m": 1.5}, 1.7999999999999998, 0.135, 35.666666666666664},                                                 // stats.pareto.stats(6.0, scale=1.5, moments='mvk')
	{"Triangular", map[string]float64{"lower": -1.0, "c": 2.0, "upper": 3.0}, 1.3333333333333335, 0.7222222222222222, -0.6},                               // stats.triang.stats(0.75, loc=-1.0, scale=4.0, moments='mvk')
	{"LogitNormal", map[string]float64{"mu": 0.5, "sigma": 0.8}, 0.6079489379192358, 0.02862326831065648, -0.497824979800348},                             // integrate.quad of expit(t)**k against stats.norm.pdf(t, 0.5, 0.8)
	{"Bernoulli", map[string]float64{"p": 0.3}, 0.3, 0.21, -1.2380952380952381},                                                                           // stats.bernoulli.stats(0.3, moments='mvk')
	{"Bernoulli", map[string]float64{"logit_p": -1.2}, 0.23147521650098238, 0.1778944406468057, -0.3786888653512501},                                      // stats.bernoulli.stats(expit(-1.2), moments='mvk')
	{"Binomial", map[string]float64{"n": 20.0, "p": 0.3}, 6.0, 4.2, -0.06190476190476191},                                                                 // stats.binom.stats(20, 0.3, moments='mvk')
	{"BetaBinomial", map[string]float64{"alpha": 2.0, "beta": 3.0, "n": 12.0}, 4.8, 8.16, -0.677871148459384},                                             // stats.betabinom.stats(12, 2.0, 3.0, moments='mvk')
	{"Geometric", map[string]float64{"p": 0.3}, 3.3333333333333335, 7.777777777777779, 6.128571428571429},                                                 // stats.geom.stats(0.3, moments='mvk')
	{"DiscreteUniform", map[string]float64{"lower": -3.0, "upper": 7.0}, 2.0, 10.0, -1.22},                                                                // stats.randint.stats(-3, 8, moments='mvk')
	{"Binomial", map[string]float64{"n": 200.0, "logit_p": 0.5}, 124.49186624037092, 47.0007424403189, -0.008723740347936194},                             // stats.binom.stats(200, expit(0.5), moments='mvk')
	{"Poisson", map[string]float64{"mu": 3.5}, 3.5, 3.5, 0.2857142857142857},                                                                              // stats.poisson.stats(3.5, moments='mvk')
	{"Poisson", map[string]float64{"mu": 50.0}, 50.0, 50.0, 0.02},                                                                                         // stats.poisson.stats(50.0, moments='mvk')
	{"NegativeBinomial", map[string]float64{"mu": 4.0, "alpha": 2.0}, 4.000000000000001, 12.000000000000002, 3.0833333333333326},                          // stats.nbinom.stats(2.0, 2.0/6.0, moments='mvk')
	{"NegativeBinomial", map[string]float64{"n": 3.0, "p": 0.4}, 4.499999999999999, 11.249999999999996, 2.088888888888889},                                // stats.nbinom.stats(3.0, 0.4, moments='mvk')
	{"NegativeBinomial", map[string]float64{"mu": 4.0, "n": 2.0}, 4.000000000000001, 12.000000000000002, 3.0833333333333326},                              // as mu, alpha
	{"NegativeBinomial", map[string]float64{"alpha": 3.0, "p": 0.4}, 4.499999999999999, 11.249999999999996, 2.088888888888889},                            // as n, p
	{"HalfStudentT", map[string]float64{"nu": 10.0, "sigma": 2.0}, 1.7293705954045828, 2.0092773437499996, 3.48213940345092},
}

const nDraws = 20000

// draws fills nDraws values through Variant.Draw with scalar parameters.
func draws(t *testing.T, v *Variant, p []float64, seed uint64) []float64 {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 99))
	params := make([][]float64, len(p))
	shapes := make([][]int, len(p))
	for i := range p {
		params[i] = []float64{p[i]}
		shapes[i] = []int{}
	}
	out := make([]float64, nDraws)
	if err := v.Draw(params, shapes, []int{nDraws}, r, out); err != nil {
		t.Fatal(err)
	}
	return out
}

// The sample mean has standard error sqrt(var/n) and the sample variance
// sqrt((exkurt+2)/n)*var; five standard errors make a spurious failure
// improbable (about 6e-7 under normality) while still catching a wrong
// scale or shape. With the fixed seeds the test is deterministic anyway.
func TestRandomMoments(t *testing.T) {
	for ci, c := range momentCases {
		v, p := variantFor(t, c.dist, c.params)
		xs := draws(t, v, p, uint64(ci))
		var m, s float64
		for _, x := range xs {
			if !v.InSupport(x, p) {
				t.Fatalf("%s%v drew %v outside its support", c.dist, c.params, x)
			}
			m += x
		}
		m /= nDraws
		for _, x := range xs {
			s += (x - m) * (x - m)
		}
		s /= nDraws - 1
		seMean := math.Sqrt(c.variance / nDraws)
		seVar := c.variance * math.Sqrt((c.exkurt+2)/nDraws)
		if math.Abs(m-c.mean) > 5*seMean {
			t.Errorf("%s%v: mean %v, want %v (se %.2g)", c.dist, c.params, m, c.mean, seMean)
		}
		if math.Abs(s-c.variance) > 5*seVar {
			t.Errorf("%s%v: variance %v, want %v (se %.2g)", c.dist, c.params, s, c.variance, seVar)
		}
	}
}

// Cauchy has no moments: check the quartiles, alpha - beta, alpha, alpha + beta
// (HalfCauchy's median is beta). A sample quantile q has standard error
// sqrt(q(1-q)/n)/f(x_q); the bounds are five of those.
func TestRandomCauchyQuantiles(t *testing.T) {
	v, p := variantFor(t, "Cauchy", map[string]float64{"alpha": 1.5, "beta": 2})
	xs := draws(t, v, p, 1)
	slices.Sort(xs)
	density := func(x float64) float64 { z := (x - 1.5) / 2; return 1 / (math.Pi * 2 * (1 + z*z)) }
	for _, q := range []struct{ p, x float64 }{{0.25, -0.5}, {0.5, 1.5}, {0.75, 3.5}} {
		got := xs[int(q.p*nDraws)]
		se := math.Sqrt(q.p*(1-q.p)/nDraws) / density(q.x)
		if math.Abs(got-q.x) > 5*se {
			t.Errorf("Cauchy quantile %v: %v, want %v (se %.2g)", q.p, got, q.x, se)
		}
	}
	v, p = variantFor(t, "HalfCauchy", map[string]float64{"beta": 2})
	xs = draws(t, v, p, 2)
	slices.Sort(xs)
	got := xs[nDraws/2]
	se := math.Sqrt(0.25/nDraws) / (2 / (math.Pi * 2 * 2)) // f(beta) = 2/(pi beta 2)
	if math.Abs(got-2) > 5*se {
		t.Errorf("HalfCauchy median %v, want 2 (se %.2g)", got, se)
	}
}

// Every variant that can be drawn has a moment or quantile test.
func TestRandomCoverage(t *testing.T) {
	for _, name := range Names() {
		d, _ := Lookup(name)
		for _, v := range d.Variants {
			if v.Random == nil || name == "Cauchy" || name == "HalfCauchy" {
				continue
			}
			found := false
			for _, c := range momentCases {
				if c.dist == name && len(c.params) == len(v.Params) && v.accepts(keys(c.params)) {
					found = true
				}
			}
			if !found {
				t.Errorf("no moment test for %s%v", name, v.Params)
			}
		}
	}
}

func TestDrawBroadcast(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	v := variantByParams(t, "Normal", []string{"mu", "sigma"})
	out := make([]float64, 6)
	err := v.Draw([][]float64{{10, 20, 30}, {1e-9, 1e-9}}, [][]int{{3}, {2, 1}}, []int{2, 3}, r, out)
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range []float64{10, 20, 30, 10, 20, 30} {
		if math.Abs(out[k]-want) > 1e-6 {
			t.Errorf("draw %d = %v, want about %v", k, out[k], want)
		}
	}

	// A walk with vanishing noise follows init_mu + t*mu on every row.
	w := variantByParams(t, "GaussianRandomWalk", []string{"mu", "sigma", "init_mu", "init_sigma"})
	out = make([]float64, 8)
	if err := w.Draw([][]float64{{0.5}, {1e-9}, {2}, {1e-9}}, [][]int{{}, {}, {}, {}}, []int{2, 4}, r, out); err != nil {
		t.Fatal(err)
	}
	for k, x := range out {
		if want := 2 + 0.5*float64(k%4); math.Abs(x-want) > 1e-6 {
			t.Errorf("walk draw %d = %v, want about %v", k, x, want)
		}
	}
	// Increments of a long walk have the innovation's moments.
	long := make([]float64, nDraws+1)
	if err := w.Draw([][]float64{{0.3}, {2}, {0}, {100}}, [][]int{{}, {}, {}, {}}, []int{nDraws + 1}, r, long); err != nil {
		t.Fatal(err)
	}
	var m, s float64
	for j := 1; j <= nDraws; j++ {
		m += long[j] - long[j-1]
	}
	m /= nDraws
	for j := 1; j <= nDraws; j++ {
		d := long[j] - long[j-1] - m
		s += d * d
	}
	s /= nDraws - 1
	if math.Abs(m-0.3) > 5*2/math.Sqrt(nDraws) || math.Abs(s-4) > 5*4*math.Sqrt(2.0/nDraws) {
		t.Errorf("walk increments: mean %v, variance %v; want 0.3, 4", m, s)
	}
}

func TestDrawErrors(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	normal := variantByParams(t, "Normal", []string{"mu", "sigma"})
	flat, _ := Lookup("Flat")
	walk := variantByParams(t, "GaussianRandomWalk", []string{"mu", "sigma", "init_mu", "init_sigma"})
	cases := []struct {
		name   string
		v      *Variant
		params [][]float64
		shapes [][]int
		value  []int
		n      int
	}{
		{"negative sigma", normal, [][]float64{{0}, {1, -1}}, [][]int{{}, {2}}, []int{2}, 2},
		{"no broadcast", normal, [][]float64{{0, 0, 0}, {1}}, [][]int{{3}, {}}, []int{2}, 2},
		{"wrong output size", normal, [][]float64{{0}, {1}}, [][]int{{}, {}}, []int{2}, 3},
		{"too few params", normal, [][]float64{{0}}, [][]int{{}}, []int{2}, 2},
		{"values do not fill shape", normal, [][]float64{{0}, {1}}, [][]int{{2}, {}}, []int{2}, 2},
		{"flat", flat.Variants[0], nil, nil, []int{2}, 2},
		{"walk vector param", walk, [][]float64{{0, 1}, {1}, {0}, {1}}, [][]int{{2}, {}, {}, {}}, []int{3, 2}, 6},
		{"walk scalar value", walk, [][]float64{{0}, {1}, {0}, {1}}, [][]int{{}, {}, {}, {}}, []int{}, 1},
		{"walk bad sigma", walk, [][]float64{{0}, {0}, {0}, {1}}, [][]int{{}, {}, {}, {}}, []int{3}, 3},
	}
	for _, c := range cases {
		err := c.v.Draw(c.params, c.shapes, c.value, r, make([]float64, c.n))
		if err == nil {
			t.Errorf("%s: Draw accepted", c.name)
		} else {
			t.Logf("%s: %v", c.name, err)
		}
	}
}
