package model

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/exmc/exmc/core/dist"
	"github.com/exmc/exmc/core/limits"
	"github.com/exmc/exmc/core/ops"
	"github.com/exmc/exmc/core/shape"
)

// Graph is a model that passed validation, with what the compiler needs:
// an order in which every node follows what it refers to, each node's
// shape, the distribution variant of each random node with its parameter
// expressions in the variant's order, and every data node's values.
type Graph struct {
	Model   *Model
	Order   []*Node
	Shapes  map[string][]int
	Variant map[string]*dist.Variant
	Params  map[string][]*Expr
	Values  map[string][]float64
	// Elements counts the elements of every node's value and of every
	// expression's result: what compiling the model allocates grows with
	// it (BytesPerElement).
	Elements int

	byName map[string]*Node
	// consts and folded hold what Constant found for each deterministic
	// and observed node and for each expression: the values of those that
	// depend on no random variable, and that the others do, so that each
	// is folded once, whoever asks and however often (ForgetConstants).
	mu     sync.Mutex
	consts map[string]constant
	folded map[*Expr]constant
}

type constant struct {
	values []float64
	shape  []int
	ok     bool
}

// BytesPerElement is what compiling a model is taken to allocate for each
// element that Graph.Elements counts: the value and adjoint of the slot it
// becomes in each of the two programs, a folded constant's copies, a
// broadcast's index map, the evaluation that folds it. Measured, compiling
// allocates 30-105 bytes per element counted (a folded broadcast of data
// the most). Validation refuses a model whose Elements times this exceeds
// the memory limit (core/limits) before anything is evaluated.
const BytesPerElement = 128

// Validate checks a model before it is compiled. arrays supplies the
// values of data nodes whose values are not inline (and may override none
// that are). Every error names its node; all nodes are checked and the
// errors joined.
func Validate(m *Model, arrays map[string][]float64) (*Graph, error) {
	if m == nil {
		return nil, errors.New("model is nil")
	}
	if m.Format != Format {
		return nil, fmt.Errorf("model format is %q, want %q", m.Format, Format)
	}
	byName := map[string]*Node{}
	v := &validator{
		m:      m,
		byName: byName,
		g: &Graph{
			Model:   m,
			Shapes:  map[string][]int{},
			Variant: map[string]*dist.Variant{},
			Params:  map[string][]*Expr{},
			Values:  map[string][]float64{},
			byName:  byName,
		},
		failed: map[string]bool{},
	}
	var err error
	if v.memLimit, v.memFrom, err = limits.MemoryLimit(); err != nil {
		return nil, err
	}
	if len(m.Nodes) == 0 {
		return nil, errors.New("model has no nodes")
	}
	for i, n := range m.Nodes {
		if n == nil {
			return nil, fmt.Errorf("node %d is null", i)
		}
		if n.Name == "" {
			v.errf(n, "node %d has no name", i)
			continue
		}
		if err := checkName(n.Name); err != nil {
			v.errf(n, "node %q: %v", n.Name, err)
			continue
		}
		if _, dup := v.byName[n.Name]; dup {
			v.errf(n, "node %q: the name is used by another node", n.Name)
			continue
		}
		v.byName[n.Name] = n
	}
	for name := range arrays {
		n, ok := v.byName[name]
		if !ok || n.Kind != Data {
			v.errs = append(v.errs, fmt.Errorf("array %q is supplied but the model has no data node of that name", name))
		}
	}
	if len(v.errs) > 0 {
		return nil, errors.Join(v.errs...)
	}
	order, err := v.order()
	if err != nil {
		return nil, err
	}
	free := 0
	for _, n := range order {
		v.node(n, arrays)
		if n.Kind == Free {
			free++
		}
		if v.overLimit != nil {
			// nothing more is evaluated once the model is too large
			if v.tooBig != nil {
				return nil, v.tooBig
			}
			return nil, v.overLimit
		}
	}
	if len(v.errs) > 0 {
		return nil, errors.Join(v.errs...)
	}
	if free == 0 {
		return nil, errors.New("model has no free random variables to sample")
	}
	for i, n := range order {
		order[i] = v.byName[n.Name] // the validation's own copy, where it made one
	}
	v.g.Order = order
	return v.g, nil
}

type validator struct {
	m      *Model
	byName map[string]*Node
	g      *Graph
	errs   []error
	failed map[string]bool
	// memLimit is the memory limit the model's Elements are held to,
	// read once; tooBig is the error of the node that crossed it.
	memLimit  uint64
	memFrom   string
	overLimit error
	tooBig    error
	// ownNodes: m is the validation's shallow copy of the caller's model,
	// whose copied nodes (copied) it may rewrite (ownCopy)
	ownNodes bool
	copied   map[*Node]bool
	// infinite names the data nodes with infinite elements, with the
	// first: they may only be a censoring or truncation bound, read
	// directly
	infinite map[string]string
}

// checkName refuses a name that would corrupt the lists of flattened
// element names ("theta[0],theta[1],..."): a comma, which separates them,
// a control character, or text that is not UTF-8. Spaces, dots, brackets
// and any other printable character are allowed; compile.Compile refuses
// the rare name that is exactly another variable's element name.
func checkName(name string) error {
	if !utf8.ValidString(name) {
		return errors.New("the name is not valid UTF-8")
	}
	for i, r := range name {
		switch {
		case r == ',':
			return fmt.Errorf("the name has a comma (at byte %d), which separates the flattened parameter names", i)
		case unicode.IsControl(r):
			return fmt.Errorf("the name has a control character %U (at byte %d)", r, i)
		}
	}
	return nil
}

// grow counts n elements of a value the model's compilation allocates, and
// fails once the model would need more memory than the limit allows.
func (v *validator) grow(n int) error {
	if v.overLimit != nil {
		return v.overLimit
	}
	v.g.Elements += n
	need := limits.Mul(limits.Uint(v.g.Elements), BytesPerElement)
	if need > v.memLimit {
		v.overLimit = &limits.MemoryError{What: "compiling the model", Need: need, Available: v.memLimit, From: v.memFrom}
		return v.overLimit
	}
	return nil
}

// size checks a shape's element count (limits.Size) and counts its
// elements (grow).
func (v *validator) size(s []int) (int, error) {
	n, err := limits.Size(s)
	if err != nil {
		return 0, err
	}
	return n, v.grow(n)
}

func (v *validator) errf(n *Node, format string, args ...any) {
	err := fmt.Errorf(format, args...)
	v.errs = append(v.errs, err)
	if n != nil {
		v.failed[n.Name] = true
	}
	if v.overLimit != nil && v.tooBig == nil {
		// the memory error, with its node's name
		v.tooBig = &nodeError{msg: err.Error(), err: v.overLimit}
	}
}

// nodeError is an error's message with its node's name, wrapping the
// error itself so that errors.As finds it.
type nodeError struct {
	msg string
	err error
}

func (e *nodeError) Error() string { return e.msg }
func (e *nodeError) Unwrap() error { return e.err }

// deps lists the nodes that n refers to, in a stable order.
func deps(n *Node) []string {
	var out []string
	add := func(s string) { out = append(out, s) }
	keys := make([]string, 0, len(n.Params))
	for k := range n.Params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		n.Params[k].Refs(add)
	}
	n.Observed.Refs(add)
	n.Expr.Refs(add)
	if _, b := n.Wrapped(); b != nil {
		b.Lower.Refs(add)
		b.Upper.Refs(add)
	}
	return out
}

// order sorts the nodes so each follows its dependencies, keeping the
// model's order where it is free to, and reports missing references and
// cycles by name.
func (v *validator) order() ([]*Node, error) {
	const (
		white = iota
		grey
		black
	)
	colour := map[string]int{}
	var out []*Node
	var errs []error
	var visit func(n *Node, path []string) bool
	visit = func(n *Node, path []string) bool {
		switch colour[n.Name] {
		case black:
			return true
		case grey:
			i := slices.Index(path, n.Name)
			cyc := append(append([]string{}, path[i:]...), n.Name)
			errs = append(errs, fmt.Errorf("node %q: its definition refers back to itself: %s", n.Name, strings.Join(cyc, " -> ")))
			return false
		}
		colour[n.Name] = grey
		ok := true
		for _, d := range deps(n) {
			dn, found := v.byName[d]
			if !found {
				errs = append(errs, fmt.Errorf("node %q: refers to %q, which is not a node of the model", n.Name, d))
				ok = false
				continue
			}
			if dn.Kind == Potential {
				errs = append(errs, fmt.Errorf("node %q: refers to %q, a potential, which has no value to refer to", n.Name, d))
				ok = false
				continue
			}
			if !visit(dn, append(path, n.Name)) {
				ok = false
			}
		}
		colour[n.Name] = black
		out = append(out, n)
		return ok
	}
	for _, n := range v.m.Nodes {
		if colour[n.Name] == white {
			visit(n, nil)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

func (v *validator) node(n *Node, arrays map[string][]float64) {
	for _, d := range deps(n) {
		if v.failed[d] {
			v.failed[n.Name] = true
			return // its own error is already reported
		}
	}
	if len(n.Dims) > 0 && n.Kind == Potential {
		v.errf(n, "node %q: a potential has no dims", n.Name)
	}
	if n.Shape != nil {
		if _, err := limits.Size(n.Shape); err != nil {
			v.errf(n, "node %q: %v", n.Name, err)
			return
		}
	}
	switch n.Kind {
	case Data:
		v.data(n, arrays)
	case Free, Observed:
		v.random(n)
	case Deterministic, Potential:
		if n.Expr == nil {
			v.errf(n, "node %q: a %s node needs \"expr\"", n.Name, n.Kind)
			return
		}
		if n.Dist != "" || n.Params != nil || n.Observed != nil {
			v.errf(n, "node %q: a %s node takes \"expr\", not a distribution", n.Name, n.Kind)
			return
		}
		s, err := v.shapeOf(n.Expr)
		if err != nil {
			v.errf(n, "node %q: %v", n.Name, err)
			return
		}
		if n.Shape != nil && !shape.Equal(n.Shape, s) {
			v.errf(n, "node %q: its expression has shape %s but the node declares %s", n.Name, shape.String(s), shape.String(n.Shape))
			return
		}
		if n.Kind == Deterministic && shape.Size(s) == 0 {
			v.errf(n, "node %q: its value has shape %s, no elements; a deterministic is reported with every draw and needs at least one", n.Name, shape.String(s))
			return
		}
		v.g.Shapes[n.Name] = s
	case "":
		v.errf(n, "node %q: has no \"kind\"", n.Name)
		return
	default:
		v.errf(n, "node %q: unknown kind %q (kinds: data, free, observed, deterministic, potential)", n.Name, n.Kind)
		return
	}
	if !v.failed[n.Name] {
		v.dims(n)
	}
}

func (v *validator) data(n *Node, arrays map[string][]float64) {
	if n.Dist != "" || n.Params != nil || n.Expr != nil || n.Observed != nil {
		v.errf(n, "node %q: a data node takes \"values\", not a distribution or expression", n.Name)
		return
	}
	for _, d := range n.Shape {
		if d < 0 {
			v.errf(n, "node %q: negative dimension in shape %v", n.Name, n.Shape)
			return
		}
	}
	switch n.DType {
	case "", Float64, Int64:
	default:
		v.errf(n, "node %q: unknown dtype %q (float64 or int64)", n.Name, n.DType)
		return
	}
	vals := n.Values
	if a, ok := arrays[n.Name]; ok {
		if n.Values != nil {
			v.errf(n, "node %q: values are both inline and supplied as an array", n.Name)
			return
		}
		vals = a
	}
	size, err := v.size(n.Shape)
	if err != nil {
		v.errf(n, "node %q: %v", n.Name, err)
		return
	}
	if vals == nil && size > 0 {
		v.errf(n, "node %q: no values: give them inline or supply the array", n.Name)
		return
	}
	if len(vals) != size {
		v.errf(n, "node %q: shape %s needs %d values, got %d", n.Name, shape.String(n.Shape), size, len(vals))
		return
	}
	for i, x := range vals {
		if math.IsInf(x, 0) {
			if _, seen := v.infinite[n.Name]; !seen {
				if v.infinite == nil {
					v.infinite = map[string]string{}
				}
				v.infinite[n.Name] = fmt.Sprintf("%v at index %d", x, i)
			}
			continue
		}
		if math.IsNaN(x) {
			v.errf(n, "node %q: data contains %v at index %d", n.Name, x, i)
			return
		}
		if n.DType == Int64 && x != math.Trunc(x) {
			v.errf(n, "node %q: int64 data has a non-integer value %v at index %d", n.Name, x, i)
			return
		}
	}
	v.g.Values[n.Name] = vals
	v.g.Shapes[n.Name] = append([]int{}, n.Shape...)
}

// ownCopy returns a node the validation may rewrite: n itself when it is
// already the validated model's own copy, else a copy (with its own
// parameter map) that replaces n in the validated model. The caller's
// model is never changed.
func (v *validator) ownCopy(n *Node) *Node {
	if v.copied[n] {
		return n
	}
	if !v.ownNodes {
		m := *v.g.Model
		m.Nodes = slices.Clone(m.Nodes)
		v.g.Model, v.m, v.ownNodes = &m, &m, true
	}
	c := *n
	c.Params = maps.Clone(n.Params)
	for i, x := range v.m.Nodes {
		if x == n {
			v.m.Nodes[i] = &c
		}
	}
	v.byName[n.Name] = &c
	if v.copied == nil {
		v.copied = map[*Node]bool{}
	}
	v.copied[&c] = true
	return &c
}

func (v *validator) random(n *Node) {
	if n.Expr != nil {
		v.errf(n, "node %q: a %s node takes a distribution, not \"expr\"", n.Name, n.Kind)
		return
	}
	if n.Dist == "" {
		v.errf(n, "node %q: a %s node needs \"dist\"", n.Name, n.Kind)
		return
	}
	d, err := dist.Lookup(n.Dist)
	if err != nil {
		v.errf(n, "node %q: %v", n.Name, err)
		return
	}
	// PyMC's other spellings (Normal's tau) become the canonical parameter,
	// a power of the alias.
	for k, p := range n.Params {
		a, ok := d.Alias(k)
		if !ok || p == nil {
			continue
		}
		if _, both := n.Params[a.Param]; both {
			v.errf(n, "node %q: give %q or %q, not both", n.Name, a.Param, k)
			return
		}
		if c, _, ok := v.g.Constant(p); ok {
			for _, x := range c {
				if !(x > 0) || math.IsInf(x, 1) {
					v.errf(n, "node %q: %s: %s must be positive and finite, got %g", n.Name, n.Dist, k, x)
					return
				}
			}
		}
	}
	for _, k := range slices.Sorted(maps.Keys(n.Params)) {
		if a, ok := d.Alias(k); ok && n.Params[k] != nil {
			n = v.ownCopy(n)
			n.Params[a.Param] = &Expr{Op: "pow", Args: []*Expr{n.Params[k], Const(a.Power)}}
			delete(n.Params, k)
		}
	}
	given := make([]string, 0, len(n.Params))
	for k, p := range n.Params {
		if p == nil {
			v.errf(n, "node %q: parameter %q is null", n.Name, k)
			return
		}
		given = append(given, k)
	}
	sort.Strings(given)
	vr, err := d.Variant(given)
	if err != nil {
		v.errf(n, "node %q: %v", n.Name, err)
		return
	}
	nbase := len(vr.Params)
	var bexprs []*Expr
	if how, b := n.Wrapped(); b != nil {
		if vr, bexprs, err = wrapVariant(n, vr, how, b); err != nil {
			v.errf(n, "node %q: %v", n.Name, err)
			return
		}
	}
	switch n.Transform {
	case "", "auto", "none":
	case "ordered":
		if bexprs != nil {
			v.errf(n, "node %q: the ordered transform does not apply to a censored or truncated variable", n.Name)
			return
		}
		if vr.Transform != dist.NoTransform {
			v.errf(n, "node %q: the ordered transform needs a distribution over the real line; %s is not", n.Name, n.Dist)
			return
		}
	default:
		v.errf(n, "node %q: unknown transform %q (auto, none or ordered)", n.Name, n.Transform)
		return
	}
	params := make([]*Expr, len(vr.Params))
	pshapes := make([][]int, len(vr.Params))
	for i, name := range vr.Params {
		var e *Expr
		var s []int
		if i >= nbase {
			// a bound: a data node with infinite elements is read directly
			e = bexprs[i-nbase]
			if _, inf := v.infinite[e.Ref]; inf && e.Op == "" {
				s = v.g.Shapes[e.Ref]
			}
		} else {
			var ok bool
			e, ok = n.Params[name]
			if !ok {
				dv, has := vr.Defaults[name]
				if !has {
					v.errf(n, "node %q: %s needs parameter %q", n.Name, n.Dist, name)
					return
				}
				e = Const(dv)
			}
		}
		params[i] = e
		if s == nil {
			var err error
			if s, err = v.shapeOf(e); err != nil {
				v.errf(n, "node %q: parameter %q: %v", n.Name, name, err)
				return
			}
		}
		pshapes[i] = s
		if c, _, ok := v.g.Constant(e); ok {
			for _, x := range c {
				if err := vr.CheckParamAt(i, x); err != nil {
					v.errf(n, "node %q: %s: %v", n.Name, n.Dist, err)
					return
				}
			}
		}
	}
	var static dist.Args
	if d.Layout == dist.Event {
		consts := make([][]float64, len(params))
		for i, e := range params {
			if c, _, ok := v.g.Constant(e); ok {
				consts[i] = c
			}
		}
		if static, err = vr.StaticArgs(consts); err != nil {
			v.errf(n, "node %q: %v", n.Name, err)
			return
		}
	}
	var value []int
	switch n.Kind {
	case Free:
		if n.Observed != nil {
			v.errf(n, "node %q: a free node has no \"observed\"; make it kind \"observed\"", n.Name)
			return
		}
		if d.Discrete {
			v.errf(n, "node %q: %s is discrete; exmc samples continuous parameters only, so it can only be observed", n.Name, n.Dist)
			return
		}
		if n.Shape != nil {
			value = append([]int{}, n.Shape...)
		} else if d.Layout == dist.Event {
			l, err := vr.SplitEvents(nil, pshapes, static)
			if err != nil {
				v.errf(n, "node %q: %v", n.Name, err)
				return
			}
			if _, err := limits.Size(l.Shape()); err != nil {
				v.errf(n, "node %q: %v", n.Name, err)
				return
			}
			value = l.Shape()
		} else if d.Vector {
			v.errf(n, "node %q: %s needs a shape", n.Name, n.Dist)
			return
		} else if d.Components {
			value, err = vr.FreeShape(pshapes)
			if err != nil {
				v.errf(n, "node %q: %s needs parameters that broadcast together with a last axis of components, got shapes %v: %v",
					n.Name, n.Dist, pshapes, err)
				return
			}
			if _, err := limits.Size(value); err != nil {
				v.errf(n, "node %q: parameters: %v", n.Name, err)
				return
			}
		} else {
			value, err = shape.Broadcast(pshapes...)
			if err != nil {
				v.errf(n, "node %q: parameters: %v", n.Name, err)
				return
			}
		}
		for _, x := range value {
			if x < 1 {
				v.errf(n, "node %q: shape %v has an empty dimension", n.Name, n.Shape)
				return
			}
		}
		if _, err := v.size(value); err != nil {
			v.errf(n, "node %q: %v", n.Name, err)
			return
		}
		if n.Transform == "ordered" && len(value) == 0 {
			v.errf(n, "node %q: the ordered transform needs a vector (it orders the last axis), got a scalar", n.Name)
			return
		}
		if n.NonCentered != nil && n.Dist != "Normal" && *n.NonCentered {
			v.errf(n, "node %q: non-centring applies to Normal nodes only", n.Name)
			return
		}
	case Observed:
		if n.Observed == nil {
			v.errf(n, "node %q: an observed node needs \"observed\"", n.Name)
			return
		}
		if n.Transform != "" && n.Transform != "auto" {
			v.errf(n, "node %q: an observed node has no transform", n.Name)
			return
		}
		value, err = v.shapeOf(n.Observed)
		if err != nil {
			v.errf(n, "node %q: observed: %v", n.Name, err)
			return
		}
		if n.Shape != nil && !shape.Equal(n.Shape, value) {
			v.errf(n, "node %q: observed values have shape %s but the node declares %s", n.Name, shape.String(value), shape.String(n.Shape))
			return
		}
		if shape.Size(value) == 0 {
			v.errf(n, "node %q: observed values have shape %s, no elements; an observed node needs at least one", n.Name, shape.String(value))
			return
		}
	}
	if d.Layout == dist.Event {
		if value == nil {
			value = []int{} // a scalar: known, not to be inferred
		}
		if _, err := vr.SplitEvents(value, pshapes, static); err != nil {
			v.errf(n, "node %q: %v", n.Name, err)
			return
		}
	} else if d.Components {
		if _, err := vr.ComponentShape(value, pshapes); err != nil {
			v.errf(n, "node %q: %v", n.Name, err)
			return
		}
	} else if d.Vector {
		if len(value) == 0 {
			v.errf(n, "node %q: %s is a distribution over a vector; give it a shape", n.Name, n.Dist)
			return
		}
		for i, s := range pshapes {
			if shape.Size(s) != 1 {
				v.errf(n, "node %q: %s parameter %q must be a scalar, got shape %s", n.Name, n.Dist, vr.Params[i], shape.String(s))
				return
			}
		}
	} else {
		for i, s := range pshapes {
			if !shape.BroadcastsTo(s, value) {
				v.errf(n, "node %q: parameter %q of shape %s does not broadcast to the node's shape %s", n.Name, vr.Params[i], shape.String(s), shape.String(value))
				return
			}
		}
	}
	if err := v.bounds(vr, params); err != nil {
		v.errf(n, "node %q: %s: %v", n.Name, n.Dist, err)
		return
	}
	if n.Kind == Observed {
		if err := v.support(n, vr, params, pshapes, value); err != nil {
			v.errf(n, "node %q: %v", n.Name, err)
			return
		}
	}
	v.g.Shapes[n.Name] = value
	v.g.Variant[n.Name] = vr
	v.g.Params[n.Name] = params
}

// wrapVariant wraps a node's variant as its censored or truncated bounds
// say, and returns the bounds' expressions in the wrapped variant's order.
func wrapVariant(n *Node, vr *dist.Variant, how string, b *Bounds) (*dist.Variant, []*Expr, error) {
	if n.Censored != nil && n.Truncated != nil {
		return nil, nil, errors.New("a node is censored or truncated, not both")
	}
	kind := dist.Truncation
	if how == "censored" {
		kind = dist.Censoring
		if n.Kind == Free {
			return nil, nil, errors.New("a censored node must be observed: censoring says how data were recorded")
		}
	}
	w, err := dist.Wrap(kind, vr, b.Lower != nil, b.Upper != nil)
	if err != nil {
		return nil, nil, err
	}
	var es []*Expr
	for _, e := range []*Expr{b.Lower, b.Upper} {
		if e != nil {
			es = append(es, e)
		}
	}
	return w, es, nil
}

// bounds checks that constant bounds given as parameters (Uniform's lower
// and upper) leave room between them: lower < upper for every element, or
// lower <= upper where both are in the support (DiscreteUniform's); and a
// censored or truncated variable's, lower <= upper.
func (v *validator) bounds(vr *dist.Variant, params []*Expr) error {
	if how, base := vr.Wrapping(); base != nil {
		if err := v.bounds(base, params[:len(base.Params)]); err != nil {
			return err
		}
		lo, hi := vr.WrapBounds()
		if lo >= 0 && hi >= 0 {
			return v.ordered(vr, params, lo, hi, true, how.String())
		}
		return nil
	}
	if vr.Support != dist.Bounded && vr.Support != dist.CountRange || vr.Lower < 0 || vr.Upper < 0 {
		return nil
	}
	return v.ordered(vr, params, vr.Lower, vr.Upper, vr.Support == dist.CountRange, "")
}

// ordered checks constant bounds params[l] < params[u] (closed: <=)
// element by element.
func (v *validator) ordered(vr *dist.Variant, params []*Expr, l, u int, closed bool, what string) error {
	lo, ls, ok1 := v.g.Constant(params[l])
	hi, hs, ok2 := v.g.Constant(params[u])
	if !ok1 || !ok2 {
		return nil // bounds that move are checked while sampling
	}
	both, err := shape.Broadcast(ls, hs)
	if err != nil {
		return err
	}
	ml, err := shape.NewMap(ls, both)
	if err != nil {
		return err
	}
	mh, err := shape.NewMap(hs, both)
	if err != nil {
		return err
	}
	for k := range shape.Size(both) {
		a, b := lo[ml.At(k)], hi[mh.At(k)]
		if !(a < b) && !(closed && a == b) {
			at := ""
			if len(both) > 0 {
				at = fmt.Sprintf(" at element %d", k)
			}
			rel := "less than"
			if closed {
				rel = "at most"
			}
			if what != "" {
				what += " bounds: "
			}
			return fmt.Errorf("%s%s must be %s %s, got %g and %g%s",
				what, vr.Params[l], rel, vr.Params[u], a, b, at)
		}
	}
	return nil
}

// support checks constant observed values against the distribution's
// support, using the parameters where the support depends on them and
// they are constant too.
func (v *validator) support(n *Node, vr *dist.Variant, params []*Expr, pshapes [][]int, value []int) error {
	obs, _, ok := v.g.Constant(n.Observed)
	if !ok {
		return nil
	}
	if vr.Dist.Layout == dist.Event {
		consts := make([][]float64, len(params))
		for i, e := range params {
			if c, _, ok := v.g.Constant(e); ok {
				consts[i] = c
			}
		}
		return vr.EventsInSupport(obs, value, consts, pshapes)
	}
	if vr.Dist.Components {
		// a mixture's support is its components', a category's the
		// integers below the number of categories
		full, err := vr.ComponentShape(value, pshapes)
		if err != nil {
			return err
		}
		cats := vr.CategoryCount(full[len(full)-1])
		for k, x := range obs {
			if !vr.InSupport(x, nil) || vr.Support == dist.Category && !(x < float64(cats)) {
				return fmt.Errorf("observed value %v at index %d is outside the support of %s (%s, with K = %d)",
					x, k, n.Dist, vr.SupportString(), cats-vr.CategoryCount(0))
			}
		}
		return nil
	}
	p := make([]float64, len(params))
	maps := make([]shape.Map, len(params))
	vals := make([][]float64, len(params))
	for i, e := range params {
		c, _, ok := v.g.Constant(e)
		if !ok {
			if vr.SupportParam(i) {
				// the bounds move with free parameters: checked while sampling
				return nil
			}
			c = []float64{math.NaN()}
			maps[i] = shape.Map{Kind: shape.Scalar}
			vals[i] = c
			continue
		}
		vals[i] = c
		if vr.Dist.Vector {
			maps[i] = shape.Map{Kind: shape.Scalar}
			continue
		}
		m, err := shape.NewMap(pshapes[i], value)
		if err != nil {
			return err
		}
		maps[i] = m
	}
	for k, x := range obs {
		for i := range p {
			p[i] = vals[i][maps[i].At(k)]
		}
		if !vr.InSupport(x, p) {
			return fmt.Errorf("observed value %v at index %d is outside the support of %s (%s)", x, k, n.Dist, vr.SupportString())
		}
	}
	return nil
}

func (v *validator) dims(n *Node) {
	if n.Dims == nil {
		return
	}
	s := v.g.Shapes[n.Name]
	if len(n.Dims) != len(s) {
		v.errf(n, "node %q: %d dims %v for a value of shape %s", n.Name, len(n.Dims), n.Dims, shape.String(s))
		return
	}
	for i, d := range n.Dims {
		if labels, ok := v.m.Coords[d]; ok && len(labels) != s[i] {
			v.errf(n, "node %q: dim %q has %d coordinates but the axis has length %d", n.Name, d, len(labels), s[i])
			return
		}
	}
}

// shapeOf infers an expression's shape, checking ops, arity, references
// and gather indices.
func (v *validator) shapeOf(e *Expr) ([]int, error) {
	switch {
	case e == nil:
		return nil, errors.New("missing expression")
	case (e.Ref != "" || e.Op == "") && (len(e.Args) > 0 || !reflect.ValueOf(e.Attrs).IsZero()):
		what := "a constant"
		if e.Ref != "" {
			what = fmt.Sprintf("the reference to %q", e.Ref)
		}
		return nil, fmt.Errorf("%s has arguments or op attributes; only an op takes them", what)
	case e.Ref != "":
		n := v.byName[e.Ref]
		s, ok := v.g.Shapes[n.Name]
		if !ok {
			return nil, fmt.Errorf("%q has no value", e.Ref)
		}
		if at, inf := v.infinite[e.Ref]; inf {
			return nil, fmt.Errorf("data node %q contains %s; infinite data can only be a censoring or truncation bound, referred to directly", e.Ref, at)
		}
		return s, nil
	case e.Op == "":
		n, err := v.size(e.Shape)
		if err != nil {
			return nil, fmt.Errorf("constant: %w", err)
		}
		if len(e.Const) != n {
			return nil, fmt.Errorf("constant of shape %s has %d values", shape.String(e.Shape), len(e.Const))
		}
		for _, x := range e.Const {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return nil, fmt.Errorf("constant contains %v", x)
			}
		}
		return e.Shape, nil
	}
	if !ops.Known(e.Op) {
		return nil, fmt.Errorf("unknown op %q (ops: %s)", e.Op, strings.Join(ops.Names(), ", "))
	}
	args := make([][]int, len(e.Args))
	for i, a := range e.Args {
		s, err := v.shapeOf(a)
		if err != nil {
			return nil, err
		}
		args[i] = s
	}
	if e.Op == "gather" && len(e.Args) == 2 {
		if err := v.index(e, args[0]); err != nil {
			return nil, err
		}
	}
	if (e.Op == "scatter" || e.Op == "scatter_add") && len(e.Args) == 3 {
		if err := v.flatIndex(e, args[0]); err != nil {
			return nil, err
		}
	}
	s, err := ops.InferShape(e.Op, e.Attrs, args)
	if err != nil {
		return nil, err
	}
	if _, err := v.size(s); err != nil {
		return nil, fmt.Errorf("%s: %w", e.Op, err)
	}
	return s, nil
}

// flatIndex checks that a scatter's index is a constant integer array of
// positions in x flattened, x of shape dst.
func (v *validator) flatIndex(e *Expr, dst []int) error {
	idx, _, ok := v.g.Constant(e.Args[1])
	if !ok {
		return fmt.Errorf("%s: the index must be constant integer data", e.Op)
	}
	n := float64(shape.Size(dst))
	for k, x := range idx {
		if x != math.Trunc(x) {
			return fmt.Errorf("%s: index %v at position %d is not an integer", e.Op, x, k)
		}
		if x >= n || x < -n {
			return fmt.Errorf("%s: index %v at position %d is out of range for an array of shape %s", e.Op, x, k, shape.String(dst))
		}
	}
	return nil
}

// index checks that a gather's index is a constant integer array within
// the gathered axis of src, the shape of what it gathers from.
func (v *validator) index(e *Expr, src []int) error {
	idx, _, ok := v.g.Constant(e.Args[1])
	if !ok {
		return errors.New("gather: the index must be constant integer data")
	}
	if len(src) == 0 {
		return errors.New("gather: cannot index a scalar")
	}
	axis := 0
	if e.Axis != nil {
		axis = *e.Axis
	}
	if axis < 0 {
		axis += len(src)
	}
	if axis < 0 || axis >= len(src) {
		return fmt.Errorf("gather: axis %d out of range for shape %s", axis, shape.String(src))
	}
	for k, x := range idx {
		if x != math.Trunc(x) {
			return fmt.Errorf("gather: index %v at position %d is not an integer", x, k)
		}
		if x >= float64(src[axis]) || x < -float64(src[axis]) {
			return fmt.Errorf("gather: index %v at position %d is out of range for an axis of length %d", x, k, src[axis])
		}
	}
	return nil
}

// Constant evaluates an expression that reads only constants and data
// (directly or through deterministics and observed values), as the
// compiler folds it; ok is false when it depends on a random variable.
// It is the one place constants are folded: each expression and each
// deterministic or observed node is evaluated once, and later calls, on
// it or on an expression that contains it, read its values, which the
// caller must not modify, from a cache that ForgetConstants empties. So
// asking at every node of an expression, as the compiler does, costs time
// linear in its size, not in its size times its depth.
func (g *Graph) Constant(e *Expr) (values []float64, shp []int, ok bool) {
	return g.Evaluate(e, nil)
}

// ForgetConstants empties the cache of Constant, once whoever folds
// constants holds its own copies.
func (g *Graph) ForgetConstants() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.consts, g.folded = nil, nil
}

func (g *Graph) cachedNode(name string) (constant, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	c, ok := g.consts[name]
	return c, ok
}

func (g *Graph) cacheNode(name string, c constant) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.consts == nil {
		g.consts = map[string]constant{}
	}
	g.consts[name] = c
}

func (g *Graph) cachedExpr(e *Expr) (constant, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	c, ok := g.folded[e]
	return c, ok
}

func (g *Graph) cacheExpr(e *Expr, c constant) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.folded == nil {
		g.folded = map[*Expr]constant{}
	}
	g.folded[e] = c
}

// node evaluates a deterministic or observed node's expression, through
// the cache of Constant: a node that depends on no random variable is
// evaluated once, whatever at holds.
func (g *Graph) node(n *Node, e *Expr, at map[string][]float64) ([]float64, []int, bool) {
	c, ok := g.cachedNode(n.Name)
	if !ok {
		c.values, c.shape, c.ok = g.Evaluate(e, nil)
		g.cacheNode(n.Name, c)
	}
	if c.ok || at == nil {
		return c.values, c.shape, c.ok
	}
	return g.Evaluate(e, at)
}

// Evaluate is Constant with the free variables named in at set to the given
// values (row-major, each of its node's shape); ok is false when e reads a
// random variable that at does not set.
func (g *Graph) Evaluate(e *Expr, at map[string][]float64) (values []float64, shp []int, ok bool) {
	switch {
	case e == nil:
		return nil, nil, false
	case e.Ref != "":
		n := g.byName[e.Ref]
		if n == nil {
			return nil, nil, false
		}
		switch n.Kind {
		case Data:
			vals, ok := g.Values[n.Name]
			return vals, g.Shapes[n.Name], ok
		case Deterministic:
			return g.node(n, n.Expr, at)
		case Observed:
			return g.node(n, n.Observed, at)
		case Free:
			vals, ok := at[n.Name]
			return vals, g.Shapes[n.Name], ok
		}
		return nil, nil, false
	case e.Op == "":
		return e.Const, e.Shape, true
	}
	// a constant holds whatever at holds; what depends on a variable is
	// evaluated again when at sets the variables
	if c, ok := g.cachedExpr(e); ok && (c.ok || at == nil) {
		return c.values, c.shape, c.ok
	}
	notConst := func() ([]float64, []int, bool) {
		if at == nil {
			g.cacheExpr(e, constant{})
		}
		return nil, nil, false
	}
	args := make([][]float64, len(e.Args))
	shapes := make([][]int, len(e.Args))
	for i, a := range e.Args {
		c, s, ok := g.Evaluate(a, at)
		if !ok {
			return notConst()
		}
		args[i], shapes[i] = c, s
	}
	out, s, err := ops.Eval(e.Op, e.Attrs, args, shapes)
	if err != nil {
		return notConst()
	}
	if at == nil {
		g.cacheExpr(e, constant{values: out, shape: s, ok: true})
	}
	return out, s, true
}
