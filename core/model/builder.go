package model

import (
	"encoding/json"
	"fmt"

	"github.com/exmc/exmc/core/ops"
)

// P gives a distribution's parameters to the Builder. A value is a number
// (a constant), a string (a reference to a node), a []float64 (a constant
// vector) or an *Expr.
type P map[string]any

// Option adjusts a node added by the Builder.
type Option func(*Node)

// Shape sets a node's shape.
func Shape(s ...int) Option { return func(n *Node) { n.Shape = append([]int{}, s...) } }

// Dims names a node's axes.
func Dims(d ...string) Option { return func(n *Node) { n.Dims = append([]string{}, d...) } }

// NoTransform keeps a free variable on its constrained scale.
func NoTransform() Option { return func(n *Node) { n.Transform = "none" } }

// Centered switches the automatic non-centring off for one node.
func Centered() Option {
	return func(n *Node) { f := false; n.NonCentered = &f }
}

// Builder assembles a model node by node, in the order a model reads:
//
//	b := model.NewBuilder()
//	b.Data("y", y, model.Shape(8))
//	b.RV("mu", "Normal", model.P{"mu": 0, "sigma": 5})
//	b.RV("tau", "HalfCauchy", model.P{"beta": 5})
//	b.RV("theta", "Normal", model.P{"mu": "mu", "sigma": "tau"}, model.Shape(8))
//	b.Obs("y_obs", "Normal", model.P{"mu": "theta", "sigma": "sigma"}, "y")
//	m, err := b.Model()
//
// The first error is kept and returned by Model.
type Builder struct {
	m   Model
	err error
}

// NewBuilder starts an empty model.
func NewBuilder() *Builder { return &Builder{m: Model{Format: Format}} }

// Coords sets the labels of a dimension.
func (b *Builder) Coords(dim string, labels ...any) *Builder {
	if b.m.Coords == nil {
		b.m.Coords = map[string][]Label{}
	}
	ls := make([]Label, len(labels))
	for i, l := range labels {
		var err error
		ls[i], err = jsonLabel(l)
		b.fail(err)
	}
	b.m.Coords[dim] = ls
	return b
}

// CenteredModel switches the automatic non-centring off for the whole model.
func (b *Builder) CenteredModel() *Builder {
	f := false
	b.m.NonCentered = &f
	return b
}

// Data adds a float64 data node; without a Shape option it is a vector.
func (b *Builder) Data(name string, values []float64, opts ...Option) *Builder {
	n := &Node{Name: name, Kind: Data, Values: append([]float64{}, values...), Shape: []int{len(values)}}
	return b.add(n, opts)
}

// IntData adds an int64 data node, such as an index array.
func (b *Builder) IntData(name string, values []int, opts ...Option) *Builder {
	v := make([]float64, len(values))
	for i, x := range values {
		v[i] = float64(x)
	}
	n := &Node{Name: name, Kind: Data, DType: Int64, Values: v, Shape: []int{len(values)}}
	return b.add(n, opts)
}

// RV adds a free random variable.
func (b *Builder) RV(name, dist string, params P, opts ...Option) *Builder {
	n := &Node{Name: name, Kind: Free, Dist: dist, Params: b.params(name, params)}
	return b.add(n, opts)
}

// Obs adds an observed random variable whose values are given by observed
// (a node name, an *Expr or a []float64).
func (b *Builder) Obs(name, dist string, params P, observed any, opts ...Option) *Builder {
	o, err := ToExpr(observed)
	if err != nil {
		b.fail(fmt.Errorf("node %q: observed: %w", name, err))
	}
	n := &Node{Name: name, Kind: Observed, Dist: dist, Params: b.params(name, params), Observed: o}
	return b.add(n, opts)
}

// Det adds a deterministic: a named expression reported with the draws.
func (b *Builder) Det(name string, e any, opts ...Option) *Builder {
	x, err := ToExpr(e)
	if err != nil {
		b.fail(fmt.Errorf("node %q: %w", name, err))
	}
	return b.add(&Node{Name: name, Kind: Deterministic, Expr: x}, opts)
}

// Potential adds an expression to the log-density.
func (b *Builder) Potential(name string, e any) *Builder {
	x, err := ToExpr(e)
	if err != nil {
		b.fail(fmt.Errorf("node %q: %w", name, err))
	}
	return b.add(&Node{Name: name, Kind: Potential, Expr: x}, nil)
}

// Model returns the model, or the first error met while building it. The
// model is not yet validated: Validate (or compiling) does that.
func (b *Builder) Model() (*Model, error) {
	if b.err != nil {
		return nil, b.err
	}
	return b.m.Clone(), nil
}

func (b *Builder) add(n *Node, opts []Option) *Builder {
	for _, o := range opts {
		o(n)
	}
	b.m.Nodes = append(b.m.Nodes, n)
	return b
}

func (b *Builder) params(node string, p P) map[string]*Expr {
	out := make(map[string]*Expr, len(p))
	for k, v := range p {
		e, err := ToExpr(v)
		if err != nil {
			b.fail(fmt.Errorf("node %q: parameter %q: %w", node, k, err))
			continue
		}
		out[k] = e
	}
	return out
}

func (b *Builder) fail(err error) {
	if err != nil && b.err == nil {
		b.err = err
	}
}

// ToExpr converts a Go value into an expression: numbers are constants,
// strings are references, []float64 is a constant vector.
func ToExpr(v any) (*Expr, error) {
	switch x := v.(type) {
	case *Expr:
		if x == nil {
			return nil, fmt.Errorf("nil expression")
		}
		return x, nil
	case string:
		return Ref(x), nil
	case float64:
		return Const(x), nil
	case float32:
		return Const(float64(x)), nil
	case int:
		return Const(float64(x)), nil
	case int64:
		return Const(float64(x)), nil
	case []float64:
		return &Expr{Const: append([]float64{}, x...), Shape: []int{len(x)}}, nil
	default:
		return nil, fmt.Errorf("cannot use %T as an expression", v)
	}
}

// Ref is a reference to a node's value.
func Ref(name string) *Expr { return &Expr{Ref: name} }

// Const is a scalar constant.
func Const(v float64) *Expr { return &Expr{Const: []float64{v}} }

// Array is a constant array of the given shape.
func Array(values []float64, shp ...int) *Expr {
	return &Expr{Const: append([]float64{}, values...), Shape: append([]int{}, shp...)}
}

// Call applies an op to arguments (anything ToExpr accepts). Conversion
// errors surface when the model is validated, as an unknown-argument op.
func Call(op string, attrs ops.Attrs, args ...any) *Expr {
	e := &Expr{Op: op, Attrs: attrs}
	for _, a := range args {
		x, err := ToExpr(a)
		if err != nil {
			x = &Expr{Op: "invalid argument: " + err.Error()}
		}
		e.Args = append(e.Args, x)
	}
	return e
}

// Axis is a convenience for the Axis attribute.
func Axis(a int) ops.Attrs { return ops.Attrs{Axis: &a} }

func Add(a, b any) *Expr          { return Call("add", ops.Attrs{}, a, b) }
func Sub(a, b any) *Expr          { return Call("sub", ops.Attrs{}, a, b) }
func Mul(a, b any) *Expr          { return Call("mul", ops.Attrs{}, a, b) }
func Div(a, b any) *Expr          { return Call("div", ops.Attrs{}, a, b) }
func Pow(a, b any) *Expr          { return Call("pow", ops.Attrs{}, a, b) }
func Exp(a any) *Expr             { return Call("exp", ops.Attrs{}, a) }
func Log(a any) *Expr             { return Call("log", ops.Attrs{}, a) }
func Sqrt(a any) *Expr            { return Call("sqrt", ops.Attrs{}, a) }
func MatMul(a, b any) *Expr       { return Call("matmul", ops.Attrs{}, a, b) }
func Gather(a, index any) *Expr   { return Call("gather", ops.Attrs{}, a, index) }
func Sum(a any) *Expr             { return Call("sum", ops.Attrs{}, a) }
func Stack(args ...any) *Expr     { return Call("stack", ops.Attrs{}, args...) }
func SumAxis(a any, ax int) *Expr { return Call("sum", Axis(ax), a) }

func jsonLabel(l any) (Label, error) {
	switch l.(type) {
	case string, int, int64, float64:
		return json.Marshal(l)
	default:
		return nil, fmt.Errorf("coordinate label must be a string or a number, got %T", l)
	}
}
