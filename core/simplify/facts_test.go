package simplify

import (
	"math"
	"testing"

	"github.com/exmc/exmc/core/model"
	"github.com/exmc/exmc/core/ops"
)

func TestSign(t *testing.T) {
	g := testGraph(t)
	cases := []struct {
		e    *model.Expr
		want Sign
	}{
		// variables, by their transform
		{model.Ref("x"), Real},
		{model.Ref("s"), Pos},
		{model.Ref("p"), Pos},
		{model.Ref("u"), Neg},
		{model.Ref("h"), Real}, // positive support, but sampled as it is
		{model.Ref("d"), Pos},
		{model.Ref("dn"), Neg | Zero | Pos},
		{model.Ref("e"), Pos}, // a deterministic: its expression's
		{model.Ref("y"), Pos}, // observed values: constants
		{model.Const(0), Zero},
		{vec(0, 2), Zero | Pos},
		// functions
		{call("exp", "x"), Pos},
		{call("sigmoid", "x"), Pos},
		{call("softplus", "x"), Pos},
		{call("neg", "s"), Neg},
		{call("abs", "x"), Zero | Pos},
		{call("abs", "s"), Pos},
		{call("square", "u"), Pos},
		{call("sqrt", "s"), Pos},
		{call("sqrt", "x"), Zero | Pos | Undef},
		{call("log", "s"), Real},
		{call("log", "x"), Unknown},
		{call("log", call("abs", "x")), Real},
		{call("log1p", "s"), Pos},
		{call("log1p", "u"), Neg | Undef},
		{call("tanh", "u"), Neg},
		{call("expm1", "s"), Pos},
		{call("erf", "x"), Real},
		{call("logit", "p"), Unknown},
		{call("gammaln", "s"), Unknown},
		// arithmetic
		{call("mul", "s", "p"), Pos},
		{call("mul", "s", "u"), Neg},
		{call("mul", "u", "u"), Pos},
		{call("mul", "x", "s"), Real},
		{call("div", "s", "u"), Neg},
		{call("div", "s", "x"), Real},                 // x may be zero: s/0 = Inf
		{call("div", call("abs", "x"), "x"), Unknown}, // 0/0
		{call("add", "s", "p"), Pos},
		{call("add", "s", call("abs", "x")), Pos},
		{call("add", "s", "u"), Real},
		{call("sub", "s", "u"), Pos},
		{call("sub", "u", "s"), Neg},
		{call("pow", "s", "x"), Pos},
		{call("pow", call("abs", "x"), "x"), Zero | Pos},
		{call("pow", "x", 2), Unknown},
		{call("maximum", "s", "x"), Pos},
		{call("maximum", "u", "x"), Real},
		{call("minimum", "u", "x"), Neg},
		{call("minimum", "s", "p"), Pos},
		{call("gt", "x", 0), Zero | Pos},
		{call("switch", "x", "s", "p"), Pos},
		{call("switch", "x", "s", "u"), Neg | Pos},
		// rearrangements and reductions
		{call("sum", call("exp", "v")), Pos},
		{call("mean", call("neg", call("exp", "v"))), Neg},
		{call("sum", "v"), Real},
		{call("cumsum", call("square", "v")), Zero | Pos},
		{call("matmul", call("exp", "v"), "d"), Pos},
		{call("stack", "s", "p"), Pos},
		{call("concatenate", call("exp", "v"), "d"), Pos},
		{model.Call("slice", model.Axis(0), call("exp", "v")), Pos},
		{model.Gather(call("exp", "v"), vec(0, 2)), Pos},
		{call("logsumexp", "v"), Unknown},
	}
	for _, tc := range cases {
		c := NewContext(g)
		if got := c.Sign(tc.e); got != tc.want {
			t.Errorf("sign of %s: %s, want %s", format(tc.e), got, tc.want)
		}
	}
}

func TestFinite(t *testing.T) {
	g := testGraph(t)
	cases := []struct {
		e    *model.Expr
		want bool
	}{
		{model.Ref("x"), true},
		{model.Ref("h"), true},  // untransformed: the point itself
		{model.Ref("p"), true},  // between constant bounds
		{model.Ref("s"), false}, // exp(y) overflows
		{model.Ref("u"), false}, // bounds that are parameters
		{model.Ref("d"), true},
		{call("sigmoid", "s"), true},
		{call("tanh", call("neg", "x")), true},
		{call("exp", "x"), false},
		{call("mul", "x", "x"), false},
		{call("gt", call("exp", "x"), 0), true},
	}
	for _, tc := range cases {
		c := NewContext(g)
		if got := c.Finite(tc.e); got != tc.want {
			t.Errorf("finite(%s) = %v, want %v", format(tc.e), got, tc.want)
		}
	}
}

// Expressions of the same structure have one ID, whatever their pointers;
// different ones different IDs.
func TestID(t *testing.T) {
	c := NewContext(testGraph(t))
	same := [][2]*model.Expr{
		{call("exp", call("mul", -2, "v")), call("exp", call("mul", -2, "v"))},
		{vec(1, 2), vec(1, 2)},
		{model.Call("sum", model.Axis(0), "v"), model.Call("sum", model.Axis(0), "v")},
	}
	for _, p := range same {
		if !c.Same(p[0], p[1]) {
			t.Errorf("%s and %s have different IDs", format(p[0]), format(p[1]))
		}
	}
	different := [][2]*model.Expr{
		{call("exp", call("mul", -2, "v")), call("exp", call("mul", 2, "v"))},
		{call("sub", "x", "s"), call("sub", "s", "x")},
		{vec(1, 2), model.Array([]float64{1, 2}, 2, 1)},
		{model.Const(0), model.Const(math.Copysign(0, -1))}, // constants compare by their bits
		{model.Call("sum", model.Axis(0), "v"), model.Call("sum", ops.Attrs{}, "v")},
		{model.Ref("x"), model.Ref("s")},
	}
	for _, p := range different {
		if c.Same(p[0], p[1]) {
			t.Errorf("%s and %s have one ID", format(p[0]), format(p[1]))
		}
	}
}
