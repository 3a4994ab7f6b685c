package compile

import (
	"fmt"

	"github.com/exmc/exmc/core/dist"
	"github.com/exmc/exmc/core/expr"
	"github.com/exmc/exmc/core/model"
	"github.com/exmc/exmc/core/shape"
	"github.com/exmc/exmc/core/transform"
)

// builder lays one program's instructions out node by node.
type builder struct {
	c     *Model
	p     *expr.Program
	in    expr.Slot
	need  map[string]bool // nil: every node
	slots map[string]expr.Slot
	terms []expr.Slot
	obs   map[string]obsEval
}

func newBuilder(c *Model, need map[string]bool) *builder {
	b := &builder{c: c, p: &expr.Program{}, need: need, slots: map[string]expr.Slot{}, obs: map[string]obsEval{}}
	b.in = b.p.Input([]int{c.dim})
	if need == nil {
		b.need = map[string]bool{}
		for _, n := range c.graph.Order {
			b.need[n.Name] = true
		}
	}
	return b
}

func (b *builder) node(n *model.Node) error {
	g := b.c.graph
	switch n.Kind {
	case model.Data:
		b.slots[n.Name] = b.p.Const(g.Shapes[n.Name], g.Values[n.Name])
	case model.Deterministic:
		s, err := b.expr(n.Expr)
		if err != nil {
			return fmt.Errorf("node %q: %w", n.Name, err)
		}
		b.slots[n.Name] = s
	case model.Potential:
		s, err := b.expr(n.Expr)
		if err != nil {
			return fmt.Errorf("node %q: %w", n.Name, err)
		}
		if shape.Size(b.p.Shape(s)) != 1 || len(b.p.Shape(s)) != 0 {
			if s, err = expr.Apply(b.p, "sum", expr.Attrs{}, s); err != nil {
				return fmt.Errorf("node %q: %w", n.Name, err)
			}
		}
		b.terms = append(b.terms, s)
	case model.Free:
		return b.free(n)
	case model.Observed:
		return b.observed(n)
	}
	return nil
}

func (b *builder) params(n *model.Node) ([]expr.Slot, [][]int, error) {
	es := b.c.graph.Params[n.Name]
	slots := make([]expr.Slot, len(es))
	shapes := make([][]int, len(es))
	for i, e := range es {
		s, err := b.expr(e)
		if err != nil {
			return nil, nil, fmt.Errorf("node %q: parameter %q: %w", n.Name, b.c.graph.Variant[n.Name].Params[i], err)
		}
		slots[i], shapes[i] = s, b.p.Shape(s)
	}
	return slots, shapes, nil
}

func (b *builder) free(n *model.Node) error {
	var par *Param
	for i := range b.c.params {
		if b.c.params[i].Name == n.Name {
			par = &b.c.params[i]
		}
	}
	vr := b.c.graph.Variant[n.Name]
	ps, pshapes, err := b.params(n)
	if err != nil {
		return err
	}
	y := b.p.View(b.in, par.Offset, par.Shape)
	value := y
	if par.Transform != transform.Identity {
		bounds, bshapes := b.bounds(vr, ps, pshapes)
		con, err := transform.NewConstrain(par.Transform, par.Shape, bshapes...)
		if err != nil {
			return fmt.Errorf("node %q: %w", n.Name, err)
		}
		value = b.p.Apply(con, par.Shape, append([]expr.Slot{y}, bounds...)...)
		jac, err := transform.NewLogJac(par.Transform, par.Shape, bshapes...)
		if err != nil {
			return fmt.Errorf("node %q: %w", n.Name, err)
		}
		b.terms = append(b.terms, b.p.Apply(jac, nil, append([]expr.Slot{y}, bounds...)...))
	}
	b.slots[n.Name] = value
	term, err := dist.NewTerm(vr, par.Shape, pshapes)
	if err != nil {
		return fmt.Errorf("node %q: %w", n.Name, err)
	}
	term.SetConstants(b.constants(ps))
	b.terms = append(b.terms, b.p.Apply(term, nil, append([]expr.Slot{value}, ps...)...))
	return nil
}

// constants lists the values of the slots that are constants, nil for the
// others.
func (b *builder) constants(slots []expr.Slot) [][]float64 {
	out := make([][]float64, len(slots))
	for i, s := range slots {
		if v, ok := b.p.IsConst(s); ok {
			out[i] = v
		}
	}
	return out
}

// bounds returns the slots of an interval transform's bounds: parameters
// of the distribution (Uniform's lower and upper, which may move with other
// variables) or its constant support.
func (b *builder) bounds(vr *dist.Variant, ps []expr.Slot, pshapes [][]int) ([]expr.Slot, [][]int) {
	if vr.Transform != dist.IntervalTransform {
		return nil, nil
	}
	var lo, hi expr.Slot
	var ls, hs []int
	if vr.Lower >= 0 {
		lo, ls = ps[vr.Lower], pshapes[vr.Lower]
	} else {
		lo = b.p.Const(nil, []float64{vr.IntervalLo})
	}
	if vr.Upper >= 0 {
		hi, hs = ps[vr.Upper], pshapes[vr.Upper]
	} else {
		hi = b.p.Const(nil, []float64{vr.IntervalHi})
	}
	return []expr.Slot{lo, hi}, [][]int{ls, hs}
}

func (b *builder) observed(n *model.Node) error {
	vr := b.c.graph.Variant[n.Name]
	ps, pshapes, err := b.params(n)
	if err != nil {
		return err
	}
	value, err := b.expr(n.Observed)
	if err != nil {
		return fmt.Errorf("node %q: observed: %w", n.Name, err)
	}
	b.slots[n.Name] = value
	vshape := b.p.Shape(value)
	term, err := dist.NewTerm(vr, vshape, pshapes)
	if err != nil {
		return fmt.Errorf("node %q: %w", n.Name, err)
	}
	term.SetConstants(b.constants(ps))
	b.terms = append(b.terms, b.p.Apply(term, nil, append([]expr.Slot{value}, ps...)...))
	b.obs[n.Name] = obsEval{term: term, value: value, params: ps}
	return nil
}

// expr lays out an expression. Whatever depends on no variable is folded
// into a constant here, once, rather than recomputed at every gradient.
func (b *builder) expr(e *model.Expr) (expr.Slot, error) {
	if vals, shp, ok := b.c.graph.Constant(e); ok {
		return b.p.Const(shp, vals), nil
	}
	switch {
	case e.Ref != "":
		s, ok := b.slots[e.Ref]
		if !ok {
			return 0, fmt.Errorf("%q is used before it is defined (a bug in ordering)", e.Ref)
		}
		return s, nil
	case e.Op == "":
		return b.p.Const(e.Shape, e.Const), nil
	}
	args := make([]expr.Slot, len(e.Args))
	for i, a := range e.Args {
		s, err := b.expr(a)
		if err != nil {
			return 0, err
		}
		args[i] = s
	}
	return expr.Apply(b.p, e.Op, e.Attrs, args...)
}
