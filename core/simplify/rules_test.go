package simplify

import (
	"testing"

	"github.com/exmc/exmc/core/model"
)

// ruleCases holds, for each rule, expressions it rewrites and ones it must
// leave alone (want nil), over the variables of testGraph.
var ruleCases = []struct {
	rule    string // pass/rule
	in, out *model.Expr
}{
	{"cse/share", call("exp", "x"), nil}, // the first of its structure stays

	{"canonical/constant-first", call("mul", "x", 3), call("mul", 3, "x")},
	{"canonical/constant-first", call("add", "v", "d"), call("add", "d", "v")},
	{"canonical/constant-first", call("add", 3, "x"), nil},
	{"canonical/constant-first", call("sub", "x", 3), nil},
	{"canonical/sub-constant", call("sub", "x", 3), call("add", -3, "x")},
	{"canonical/sub-constant", call("sub", "v", "d"), call("add", vec(-1, -2, -3), "v")},
	{"canonical/sub-constant", call("sub", 3, "x"), nil},
	{"canonical/div-constant", call("div", "x", 4), call("mul", 0.25, "x")},
	{"canonical/div-constant", call("div", "x", 0), nil}, // 1/0 is not a constant a model may hold
	{"canonical/div-constant", call("div", 4, "x"), nil},
	{"canonical/sub-from-zero", call("sub", 0, "x"), call("neg", "x")},
	{"canonical/sub-from-zero", call("sub", vec(0, 0, 0), "x"), nil}, // x is a scalar, the difference a vector
	{"canonical/negated-difference", call("neg", call("sub", "x", "s")), call("sub", "s", "x")},
	{"canonical/negated-difference", call("neg", call("add", "x", "s")), nil},
	{"canonical/negated-product", call("neg", call("mul", 2, "x")), call("mul", -2, "x")},
	{"canonical/negated-product", call("neg", call("mul", "s", "x")), nil},
	{"canonical/negated-factor", call("mul", 2, call("neg", "x")), call("mul", -2, "x")},
	{"canonical/negated-factor", call("mul", "s", call("neg", "x")), nil},
	{"canonical/constant-factors", call("mul", -0.5, call("mul", -2, "v")), call("mul", 1, "v")},
	{"canonical/constant-factors", call("mul", 3, call("div", 2, "s")), call("div", 6, "s")},
	{"canonical/constant-factors", call("mul", "d", call("mul", 2, "x")), call("mul", vec(2, 4, 6), "x")},
	{"canonical/constant-factors", call("mul", 3, call("mul", "s", "x")), nil},
	{"canonical/constant-factors", call("mul", 1e300, call("mul", 1e300, "x")), nil}, // the product overflows

	{"identities/exp-of-log", call("exp", call("log", "s")), model.Ref("s")},
	{"identities/exp-of-log", call("exp", call("log", call("exp", "x"))), call("exp", "x")},
	{"identities/exp-of-log", call("exp", call("log", "x")), nil}, // x may be negative
	{"identities/exp-of-log", call("exp", call("log", "h")), nil}, // untransformed: may leave its support
	{"identities/log-of-exp", call("log", call("exp", "v")), model.Ref("v")},
	{"identities/log-of-exp", call("log", call("square", "x")), nil},
	{"identities/pow-of-exp", call("pow", call("exp", call("mul", -2, "v")), -0.5), call("exp", call("mul", call("mul", -2, "v"), -0.5))},
	{"identities/pow-of-exp", call("pow", call("exp", "x"), "v"), call("exp", call("mul", "x", "v"))},
	{"identities/pow-of-exp", call("pow", "s", 3), nil},
	{"identities/pow-of-pow", call("pow", call("pow", "s", 2), "x"), call("pow", "s", call("mul", 2, "x"))},
	{"identities/pow-of-pow", call("pow", call("pow", "x", 2), 0.5), nil}, // (x^2)^0.5 is |x|
	{"identities/pow-constant", call("pow", "x", 1), model.Ref("x")},
	{"identities/pow-constant", call("pow", "v", 0), vec(1, 1, 1)},
	{"identities/pow-constant", call("pow", "s", 0.5), call("sqrt", "s")},
	{"identities/pow-constant", call("pow", "x", 2), call("square", "x")},
	{"identities/pow-constant", call("pow", "s", -1), call("div", 1, "s")},
	{"identities/pow-constant", call("pow", "x", vec(1, 1, 1)), nil}, // a scalar cannot stand for the vector
	{"identities/pow-constant", call("pow", "s", -0.5), nil},
	{"identities/log-of-pow", call("log", call("pow", "s", "x")), call("mul", "x", call("log", "s"))},
	{"identities/log-of-pow", call("log", call("pow", "x", 2)), nil},
	{"identities/log-of-sqrt", call("log", call("sqrt", "x")), call("mul", 0.5, call("log", "x"))},
	{"identities/log-of-sqrt", call("log", call("abs", "x")), nil},
	{"identities/sqrt-of-square", call("sqrt", call("square", "x")), call("abs", "x")},
	{"identities/sqrt-of-square", call("sqrt", call("abs", "x")), nil},
	{"identities/square-of-sqrt", call("square", call("sqrt", "s")), model.Ref("s")},
	{"identities/square-of-sqrt", call("square", call("sqrt", "x")), nil}, // NaN where x < 0
	{"identities/root-of-exp", call("sqrt", call("exp", "v")), call("exp", call("mul", 0.5, "v"))},
	{"identities/root-of-exp", call("square", call("exp", "v")), call("exp", call("mul", 2, "v"))},
	{"identities/root-of-exp", call("abs", call("exp", "v")), nil},
	{"identities/reciprocal-of-exp", call("div", 1, call("exp", "v")), call("exp", call("neg", "v"))},
	{"identities/reciprocal-of-exp", call("div", 2, call("exp", "v")), nil},
	{"identities/neg-neg", call("neg", call("neg", "v")), model.Ref("v")},
	{"identities/neg-neg", call("neg", call("abs", "x")), nil},
	{"identities/even-of-neg", call("abs", call("neg", "v")), call("abs", "v")},
	{"identities/even-of-neg", call("square", call("neg", "v")), call("square", "v")},
	{"identities/even-of-neg", call("exp", call("neg", "x")), nil},
	{"identities/mul-one", call("mul", 1, "v"), model.Ref("v")},
	{"identities/mul-one", call("mul", "v", vec(1, 1, 1)), model.Ref("v")},
	{"identities/mul-one", call("mul", "x", vec(1, 1, 1)), nil},
	{"identities/mul-minus-one", call("mul", -1, "v"), call("neg", "v")},
	{"identities/mul-minus-one", call("mul", -2, "x"), nil},
	{"identities/add-zero", call("add", 0, "v"), model.Ref("v")},
	{"identities/add-zero", call("add", "v", vec(0, 0, 0)), model.Ref("v")},
	{"identities/add-zero", call("add", "x", vec(0, 0, 0)), nil},
	{"identities/sub-self", call("sub", "v", "v"), vec(0, 0, 0)},
	{"identities/sub-self", call("sub", call("tanh", "x"), call("tanh", "x")), model.Const(0)},
	{"identities/sub-self", call("sub", "s", "s"), nil}, // s = exp(y) may be Inf
	{"identities/sub-self", call("sub", "x", "v"), nil},
	{"identities/add-neg", call("add", "x", call("neg", "v")), call("sub", "x", "v")},
	{"identities/add-neg", call("add", call("neg", "v"), "x"), call("sub", "x", "v")},
	{"identities/add-neg", call("add", "x", "s"), nil},
	{"identities/add-neg", call("add", call("neg", 2), "x"), nil}, // a constant, folded: -2 + x is canonical
	{"identities/sub-neg", call("sub", "x", call("neg", 2)), nil},
	{"identities/sub-neg", call("sub", "x", call("neg", "v")), call("add", "x", "v")},
	{"identities/sub-neg", call("sub", call("neg", "x"), "v"), nil},
	{"identities/switch-same", call("switch", "x", "v", "v"), model.Ref("v")},
	{"identities/switch-same", call("switch", "v", "x", "x"), nil}, // the switch broadcasts x

	{"positivity/abs-of-signed", call("abs", call("exp", "v")), call("exp", "v")},
	{"positivity/abs-of-signed", call("abs", "u"), call("neg", "u")},
	{"positivity/abs-of-signed", call("abs", "x"), nil},
	{"positivity/known-comparison", call("gt", call("exp", call("mul", -2, "v")), 0), vec(1, 1, 1)},
	{"positivity/known-comparison", call("lt", call("exp", call("mul", -2, "v")), 0), vec(0, 0, 0)},
	{"positivity/known-comparison", call("ge", call("abs", "x"), 0), model.Const(1)},
	{"positivity/known-comparison", call("le", "s", "u"), model.Const(0)},
	{"positivity/known-comparison", call("gt", 0, "u"), model.Const(1)},
	{"positivity/known-comparison", call("neq", "s", 0), model.Const(1)},
	{"positivity/known-comparison", call("eq", "p", 0), model.Const(0)},
	{"positivity/known-comparison", call("gt", "x", 0), nil},
	{"positivity/known-comparison", call("gt", call("abs", "x"), 0), nil}, // |x| may be 0
	{"positivity/known-comparison", call("le", call("square", "x"), 0), nil},
	{"positivity/known-comparison", call("lt", call("square", "x"), 0), model.Const(0)},
	{"positivity/known-comparison", call("gt", "s", 1), nil},
	{"positivity/known-comparison", call("ge", call("sqrt", "x"), 0), nil}, // NaN compares false
	{"positivity/known-switch", call("switch", call("exp", "v"), "v", "x"), model.Ref("v")},
	{"positivity/known-switch", call("switch", call("lt", "s", 0), "x", "x"), nil}, // a comparison is a fact only once decided
	{"positivity/known-switch", call("switch", 0, "x", "v"), model.Ref("v")},
	{"positivity/known-switch", call("switch", call("mul", 0, "x"), "x", "v"), model.Ref("v")},
	{"positivity/known-switch", call("switch", "u", "x", "v"), nil}, // picks x, a scalar, for a vector
	{"positivity/known-extremum", call("maximum", "s", "u"), model.Ref("s")},
	{"positivity/known-extremum", call("minimum", "s", "u"), model.Ref("u")},
	{"positivity/known-extremum", call("minimum", call("exp", "v"), "u"), nil}, // picks u, a scalar, for a vector
	{"positivity/known-extremum", call("maximum", call("abs", "x"), 0), nil},   // a tie at x = 0
	{"positivity/known-extremum", call("maximum", "x", 0), nil},

	{"stabilise/log-of-sigmoid", call("log", call("sigmoid", "v")), call("neg", call("softplus", call("neg", "v")))},
	{"stabilise/log-of-sigmoid", call("log", call("tanh", "x")), nil},
	{"stabilise/log-of-one-plus-exp", call("log1p", call("exp", "v")), call("softplus", "v")},
	{"stabilise/log-of-one-plus-exp", call("log", call("add", 1, call("exp", "v"))), call("softplus", "v")},
	{"stabilise/log-of-one-plus-exp", call("log", call("add", 2, call("exp", "v"))), nil},
	{"stabilise/log-of-one-minus-sigmoid", call("log1p", call("neg", call("sigmoid", "v"))), call("neg", call("softplus", "v"))},
	{"stabilise/log-of-one-minus-sigmoid", call("log", call("sub", 1, call("sigmoid", "v"))), call("neg", call("softplus", "v"))},
	{"stabilise/log-of-one-minus-sigmoid", call("log", call("sub", 2, call("sigmoid", "v"))), nil},

	{"logscale/scale-into-exp", call("mul", 2, call("exp", "v")), call("exp", call("add", 0.6931471805599453, "v"))},
	{"logscale/scale-into-exp", call("mul", -2, call("exp", "v")), nil},
	{"logscale/scale-into-exp", call("mul", "s", call("exp", "v")), nil},
	{"logscale/exps-into-exp", call("mul", call("exp", "x"), call("exp", "v")), call("exp", call("add", "x", "v"))},
	{"logscale/exps-into-exp", call("div", call("exp", "x"), call("exp", "v")), call("exp", call("sub", "x", "v"))},
	{"logscale/exps-into-exp", call("mul", call("exp", "x"), "s"), nil},
}

func findRule(t *testing.T, name string) Rule {
	t.Helper()
	for _, p := range Passes() {
		for _, r := range p.Rules {
			if p.Name+"/"+r.Name == name {
				return r
			}
		}
	}
	t.Fatalf("no rule %q", name)
	return Rule{}
}

// Each rule makes what it should of each case, or leaves it; what it makes
// has the expression's shape and values (at random points, to rounding).
func TestRules(t *testing.T) {
	g := testGraph(t)
	for _, tc := range ruleCases {
		r := findRule(t, tc.rule)
		c := NewContext(g)
		got := r.Apply(c, tc.in)
		if format(got) != format(tc.out) {
			t.Errorf("%s: %s became %s, want %s", tc.rule, format(tc.in), format(got), format(tc.out))
			continue
		}
		if got == nil {
			continue
		}
		if !c.sameShape(got, tc.in) {
			s1, _ := c.Shape(tc.in)
			s2, _ := c.Shape(got)
			t.Errorf("%s: %s has shape %v, what it became %v", tc.rule, format(tc.in), s1, s2)
		}
		// rounding: a product of constants rounds once more, and
		// exp(a b) differs from exp(a)^b by a few units in the last place
		sameValues(t, g, tc.in, got, 1e-14)
	}
}

// Every rule has cases in the table, rewriting something and leaving
// something alone.
func TestEveryRuleHasCases(t *testing.T) {
	applies, leaves := map[string]bool{}, map[string]bool{}
	for _, tc := range ruleCases {
		if tc.out != nil {
			applies[tc.rule] = true
		} else {
			leaves[tc.rule] = true
		}
	}
	for _, p := range Passes() {
		for _, r := range p.Rules {
			name := p.Name + "/" + r.Name
			if !applies[name] && name != "cse/share" {
				t.Errorf("%s: no case it rewrites", name)
			}
			if !leaves[name] {
				t.Errorf("%s: no case it leaves alone", name)
			}
		}
	}
}

// share makes the second expression of a structure the first.
func TestShare(t *testing.T) {
	c := NewContext(testGraph(t))
	a, b := call("exp", call("mul", -2, "v")), call("exp", call("mul", -2, "v"))
	if got := share(c, a); got != nil {
		t.Fatalf("the first was replaced by %s", format(got))
	}
	if got := share(c, b); got != a {
		t.Fatalf("the second became %p, want the first, %p", got, a)
	}
	if got := share(c, call("exp", call("mul", 2, "v"))); got != nil {
		t.Fatalf("a different expression became %s", format(got))
	}
}
