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
	// groups maps the first variable of each run of siblings (see
	// constrainEarly) to the run's value; later members are in grouped.
	groups  map[string]expr.Slot
	grouped map[string]bool
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
	vr := b.c.graph.Variant[n.Name]
	ps, pshapes, err := b.params(n)
	if err != nil {
		return err
	}
	if b.grouped[n.Name] {
		return nil // its prior is in its group's term
	}
	par := b.param(n.Name)
	shp := par.Shape
	value, ok := b.slots[n.Name]
	if v, first := b.groups[n.Name]; first {
		value, shp = v, b.p.Shape(v)
	}
	if !ok {
		if value, err = b.constrain(par, vr, ps, pshapes); err != nil {
			return fmt.Errorf("node %q: %w", n.Name, err)
		}
		b.slots[n.Name] = value
	}
	term, err := dist.NewTerm(vr, shp, pshapes)
	if err != nil {
		return fmt.Errorf("node %q: %w", n.Name, err)
	}
	term.SetConstants(b.constants(ps))
	b.terms = append(b.terms, b.p.Apply(term, nil, append([]expr.Slot{value}, ps...)...))
	return nil
}

func (b *builder) param(name string) *Param {
	for i := range b.c.params {
		if b.c.params[i].Name == name {
			return &b.c.params[i]
		}
	}
	return nil
}

// constrainEarly lays out, before anything else, the constrained value of
// every free variable whose transform reads nothing but its own block of
// the point. Their exponentials and sigmoids then do not wait on each
// other, nor on the terms, and the processor overlaps them.
//
// Free variables next to each other in the point with the same prior
// (alpha and beta both Normal(mu, sigma), say) are constrained together
// and share one term: one instruction, one log(sigma), instead of one each.
func (b *builder) constrainEarly() error {
	b.groups, b.grouped = map[string]expr.Slot{}, map[string]bool{}
	ps := b.c.params
	for i := 0; i < len(ps); {
		j := i + 1
		for j < len(ps) && b.siblings(&ps[j-1], &ps[j]) {
			j++
		}
		if err := b.constrainRun(ps[i:j]); err != nil {
			return fmt.Errorf("node %q: %w", ps[i].Name, err)
		}
		i = j
	}
	return nil
}

// constrainRun constrains one run of siblings, or one variable alone.
func (b *builder) constrainRun(run []Param) error {
	par := &run[0]
	vr := b.c.graph.Variant[par.Name]
	if len(run) == 1 {
		if par.Transform == transform.Identity || !b.need[par.Name] ||
			vr.Transform == dist.IntervalTransform && (vr.Lower >= 0 || vr.Upper >= 0) {
			return nil
		}
		s, err := b.constrain(par, vr, nil, nil)
		b.slots[par.Name] = s
		return err
	}
	last := &run[len(run)-1]
	whole := *par
	whole.Size = last.Offset + last.Size - par.Offset
	whole.Shape = []int{whole.Size}
	value, err := b.constrain(&whole, vr, nil, nil)
	if err != nil {
		return err
	}
	b.groups[par.Name] = value
	for k := range run {
		m := &run[k]
		b.slots[m.Name] = b.p.View(value, m.Offset-par.Offset, m.Shape)
		if k > 0 {
			b.grouped[m.Name] = true
		}
	}
	return nil
}

// siblings reports whether q, which follows p in the point, can share p's
// term: the same distribution, the same transform (one that reads no
// bounds), and the same single-element parameters, each the same node or
// the same constant.
func (b *builder) siblings(p, q *Param) bool {
	g := b.c.graph
	vr := g.Variant[p.Name]
	if vr != g.Variant[q.Name] || vr.Dist.Vector || vr.Dist.Components ||
		p.Transform != q.Transform || !b.need[p.Name] || !b.need[q.Name] ||
		q.Offset != p.Offset+p.Size {
		return false
	}
	switch p.Transform {
	case transform.Identity, transform.Log:
	default:
		return false
	}
	pe, qe := g.Params[p.Name], g.Params[q.Name]
	if len(pe) != len(qe) {
		return false
	}
	for i := range pe {
		if !b.sameScalar(pe[i], qe[i]) {
			return false
		}
	}
	return true
}

func (b *builder) sameScalar(e, f *model.Expr) bool {
	g := b.c.graph
	if e.Ref != "" || f.Ref != "" {
		return e.Ref == f.Ref && e.Op == "" && f.Op == "" && shape.Size(g.Shapes[e.Ref]) == 1
	}
	ev, _, ok1 := g.Constant(e)
	fv, _, ok2 := g.Constant(f)
	return ok1 && ok2 && len(ev) == 1 && len(fv) == 1 && ev[0] == fv[0]
}

// constrain lays out a free variable's constrained value and adds its
// log-Jacobian to the terms. ps and pshapes are the distribution's
// parameters; they are only read for bounds that are parameters.
func (b *builder) constrain(par *Param, vr *dist.Variant, ps []expr.Slot, pshapes [][]int) (expr.Slot, error) {
	y := b.p.View(b.in, par.Offset, par.Shape)
	if par.Transform == transform.Identity {
		return y, nil
	}
	bounds, bshapes := b.bounds(vr, ps, pshapes)
	var value expr.Slot
	if par.Transform == transform.Log && len(bounds) == 0 {
		// The same map, x = e^y, through the exp op, whose kernel runs the
		// faster exponential over the whole block.
		v, err := expr.Apply(b.p, "exp", expr.Attrs{}, y)
		if err != nil {
			return 0, err
		}
		value = v
	} else {
		con, err := transform.NewConstrain(par.Transform, par.Shape, bshapes...)
		if err != nil {
			return 0, err
		}
		value = b.p.Apply(con, par.Shape, append([]expr.Slot{y}, bounds...)...)
	}
	switch par.Transform {
	case transform.Log, transform.LowerBound, transform.UpperBound:
		// The log-Jacobian is the sum of y itself: the objective sums the
		// view of the point directly, with no instruction.
		b.terms = append(b.terms, y)
	default:
		jac, err := transform.NewLogJac(par.Transform, par.Shape, bshapes...)
		if err != nil {
			return 0, err
		}
		b.terms = append(b.terms, b.p.Apply(jac, nil, append([]expr.Slot{y}, bounds...)...))
	}
	return value, nil
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
	if s, ok, err := b.mulAdd(e); ok || err != nil {
		return s, err
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

// mulAdd lays out add(x, mul(y, z)), in either order of the add, as one
// instruction; ok is false for any other expression. A product that
// depends on no variable is left to be folded.
func (b *builder) mulAdd(e *model.Expr) (s expr.Slot, ok bool, err error) {
	if e.Op != "add" || len(e.Args) != 2 {
		return 0, false, nil
	}
	for i, m := range e.Args {
		if m.Ref != "" || m.Op != "mul" || len(m.Args) != 2 {
			continue
		}
		if _, _, c := b.c.graph.Constant(m); c {
			continue
		}
		var ops [3]expr.Slot
		for j, a := range []*model.Expr{e.Args[1-i], m.Args[0], m.Args[1]} {
			if ops[j], err = b.expr(a); err != nil {
				return 0, true, err
			}
		}
		s, err = expr.MulAdd(b.p, ops[0], ops[1], ops[2])
		return s, true, err
	}
	return 0, false, nil
}
