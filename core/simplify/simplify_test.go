package simplify

import (
	"bytes"
	"strings"
	"testing"

	"github.com/exmc/exmc/core/model"
)

func validate(t *testing.T, build func(b *model.Builder)) *model.Graph {
	t.Helper()
	b := model.NewBuilder()
	build(b)
	m, err := b.Model()
	if err != nil {
		t.Fatal(err)
	}
	g, err := model.Validate(m, nil)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// sign(x) as PyMC's graph writes it, and exmc's PyMC translator after it.
func pymcSign(x *model.Expr) *model.Expr {
	return call("sub", call("gt", x, 0.0), call("lt", x, 0.0))
}

// PyMC's stochastic volatility, StudentT(nu, lam=exp(-2 v)), arrives as
// sigma = |lam|^-0.5 sign(lam) with lam written out at each use; it is
// simplified to sigma = exp(v), and a second run finds nothing to do.
func TestStochasticVolatility(t *testing.T) {
	lam := func() *model.Expr { return call("exp", call("mul", -2, "v")) }
	g := validate(t, func(b *model.Builder) {
		b.RV("step", "Exponential", model.P{"lam": 10})
		b.RV("v", "GaussianRandomWalk", model.P{"sigma": "step"}, model.Shape(5))
		b.RV("nu", "Exponential", model.P{"lam": 0.1})
		b.Obs("r", "StudentT", model.P{"nu": "nu", "mu": 0,
			"sigma": call("mul", call("pow", call("abs", lam()), -0.5), pymcSign(lam()))},
			[]float64{0.1, -0.2, 0.05, 0, 0.3})
	})
	res, err := Simplify(g)
	if err != nil {
		t.Fatal(err)
	}
	if got := format(res.Model.Node("r").Params["sigma"]); got != "exp(v)" {
		t.Fatalf("sigma became %s, want exp(v)", got)
	}
	for _, rule := range []string{"cse/share", "positivity/abs-of-signed", "positivity/known-comparison", "identities/pow-of-exp", "canonical/constant-factors", "identities/mul-one"} {
		if res.Applied[rule] == 0 {
			t.Errorf("%s did not apply: %v", rule, res.Applied)
		}
	}
	g2, err := model.Validate(res.Model, nil)
	if err != nil {
		t.Fatal(err)
	}
	again, err := Simplify(g2)
	if err != nil || again.Changed || again.Model != g2.Model || again.Rounds != 1 {
		t.Fatalf("a second run changed %v (rounds %d, err %v)", again.Applied, again.Rounds, err)
	}
}

// The same expression written in several places becomes one, shared by
// every reader, across nodes.
func TestSharedAcrossNodes(t *testing.T) {
	g := validate(t, func(b *model.Builder) {
		b.RV("v", "Normal", model.P{}, model.Shape(3))
		b.Det("a", call("exp", call("mul", -2, "v")))
		b.Obs("y", "Normal", model.P{"mu": call("sum", call("exp", call("mul", -2, "v"))), "sigma": call("exp", call("mul", -2, "v"))}, []float64{1, 2, 3})
	})
	res, err := Simplify(g)
	if err != nil {
		t.Fatal(err)
	}
	a, y := res.Model.Node("a"), res.Model.Node("y")
	if a.Expr != y.Params["sigma"] || a.Expr != y.Params["mu"].Args[0] {
		t.Fatalf("not shared: %p, %p, %p", a.Expr, y.Params["sigma"], y.Params["mu"].Args[0])
	}
	// the two copies' two ops each
	if res.Applied["cse/share"] != 4 {
		t.Fatalf("shared %d times, want 4: %v", res.Applied["cse/share"], res.Applied)
	}
}

// A model with nothing to simplify is handed back as it is: the same
// model, which need not be validated again.
func TestNothingToDo(t *testing.T) {
	g := validate(t, func(b *model.Builder) {
		b.Data("X", []float64{1, 2, 3, 4, 5, 6}, model.Shape(3, 2))
		b.RV("beta", "Normal", model.P{"mu": 0, "sigma": 1}, model.Shape(2))
		b.RV("s", "HalfNormal", model.P{"sigma": 1})
		// constant expressions are left to the compiler, which folds them
		b.Det("c", call("mul", 1, call("log", "X")))
		b.Obs("y", "Normal", model.P{"mu": model.MatMul("X", "beta"), "sigma": "s"}, []float64{1, 2, 3})
	})
	res, err := Simplify(g)
	if err != nil {
		t.Fatal(err)
	}
	if res.Changed || res.Model != g.Model || len(res.Applied) != 0 || res.Rounds != 1 {
		t.Fatalf("changed: %v, same model %v, applied %v, rounds %d", res.Changed, res.Model == g.Model, res.Applied, res.Rounds)
	}
}

// The caller's model is never modified; nodes that did not change are
// shared with it.
func TestCallersModelUntouched(t *testing.T) {
	g := validate(t, func(b *model.Builder) {
		b.RV("x", "Normal", model.P{})
		b.RV("s", "HalfNormal", model.P{"sigma": 1})
		b.Obs("y", "Normal", model.P{"mu": call("mul", 1, "x"), "sigma": call("abs", "s")}, []float64{1})
	})
	before, _ := g.Model.JSON()
	res, err := Simplify(g)
	if err != nil {
		t.Fatal(err)
	}
	after, _ := g.Model.JSON()
	if !bytes.Equal(before, after) {
		t.Fatalf("the model changed:\n%s\n%s", before, after)
	}
	if res.Model.Node("x") != g.Model.Node("x") || res.Model.Node("y") == g.Model.Node("y") {
		t.Fatal("unchanged nodes are copied, or changed ones not")
	}
	if got := format(res.Model.Node("y").Params["sigma"]); got != "s" {
		t.Fatalf("sigma %s", got)
	}
}

// The log-scale pass works on a positive parameter's whole expression,
// and only there: a location, or a deterministic, keeps k exp(x).
func TestLogScaleAtPositiveParameters(t *testing.T) {
	g := validate(t, func(b *model.Builder) {
		b.RV("x", "Normal", model.P{}, model.Shape(2))
		b.Det("d", call("mul", 2, call("exp", "x")))
		b.Obs("y", "Normal", model.P{"mu": call("mul", 2, call("exp", "x")), "sigma": call("mul", 2, call("exp", "x"))}, []float64{1, 2})
		b.Obs("z", "Gamma", model.P{"alpha": call("mul", call("exp", "x"), call("exp", call("neg", "x"))), "beta": call("div", call("exp", "x"), 3)}, []float64{1, 2})
	})
	res, err := Simplify(g)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"d":       "mul(2, exp(x))",
		"y.mu":    "mul(2, exp(x))",
		"y.sigma": "exp(add(0.6931471805599453, x))",
		// exp(x) exp(-x) = exp(x - x), and x, sampled as it is, is finite:
		// exp(0), a constant, written as its value
		"z.alpha": "[1 1]",
		"z.beta":  "exp(add(-1.0986122886681098, x))",
	}
	got := map[string]string{
		"d":       format(res.Model.Node("d").Expr),
		"y.mu":    format(res.Model.Node("y").Params["mu"]),
		"y.sigma": format(res.Model.Node("y").Params["sigma"]),
		"z.alpha": format(res.Model.Node("z").Params["alpha"]),
		"z.beta":  format(res.Model.Node("z").Params["beta"]),
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: %s, want %s", k, got[k], w)
		}
	}
}

// A rule that changes an expression's shape is a bug, reported, not
// compiled.
func TestShapeChangeIsReported(t *testing.T) {
	g := testGraph(t)
	bad := []Pass{{Name: "bad", Rules: []Rule{{"shrink", func(c *Context, e *model.Expr) *model.Expr {
		if e.Op == "exp" {
			return model.Const(1)
		}
		return nil
	}}}}}
	g.Model.Node("e").Expr = call("exp", "v")
	g.Shapes["e"] = []int{3}
	_, err := run(g, bad)
	if err == nil || !strings.Contains(err.Error(), "bad/shrink") || !strings.Contains(err.Error(), "a bug") {
		t.Fatalf("error %v", err)
	}
}

// Rules that undo each other never reach a fixed point: an error, not a
// hang.
func TestNoFixedPointIsReported(t *testing.T) {
	g := testGraph(t)
	swap := func(c *Context, e *model.Expr) *model.Expr {
		if e.Op == "add" {
			return op2("add", e.Args[1], e.Args[0])
		}
		return nil
	}
	g.Model.Node("e").Expr = call("add", "x", "s")
	for _, list := range [][]Pass{
		{{Name: "a", Rules: []Rule{{"swap", swap}}}},                   // within a pass
		{{Name: "a", ParamRoots: true, Rules: []Rule{{"swap", swap}}}}, // at the roots
	} {
		if list[0].ParamRoots {
			g.Model.Node("y").Params["sigma"] = call("add", "s", "s")
		}
		_, err := run(g, list)
		if err == nil || !strings.Contains(err.Error(), "a bug") {
			t.Fatalf("error %v", err)
		}
	}
}
