package simplify

import (
	"github.com/exmc/exmc/core/model"
)

// passes is the order Simplify runs them in, each round: sharing first, so
// that the rules that compare two expressions (x - x) see one; then the
// canonical forms the identities are written against; the identities;
// what the signs decide; the stable forms; and last how a positive
// parameter reaches its likelihood.
var passes = []Pass{
	{Name: "cse", Doc: "identical subexpressions become one, shared", Rules: []Rule{
		{"share", share},
	}},
	{Name: "canonical", Doc: "constants first in products and sums, and combined; subtraction and division by a constant become addition and multiplication", Rules: []Rule{
		{"constant-first", constantFirst},
		{"sub-constant", subConstant},
		{"div-constant", divConstant},
		{"sub-from-zero", subFromZero},
		{"negated-difference", negatedDifference},
		{"negated-product", negatedProduct},
		{"negated-factor", negatedFactor},
		{"constant-factors", constantFactors},
	}},
	{Name: "identities", Doc: "exp/log/pow/sqrt identities, and operations by 1, 0 and -1", Rules: []Rule{
		{"exp-of-log", expOfLog},
		{"log-of-exp", logOfExp},
		{"pow-of-exp", powOfExp},
		{"pow-of-pow", powOfPow},
		{"pow-constant", powConstant},
		{"log-of-pow", logOfPow},
		{"log-of-sqrt", logOfSqrt},
		{"sqrt-of-square", sqrtOfSquare},
		{"square-of-sqrt", squareOfSqrt},
		{"root-of-exp", rootOfExp},
		{"reciprocal-of-exp", reciprocalOfExp},
		{"neg-neg", negNeg},
		{"even-of-neg", evenOfNeg},
		{"mul-one", mulOne},
		{"mul-minus-one", mulMinusOne},
		{"add-zero", addZero},
		{"sub-self", subSelf},
		{"add-neg", addNeg},
		{"sub-neg", subNeg},
		{"switch-same", switchSame},
	}},
	{Name: "positivity", Doc: "what the signs of expressions decide: |x| = x for x >= 0, comparisons with a known outcome, a switch on a known condition", Rules: []Rule{
		{"abs-of-signed", absOfSigned},
		{"known-comparison", knownComparison},
		{"known-switch", knownSwitch},
		{"known-extremum", knownExtremum},
	}},
	{Name: "stabilise", Doc: "forms that neither overflow nor lose their small tails", Rules: []Rule{
		{"log-of-sigmoid", logOfSigmoid},
		{"log-of-one-plus-exp", logOfOnePlusExp},
		{"log-of-one-minus-sigmoid", logOfOneMinusSigmoid},
	}},
	{Name: "logscale", ParamRoots: true, Doc: "a positive parameter that is a product of exponentials and positive constants becomes one exponential, whose argument the likelihood takes as the parameter's logarithm", Rules: []Rule{
		{"scale-into-exp", scaleIntoExp},
		{"exps-into-exp", expsIntoExp},
	}},
}

func op1(op string, a *model.Expr) *model.Expr {
	return &model.Expr{Op: op, Args: []*model.Expr{a}}
}

func op2(op string, a, b *model.Expr) *model.Expr {
	return &model.Expr{Op: op, Args: []*model.Expr{a, b}}
}

// is reports whether e applies op. Every op the rules look into is
// elementwise, with no attributes.
func is(e *model.Expr, op string) bool {
	return e.Op == op && len(e.Args) > 0
}

func scalar(v float64) *model.Expr { return model.Const(v) }

// --- cse

// share makes an expression the first one of its structure met in this
// pass, so that every reader holds the same one.
func share(c *Context, e *model.Expr) *model.Expr {
	id := c.ID(e)
	if first, ok := c.canon[id]; ok {
		return first
	}
	c.canon[id] = e
	return nil
}

// --- canonical

// constantFirst: x + k = k + x, x * k = k * x (exact).
func constantFirst(c *Context, e *model.Expr) *model.Expr {
	if (is(e, "add") || is(e, "mul")) && !c.IsConst(e.Args[0]) && c.IsConst(e.Args[1]) {
		return op2(e.Op, e.Args[1], e.Args[0])
	}
	return nil
}

// subConstant: x - k = (-k) + x (exact).
func subConstant(c *Context, e *model.Expr) *model.Expr {
	if !is(e, "sub") || c.IsConst(e.Args[0]) || !c.IsConst(e.Args[1]) {
		return nil
	}
	k, ok := c.Fold(op1("neg", e.Args[1]))
	if !ok {
		return nil
	}
	return op2("add", k, e.Args[0])
}

// divConstant: x / k = (1/k) * x (to a rounding of 1/k).
func divConstant(c *Context, e *model.Expr) *model.Expr {
	if !is(e, "div") || c.IsConst(e.Args[0]) || !c.IsConst(e.Args[1]) {
		return nil
	}
	k, ok := c.Fold(op2("div", scalar(1), e.Args[1]))
	if !ok {
		return nil
	}
	return op2("mul", k, e.Args[0])
}

// subFromZero: 0 - x = -x.
func subFromZero(c *Context, e *model.Expr) *model.Expr {
	if is(e, "sub") && c.Uniform(e.Args[0], 0) && c.sameShape(e.Args[1], e) {
		return op1("neg", e.Args[1])
	}
	return nil
}

// negatedDifference: -(a - b) = b - a (exact).
func negatedDifference(c *Context, e *model.Expr) *model.Expr {
	if is(e, "neg") && is(e.Args[0], "sub") {
		d := e.Args[0]
		return op2("sub", d.Args[1], d.Args[0])
	}
	return nil
}

// negatedProduct: -(k * x) = (-k) * x (exact).
func negatedProduct(c *Context, e *model.Expr) *model.Expr {
	if !is(e, "neg") || !is(e.Args[0], "mul") || !c.IsConst(e.Args[0].Args[0]) {
		return nil
	}
	k, ok := c.Fold(op1("neg", e.Args[0].Args[0]))
	if !ok {
		return nil
	}
	return op2("mul", k, e.Args[0].Args[1])
}

// negatedFactor: k * (-x) = (-k) * x (exact).
func negatedFactor(c *Context, e *model.Expr) *model.Expr {
	if !is(e, "mul") || !c.IsConst(e.Args[0]) || !is(e.Args[1], "neg") {
		return nil
	}
	k, ok := c.Fold(op1("neg", e.Args[0]))
	if !ok {
		return nil
	}
	return op2("mul", k, e.Args[1].Args[0])
}

// constantFactors: k1 * (k2 * x) = (k1 k2) * x and k1 * (k2 / x) =
// (k1 k2) / x (to a rounding of k1 k2).
func constantFactors(c *Context, e *model.Expr) *model.Expr {
	if !is(e, "mul") || !c.IsConst(e.Args[0]) {
		return nil
	}
	in := e.Args[1]
	if !(is(in, "mul") || is(in, "div")) || !c.IsConst(in.Args[0]) || c.IsConst(in.Args[1]) {
		return nil
	}
	k, ok := c.Fold(op2("mul", e.Args[0], in.Args[0]))
	if !ok {
		return nil
	}
	return op2(in.Op, k, in.Args[1])
}

// --- identities

// expOfLog: exp(log x) = x for x > 0.
func expOfLog(c *Context, e *model.Expr) *model.Expr {
	if is(e, "exp") && is(e.Args[0], "log") && c.Sign(e.Args[0].Args[0]).Within(Pos) {
		return e.Args[0].Args[0]
	}
	return nil
}

// logOfExp: log(exp x) = x.
func logOfExp(c *Context, e *model.Expr) *model.Expr {
	if is(e, "log") && is(e.Args[0], "exp") {
		return e.Args[0].Args[0]
	}
	return nil
}

// powOfExp: exp(a)^b = exp(a b).
func powOfExp(c *Context, e *model.Expr) *model.Expr {
	if is(e, "pow") && is(e.Args[0], "exp") {
		return op1("exp", op2("mul", e.Args[0].Args[0], e.Args[1]))
	}
	return nil
}

// powOfPow: (x^a)^b = x^(a b) for x > 0.
func powOfPow(c *Context, e *model.Expr) *model.Expr {
	if is(e, "pow") && is(e.Args[0], "pow") && c.Sign(e.Args[0].Args[0]).Within(Pos) {
		in := e.Args[0]
		return op2("pow", in.Args[0], op2("mul", in.Args[1], e.Args[1]))
	}
	return nil
}

// powConstant: x^1 = x, x^0 = 1, x^0.5 = sqrt(x), x^2 = x*x, x^-1 = 1/x.
func powConstant(c *Context, e *model.Expr) *model.Expr {
	if !is(e, "pow") {
		return nil
	}
	x, k := e.Args[0], e.Args[1]
	if c.Uniform(k, 0) {
		return c.Fill(e, 1)
	}
	if !c.sameShape(x, e) {
		return nil
	}
	switch {
	case c.Uniform(k, 1):
		return x
	case c.Uniform(k, 0.5):
		return op1("sqrt", x)
	case c.Uniform(k, 2):
		return op1("square", x)
	case c.Uniform(k, -1):
		return op2("div", scalar(1), x)
	}
	return nil
}

// logOfPow: log(x^b) = b log(x) for x > 0.
func logOfPow(c *Context, e *model.Expr) *model.Expr {
	if is(e, "log") && is(e.Args[0], "pow") && c.Sign(e.Args[0].Args[0]).Within(Pos) {
		p := e.Args[0]
		return op2("mul", p.Args[1], op1("log", p.Args[0]))
	}
	return nil
}

// logOfSqrt: log(sqrt(x)) = 0.5 log(x).
func logOfSqrt(c *Context, e *model.Expr) *model.Expr {
	if is(e, "log") && is(e.Args[0], "sqrt") {
		return op2("mul", scalar(0.5), op1("log", e.Args[0].Args[0]))
	}
	return nil
}

// sqrtOfSquare: sqrt(x*x) = |x|.
func sqrtOfSquare(c *Context, e *model.Expr) *model.Expr {
	if is(e, "sqrt") && is(e.Args[0], "square") {
		return op1("abs", e.Args[0].Args[0])
	}
	return nil
}

// squareOfSqrt: sqrt(x)^2 = x for x >= 0.
func squareOfSqrt(c *Context, e *model.Expr) *model.Expr {
	if is(e, "square") && is(e.Args[0], "sqrt") && c.Sign(e.Args[0].Args[0]).Within(Zero|Pos) {
		return e.Args[0].Args[0]
	}
	return nil
}

// rootOfExp: sqrt(exp(a)) = exp(a/2), exp(a)^2 = exp(2a).
func rootOfExp(c *Context, e *model.Expr) *model.Expr {
	if len(e.Args) != 1 || !is(e.Args[0], "exp") {
		return nil
	}
	a := e.Args[0].Args[0]
	switch {
	case is(e, "sqrt"):
		return op1("exp", op2("mul", scalar(0.5), a))
	case is(e, "square"):
		return op1("exp", op2("mul", scalar(2), a))
	}
	return nil
}

// reciprocalOfExp: 1/exp(a) = exp(-a).
func reciprocalOfExp(c *Context, e *model.Expr) *model.Expr {
	if is(e, "div") && c.Uniform(e.Args[0], 1) && is(e.Args[1], "exp") && c.sameShape(e.Args[1], e) {
		return op1("exp", op1("neg", e.Args[1].Args[0]))
	}
	return nil
}

// negNeg: -(-x) = x.
func negNeg(c *Context, e *model.Expr) *model.Expr {
	if is(e, "neg") && is(e.Args[0], "neg") {
		return e.Args[0].Args[0]
	}
	return nil
}

// evenOfNeg: |-x| = |x|, (-x)^2 = x^2.
func evenOfNeg(c *Context, e *model.Expr) *model.Expr {
	if (is(e, "abs") || is(e, "square")) && is(e.Args[0], "neg") {
		return op1(e.Op, e.Args[0].Args[0])
	}
	return nil
}

// other returns the argument of a binary e that is not the constant v
// (everywhere), and whether there is one with e's shape.
func other(c *Context, e *model.Expr, v float64, sides ...int) (*model.Expr, bool) {
	for _, i := range sides {
		if c.Uniform(e.Args[i], v) && c.sameShape(e.Args[1-i], e) {
			return e.Args[1-i], true
		}
	}
	return nil, false
}

// mulOne: 1 * x = x * 1 = x.
func mulOne(c *Context, e *model.Expr) *model.Expr {
	if is(e, "mul") {
		if x, ok := other(c, e, 1, 0, 1); ok {
			return x
		}
	}
	return nil
}

// mulMinusOne: -1 * x = x * -1 = -x.
func mulMinusOne(c *Context, e *model.Expr) *model.Expr {
	if is(e, "mul") {
		if x, ok := other(c, e, -1, 0, 1); ok {
			return op1("neg", x)
		}
	}
	return nil
}

// addZero: 0 + x = x + 0 = x. (x - 0 is (-0) + x, canonically, and x / 1
// is 1 * x.)
func addZero(c *Context, e *model.Expr) *model.Expr {
	if is(e, "add") {
		if x, ok := other(c, e, 0, 0, 1); ok {
			return x
		}
	}
	return nil
}

// subSelf: x - x = 0 where x is finite (Inf - Inf is NaN).
func subSelf(c *Context, e *model.Expr) *model.Expr {
	if is(e, "sub") && c.Same(e.Args[0], e.Args[1]) && c.Finite(e.Args[0]) {
		return c.Fill(e, 0)
	}
	return nil
}

// addNeg: x + (-y) = (-y) + x = x - y (exact).
func addNeg(c *Context, e *model.Expr) *model.Expr {
	if !is(e, "add") {
		return nil
	}
	switch a, b := e.Args[0], e.Args[1]; {
	case is(b, "neg") && !c.IsConst(b):
		return op2("sub", a, b.Args[0])
	case is(a, "neg") && !c.IsConst(a):
		return op2("sub", b, a.Args[0])
	}
	return nil
}

// subNeg: x - (-y) = x + y (exact).
func subNeg(c *Context, e *model.Expr) *model.Expr {
	if is(e, "sub") && is(e.Args[1], "neg") && !c.IsConst(e.Args[1]) {
		return op2("add", e.Args[0], e.Args[1].Args[0])
	}
	return nil
}

// switchSame: switch(c, a, a) = a.
func switchSame(c *Context, e *model.Expr) *model.Expr {
	if is(e, "switch") && c.Same(e.Args[1], e.Args[2]) && c.sameShape(e.Args[1], e) {
		return e.Args[1]
	}
	return nil
}

// --- positivity

// absOfSigned: |x| = x for x >= 0, -x for x <= 0.
func absOfSigned(c *Context, e *model.Expr) *model.Expr {
	if !is(e, "abs") {
		return nil
	}
	x := e.Args[0]
	switch s := c.Sign(x); {
	case s.Within(Zero | Pos | Undef):
		return x
	case s.Within(Neg | Zero | Undef):
		return op1("neg", x)
	}
	return nil
}

// difference is the sign of a - b, the sign of a comparison of a with b.
func (c *Context) difference(a, b *model.Expr) Sign {
	return combine(c.Sign(a), c.Sign(b).flip(), sum)
}

// knownComparison: a comparison whose outcome the signs decide, such as
// exp(x) > 0, is 1 or 0 (a NaN would compare false, so neither side may
// be undefined).
func knownComparison(c *Context, e *model.Expr) *model.Expr {
	var yes, no Sign // the signs of a - b for which the comparison holds, fails
	switch {
	case is(e, "gt"):
		yes, no = Pos, Neg|Zero
	case is(e, "ge"):
		yes, no = Zero|Pos, Neg
	case is(e, "lt"):
		yes, no = Neg, Zero|Pos
	case is(e, "le"):
		yes, no = Neg|Zero, Pos
	case is(e, "eq"):
		yes, no = Zero, Neg|Pos
	case is(e, "neq"):
		yes, no = Neg|Pos, Zero
	default:
		return nil
	}
	d := c.difference(e.Args[0], e.Args[1])
	switch {
	case d&Undef != 0:
		return nil
	case d.Within(yes):
		return c.Fill(e, 1)
	case d.Within(no):
		return c.Fill(e, 0)
	}
	return nil
}

// knownSwitch: a switch on a condition known to be non-zero (a NaN is
// non-zero) takes its first branch, on one known to be zero its second.
func knownSwitch(c *Context, e *model.Expr) *model.Expr {
	if !is(e, "switch") {
		return nil
	}
	var pick *model.Expr
	switch s := c.Sign(e.Args[0]); {
	case s.Within(Neg | Pos | Undef):
		pick = e.Args[1]
	case s.Within(Zero):
		pick = e.Args[2]
	default:
		return nil
	}
	if !c.sameShape(pick, e) {
		return nil
	}
	return pick
}

// knownExtremum: maximum(a, b) is a where a > b is known, b where a < b;
// minimum likewise. A tie is never assumed: it splits the gradient.
func knownExtremum(c *Context, e *model.Expr) *model.Expr {
	if !is(e, "maximum") && !is(e, "minimum") {
		return nil
	}
	d := c.difference(e.Args[0], e.Args[1])
	if e.Op == "minimum" {
		d = d.flip()
	}
	var pick *model.Expr
	switch {
	case d&Undef != 0:
		return nil
	case d.Within(Pos):
		pick = e.Args[0]
	case d.Within(Neg):
		pick = e.Args[1]
	default:
		return nil
	}
	if !c.sameShape(pick, e) {
		return nil
	}
	return pick
}

// --- stabilise

// logOfSigmoid: log(sigmoid(x)) = -softplus(-x), which does not round to
// log(1) = 0 for large x nor to log(0) for very negative x.
func logOfSigmoid(c *Context, e *model.Expr) *model.Expr {
	if is(e, "log") && is(e.Args[0], "sigmoid") {
		return op1("neg", op1("softplus", op1("neg", e.Args[0].Args[0])))
	}
	return nil
}

// logOfOnePlusExp: log(1 + exp(x)) = log1p(exp(x)) = softplus(x).
func logOfOnePlusExp(c *Context, e *model.Expr) *model.Expr {
	switch {
	case is(e, "log1p") && is(e.Args[0], "exp"):
		return op1("softplus", e.Args[0].Args[0])
	case is(e, "log") && is(e.Args[0], "add"):
		if x, ok := other(c, e.Args[0], 1, 0, 1); ok && is(x, "exp") {
			return op1("softplus", x.Args[0])
		}
	}
	return nil
}

// logOfOneMinusSigmoid: log(1 - sigmoid(x)) = log1p(-sigmoid(x)) =
// -softplus(x).
func logOfOneMinusSigmoid(c *Context, e *model.Expr) *model.Expr {
	switch {
	case is(e, "log1p") && is(e.Args[0], "neg") && is(e.Args[0].Args[0], "sigmoid"):
		return op1("neg", op1("softplus", e.Args[0].Args[0].Args[0]))
	case is(e, "log") && is(e.Args[0], "sub"):
		d := e.Args[0]
		if c.Uniform(d.Args[0], 1) && is(d.Args[1], "sigmoid") && c.sameShape(d.Args[1], d) {
			return op1("neg", op1("softplus", d.Args[1].Args[0]))
		}
	}
	return nil
}

// --- logscale

// scaleIntoExp: k * exp(a) = exp(log(k) + a) for a constant k > 0.
func scaleIntoExp(c *Context, e *model.Expr) *model.Expr {
	if !is(e, "mul") || !is(e.Args[1], "exp") || !c.IsConst(e.Args[0]) || !c.Sign(e.Args[0]).Within(Pos) {
		return nil
	}
	l, ok := c.Fold(op1("log", e.Args[0]))
	if !ok {
		return nil
	}
	return op1("exp", op2("add", l, e.Args[1].Args[0]))
}

// expsIntoExp: exp(a) exp(b) = exp(a + b), exp(a) / exp(b) = exp(a - b).
func expsIntoExp(c *Context, e *model.Expr) *model.Expr {
	if (is(e, "mul") || is(e, "div")) && is(e.Args[0], "exp") && is(e.Args[1], "exp") {
		op := "add"
		if e.Op == "div" {
			op = "sub"
		}
		return op1("exp", op2(op, e.Args[0].Args[0], e.Args[1].Args[0]))
	}
	return nil
}
