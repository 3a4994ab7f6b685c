package compile

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/exmc/exmc/core/model"
)

// fusionData is a regression's synthetic data: n observations in groups
// groups, covariates x and, by kind, real, binary or count outcomes.
func fusionData(n, groups int, kind string, seed uint64) (g []int, x, y []float64) {
	r := rand.New(rand.NewPCG(seed, 3))
	g, x, y = make([]int, n), make([]float64, n), make([]float64, n)
	for i := range n {
		g[i] = r.IntN(groups)
		x[i] = r.NormFloat64()
		eta := 0.3*float64(g[i]%5) - 0.5 + 0.7*x[i]
		switch kind {
		case "binary":
			if r.Float64() < 1/(1+math.Exp(-eta)) {
				y[i] = 1
			}
		case "count":
			y[i] = float64(int(math.Exp(eta/2) * 3 * r.Float64()))
		default:
			y[i] = eta + 0.5*r.NormFloat64()
		}
	}
	return g, x, y
}

// fusionModel is a regression with varying intercepts a and slopes b
// over groups groups; mu builds the likelihood's location from them, and
// obs adds the likelihood.
func fusionModel(t testing.TB, n, groups int, kind string, obs func(b *model.Builder, y []float64)) *model.Model {
	t.Helper()
	g, x, y := fusionData(n, groups, kind, 1)
	b := model.NewBuilder()
	b.IntData("g", g)
	b.Data("x", x)
	b.RV("mu_a", "Normal", model.P{"mu": 0, "sigma": 1})
	b.RV("sigma_a", "HalfNormal", model.P{"sigma": 1})
	b.RV("a", "Normal", model.P{"mu": "mu_a", "sigma": "sigma_a"}, model.Shape(groups))
	b.RV("b", "Normal", model.P{"mu": 0, "sigma": 1}, model.Shape(groups))
	b.RV("s", "HalfNormal", model.P{"sigma": 1})
	b.RV("z", "Normal", model.P{"mu": 0, "sigma": 1}, model.Shape(n))
	obs(b, y)
	m, err := b.Model()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func ga() *model.Expr { return model.Gather("a", "g") }
func gb() *model.Expr { return model.Gather("b", "g") }

// Every fused compile equals the unfused one, log-density and gradient, at
// random points; the table says whether the model must fuse. Tolerance
// 1e-12 relative: the fused loop sums the log-density and the scalar
// parameters' gradients block by block, in another order.
func TestFusedEqualsUnfused(t *testing.T) {
	t.Setenv(EnvFuse, "")      // fused by default
	const n, groups = 2500, 37 // n not a multiple of the block: a short last block
	normal := func(mu any, sigma any) func(b *model.Builder, y []float64) {
		return func(b *model.Builder, y []float64) {
			b.Obs("y", "Normal", model.P{"mu": mu, "sigma": sigma}, y)
		}
	}
	cases := []struct {
		name  string
		kind  string
		obs   func(b *model.Builder, y []float64)
		fused int
	}{
		{"intercepts", "", normal(ga(), "s"), 1},
		{"intercepts and slopes", "", normal(call("add", ga(), call("mul", gb(), "x")), "s"), 1},
		{"slopes first", "", normal(call("add", call("mul", "x", gb()), ga()), call("exp", "mu_a")), 1},
		{"gather of an exponential", "", normal(call("mul", model.Gather(call("exp", "b"), "g"), "x"), "s"), 1},
		{"data broadcast", "", normal(call("sub", call("add", "mu_a", call("mul", 2.5, "x")), call("div", "x", "s")), "s"), 1},
		{"full-length parameter", "", normal(call("add", "z", call("exp", call("neg", ga()))), "s"), 1},
		{"square and log", "", normal(call("log", call("add", 1, call("square", call("mul", gb(), "x")))), "s"), 1},
		{"difference of a product", "", normal(call("sub", ga(), call("mul", gb(), call("exp", "x"))), "s"), 1},
		{"quotient of chains", "", normal(call("div", call("add", ga(), "x"), call("exp", call("mul", "mu_a", gb()))), "s"), 1},
		{"varying sigma", "", normal(ga(), call("exp", call("add", gb(), call("mul", 0.1, "x")))), 1},
		{"studentt", "", func(b *model.Builder, y []float64) {
			b.Obs("y", "StudentT", model.P{"nu": 4, "mu": call("add", ga(), call("mul", gb(), "x")), "sigma": "s"}, y)
		}, 1},
		{"bernoulli logit", "binary", func(b *model.Builder, y []float64) {
			b.Obs("y", "Bernoulli", model.P{"logit_p": call("add", ga(), call("mul", gb(), "x"))}, y)
		}, 1},
		{"poisson", "count", func(b *model.Builder, y []float64) {
			b.Obs("y", "Poisson", model.P{"mu": call("exp", call("add", ga(), call("mul", gb(), "x")))}, y)
		}, 1},
		{"intermediate used twice", "", func(b *model.Builder, y []float64) {
			eta := call("add", ga(), call("mul", gb(), "x"))
			b.Obs("y", "Normal", model.P{"mu": eta, "sigma": "s"}, y)
			b.Obs("y2", "Normal", model.P{"mu": eta, "sigma": 2}, y)
		}, 0},
		// the sum is laid out op by op, and read by the chain as a scalar
		{"reduction in the middle", "", normal(call("sub", "x", model.Sum(call("mul", ga(), "x"))), "s"), 1},
		{"deterministic location", "", func(b *model.Builder, y []float64) {
			b.Det("eta", call("add", ga(), call("mul", gb(), "x")))
			b.Obs("y", "Normal", model.P{"mu": "eta", "sigma": "s"}, y)
		}, 0},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := fusionModel(t, n, groups, c.kind, c.obs)
			on, err := Compile(m.Clone(), nil)
			if err != nil {
				t.Fatal(err)
			}
			off, err := CompileWith(m.Clone(), nil, Options{NoFuse: true})
			if err != nil {
				t.Fatal(err)
			}
			if on.fusedTerms != c.fused || off.fusedTerms != 0 {
				t.Fatalf("%d terms fused (%d with NoFuse), want %d", on.fusedTerms, off.fusedTerms, c.fused)
			}
			r := rand.New(rand.NewPCG(uint64(i), 5))
			d, rd := on.NewDensity(), off.NewDensity()
			dim := on.Dim()
			g, rg := make([]float64, dim), make([]float64, dim)
			for range 5 {
				x := randPoint(r, dim)
				for k := range x {
					x[k] *= 0.3
				}
				lp, _ := d.LogpGrad(x, g)
				want, _ := rd.LogpGrad(x, rg)
				if v, _ := d.Logp(x); math.Abs(v-lp) > 1e-12*math.Abs(lp) {
					t.Fatalf("Logp %.17g, LogpGrad %.17g", v, lp)
				}
				if !(math.Abs(lp-want) <= 1e-12*math.Max(1, math.Abs(want))) {
					t.Fatalf("logp %.17g, unfused %.17g", lp, want)
				}
				largest := 1.0
				for _, v := range rg {
					largest = math.Max(largest, math.Abs(v))
				}
				for k := range g {
					if !(math.Abs(g[k]-rg[k]) <= 1e-12*largest) {
						t.Fatalf("gradient[%d] %.17g, unfused %.17g", k, g[k], rg[k])
					}
				}
				// central differences along a random direction
				dir := randPoint(r, dim)
				const h = 1e-5
				xp, xm := append([]float64(nil), x...), append([]float64(nil), x...)
				dot := 0.0
				for k := range x {
					xp[k] += h * dir[k]
					xm[k] -= h * dir[k]
					dot += g[k] * dir[k]
				}
				fp, _ := d.Logp(xp)
				fm, _ := d.Logp(xm)
				if fd := (fp - fm) / (2 * h); math.Abs(fd-dot) > 1e-5*math.Max(1, math.Abs(dot)) {
					t.Fatalf("directional derivative %.10g, finite differences %.10g", dot, fd)
				}
			}
		})
	}
}

// A fused gradient allocates nothing: the blocks' buffers are the
// program's scratch space, one per Density.
func TestFusedGradientDoesNotAllocate(t *testing.T) {
	t.Setenv(EnvFuse, "")
	m := fusionModel(t, 2500, 37, "", func(mb *model.Builder, y []float64) {
		mb.Obs("y", "Normal", model.P{"mu": call("add", ga(), call("mul", gb(), "x")), "sigma": "s"}, y)
	})
	c, err := Compile(m, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.fusedTerms != 1 {
		t.Fatalf("%d terms fused, want 1", c.fusedTerms)
	}
	d := c.NewDensity()
	x := randPoint(rand.New(rand.NewPCG(1, 2)), c.Dim())
	g := make([]float64, c.Dim())
	if n := testing.AllocsPerRun(100, func() { d.LogpGrad(x, g) }); n != 0 {
		t.Errorf("LogpGrad: %v allocations a run", n)
	}
	if n := testing.AllocsPerRun(100, func() { d.Logp(x) }); n != 0 {
		t.Errorf("Logp: %v allocations a run", n)
	}
}
