package model

import (
	"github.com/exmc/exmc/core/ops"
)

// Format is the value of the "format" key of every model document.
const Format = "exmc.model/v1"

// Kind is what a node is.
type Kind string

const (
	Data          Kind = "data"
	Free          Kind = "free"
	Observed      Kind = "observed"
	Deterministic Kind = "deterministic"
	Potential     Kind = "potential"
)

// DType is the element type of a data node.
type DType string

const (
	Float64 DType = "float64"
	Int64   DType = "int64"
)

// Model is a whole model: its nodes and the labels of its dimensions.
type Model struct {
	Format string `json:"format"`
	// Coords maps a dimension name to its labels; labels are kept as the
	// JSON text they came in (strings or numbers) so they round-trip exactly.
	Coords map[string][]Label `json:"coords,omitempty"`
	// NonCentered chooses how hierarchical Normals are parameterised
	// (core/rewrite): nil lets the data decide, true non-centres every
	// candidate and false none. A node's own setting wins.
	NonCentered *bool   `json:"noncentered,omitempty"`
	Nodes       []*Node `json:"nodes"`
}

// Node is one named piece of a model; which fields apply depends on Kind.
type Node struct {
	Name string `json:"name"`
	Kind Kind   `json:"kind"`

	Dist     string           `json:"dist,omitempty"`
	Params   map[string]*Expr `json:"params,omitempty"`
	Observed *Expr            `json:"observed,omitempty"`
	Expr     *Expr            `json:"expr,omitempty"`

	Shape []int    `json:"shape,omitempty"`
	Dims  []string `json:"dims,omitempty"`

	DType DType `json:"dtype,omitempty"`
	// Values holds a data node's elements, row-major, integers as exact
	// float64. Nil means the array is handed over separately.
	Values []float64 `json:"values,omitempty"`

	// Transform is "auto" (or empty) for the distribution's default, or
	// "none".
	Transform   string `json:"transform,omitempty"`
	NonCentered *bool  `json:"noncentered,omitempty"`

	// Censored and Truncated wrap a random node's distribution (one with
	// a log-CDF) as pm.Censored and pm.Truncated do; at most one is set.
	Censored  *Bounds `json:"censored,omitempty"`
	Truncated *Bounds `json:"truncated,omitempty"`
}

// Bounds are a censored or truncated node's bounds, each an expression
// broadcast to the node's shape, or left out (nil) for none on that side.
// A bound may be a data node with infinite elements (no bound for those
// elements), referred to directly.
type Bounds struct {
	Lower *Expr `json:"lower,omitempty"`
	Upper *Expr `json:"upper,omitempty"`
}

// Wrapped returns the node's censoring or truncation bounds and which it
// is: "censored", "truncated", or "" (and nil) for neither.
func (n *Node) Wrapped() (string, *Bounds) {
	switch {
	case n.Censored != nil:
		return "censored", n.Censored
	case n.Truncated != nil:
		return "truncated", n.Truncated
	}
	return "", nil
}

func (b *Bounds) clone() *Bounds {
	if b == nil {
		return nil
	}
	return &Bounds{Lower: b.Lower.Clone(), Upper: b.Upper.Clone()}
}

// Expr is an expression: exactly one of a reference to a node, a constant,
// or an op applied to argument expressions.
type Expr struct {
	Ref string
	// Const holds a constant's elements; Shape is nil for a scalar.
	Const []float64
	Shape []int
	Op    string
	Args  []*Expr
	ops.Attrs
}

// IsScalarConst reports whether e is a plain number: one value of the
// scalar shape, whether that is written nil or [].
func (e *Expr) IsScalarConst() bool {
	return e != nil && e.Op == "" && e.Ref == "" && len(e.Const) == 1 && len(e.Shape) == 0
}

// Refs calls f with the name of every node that e refers to.
func (e *Expr) Refs(f func(string)) {
	if e == nil {
		return
	}
	if e.Ref != "" {
		f(e.Ref)
	}
	for _, a := range e.Args {
		a.Refs(f)
	}
}

// Node returns the node with the given name, or nil.
func (m *Model) Node(name string) *Node {
	for _, n := range m.Nodes {
		if n.Name == name {
			return n
		}
	}
	return nil
}

// Clone returns a deep copy, so that rewrites never change a caller's model.
func (m *Model) Clone() *Model {
	c := &Model{Format: m.Format, NonCentered: cloneBool(m.NonCentered)}
	if m.Coords != nil {
		c.Coords = make(map[string][]Label, len(m.Coords))
		for k, v := range m.Coords {
			c.Coords[k] = append([]Label(nil), v...)
		}
	}
	c.Nodes = make([]*Node, len(m.Nodes))
	for i, n := range m.Nodes {
		c.Nodes[i] = n.Clone()
	}
	return c
}

// Clone returns a deep copy of a node (data values are shared: they are
// never modified).
func (n *Node) Clone() *Node {
	c := *n
	if n.Params != nil {
		c.Params = make(map[string]*Expr, len(n.Params))
		for k, v := range n.Params {
			c.Params[k] = v.Clone()
		}
	}
	c.Observed = n.Observed.Clone()
	c.Expr = n.Expr.Clone()
	c.Censored, c.Truncated = n.Censored.clone(), n.Truncated.clone()
	c.Shape = cloneInts(n.Shape)
	c.Dims = append([]string(nil), n.Dims...)
	if n.Dims == nil {
		c.Dims = nil
	}
	c.NonCentered = cloneBool(n.NonCentered)
	return &c
}

// Clone returns a deep copy of an expression.
func (e *Expr) Clone() *Expr {
	if e == nil {
		return nil
	}
	c := *e
	c.Const = append([]float64(nil), e.Const...)
	if e.Const == nil {
		c.Const = nil
	}
	c.Shape = cloneInts(e.Shape)
	if e.Args != nil {
		c.Args = make([]*Expr, len(e.Args))
		for i, a := range e.Args {
			c.Args[i] = a.Clone()
		}
	}
	c.Attrs = cloneAttrs(e.Attrs)
	return &c
}

func cloneAttrs(a ops.Attrs) ops.Attrs {
	c := a
	c.Axis = cloneIntPtr(a.Axis)
	c.Start = cloneIntPtr(a.Start)
	c.Stop = cloneIntPtr(a.Stop)
	c.Step = cloneIntPtr(a.Step)
	c.Shape = cloneInts(a.Shape)
	c.Perm = cloneInts(a.Perm)
	c.Offset = cloneIntPtr(a.Offset)
	c.Lower = cloneBool(a.Lower)
	c.Trans = cloneBool(a.Trans)
	return c
}

func cloneInts(s []int) []int {
	if s == nil {
		return nil
	}
	return append([]int{}, s...)
}

func cloneIntPtr(p *int) *int {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

func cloneBool(p *bool) *bool {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}
