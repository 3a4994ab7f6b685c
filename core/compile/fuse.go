package compile

import (
	"math"

	"github.com/exmc/exmc/core/dist"
	"github.com/exmc/exmc/core/expr"
	"github.com/exmc/exmc/core/fuse"
	"github.com/exmc/exmc/core/model"
	"github.com/exmc/exmc/core/ops"
	"github.com/exmc/exmc/core/shape"
)

// The fusion pass: a likelihood's parameter computed elementwise from
// scalars, arrays of the value's shape and vectors gathered by index
// arrays (mu = a[g] + b[g] * x) is computed inside the term's loop, block
// by block, with its gradient in the same pass (core/fuse), instead of by
// one instruction per op over whole arrays. What the pass does not
// recognise is laid out as before.

// fusedOps are the elementwise ops a chain computes.
var fusedOps = map[string]fuse.Op{
	"add": fuse.Add, "sub": fuse.Sub, "mul": fuse.Mul, "div": fuse.Div,
	"neg": fuse.Neg, "exp": fuse.Exp, "log": fuse.Log, "square": fuse.Square,
}

// uses counts the places each expression of the model is read from: an
// expression core/simplify made one from several is read from each.
func (b *builder) uses() map[*model.Expr]int {
	if b.used != nil {
		return b.used
	}
	b.used = map[*model.Expr]int{}
	var walk func(e *model.Expr)
	walk = func(e *model.Expr) {
		if e == nil {
			return
		}
		b.used[e]++
		if b.used[e] > 1 {
			return
		}
		for _, a := range e.Args {
			walk(a)
		}
	}
	g := b.c.graph
	for _, n := range g.Order {
		for _, e := range g.Params[n.Name] {
			walk(e)
		}
		walk(n.Observed)
		walk(n.Expr)
	}
	return b.used
}

// chainBuilder collects one term's chains and their leaves' slots.
type chainBuilder struct {
	b      *builder
	value  []int // the value's shape
	n      int
	nodes  []fuse.Node
	leaves []leaf
	total  int // nodes of the chains before this one
}

type leaf struct {
	node int // the leaf's node; its In is set once the term's inputs are known
	slot int
}

// fusable reports whether e is an op the pass computes inside the loop:
// elementwise, read only here, not yet laid out, and of the value's shape.
func (cb *chainBuilder) fusable(e *model.Expr) bool {
	b := cb.b
	if e.Ref != "" || e.Op == "" || b.uses()[e] > 1 {
		return false
	}
	if _, ok := fusedOps[e.Op]; !ok {
		return false
	}
	if _, laid := b.shared[e]; laid {
		return false
	}
	_, _, c := b.c.graph.Constant(e)
	return !c
}

// add appends the nodes computing e, returning its node, or ok false where
// some part of it cannot be read by a chain (an array broadcast along some
// axes, say).
func (cb *chainBuilder) add(e *model.Expr) (int, bool, error) {
	if !cb.fusable(e) {
		return cb.leaf(e)
	}
	op := fusedOps[e.Op]
	nd := fuse.Node{Op: op}
	var err error
	var ok bool
	if nd.A, ok, err = cb.add(e.Args[0]); !ok || err != nil {
		return 0, ok, err
	}
	if len(e.Args) > 1 {
		if nd.B, ok, err = cb.add(e.Args[1]); !ok || err != nil {
			return 0, ok, err
		}
	}
	cb.nodes = append(cb.nodes, nd)
	return len(cb.nodes) - 1, cb.total+len(cb.nodes) <= fuse.MaxNodes, nil
}

// leaf lays out e as before and reads it: as a scalar, an array of the
// value's shape, or a vector gathered along its axis by a constant index
// array of the value's length (the gather is then done by the chain).
func (cb *chainBuilder) leaf(e *model.Expr) (int, bool, error) {
	b := cb.b
	nd := fuse.Node{Op: fuse.Full}
	src := e
	if idx, ok := cb.gatherIndex(e); ok {
		nd.Op, nd.Index, src = fuse.Gather, idx, e.Args[0]
	}
	s, err := b.expr(src)
	if err != nil {
		return 0, false, err
	}
	shp := b.p.Shape(s)
	switch {
	case nd.Op == fuse.Gather:
		if len(shp) != 1 {
			return 0, false, nil
		}
	case shape.Size(shp) == 1 && len(shp) <= len(cb.value):
		nd.Op = fuse.Scalar
	case !shape.Equal(shp, cb.value):
		return 0, false, nil
	}
	cb.nodes = append(cb.nodes, nd)
	cb.leaves = append(cb.leaves, leaf{node: cb.total + len(cb.nodes) - 1, slot: int(s)})
	return len(cb.nodes) - 1, cb.total+len(cb.nodes) <= fuse.MaxNodes, nil
}

// gatherIndex returns the indices of e = v[idx] along axis 0 of a vector v
// with idx constant, of the value's length, the value a vector, and e read
// only here; ok is false otherwise, or where an index is invalid (which
// laying the gather out reports).
func (cb *chainBuilder) gatherIndex(e *model.Expr) ([]int32, bool) {
	b := cb.b
	if e.Ref != "" || e.Op != "gather" || len(e.Args) != 2 || len(cb.value) != 1 || b.uses()[e] > 1 {
		return nil, false
	}
	if _, laid := b.shared[e]; laid {
		return nil, false
	}
	if ax, err := ops.Axis(e.Attrs, 1); err != nil || ax != 0 {
		return nil, false
	}
	if _, _, c := b.c.graph.Constant(e.Args[0]); c {
		return nil, false
	}
	vals, _, c := b.c.graph.Constant(e.Args[1])
	if !c || len(vals) != cb.n {
		return nil, false
	}
	src, err := b.expr(e.Args[0])
	if err != nil {
		return nil, false
	}
	shp := b.p.Shape(src)
	if len(shp) != 1 {
		return nil, false
	}
	dim := float64(shp[0])
	idx := make([]int32, len(vals))
	for i, v := range vals {
		if v != math.Trunc(v) || v < -dim || v >= dim || dim > math.MaxInt32 {
			return nil, false
		}
		if v < 0 {
			v += dim
		}
		idx[i] = int32(v)
	}
	return idx, true
}

// fusedObserved lays out observed node n as one fused kernel, when the
// term can be cut into blocks and one of its parameters at least is a
// chain; ok is false, with nothing of the term laid out, otherwise.
func (b *builder) fusedObserved(n *model.Node) (ok bool, err error) {
	g := b.c.graph
	vr := g.Variant[n.Name]
	if vr.Dist.Layout != dist.Elementwise {
		return false, nil
	}
	cb := &chainBuilder{b: b, value: g.Shapes[n.Name], n: shape.Size(g.Shapes[n.Name])}
	if cb.n < 2*fuse.Block {
		return false, nil // too short for the blocks to pay
	}
	es := g.Params[n.Name]
	var chains []fuse.Chain
	var leaves []leaf
	fused := make([]bool, len(es))
	for i, e := range es {
		if !cb.fusable(e) {
			if _, ok := cb.gatherIndex(e); !ok {
				continue
			}
		}
		cb.nodes, cb.leaves = nil, nil
		if _, ok, err := cb.add(e); err != nil || !ok {
			if err != nil {
				return false, err
			}
			continue // laid out as before; its leaves are shared
		}
		if !cb.varies() {
			continue // a scalar: the term reads it once
		}
		chains = append(chains, fuse.Chain{Param: 1 + i, Nodes: cb.nodes})
		leaves = append(leaves, cb.leaves...)
		cb.total += len(cb.nodes)
		fused[i] = true
	}
	if len(chains) == 0 {
		return false, nil
	}
	ps := make([]param, len(es))
	for i, e := range es {
		if fused[i] {
			ps[i] = param{shape: cb.value, fused: true}
			continue
		}
		if ps[i], err = b.paramExpr(e); err != nil {
			return false, err
		}
	}
	value, err := b.expr(n.Observed)
	if err != nil {
		return false, err
	}
	term, in, err := b.term(vr, value, false, ps)
	if err != nil {
		return false, err
	}
	for i := range ps {
		if ps[i].fused {
			in[1+i] = value // not read: the chain computes it
		}
	}
	// the leaves' inputs follow the term's
	for j, l := range leaves {
		c, off := 0, l.node
		for off >= len(chains[c].Nodes) {
			off -= len(chains[c].Nodes)
			c++
		}
		chains[c].Nodes[off].In = len(in) + j
	}
	k, err := fuse.New(term, cb.n, len(in), chains)
	if err != nil {
		return false, nil
	}
	for _, l := range leaves {
		in = append(in, expr.Slot(l.slot))
	}
	in = append(in, b.p.Scratch(k.Scratch()))
	b.slots[n.Name] = value
	b.terms = append(b.terms, b.p.Apply(k, nil, in...))
	b.c.fusedTerms++
	return true, nil
}

// varies reports whether a chain reads an array: otherwise its result is
// one number, which the term reads better as it is.
func (cb *chainBuilder) varies() bool {
	for _, nd := range cb.nodes {
		if nd.Op == fuse.Full || nd.Op == fuse.Gather {
			return true
		}
	}
	return false
}
