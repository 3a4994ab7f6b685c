package simplify

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/exmc/exmc/core/dist"
	"github.com/exmc/exmc/core/model"
	"github.com/exmc/exmc/core/ops"
	"github.com/exmc/exmc/core/shape"
)

// Sign is what the analysis knows of an expression's elements: the signs
// they may take, and whether they may be undefined (NaN). A fact holds
// wherever the model's free variables are finite, in exact arithmetic: an
// exponential is positive even where it underflows to zero.
type Sign uint8

const (
	Neg   Sign = 1 << iota // may be negative
	Zero                   // may be zero
	Pos                    // may be positive
	Undef                  // may be NaN: a logarithm or root of a negative number, 0/0
	// Real is a number of any sign.
	Real = Neg | Zero | Pos
	// Unknown is all that can be said of an expression the analysis does
	// not understand.
	Unknown = Real | Undef
)

// Within reports whether every value s allows is one of want's: a
// positive expression is Within(Pos), a non-negative one Within(Zero|Pos).
func (s Sign) Within(want Sign) bool { return s&^want == 0 }

func (s Sign) String() string {
	if s == 0 {
		return "none"
	}
	var parts []string
	for _, b := range []struct {
		bit  Sign
		name string
	}{{Neg, "neg"}, {Zero, "zero"}, {Pos, "pos"}, {Undef, "nan"}} {
		if s&b.bit != 0 {
			parts = append(parts, b.name)
		}
	}
	return strings.Join(parts, "|")
}

// flip is the sign of -x.
func (s Sign) flip() Sign {
	out := s &^ (Neg | Pos)
	if s&Neg != 0 {
		out |= Pos
	}
	if s&Pos != 0 {
		out |= Neg
	}
	return out
}

// magnitude is the sign of |x| (and of x*x).
func (s Sign) magnitude() Sign {
	out := s & (Zero | Undef)
	if s&(Neg|Pos) != 0 {
		out |= Pos
	}
	return out
}

// signs lists the single signs of s, Undef aside.
func (s Sign) signs() []Sign {
	var out []Sign
	for _, b := range []Sign{Neg, Zero, Pos} {
		if s&b != 0 {
			out = append(out, b)
		}
	}
	return out
}

// combine applies f to every pair of single signs of a and b, and keeps
// what either may leave undefined.
func combine(a, b Sign, f func(x, y Sign) Sign) Sign {
	out := (a | b) & Undef
	for _, x := range a.signs() {
		for _, y := range b.signs() {
			out |= f(x, y)
		}
	}
	return out
}

func product(x, y Sign) Sign {
	switch {
	case x == Zero || y == Zero:
		return Zero
	case x == y:
		return Pos
	}
	return Neg
}

func sum(x, y Sign) Sign {
	switch {
	case x == Zero:
		return y
	case y == Zero, x == y:
		return x
	}
	return Real
}

// order is the rank of a single sign: negative below zero below positive.
func order(s Sign) int {
	switch s {
	case Neg:
		return 0
	case Zero:
		return 1
	}
	return 2
}

func larger(x, y Sign) Sign {
	if order(x) >= order(y) {
		return x
	}
	return y
}

func smaller(x, y Sign) Sign {
	if order(x) <= order(y) {
		return x
	}
	return y
}

// summed is the sign of a sum of one or more elements of sign s.
func summed(s Sign) Sign {
	if s&Neg != 0 && s&Pos != 0 {
		return Real | s&Undef
	}
	return s
}

// Context is what the passes know of the model being simplified: its
// validated graph, and the shape, sign and identity of every expression
// they meet, each found once (expressions are never modified, so a fact
// found for one holds for as long as it exists).
type Context struct {
	g      *model.Graph
	nodes  map[string]*model.Node
	shapes map[*model.Expr]shapeOf
	sign   map[*model.Expr]Sign
	fin    map[*model.Expr]bool
	ids    map[*model.Expr]int
	keys   map[string]int
	// canon holds, during one pass, the first expression met of each
	// structure (ID), which the others become (the pass cse)
	canon map[int]*model.Expr
}

type shapeOf struct {
	s  []int
	ok bool
}

// NewContext is the context of a validated graph.
func NewContext(g *model.Graph) *Context {
	c := &Context{g: g, nodes: map[string]*model.Node{}, shapes: map[*model.Expr]shapeOf{},
		sign: map[*model.Expr]Sign{}, fin: map[*model.Expr]bool{}, ids: map[*model.Expr]int{}, keys: map[string]int{}, canon: map[int]*model.Expr{}}
	for _, n := range g.Order {
		c.nodes[n.Name] = n
	}
	return c
}

// Shape is an expression's shape; ok is false for an expression that does
// not have one (a rewrite that made one would be a bug, which the driver
// reports).
func (c *Context) Shape(e *model.Expr) (s []int, ok bool) {
	if r, found := c.shapes[e]; found {
		return r.s, r.ok
	}
	switch {
	case e.Ref != "":
		s, ok = c.g.Shapes[e.Ref]
	case e.Op == "":
		s, ok = e.Shape, len(e.Const) == shape.Size(e.Shape)
	default:
		args := make([][]int, len(e.Args))
		ok = true
		for i, a := range e.Args {
			if args[i], ok = c.Shape(a); !ok {
				break
			}
		}
		if ok {
			var err error
			s, err = ops.InferShape(e.Op, e.Attrs, args)
			ok = err == nil
		}
	}
	c.shapes[e] = shapeOf{s, ok}
	return s, ok
}

// sameShape reports whether a has e's shape, so that it can stand in for e.
func (c *Context) sameShape(a, e *model.Expr) bool {
	sa, ok1 := c.Shape(a)
	se, ok2 := c.Shape(e)
	return ok1 && ok2 && shape.Equal(sa, se)
}

// Constant is e's value when it reads no random variable, as core/model
// folds it (Graph.Constant, the one place constants are folded).
func (c *Context) Constant(e *model.Expr) ([]float64, []int, bool) {
	return c.g.Constant(e)
}

// IsConst reports whether e reads no random variable.
func (c *Context) IsConst(e *model.Expr) bool {
	_, _, ok := c.g.Constant(e)
	return ok
}

// Uniform reports whether e is a constant with every element equal to v.
func (c *Context) Uniform(e *model.Expr, v float64) bool {
	vals, _, ok := c.g.Constant(e)
	if !ok || len(vals) == 0 {
		return false
	}
	for _, x := range vals {
		if x != v {
			return false
		}
	}
	return true
}

// Fold makes a constant of e's value, which reads no random variable, for
// a rewrite that combines constants (c1*c2); ok is false when e is not
// constant or its value is not finite, which a model may not hold.
func (c *Context) Fold(e *model.Expr) (*model.Expr, bool) {
	vals, shp, ok := c.g.Constant(e)
	if !ok {
		return nil, false
	}
	for _, x := range vals {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, false
		}
	}
	out := &model.Expr{Const: vals, Shape: shp}
	if len(shp) == 0 {
		out.Shape = nil
	}
	c.shapes[out] = shapeOf{shp, true}
	return out, true
}

// Fill is the constant v in e's shape: what an expression known to hold v
// everywhere becomes.
func (c *Context) Fill(e *model.Expr, v float64) *model.Expr {
	s, _ := c.Shape(e)
	vals := make([]float64, shape.Size(s))
	for i := range vals {
		vals[i] = v
	}
	out := &model.Expr{Const: vals}
	if len(s) > 0 {
		out.Shape = append([]int{}, s...)
	}
	return out
}

// Sign is what is known of the signs of e's elements.
func (c *Context) Sign(e *model.Expr) Sign {
	if s, ok := c.sign[e]; ok {
		return s
	}
	c.sign[e] = Unknown // a cycle cannot occur in a validated model; this guards the recursion all the same
	s := c.signOf(e)
	c.sign[e] = s
	return s
}

func (c *Context) signOf(e *model.Expr) Sign {
	if vals, _, ok := c.g.Constant(e); ok {
		return constSign(vals)
	}
	if e.Ref != "" {
		return c.refSign(c.nodes[e.Ref])
	}
	arg := func(i int) Sign { return c.Sign(e.Args[i]) }
	switch e.Op {
	case "neg":
		return arg(0).flip()
	case "exp", "sigmoid", "softplus":
		return Pos | arg(0)&Undef
	case "abs", "square":
		return arg(0).magnitude()
	case "sqrt":
		a := arg(0)
		out := a & (Zero | Pos | Undef)
		if a&Neg != 0 {
			out |= Undef
		}
		return nonEmpty(out)
	case "log":
		a := arg(0)
		out := a & Undef
		if a&Pos != 0 {
			out |= Real
		}
		if a&Zero != 0 {
			out |= Neg // -Inf
		}
		if a&Neg != 0 {
			out |= Undef
		}
		return nonEmpty(out)
	case "log1p":
		// log1p keeps the sign of x > -1; below -1 it is undefined
		a := arg(0)
		if a&Neg != 0 {
			a |= Undef
		}
		return a
	case "expm1", "tanh", "erf":
		return arg(0)
	case "add":
		return combine(arg(0), arg(1), sum)
	case "sub":
		return combine(arg(0), arg(1).flip(), sum)
	case "mul":
		return combine(arg(0), arg(1), product)
	case "div":
		a, b := arg(0), arg(1)
		if b&Zero != 0 {
			out := Real | (a|b)&Undef
			if a&Zero != 0 {
				out |= Undef // 0/0
			}
			return out
		}
		return combine(a, b, product)
	case "pow":
		a, b := arg(0), arg(1)
		if a.Within(Pos | Undef) {
			return Pos | (a|b)&Undef
		}
		if a.Within(Zero | Pos | Undef) {
			return Zero | Pos | (a|b)&Undef // 0^y is 0, 1 or +Inf
		}
		return Unknown
	case "maximum":
		return combine(arg(0), arg(1), larger)
	case "minimum":
		return combine(arg(0), arg(1), smaller)
	case "gt", "ge", "lt", "le", "eq", "neq":
		return Zero | Pos
	case "switch":
		return arg(1) | arg(2)
	case "gather":
		return arg(0)
	case "slice", "reshape", "transpose":
		return arg(0)
	case "stack", "concatenate":
		var s Sign
		for i := range e.Args {
			s |= arg(i)
		}
		return nonEmpty(s)
	case "sum", "cumsum":
		if !c.nonEmpty(e.Args[0]) {
			return Unknown
		}
		return summed(arg(0))
	case "mean":
		if !c.nonEmpty(e.Args[0]) {
			return Unknown
		}
		return summed(arg(0))
	case "matmul":
		if !c.nonEmpty(e.Args[0]) || !c.nonEmpty(e.Args[1]) {
			return Unknown
		}
		return summed(combine(arg(0), arg(1), product))
	}
	return Unknown
}

// nonEmpty keeps the analysis from claiming anything of an expression
// whose every value is undefined.
func nonEmpty(s Sign) Sign {
	if s&Real == 0 {
		return Unknown
	}
	return s
}

func (c *Context) nonEmpty(e *model.Expr) bool {
	s, ok := c.Shape(e)
	return ok && shape.Size(s) > 0
}

func constSign(vals []float64) Sign {
	var s Sign
	for _, x := range vals {
		switch {
		case x < 0:
			s |= Neg
		case x == 0:
			s |= Zero
		case x > 0:
			s |= Pos
		default:
			s |= Undef
		}
		if s == Unknown {
			break
		}
	}
	return nonEmpty(s)
}

// refSign is the sign of a node's value: a free variable's follows from
// its transform (a log-transformed value is exp(y) > 0; an interval
// transform's lies strictly between its bounds), whatever its support
// says, since a variable sampled untransformed may leave its support.
func (c *Context) refSign(n *model.Node) Sign {
	if n == nil {
		return Unknown
	}
	switch n.Kind {
	case model.Deterministic:
		return c.Sign(n.Expr)
	case model.Observed:
		return c.Sign(n.Observed)
	case model.Free:
		// a point of the sampler is finite: every transform makes a number
		vr := c.g.Variant[n.Name]
		if vr == nil || n.Transform == "none" || n.Transform == "ordered" {
			return Real
		}
		switch vr.Transform {
		case dist.LogTransform:
			return Pos
		case dist.LowerBoundTransform:
			if c.Sign(c.g.Params[n.Name][vr.Lower]).Within(Zero | Pos) {
				return Pos
			}
			return Real
		case dist.UpperBoundTransform:
			if c.Sign(c.g.Params[n.Name][vr.Upper]).Within(Neg | Zero) {
				return Neg
			}
			return Real
		case dist.IntervalTransform:
			params := c.g.Params[n.Name]
			lower, upper := vr.IntervalLo >= 0, vr.IntervalHi <= 0
			if vr.Lower >= 0 {
				lower = c.Sign(params[vr.Lower]).Within(Zero | Pos)
			}
			if vr.Upper >= 0 {
				upper = c.Sign(params[vr.Upper]).Within(Neg | Zero)
			}
			switch {
			case lower:
				return Pos
			case upper:
				return Neg
			}
			return Real
		}
		return Real
	}
	return Unknown
}

// Finite reports whether e's elements are finite numbers wherever the
// free variables are: constants, free variables sampled as they are or
// through an interval, and the bounded functions of them. Subtracting such
// an expression from itself is zero.
func (c *Context) Finite(e *model.Expr) bool {
	if f, ok := c.fin[e]; ok {
		return f
	}
	c.fin[e] = false
	f := c.finite(e)
	c.fin[e] = f
	return f
}

func (c *Context) finite(e *model.Expr) bool {
	if vals, _, ok := c.g.Constant(e); ok {
		for _, x := range vals {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return false
			}
		}
		return true
	}
	if e.Ref != "" {
		n := c.nodes[e.Ref]
		switch {
		case n == nil:
			return false
		case n.Kind == model.Deterministic:
			return c.Finite(n.Expr)
		case n.Kind == model.Free:
			vr := c.g.Variant[n.Name]
			return vr != nil && n.Transform != "ordered" &&
				(n.Transform == "none" || vr.Transform == dist.NoTransform ||
					vr.Transform == dist.IntervalTransform && vr.Lower < 0 && vr.Upper < 0)
		}
		return false
	}
	all := func(args []*model.Expr) bool {
		for _, a := range args {
			if !c.Finite(a) {
				return false
			}
		}
		return true
	}
	switch e.Op {
	case "sigmoid", "tanh", "erf":
		// bounded, even at an infinite argument
		return c.Sign(e.Args[0])&Undef == 0
	case "neg", "abs", "slice", "reshape", "transpose", "stack", "concatenate", "switch":
		return all(e.Args)
	case "gather":
		return c.Finite(e.Args[0])
	case "gt", "ge", "lt", "le", "eq", "neq":
		return true
	}
	return false
}

// maxKeyed is the largest constant ID compares element by element.
const maxKeyed = 64

// ID numbers expressions by structure: two expressions have the same ID
// when they apply the same op with the same attributes to arguments with
// the same IDs, or are references to the same node, or constants of up to
// maxKeyed elements with the same shape and elements (to the bit).
func (c *Context) ID(e *model.Expr) int {
	if id, ok := c.ids[e]; ok {
		return id
	}
	var b strings.Builder
	switch {
	case e.Ref != "":
		b.WriteString("r:")
		b.WriteString(e.Ref)
	case e.Op == "" && len(e.Const) > maxKeyed:
		// an array this large is rarely written twice: its own ID
		id := len(c.keys)
		c.keys["p:"+strconv.Itoa(id)] = id
		c.ids[e] = id
		return id
	case e.Op == "":
		b.WriteString("c:")
		for _, d := range e.Shape {
			b.WriteString(strconv.Itoa(d))
			b.WriteByte(',')
		}
		b.WriteByte(':')
		for _, x := range e.Const {
			b.WriteString(strconv.FormatUint(math.Float64bits(x), 36))
			b.WriteByte(',')
		}
	default:
		b.WriteString(e.Op)
		b.WriteString(attrKey(e.Attrs))
		b.WriteByte('(')
		for _, a := range e.Args {
			b.WriteString(strconv.Itoa(c.ID(a)))
			b.WriteByte(',')
		}
		b.WriteByte(')')
	}
	k := b.String()
	id, ok := c.keys[k]
	if !ok {
		id = len(c.keys)
		c.keys[k] = id
	}
	c.ids[e] = id
	return id
}

// Same reports whether two expressions are the same by structure.
func (c *Context) Same(a, b *model.Expr) bool { return a == b || c.ID(a) == c.ID(b) }

func attrKey(a ops.Attrs) string {
	p := func(x *int) string {
		if x == nil {
			return "_"
		}
		return strconv.Itoa(*x)
	}
	l := func(s []int) string {
		if s == nil {
			return "_"
		}
		return fmt.Sprint(s)
	}
	b := func(x *bool) string {
		if x == nil {
			return "_"
		}
		return strconv.FormatBool(*x)
	}
	return "[" + p(a.Axis) + " " + p(a.Start) + " " + p(a.Stop) + " " + p(a.Step) + " " + l(a.Shape) + " " + l(a.Perm) +
		" " + p(a.Offset) + " " + b(a.Lower) + " " + b(a.Trans) + "]"
}
