package compile

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/exmc/exmc/core/dist"
	"github.com/exmc/exmc/core/model"
	"github.com/exmc/exmc/core/ops"
	"github.com/exmc/exmc/core/simplify"
)

// svModel is the stochastic volatility model of PyMC's docs at T = 1000,
// StudentT(nu, lam=exp(-2 v)), in one of three forms: "pymc", as exmc's
// PyMC translator writes it (testdata/sv_pymc.json, written by
// exmc.pymc.translate(model).to_json(inline_data=True): sigma =
// |lam|^-0.5 * sign(lam), with sign(lam) = (lam > 0) - (lam < 0) and lam
// written out at each use); "lam", as exmc's own API writes it (lam =
// exp(-2 v), which validation makes sigma = lam^-0.5); and "exp", by hand,
// sigma = exp(v).
func svModel(tb testing.TB, form string) *model.Model {
	tb.Helper()
	doc, err := os.ReadFile("testdata/sv_pymc.json")
	if err != nil {
		tb.Fatal(err)
	}
	m, err := model.Parse(doc)
	if err != nil {
		tb.Fatal(err)
	}
	r := m.Node("returns")
	switch form {
	case "pymc":
	case "lam":
		r.Params = map[string]*model.Expr{"nu": model.Ref("nu"), "mu": model.Const(0), "lam": model.Exp(model.Mul(-2, "volatility"))}
	case "exp":
		r.Params = map[string]*model.Expr{"nu": model.Ref("nu"), "mu": model.Const(0), "sigma": model.Exp("volatility")}
	default:
		tb.Fatalf("no form %q", form)
	}
	return m
}

// The gradient of the stochastic volatility model at T = 1000, in each
// form, with the simplifier's passes (on) and without (off).
func BenchmarkSVGradient(b *testing.B) {
	for _, form := range []string{"pymc", "lam", "exp"} {
		for _, literal := range []bool{false, true} {
			name := form + "/on"
			if literal {
				name = form + "/off"
			}
			b.Run(name, func(b *testing.B) {
				c, err := CompileWith(svModel(b, form), nil, Options{Literal: literal})
				if err != nil {
					b.Fatal(err)
				}
				x := make([]float64, c.Dim())
				for i := range x {
					x[i] = 0.1
				}
				benchGradient(b, c, x)
			})
		}
	}
}

// Compiling the stochastic volatility model as PyMC writes it, with the
// passes and without: what simplifying, and validating again, cost.
func BenchmarkSVCompile(b *testing.B) {
	for _, literal := range []bool{false, true} {
		name := "on"
		if literal {
			name = "off"
		}
		b.Run(name, func(b *testing.B) {
			m := svModel(b, "pymc")
			b.ReportAllocs()
			for b.Loop() {
				if _, err := CompileWith(m.Clone(), nil, Options{Literal: literal}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// The PyMC forms of the stochastic volatility model compile to the
// program of sigma = exp(v): the StudentT takes v as log(sigma), and no
// exponential, power or comparison is left.
func TestSVSimplifiesToExp(t *testing.T) {
	want, err := Compile(svModel(t, "exp"), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, form := range []string{"pymc", "lam"} {
		c, err := Compile(svModel(t, form), nil)
		if err != nil {
			t.Fatal(err)
		}
		sigma := c.Graph().Params["returns"][2]
		if sigma.Op != "exp" || len(sigma.Args) != 1 || sigma.Args[0].Ref != "volatility" {
			t.Errorf("%s: sigma is %+v, want exp(volatility)", form, sigma)
		}
		if c.logp.Values() != want.logp.Values() {
			t.Errorf("%s: the program holds %d values, sigma = exp(v)'s %d", form, c.logp.Values(), want.logp.Values())
		}
		if len(c.Simplified()) == 0 {
			t.Errorf("%s: nothing reported simplified", form)
		}
		off, err := CompileWith(svModel(t, form), nil, Options{Literal: true})
		if err != nil {
			t.Fatal(err)
		}
		if off.Simplified() != nil || off.logp.Values() <= want.logp.Values() {
			t.Errorf("%s with the passes off: simplified %v, %d values", form, off.Simplified(), off.logp.Values())
		}
	}
	t.Setenv(EnvSimplify, "off")
	c, err := Compile(svModel(t, "pymc"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Simplified() != nil {
		t.Errorf("%s=off: simplified %v", EnvSimplify, c.Simplified())
	}
}

// Compiling asks every constant op once even when the model is simplified
// and validated again: the simplified model holds the folded values.
func TestSimplifiedFoldsOnce(t *testing.T) {
	const depth = 2000
	sigma := model.Const(1)
	for range depth {
		sigma = model.Add(sigma, 1)
	}
	b := model.NewBuilder()
	b.RV("x", "Normal", model.P{"mu": 0, "sigma": 1})
	b.Det("sigma", sigma)
	b.Obs("y", "Normal", model.P{"mu": "x", "sigma": "sigma"}, []float64{0.5})
	b.Obs("z", "Normal", model.P{"mu": 0, "sigma": model.Call("abs", ops.Attrs{}, model.Exp("x"))}, []float64{0.5})
	m, err := b.Model()
	if err != nil {
		t.Fatal(err)
	}
	var c *Model
	folds := countFolds(t, func() {
		if c, err = Compile(m, nil); err != nil {
			t.Fatal(err)
		}
	})
	if c.Simplified() == nil {
		t.Fatal("nothing simplified")
	}
	if folds != depth {
		t.Errorf("compiling folded %d ops, want each of the %d constant ops once", folds, depth)
	}
}

// --- every optimised compile against the plain one

// compareTol is the tolerance of the comparisons: relative to max(1,
// |value|) for a log-density, a constrained value or a pointwise
// log-likelihood, and for a gradient to max(1, the largest of its
// components). The passes rewrite by identities that hold in exact
// arithmetic; in floating point each rewritten value differs from the
// literal one by a few units in the last place (exp(v) against
// pow(exp(-2 v), -0.5), a product of constants rounded once), and the sums
// of a log-density keep that relative error. A gradient is compared as a
// vector because the literal program sums adjoints that the simplified
// one never forms: -v + v, written out, adds an adjoint and takes it away
// again, and what is left of v's gradient is then exact only to the
// rounding of that adjoint, which can be as large as the gradient's
// largest component and far larger than v's own (a random tree found
// one: a Normal's location tanh(v - v) under a scale p^3, 12 units of
// 1e-12 apart on a component of 0.2, the largest 1e4).
const compareTol = 1e-12

// compareCompiles holds Compile (the passes on) to CompileWith Literal
// (off) and to the plain program (no passes, no shared expressions, no
// logarithms passed to terms) at random points: log-density, gradient,
// constrained values and pointwise log-likelihood. Points where the plain
// log-density is not finite (a rewrite may define what the literal form
// leaves undefined) are skipped; most must be usable. It returns what was
// simplified.
func compareCompiles(t *testing.T, m *model.Model, seed uint64) map[string]int {
	t.Helper()
	on, err := Compile(m.Clone(), nil)
	if err != nil {
		t.Fatal(err)
	}
	off, err := CompileWith(m.Clone(), nil, Options{Literal: true})
	if err != nil {
		t.Fatal(err)
	}
	plain, err := compile(m.Clone(), nil, Options{}, true)
	if err != nil {
		t.Fatal(err)
	}
	if on.Dim() != plain.Dim() || on.ConstrainedSize() != plain.ConstrainedSize() || on.LogLikelihoodSize() != plain.LogLikelihoodSize() {
		t.Fatalf("sizes differ: %d %d %d, plain %d %d %d", on.Dim(), on.ConstrainedSize(), on.LogLikelihoodSize(),
			plain.Dim(), plain.ConstrainedSize(), plain.LogLikelihoodSize())
	}
	r := rand.New(rand.NewPCG(seed, 17))
	dim := on.Dim()
	d := on.NewDensity()
	refs := []*Density{off.NewDensity(), plain.NewDensity()}
	g, rg := make([]float64, dim), make([]float64, dim)
	cv, rcv := make([]float64, on.ConstrainedSize()), make([]float64, on.ConstrainedSize())
	ll, rll := make([]float64, on.LogLikelihoodSize()), make([]float64, on.LogLikelihoodSize())
	const points = 10
	usable := 0
	for range points {
		x := randPoint(r, dim)
		lp, _ := d.LogpGrad(x, g)
		if v, _ := d.Logp(x); v != lp && !(math.IsNaN(v) && math.IsNaN(lp)) {
			t.Fatalf("Logp %.17g, LogpGrad %.17g", v, lp)
		}
		for k, rd := range refs {
			which := []string{"off", "plain"}[k]
			want, _ := rd.LogpGrad(x, rg)
			if math.IsNaN(want) || math.IsInf(want, 0) {
				continue
			}
			if k == 1 {
				usable++
			}
			near := func(a, b float64) bool { return math.Abs(a-b) <= compareTol*math.Max(1, math.Abs(b)) }
			if !near(lp, want) {
				t.Fatalf("logp %.17g, %s %.17g at %v", lp, which, want, x)
			}
			largest := 1.0
			for _, v := range rg {
				largest = math.Max(largest, math.Abs(v))
			}
			for i := range g {
				if !(math.Abs(g[i]-rg[i]) <= compareTol*largest) {
					t.Fatalf("gradient[%d] %.17g, %s %.17g (largest component %g) at %v", i, g[i], which, rg[i], largest, x)
				}
			}
			d.Constrain(x, cv)
			rd.Constrain(x, rcv)
			for i := range cv {
				if !near(cv[i], rcv[i]) && !(math.IsNaN(rcv[i]) || math.IsInf(rcv[i], 0)) {
					t.Fatalf("constrained[%d] %.17g, %s %.17g", i, cv[i], which, rcv[i])
				}
			}
			d.LogLikelihood(x, ll)
			rd.LogLikelihood(x, rll)
			for i := range ll {
				if !near(ll[i], rll[i]) && !(math.IsNaN(rll[i]) || math.IsInf(rll[i], 0)) {
					t.Fatalf("log-likelihood[%d] %.17g, %s %.17g", i, ll[i], which, rll[i])
				}
			}
		}
	}
	if usable < points/2 {
		t.Fatalf("only %d of %d points have a finite log-density", usable, points)
	}
	return on.Simplified()
}

func call(op string, args ...any) *model.Expr { return model.Call(op, ops.Attrs{}, args...) }

// pymcSign is sign(x) as PyMC's graph writes it.
func pymcSign(x any) *model.Expr {
	return call("sub", call("gt", x, 0.0), call("lt", x, 0.0))
}

// pymcScale is the scale PyMC derives from a precision written as
// exp(-2 x): |lam|^-0.5 sign(lam), lam written out at each use; it is
// exp(x).
func pymcScale(x any) *model.Expr {
	lam := func() *model.Expr { return call("exp", call("mul", -2, x)) }
	return call("mul", call("pow", call("abs", lam()), -0.5), pymcSign(lam()))
}

// vars adds the variables the expressions of the tests read: x real, v
// real (3), k real (2), s positive, w positive (3), p in (0, 1), u in
// (-1, 0).
func vars(b *model.Builder) {
	b.RV("x", "Normal", model.P{"mu": 0, "sigma": 1})
	b.RV("v", "Normal", model.P{"mu": 0, "sigma": 1}, model.Shape(3))
	b.RV("k", "Normal", model.P{"mu": 0, "sigma": 1}, model.Shape(2))
	b.RV("s", "HalfNormal", model.P{"sigma": 1})
	b.RV("w", "Gamma", model.P{"alpha": 2, "beta": 2}, model.Shape(3))
	b.RV("p", "Beta", model.P{"alpha": 2, "beta": 2})
	b.RV("u", "Uniform", model.P{"lower": -1, "upper": 0})
}

func build(t *testing.T, f func(b *model.Builder)) *model.Model {
	t.Helper()
	b := model.NewBuilder()
	f(b)
	m, err := b.Model()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// paramExpr is an expression for a parameter of the given domain, in one
// of several styles (as PyMC writes it, as a user would), of shape (3)
// or, with scalar, of no shape.
func paramExpr(domain string, style int, scalar bool) *model.Expr {
	x, pos := "v", "w"
	if scalar {
		x, pos = "x", "s"
	}
	switch domain {
	case "positive", "non-negative":
		return []*model.Expr{
			pymcScale(x),
			call("mul", 2, call("exp", x)),
			call("pow", pos, -0.5),
			call("sqrt", call("exp", x)),
			call("div", call("exp", call("mul", 0.5, x)), 3),
			call("add", call("abs", pos), 0.5),
		}[style%6]
	case "real":
		return []*model.Expr{
			call("add", call("mul", 0.5, x), call("neg", call("neg", "x"))),
			call("log", call("exp", call("sub", x, 1))),
			call("mul", call("mul", 2, x), 0.25),
		}[style%3]
	case "probability", "open unit interval":
		return []*model.Expr{
			call("sigmoid", call("mul", 0.5, x)),
			call("div", 1, call("add", 1, call("exp", call("neg", x)))),
			call("exp", call("log", call("sigmoid", x))),
		}[style%3]
	case "count", "integer":
		return model.Const(10)
	}
	panic("no expression for the domain " + domain)
}

// observedFor is data inside a variant's support.
func observedFor(v dist.CatalogueVariant) []float64 {
	switch {
	case v.Support == "real":
		return []float64{0.3, -1.2, 2}
	case v.Support == "x > 0", v.Support == "x >= 0":
		return []float64{0.5, 1.5, 3}
	case v.Support == "0 < x < 1":
		return []float64{0.2, 0.5, 0.9}
	case v.Support == "x in {0, 1}":
		return []float64{0, 1, 1}
	case strings.HasPrefix(v.Support, "x in {0, 1, 2"), strings.HasPrefix(v.Support, "0, 1, ..., "),
		strings.Contains(v.Support, ", ..., "):
		return []float64{0, 3, 7}
	case v.Support == "x in {1, 2, ...}":
		return []float64{1, 3, 7}
	}
	return nil
}

// catalogueModels is a model for each variant of every distribution of
// the catalogue, its parameters expressions of the variables (each
// parameter in turn in each style), as a free variable where it can be
// one and observed where it has data.
func catalogueModels(t *testing.T) map[string]*model.Model {
	out := map[string]*model.Model{}
	for _, row := range dist.Table().Distributions {
		domains := map[string]string{}
		rowParams := map[string]dist.CatalogueParam{}
		for _, p := range row.Params {
			domains[p.Name] = p.Domain
			rowParams[p.Name] = p
		}
		for vi, v := range row.Variants {
			for style := range 6 {
				params := model.P{}
				scalar := row.Layout != "elementwise"
				for i, name := range v.Params {
					// an event distribution's parameter of one event axis
					// has the value's (Dirichlet's a of shape (3)), one of
					// none is a scalar, a static one is 1
					scalar := scalar && !(row.Layout == "event" && rowParams[name].EventDims == 1)
					params[name] = paramExpr(domains[name], style+i, scalar)
					if rowParams[name].Static {
						params[name] = model.Const(1)
					}
				}
				if lo, hi, ok := strings.Cut(v.Support, ", ..., "); ok && !strings.Contains(lo, ",") {
					// integer bounds around the data of observedFor
					params[lo], params[hi] = model.Const(-1), model.Const(8)
				}
				switch row.Name {
				case "Uniform":
					lower := call("sub", paramExpr("real", style, false), 3)
					params["lower"], params["upper"] = lower, call("add", lower, paramExpr("positive", style, false))
				case "Triangular":
					// lower <= c <= upper, around the data of observedFor
					lower := call("sub", paramExpr("real", style, false), 3)
					params["lower"] = lower
					params["c"] = call("add", lower, call("mul", 5, paramExpr("probability", style+1, false)))
					params["upper"] = call("add", call("add", lower, 5), paramExpr("positive", style, false))
				case "Wald":
					// the support starts at alpha: a shift by an expression
					// would leave most points and the data outside it
					params["alpha"] = model.Const(0)
				case "HyperGeometric":
					// 10 of 20 objects drawn, 10 good: the data lie in 0..10
					params["N"] = model.Const(20)
				case "NormalMixture":
					// two components, along k's axis
					params["w"] = call("div", call("exp", "k"), call("sum", call("exp", "k")))
					params["mu"] = call("mul", call("mul", 3, "k"), 1)
					params["sigma"] = []*model.Expr{pymcScale("k"), call("sqrt", call("exp", "k")), call("pow", call("exp", "k"), 2)}[style%3]
				case "LKJCholeskyCov":
					params["n"], params["eta"] = model.Const(3), paramExpr("positive", style, true)
				case "MvNormal", "MvStudentT":
					// a fixed matrix scaled by a variable, nu a scalar
					m := model.Array([]float64{2, 0.3, -0.4, 0.3, 1, 0.2, -0.4, 0.2, 1.5}, 3, 3)
					if _, ok := params["chol"]; ok {
						m = model.Array([]float64{1.2, 0, 0, 0.3, 0.9, 0, -0.4, 0.2, 1.1}, 3, 3)
					}
					for _, name := range []string{"cov", "scale", "chol", "tau"} {
						if _, ok := params[name]; ok {
							params[name] = call("mul", m, paramExpr("positive", style+1, true))
						}
					}
					if _, ok := params["nu"]; ok {
						params["nu"] = paramExpr("positive", style, true)
					}
				}
				name := fmt.Sprintf("%s %v style %d", row.Name, v.Params, style)
				out[name] = build(t, func(b *model.Builder) {
					vars(b)
					shape := model.Shape(3)
					switch row.Layout {
					case "along_last_axis":
						shape = model.Shape(4)
					case "components":
						shape = model.Shape()
					}
					if row.Name == "LKJCholeskyCov" {
						shape = model.Shape(6) // a packed triangle of 3
					}
					if !row.Discrete {
						b.RV("target", row.Name, params, shape)
					}
					if obs := observedFor(v); obs != nil && row.Name != "Uniform" && row.Layout == "elementwise" {
						b.Obs("data", row.Name, params, obs)
					}
					if row.Name == "MvNormal" || row.Name == "MvStudentT" {
						b.Obs("data", row.Name, params, model.Array([]float64{0.5, -1, 2, 1, 0, -0.3}, 2, 3))
					}
				})
				_ = vi
			}
		}
	}
	return out
}

// randomTree builds a random expression of the variables of vars: of
// positive value when pos, real otherwise; scalar or of shape (3), small
// enough that its exponentials stay finite. It favours the shapes the
// passes rewrite, so that random trees exercise them in combinations no
// one wrote down.
func randomTree(r *rand.Rand, depth int, pos bool) *model.Expr {
	leafPos := func() *model.Expr {
		return []*model.Expr{model.Ref("s"), model.Ref("w"), model.Ref("p"), model.Const(0.5 + r.Float64()*2)}[r.IntN(4)]
	}
	leafReal := func() *model.Expr {
		return []*model.Expr{model.Ref("x"), model.Ref("v"), model.Ref("u"), model.Const(r.Float64()*4 - 2)}[r.IntN(4)]
	}
	if depth == 0 {
		if pos {
			return leafPos()
		}
		return leafReal()
	}
	sub := func(p bool) *model.Expr { return randomTree(r, depth-1, p) }
	small := func() *model.Expr { return call("tanh", sub(false)) }
	powers := []float64{-2, -1, -0.5, 0, 0.5, 1, 2, 3}
	if pos {
		switch r.IntN(19) {
		case 0:
			return call("exp", call("mul", 2*r.Float64()-1, small()))
		case 1:
			return call("softplus", sub(false))
		case 2:
			return call("sigmoid", sub(false))
		case 3:
			return call("sqrt", sub(true))
		case 4:
			return call("add", 0.1, call("abs", sub(false)))
		case 5:
			return call("mul", sub(true), sub(true))
		case 6:
			return call("div", sub(true), sub(true))
		case 7:
			return call("pow", sub(true), powers[r.IntN(len(powers))])
		case 8:
			return call("pow", call("exp", small()), powers[r.IntN(len(powers))])
		case 9:
			return call("abs", sub(true))
		case 10:
			a := sub(true)
			return call("mul", a, pymcSign(a))
		case 11:
			return call("switch", call("gt", sub(true), 0), sub(true), sub(true))
		case 12:
			return call("exp", call("log", sub(true)))
		case 13:
			return call("maximum", sub(true), call("neg", sub(true)))
		case 14:
			return call("sqrt", call("square", sub(true)))
		case 15:
			return call("mul", 3, call("exp", small()))
		case 16:
			return call("square", call("sqrt", sub(true)))
		case 17:
			return call("div", 1, call("exp", small()))
		default:
			return call("square", call("exp", small()))
		}
	}
	switch r.IntN(20) {
	case 0:
		return call("neg", sub(false))
	case 1:
		return call("add", sub(false), sub(false))
	case 2:
		return call("sub", sub(false), sub(false))
	case 3:
		return call("mul", 2*r.Float64()-1, call("mul", 2*r.Float64()-1, sub(false)))
	case 4:
		return call("div", sub(false), sub(true))
	case 5:
		return call("log", sub(true))
	case 6:
		return call("tanh", sub(false))
	case 7:
		a := sub(false)
		return call("sub", a, a)
	case 8:
		return call("log", call("exp", small()))
	case 9:
		return call("neg", call("neg", sub(false)))
	case 10:
		return call("switch", call("lt", sub(true), 0), sub(false), sub(false))
	case 11:
		return call("abs", sub(false))
	case 12:
		return call("log", call("sigmoid", sub(false)))
	case 13:
		return call("log1p", call("exp", small()))
	case 14:
		return call("log", call("pow", sub(true), 2*r.Float64()-1))
	case 15:
		return call("sub", sub(false), call("neg", sub(false)))
	case 16:
		return call("add", call("mul", 1, sub(false)), 0)
	case 17:
		return call("log1p", call("neg", call("sigmoid", sub(false))))
	case 18:
		return call("log", call("sub", 1, call("sigmoid", sub(false))))
	default:
		return call("mul", -1, call("div", sub(false), 2))
	}
}

func randomModels(t *testing.T, n int) map[string]*model.Model {
	r := rand.New(rand.NewPCG(42, 43))
	out := map[string]*model.Model{}
	for i := range n {
		mu, sigma := randomTree(r, 1+r.IntN(3), false), randomTree(r, 1+r.IntN(3), true)
		nu, loc, scale := randomTree(r, 1+r.IntN(2), true), randomTree(r, 1+r.IntN(3), false), randomTree(r, 1+r.IntN(3), true)
		pot, det := randomTree(r, 1+r.IntN(3), false), randomTree(r, 1+r.IntN(3), r.IntN(2) == 0)
		out[fmt.Sprintf("random %d", i)] = build(t, func(b *model.Builder) {
			vars(b)
			b.Obs("y", "Normal", model.P{"mu": mu, "sigma": sigma}, []float64{0.5, -1, 2})
			b.Obs("z", "StudentT", model.P{"nu": call("add", 1, nu), "mu": loc, "sigma": scale}, []float64{0.1, 0.7, -0.3})
			b.Potential("pot", call("mul", 0.1, call("sum", pot)))
			b.Det("det", call("add", det, call("mul", 0, "v")))
		})
	}
	return out
}

// A hierarchical regression as a user of PyMC's aliases writes it:
// intercepts and slopes by group (gathered), their scales given as
// precisions (tau = sigma^-2), the noise as exp of a parameter.
func hierarchicalRegression(t *testing.T) *model.Model {
	group := []int{0, 1, 1, 2, 0, 2, 3, 3, 1, 0}
	xs := []float64{0.1, -0.5, 1.2, 0.3, -1, 2, 0.4, -0.2, 0.9, 1.5}
	ys := []float64{1, 0.2, 2.5, 1.1, -0.4, 3.1, 1.4, 0.8, 1.9, 2.2}
	return build(t, func(b *model.Builder) {
		b.IntData("g", group)
		b.Data("xs", xs)
		b.RV("mu_a", "Normal", model.P{"mu": 0, "sigma": 5})
		b.RV("sigma_a", "HalfNormal", model.P{"sigma": 2})
		b.RV("mu_b", "Normal", model.P{"mu": 0, "sigma": 5})
		b.RV("sigma_b", "HalfNormal", model.P{"sigma": 2})
		b.RV("a", "Normal", model.P{"mu": "mu_a", "tau": call("pow", "sigma_a", -2)}, model.Shape(4))
		b.RV("b", "Normal", model.P{"mu": "mu_b", "tau": call("pow", "sigma_b", -2)}, model.Shape(4))
		b.RV("log_sigma", "Normal", model.P{"mu": 0, "sigma": 1})
		b.Det("eta", call("add", model.Gather("a", "g"), call("mul", model.Gather("b", "g"), "xs")))
		b.Obs("y", "Normal", model.P{"mu": "eta", "sigma": pymcScale(call("neg", "log_sigma"))}, ys)
	})
}

// Every optimised compile agrees with the plain one: the stochastic
// volatility model in its three forms, a hierarchical regression, every
// distribution of the catalogue with expression parameters, and random
// expression trees; and between them, every rule of every pass is
// exercised.
func TestSimplifiedEqualsPlain(t *testing.T) {
	models := map[string]*model.Model{
		"sv pymc":                 svModel(t, "pymc"),
		"sv lam":                  svModel(t, "lam"),
		"sv exp":                  svModel(t, "exp"),
		"hierarchical regression": hierarchicalRegression(t),
	}
	for name, m := range catalogueModels(t) {
		models[name] = m
	}
	for name, m := range randomModels(t, 300) {
		models[name] = m
	}
	applied := map[string]int{}
	names := slices.Sorted(func(yield func(string) bool) {
		for k := range models {
			if !yield(k) {
				return
			}
		}
	})
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			// seeded by the name, not the position, so that a row added to
			// the catalogue leaves every other model's points as they were
			h := fnv.New64a()
			h.Write([]byte(name))
			for rule, n := range compareCompiles(t, models[name], h.Sum64()) {
				applied[rule] += n
			}
		})
	}
	for _, p := range simplify.Passes() {
		for _, r := range p.Rules {
			if rule := p.Name + "/" + r.Name; applied[rule] == 0 {
				t.Errorf("%s never applied: no model compared it with the plain program", rule)
			}
		}
	}
	t.Logf("rewrites over %d models: %v", len(models), applied)
}

// An expression written in several places is computed once: the simplified
// program holds one exp(-2 v) (and one -2 v) where the literal one holds
// three of each. The first reader is a Normal's location, whose term takes
// the parameter itself: the exponential it lays out is the one the others
// read. A parameter exp(v) whose exponential another reader has laid out
// takes that one, and its logarithm v.
func TestSharedExpressionsLaidOutOnce(t *testing.T) {
	const n = 5
	m := build(t, func(b *model.Builder) {
		b.RV("v", "Normal", model.P{}, model.Shape(n))
		b.RV("nu", "Exponential", model.P{"lam": 0.1})
		lam := func() *model.Expr { return call("exp", call("mul", -2, "v")) }
		b.Obs("y", "Normal", model.P{"mu": lam(), "sigma": 1}, []float64{1, 2, 3, 4, 5})
		b.Potential("pot", call("sum", call("neg", lam())))
		b.Potential("q", call("sum", call("exp", "v")))
		b.Obs("z", "StudentT", model.P{"nu": "nu", "mu": call("sum", lam()), "sigma": call("exp", "v")}, []float64{1, 2, 3, 4, 5})
	})
	on, err := Compile(m.Clone(), nil)
	if err != nil {
		t.Fatal(err)
	}
	off, err := CompileWith(m.Clone(), nil, Options{Literal: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := on.Simplified()["cse/share"]; got != 5 {
		t.Errorf("shared %d expressions, want the second and third exp(-2 v)'s two ops and exp(v): %v", got, on.Simplified())
	}
	// exp(v): laid out once by either (the literal term takes v alone)
	if diff := off.logp.Values() - on.logp.Values(); diff != 4*n {
		t.Errorf("the literal program holds %d values more, want %d", diff, 4*n)
	}
	compareCompiles(t, m, 3)
}
