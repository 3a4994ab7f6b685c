package compile

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/exmc/exmc/core/expr"
	"github.com/exmc/exmc/core/model"
)

var (
	schoolsY     = []float64{28, 8, -3, 7, -1, 1, 18, 12}
	schoolsSigma = []float64{15, 10, 16, 11, 9, 11, 10, 18}
)

func eightSchools(t testing.TB, centred bool) *Model {
	b := model.NewBuilder()
	if centred {
		b.CenteredModel()
	}
	b.Data("y", schoolsY).Data("sigma", schoolsSigma)
	b.RV("mu", "Normal", model.P{"mu": 0, "sigma": 5})
	b.RV("tau", "HalfNormal", model.P{"sigma": 5})
	b.RV("theta", "Normal", model.P{"mu": "mu", "sigma": "tau"}, model.Shape(8))
	b.Obs("y_obs", "Normal", model.P{"mu": "theta", "sigma": "sigma"}, "y")
	m, err := b.Model()
	if err != nil {
		t.Fatal(err)
	}
	c, err := Compile(m, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func normLogpdf(x, mu, s float64) float64 {
	z := (x - mu) / s
	return -0.5*z*z - math.Log(s) - 0.5*math.Log(2*math.Pi)
}

// The centred eight schools, written out by hand on the unconstrained
// scale: tau = exp(u) with log-Jacobian u.
func schoolsByHand(x []float64) float64 {
	mu, u, theta := x[0], x[1], x[2:]
	tau := math.Exp(u)
	lp := normLogpdf(mu, 0, 5) + math.Log(2) + normLogpdf(tau, 0, 5) + u
	for j, th := range theta {
		lp += normLogpdf(th, mu, tau) + normLogpdf(schoolsY[j], th, schoolsSigma[j])
	}
	return lp
}

func TestEightSchoolsLogp(t *testing.T) {
	c := eightSchools(t, true)
	if c.Dim() != 10 {
		t.Fatalf("dim %d", c.Dim())
	}
	if len(c.NonCentered()) != 0 {
		t.Fatalf("centred model was rewritten: %v", c.NonCentered())
	}
	r := rand.New(rand.NewPCG(1, 2))
	grad := make([]float64, c.Dim())
	for range 20 {
		x := randPoint(r, c.Dim())
		lp, err := c.LogpGrad(x, grad)
		if err != nil {
			t.Fatal(err)
		}
		// tolerance: both sides sum the same ~20 terms in double precision
		if want := schoolsByHand(x); math.Abs(lp-want) > 1e-10*math.Max(1, math.Abs(want)) {
			t.Fatalf("logp %v, by hand %v", lp, want)
		}
	}
}

func TestNonCenteredRewrite(t *testing.T) {
	c := eightSchools(t, false)
	if got := c.NonCentered(); len(got) != 1 || got[0] != "theta" {
		t.Fatalf("non-centred %v, want [theta]", got)
	}
	if len(c.KeptCentred()) != 0 {
		t.Fatalf("kept centred %v, want none", c.KeptCentred())
	}
	names := []string{}
	for _, v := range c.Vars() {
		names = append(names, v.Name)
		if strings.HasSuffix(v.Name, "__z") {
			t.Fatalf("auxiliary variable %q reported", v.Name)
		}
	}
	if strings.Join(names, ",") != "mu,tau,theta" {
		t.Fatalf("vars %v", names)
	}
	// theta = mu + tau z: check Constrain against that.
	x := []float64{1, math.Log(2), 0, 1, -1, 0.5, 0, 0, 0, 2}
	out := make([]float64, c.ConstrainedSize())
	if err := c.Constrain(x, out); err != nil {
		t.Fatal(err)
	}
	for j := 0; j < 8; j++ {
		if want := 1 + 2*x[2+j]; math.Abs(out[2+j]-want) > 1e-14 {
			t.Fatalf("theta[%d] = %v, want %v", j, out[2+j], want)
		}
	}
}

func randPoint(r *rand.Rand, n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = r.Float64()*4 - 2
	}
	return x
}

// checkGradient compares LogpGrad with central differences at random
// points. With h = 1e-6 the truncation and rounding errors of a central
// difference are ~1e-8 relative for these smooth densities.
func checkGradient(t *testing.T, c *Model, points int) {
	t.Helper()
	r := rand.New(rand.NewPCG(7, 11))
	d := c.NewDensity()
	grad := make([]float64, c.Dim())
	for range points {
		x := randPoint(r, c.Dim())
		lp, err := d.LogpGrad(x, grad)
		if err != nil || math.IsNaN(lp) || math.IsInf(lp, 0) {
			t.Fatalf("logp %v, err %v at %v", lp, err, x)
		}
		for i := range x {
			h := 1e-6 * math.Max(1, math.Abs(x[i]))
			xp := append([]float64{}, x...)
			xm := append([]float64{}, x...)
			xp[i] += h
			xm[i] -= h
			fp, _ := d.Logp(xp)
			fm, _ := d.Logp(xm)
			num := (fp - fm) / (2 * h)
			if math.Abs(num-grad[i]) > 1e-5*math.Max(1, math.Abs(num)) {
				t.Fatalf("d logp / d x[%d] = %v, finite differences %v (x = %v)", i, grad[i], num, x)
			}
		}
	}
}

func TestGradients(t *testing.T) {
	cases := map[string]func(b *model.Builder){
		"eight schools centred": func(b *model.Builder) {
			b.CenteredModel()
			b.Data("y", schoolsY).Data("sigma", schoolsSigma)
			b.RV("mu", "Normal", model.P{"mu": 0, "sigma": 5})
			b.RV("tau", "HalfCauchy", model.P{"beta": 5})
			b.RV("theta", "Normal", model.P{"mu": "mu", "sigma": "tau"}, model.Shape(8))
			b.Obs("y_obs", "Normal", model.P{"mu": "theta", "sigma": "sigma"}, "y")
		},
		"eight schools non-centred by the rewrite": func(b *model.Builder) {
			b.Data("y", schoolsY).Data("sigma", schoolsSigma)
			b.RV("mu", "Normal", model.P{"mu": 0, "sigma": 5})
			b.RV("tau", "HalfNormal", model.P{"sigma": 5})
			b.RV("theta", "Normal", model.P{"mu": "mu", "sigma": "tau"}, model.Shape(8))
			b.Obs("y_obs", "Normal", model.P{"mu": "theta", "sigma": "sigma"}, "y")
		},
		"bound depending on a parameter": func(b *model.Builder) {
			b.RV("a1", "Uniform", model.P{"lower": 0, "upper": 1})
			b.RV("b1", "Uniform", model.P{"lower": 0, "upper": model.Sub(1, "a1")})
			b.Obs("y", "Normal", model.P{"mu": model.Add("a1", "b1"), "sigma": 0.5}, []float64{0.3, 0.9})
		},
		"regression with matmul and gather": func(b *model.Builder) {
			b.Data("X", []float64{1, 0.5, 1, -1, 1, 2, 1, 0}, model.Shape(4, 2))
			b.IntData("g", []int{0, 1, 1, 2})
			b.RV("beta", "Normal", model.P{"mu": 0, "sigma": 2}, model.Shape(2))
			b.RV("a", "Normal", model.P{"mu": 0, "sigma": 1}, model.Shape(3))
			b.RV("s", "Gamma", model.P{"alpha": 2, "beta": 1})
			b.Det("eta", model.Add(model.MatMul("X", "beta"), model.Gather("a", "g")))
			b.Obs("y", "StudentT", model.P{"nu": 4, "mu": "eta", "sigma": "s"}, []float64{1, 2, 0.5, -1})
			b.Obs("k", "Poisson", model.P{"mu": model.Exp("eta")}, []float64{1, 0, 3, 2})
			b.Obs("z", "Bernoulli", model.P{"logit_p": "eta"}, []float64{1, 0, 1, 1})
		},
		"siblings sharing a term, views and mul-add": func(b *model.Builder) {
			b.CenteredModel()
			b.RV("s", "HalfNormal", model.P{"sigma": 2})
			b.RV("s1", "HalfNormal", model.P{"sigma": "s"})
			b.RV("s2", "HalfNormal", model.P{"sigma": "s"}, model.Shape(2))
			b.RV("m1", "Normal", model.P{"mu": 1, "sigma": "s1"}, model.Shape(3))
			b.RV("m2", "Normal", model.P{"mu": 1, "sigma": "s1"})
			b.Det("col", model.Call("reshape", expr.Attrs{Shape: []int{3, 1}}, "m1"))
			b.Det("tail", model.Call("slice", expr.Attrs{Start: ip(1)}, "m1"))
			b.Data("Y", []float64{0.3, 0.9, -1, 2, 0, 0.5}, model.Shape(3, 2))
			b.Obs("y", "Normal", model.P{"mu": model.Add(model.Mul("col", "s2"), "m2"), "sigma": 0.5}, "Y")
			b.Obs("z", "Normal", model.P{"mu": "tail", "sigma": model.Sum("s2")}, []float64{0.1, -0.2})
		},
		"potential and beta": func(b *model.Builder) {
			b.RV("p", "Beta", model.P{"alpha": 2, "beta": 3})
			b.RV("w", "GaussianRandomWalk", model.P{"sigma": "p", "init_sigma": 1}, model.Shape(5))
			b.Potential("pen", model.Mul(-0.5, model.Sum(model.Mul("w", "w"))))
			b.Obs("n", "Binomial", model.P{"n": 10, "p": "p"}, []float64{3, 4})
		},
	}
	for name, build := range cases {
		t.Run(name, func(t *testing.T) {
			checkGradient(t, compileBuilt(t, build), 10)
		})
	}
}

func TestLogLikelihoodSumsToLikelihood(t *testing.T) {
	c := eightSchools(t, true)
	x := []float64{1, 0.5, 0, 1, 2, 3, 4, 5, 6, 7}
	ll := make([]float64, c.LogLikelihoodSize())
	if err := c.LogLikelihood(x, ll); err != nil {
		t.Fatal(err)
	}
	if len(ll) != 8 {
		t.Fatalf("%d pointwise values", len(ll))
	}
	for j := range ll {
		if want := normLogpdf(schoolsY[j], x[2+j], schoolsSigma[j]); math.Abs(ll[j]-want) > 1e-12 {
			t.Fatalf("log-likelihood[%d] = %v, want %v", j, ll[j], want)
		}
	}
}

func TestDimensionError(t *testing.T) {
	c := eightSchools(t, true)
	if _, err := c.LogpGrad(make([]float64, 3), make([]float64, 3)); err == nil {
		t.Fatal("wrong-sized point accepted")
	}
}

func TestLogpGradAllocatesNothing(t *testing.T) {
	c := eightSchools(t, false)
	d := c.NewDensity()
	x := make([]float64, c.Dim())
	g := make([]float64, c.Dim())
	if n := testing.AllocsPerRun(100, func() { d.LogpGrad(x, g) }); n != 0 {
		t.Fatalf("%v allocations per gradient", n)
	}
}

func BenchmarkEightSchoolsLogpGrad(b *testing.B) {
	c := eightSchools(b, false)
	benchGradient(b, c, make([]float64, c.Dim()))
}

// benchGradient times c's log-density and gradient at x.
func benchGradient(b *testing.B, c *Model, x []float64) {
	d := c.NewDensity()
	g := make([]float64, c.Dim())
	b.ReportAllocs()
	for b.Loop() {
		d.LogpGrad(x, g)
	}
}

func ip(i int) *int { return &i }

// Adjacent variables with the same prior share one term; the log-density
// is the sum of their separate ones.
func TestSiblingPriors(t *testing.T) {
	b := model.NewBuilder()
	b.CenteredModel()
	b.RV("s", "HalfNormal", model.P{"sigma": 2})
	b.RV("s1", "HalfNormal", model.P{"sigma": "s"})
	b.RV("s2", "HalfNormal", model.P{"sigma": "s"}, model.Shape(2))
	m, err := b.Model()
	if err != nil {
		t.Fatal(err)
	}
	c, err := Compile(m, nil)
	if err != nil {
		t.Fatal(err)
	}
	x := []float64{0.3, -0.4, 0.2, 1.1}
	halfNormal := func(v, s float64) float64 { return normLogpdf(v, 0, s) + math.Log(2) }
	s := math.Exp(x[0])
	want := halfNormal(s, 2) + x[0]
	for _, u := range x[1:] {
		want += halfNormal(math.Exp(u), s) + u
	}
	lp, err := c.LogpGrad(x, make([]float64, 4))
	if err != nil || math.Abs(lp-want) > 1e-12*math.Abs(want) {
		t.Fatalf("logp %v (%v), want %v", lp, err, want)
	}
	out := make([]float64, c.ConstrainedSize())
	if err := c.Constrain(x, out); err != nil {
		t.Fatal(err)
	}
	for i, u := range x {
		if math.Abs(out[i]-math.Exp(u)) > 1e-15*math.Exp(u) {
			t.Fatalf("constrained %v at %v", out, x)
		}
	}
	checkGradient(t, c, 10)
}

// A hierarchy whose groups are each fixed by precise data is compiled as
// written, and the compiled model says so, with the data's share of the
// posterior precision (above the rewrite's threshold of one half).
func TestKeptCentred(t *testing.T) {
	c := compileBuilt(t, func(b *model.Builder) {
		b.RV("mu", "Normal", model.P{"sigma": 10})
		b.RV("tau", "HalfNormal", model.P{"sigma": 5})
		b.RV("theta", "Normal", model.P{"mu": "mu", "sigma": "tau"}, model.Shape(3))
		b.Obs("y", "Normal", model.P{"mu": "theta", "sigma": 0.1}, []float64{-4, 1, 7})
	})
	if len(c.NonCentered()) != 0 {
		t.Fatalf("rewritten %v, want none", c.NonCentered())
	}
	kept := c.KeptCentred()
	if share, ok := kept["theta"]; len(kept) != 1 || !ok || !(share > 0.5 && share <= 1) {
		t.Fatalf("kept centred %v, want theta with a share in (0.5, 1]", kept)
	}
}
