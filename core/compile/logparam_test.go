package compile

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/exmc/exmc/core/expr"
	"github.com/exmc/exmc/core/model"
)

// Models whose terms take parameters and values by their logarithms (a
// log-transformed variable's unconstrained value, the argument of an
// exp), share terms among siblings with different constant priors, and
// leave exponentials no term reads out of the gradient.
var logModels = map[string]func(b *model.Builder){
	"scalar scale of a likelihood": func(b *model.Builder) {
		b.RV("mu", "Normal", model.P{"mu": 0, "sigma": 10})
		b.RV("sigma", "Exponential", model.P{"lam": 1})
		b.Obs("y", "Normal", model.P{"mu": "mu", "sigma": "sigma"}, []float64{0.3, -1, 2.5, 0.7, 1.1})
	},
	"scales shared by priors and likelihoods": func(b *model.Builder) {
		b.RV("mg", "Normal", model.P{"mu": 0, "sigma": 10})
		b.RV("sg", "Exponential", model.P{"lam": 1})
		b.RV("a", "Normal", model.P{"mu": "mg", "sigma": "sg"})
		b.RV("b", "Normal", model.P{"mu": "mg", "sigma": "sg"})
		b.RV("so", "Exponential", model.P{"lam": 2})
		b.Obs("ya", "Normal", model.P{"mu": "a", "sigma": "so"}, []float64{0.5, 1.5})
		b.Obs("yb", "Normal", model.P{"mu": "b", "sigma": "so"}, []float64{-0.5})
	},
	"vector scales through a reshape": func(b *model.Builder) {
		b.CenteredModel()
		b.RV("mp", "Normal", model.P{"mu": 0, "sigma": 10})
		b.RV("sp", "Exponential", model.P{"lam": 1})
		b.RV("alpha", "Normal", model.P{"mu": "mp", "sigma": "sp"}, model.Shape(3))
		b.RV("sigma", "Exponential", model.P{"lam": 1}, model.Shape(3))
		col := func(v string) *model.Expr { return model.Call("reshape", expr.Attrs{Shape: []int{3, 1}}, v) }
		b.Data("Y", []float64{1, 2, 0.5, -1, 0, 0.3, 0.9, 1.2, 2, -2, 0.1, 0.4}, model.Shape(3, 4))
		b.Obs("y", "Normal", model.P{"mu": col("alpha"), "sigma": col("sigma")}, "Y")
	},
	"vector scales through a gather, a slice and a transpose": func(b *model.Builder) {
		b.RV("sigma", "HalfNormal", model.P{"sigma": 2}, model.Shape(3))
		b.IntData("g", []int{2, 0, 0, 1})
		b.Obs("y", "Normal", model.P{"mu": 0.5, "sigma": model.Gather("sigma", "g")}, []float64{0.1, 1, -2, 0.5})
		b.Obs("z", "StudentT", model.P{"nu": 3, "mu": 0, "sigma": model.Call("slice", expr.Attrs{Start: ip(1)}, "sigma")}, []float64{2, -1})
		b.RV("w", "HalfNormal", model.P{"sigma": 1}, model.Shape(2, 3))
		b.Data("W", []float64{1, 2, 0.5, -1, 0, 0.3}, model.Shape(3, 2))
		b.Obs("v", "Normal", model.P{"mu": 0, "sigma": model.Call("transpose", expr.Attrs{Perm: []int{1, 0}}, "w")}, "W")
	},
	"stochastic volatility": func(b *model.Builder) {
		b.RV("sigma", "Exponential", model.P{"lam": 50})
		b.RV("nu", "Exponential", model.P{"lam": 0.1})
		b.RV("s", "GaussianRandomWalk", model.P{"sigma": "sigma", "init_sigma": "sigma"}, model.Shape(6))
		b.Obs("r", "StudentT", model.P{"nu": "nu", "mu": 0, "sigma": model.Exp("s")}, []float64{0.01, -0.02, 0.03, 0, 0.05, -0.01})
	},
	"funnel, siblings with different constants": func(b *model.Builder) {
		b.RV("v", "Normal", model.P{"mu": 0, "sigma": 3})
		b.RV("x", "Normal", model.P{"mu": 0, "sigma": model.Exp(model.Div("v", 2))}, model.Shape(4))
		b.RV("c", "Normal", model.P{"mu": 1, "sigma": 2}, model.Shape(2))
		b.RV("d", "Normal", model.P{"mu": 1, "sigma": []float64{0.5, 4}}, model.Shape(2))
	},
	"log siblings with different constants": func(b *model.Builder) {
		b.RV("s1", "Exponential", model.P{"lam": 50})
		b.RV("s2", "Exponential", model.P{"lam": 0.1})
		b.RV("s3", "HalfNormal", model.P{"sigma": 2})
		b.RV("s4", "HalfNormal", model.P{"sigma": 0.5}, model.Shape(2))
		b.Obs("y", "Normal", model.P{"mu": "s1", "sigma": model.Add("s2", "s3")}, []float64{0.2, 0.4})
		b.Obs("z", "Normal", model.P{"mu": 0, "sigma": "s4"}, []float64{0.2, 0.4})
	},
	"an exponential read by a deterministic too": func(b *model.Builder) {
		b.Data("y", schoolsY).Data("sigma", schoolsSigma)
		b.RV("mu", "Normal", model.P{"mu": 0, "sigma": 5})
		b.RV("tau", "HalfCauchy", model.P{"beta": 5})
		b.RV("theta", "Normal", model.P{"mu": "mu", "sigma": "tau"}, model.Shape(8))
		b.Obs("y_obs", "Normal", model.P{"mu": "theta", "sigma": "sigma"}, "y")
	},
	"exponentials of expressions and deterministics": func(b *model.Builder) {
		b.RV("a", "Normal", model.P{"mu": 0, "sigma": 1})
		b.RV("c", "Normal", model.P{"mu": 0, "sigma": 1}, model.Shape(3))
		b.Det("e", model.Exp("c"))
		b.Obs("y", "Normal", model.P{"mu": model.Exp("a"), "sigma": model.Exp(model.Mul(0.5, "a"))}, []float64{1, 2})
		b.Obs("g", "Gamma", model.P{"alpha": model.Exp("a"), "beta": "e"}, []float64{0.5, 1, 2})
		b.Obs("l", "LogNormal", model.P{"mu": 0, "sigma": model.Exp("c")}, []float64{0.5, 1, 2})
		b.Obs("k", "Bernoulli", model.P{"logit_p": model.Exp("c")}, []float64{1, 0, 1})
		b.Obs("t", "StudentT", model.P{"nu": model.Exp("a"), "mu": "c", "sigma": "e"}, []float64{0.5, 1, 2})
		b.Obs("x", "Exponential", model.P{"lam": model.Exp("a")}, []float64{0.5, 1})
		b.Obs("h", "HalfNormal", model.P{"sigma": "e"}, []float64{0.5, 1, 2})
	},
	"generic priors on the log scale": func(b *model.Builder) {
		b.RV("g", "Gamma", model.P{"alpha": 2, "beta": 1})
		b.RV("ig", "InverseGamma", model.P{"alpha": 3, "beta": 1})
		b.RV("ln", "LogNormal", model.P{"mu": 0, "sigma": 1})
		b.RV("hc", "HalfCauchy", model.P{"beta": "g"})
		b.RV("ht", "HalfStudentT", model.P{"nu": 3, "sigma": "ig"})
		b.RV("ex", "Exponential", model.P{"lam": "ln"})
		b.Obs("y", "Normal", model.P{"mu": "hc", "sigma": "ht"}, []float64{0.5, 1})
		b.Obs("z", "Cauchy", model.P{"alpha": "ex", "beta": "hc"}, []float64{0.5, 1})
	},
}

// Each model's log-density and gradient are those of the plain program
// (no logarithms passed, no terms shared), at random points; its gradient
// agrees with central differences; Logp is LogpGrad's value to the last
// bit; and the pointwise log-likelihood and constrained values agree too.
func TestLogParameters(t *testing.T) {
	for name, build := range logModels {
		t.Run(name, func(t *testing.T) {
			b := model.NewBuilder()
			build(b)
			m, err := b.Model()
			if err != nil {
				t.Fatal(err)
			}
			c, err := Compile(m, nil)
			if err != nil {
				t.Fatal(err)
			}
			ref, err := compile(m, nil, Options{}, true)
			if err != nil {
				t.Fatal(err)
			}
			d, rd := c.NewDensity(), ref.NewDensity()
			r := rand.New(rand.NewPCG(31, 32))
			g, rg := make([]float64, c.Dim()), make([]float64, c.Dim())
			for range 20 {
				x := randPoint(r, c.Dim())
				lp, _ := d.LogpGrad(x, g)
				want, _ := rd.LogpGrad(x, rg)
				if math.Abs(lp-want) > 1e-12*math.Max(1, math.Abs(want)) {
					t.Fatalf("logp %.17g, plain %.17g at %v", lp, want, x)
				}
				if v, _ := d.Logp(x); v != lp {
					t.Fatalf("Logp %.17g, LogpGrad %.17g", v, lp)
				}
				for i := range g {
					if math.Abs(g[i]-rg[i]) > 1e-10*math.Max(1, math.Abs(rg[i])) {
						t.Fatalf("gradient[%d] %.17g, plain %.17g at %v", i, g[i], rg[i], x)
					}
				}
				ll, rll := make([]float64, c.LogLikelihoodSize()), make([]float64, c.LogLikelihoodSize())
				d.LogLikelihood(x, ll)
				rd.LogLikelihood(x, rll)
				for i := range ll {
					if math.Abs(ll[i]-rll[i]) > 1e-12*math.Max(1, math.Abs(rll[i])) {
						t.Fatalf("log-likelihood[%d] %.17g, plain %.17g", i, ll[i], rll[i])
					}
				}
				cv, rcv := make([]float64, c.ConstrainedSize()), make([]float64, c.ConstrainedSize())
				d.Constrain(x, cv)
				rd.Constrain(x, rcv)
				for i := range cv {
					if cv[i] != rcv[i] {
						t.Fatalf("constrained[%d] %v, plain %v", i, cv[i], rcv[i])
					}
				}
			}
			checkGradient(t, c, 5)
			x := randPoint(r, c.Dim())
			if n := testing.AllocsPerRun(20, func() { d.LogpGrad(x, g) }); n != 0 {
				t.Fatalf("%v allocations per gradient", n)
			}
		})
	}
}
