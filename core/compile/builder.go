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
	runs    map[string][]Param // a group's members, by its first
	// logs maps a slot known to be positive, the exponential of another,
	// to that other slot: a term reads log(p) from there instead of taking
	// it. rearranged records the slots that only move another's elements
	// (reshape, slice, transpose, gather), whose logarithms follow from
	// that slot's by the same op, laid out only when a term takes them.
	logs       map[expr.Slot]expr.Slot
	rearranged map[expr.Slot]rearrangement
	// jacobians maps the value of a log-transformed variable to the index
	// in terms of its log-Jacobian, which its prior's term takes over when
	// it takes the value by its logarithm
	jacobians map[expr.Slot]int
	// shared maps each expression laid out to its slot, so that an
	// expression read in several places (core/simplify makes identical
	// subexpressions one) is computed once; nil in the plain program,
	// which lays out every use on its own
	shared map[*model.Expr]expr.Slot
	// fuse: the fusion pass runs (fuse.go); used counts the readers of
	// each expression, once it asks
	fuse bool
	used map[*model.Expr]int
}

// rearrangement is an op that moves the elements of args[0] without
// changing them.
type rearrangement struct {
	op    string
	attrs expr.Attrs
	args  []expr.Slot
}

// rearranging lists the ops a rearrangement may be.
var rearranging = map[string]bool{"reshape": true, "slice": true, "transpose": true, "gather": true}

// param is one parameter of a distribution as the builder lays it out.
// An exp(expr) parameter waits with only its argument laid out (lazy), so
// that a term that works from the logarithm alone spares the exponential.
type param struct {
	slot  expr.Slot
	shape []int
	log   expr.Slot
	// e is a lazy parameter's exp(expr)
	e *model.Expr
	// hasLog: log(slot) is at hand, in log once laid out (logOf) or
	// where slot is lazy; lazy: slot is not laid out yet
	hasLog, lazy bool
	// fused: a chain of the fusion pass computes it (fuse.go); the term
	// reads it from no slot
	fused bool
}

func newBuilder(c *Model, need map[string]bool) *builder {
	b := &builder{c: c, p: &expr.Program{}, need: need, slots: map[string]expr.Slot{}, obs: map[string]obsEval{},
		logs: map[expr.Slot]expr.Slot{}, rearranged: map[expr.Slot]rearrangement{}, jacobians: map[expr.Slot]int{}}
	b.in = b.p.Input([]int{c.dim})
	if !c.plain {
		b.shared = map[*model.Expr]expr.Slot{}
	}
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

func (b *builder) params(n *model.Node) ([]param, error) {
	es := b.c.graph.Params[n.Name]
	ps := make([]param, len(es))
	for i, e := range es {
		p, err := b.paramExpr(e)
		if err != nil {
			return nil, fmt.Errorf("node %q: parameter %q: %w", n.Name, b.c.graph.Variant[n.Name].Params[i], err)
		}
		ps[i] = p
	}
	return ps, nil
}

// paramExpr lays out one parameter, all but the exponential of an
// exp(expr), and finds its logarithm where it is at hand.
func (b *builder) paramExpr(e *model.Expr) (param, error) {
	_, laid := b.shared[e]
	if _, _, c := b.c.graph.Constant(e); !c && !laid && !b.c.plain && e.Ref == "" && e.Op == "exp" && len(e.Args) == 1 {
		a, err := b.expr(e.Args[0])
		if err != nil {
			return param{}, err
		}
		return param{shape: b.p.Shape(a), log: a, e: e, hasLog: true, lazy: true}, nil
	}
	s, err := b.expr(e)
	if err != nil {
		return param{}, err
	}
	return param{slot: s, shape: b.p.Shape(s), hasLog: b.hasLog(s)}, nil
}

// lay lays out a lazy parameter's exponential.
func (b *builder) lay(p *param) error {
	if !p.lazy {
		return nil
	}
	if s, ok := b.shared[p.e]; ok {
		// laid out since, for another reader
		p.slot, p.lazy = s, false
		return nil
	}
	s, err := expr.Apply(b.p, "exp", expr.Attrs{}, p.log)
	if err != nil {
		return err
	}
	b.logs[s] = p.log
	if b.shared != nil {
		b.shared[p.e] = s
	}
	p.slot, p.lazy = s, false
	return nil
}

// hasLog reports whether log(s) is at hand: s is an exponential, or a
// rearrangement of one.
func (b *builder) hasLog(s expr.Slot) bool {
	for {
		if _, ok := b.logs[s]; ok {
			return true
		}
		r, ok := b.rearranged[s]
		if !ok {
			return false
		}
		s = r.args[0]
	}
}

// logOf returns the slot holding log(s), for s with hasLog, laying out the
// rearrangements that lead to it (once).
func (b *builder) logOf(s expr.Slot) (expr.Slot, error) {
	if l, ok := b.logs[s]; ok {
		return l, nil
	}
	r := b.rearranged[s]
	l, err := b.logOf(r.args[0])
	if err != nil {
		return 0, err
	}
	if l, err = expr.Apply(b.p, r.op, r.attrs, append([]expr.Slot{l}, r.args[1:]...)...); err != nil {
		return 0, err
	}
	b.logs[s] = l
	return l, nil
}

// term builds the Term of variant vr over value, and lists its inputs. A
// parameter whose logarithm is at hand is offered it (dist.Term.GiveLog):
// alone where the parameter itself is not laid out yet, or is a single
// number, whose exponential the term takes at the cost of the division it
// no longer needs; beside the parameter otherwise, since the array's
// exponentials are taken anyway. With logValue, a log-transformed free
// variable's value is offered the same way (GiveLogValue), its
// log-Jacobian then in the term. An exponential that every reader takes
// alone is then left out of the evaluation (expr.GradPlan runs only what
// the objective reads).
func (b *builder) term(vr *dist.Variant, value expr.Slot, logValue bool, ps []param) (*dist.Term, []expr.Slot, error) {
	shapes := make([][]int, len(ps))
	consts := make([][]float64, len(ps))
	for i := range ps {
		shapes[i] = ps[i].shape
		if !ps[i].lazy && !ps[i].fused {
			consts[i], _ = b.p.IsConst(ps[i].slot)
		}
	}
	term, err := dist.NewTermConst(vr, b.p.Shape(value), shapes, consts)
	if err != nil {
		return nil, nil, err
	}
	in := make([]expr.Slot, len(ps))
	if b.c.plain || term.Scratch() > 0 {
		for i := range ps {
			if err := b.lay(&ps[i]); err != nil {
				return nil, nil, err
			}
			in[i] = ps[i].slot
		}
		in = append([]expr.Slot{value}, in...)
		if n := term.Scratch(); n > 0 {
			// working space, the term's last input
			in = append(in, b.p.Scratch(n))
		}
		return term, in, nil
	}
	if l, ok := b.logs[value]; ok && logValue {
		if j, ok := b.jacobians[value]; ok && term.GiveLogValue() {
			// the term is y's density, log-Jacobian included
			b.terms[j] = -1
			value = l
		}
	}
	var logs []expr.Slot
	for i := range ps {
		p := &ps[i]
		if p.fused {
			continue
		}
		if p.lazy && term.GiveLog(i, true) {
			in[i] = p.log
			continue
		}
		if p.hasLog && shape.Size(p.shape) == 1 && term.GiveLog(i, true) {
			l, err := b.logOf(p.slot)
			if err != nil {
				return nil, nil, err
			}
			in[i] = l
			continue
		}
		if err := b.lay(p); err != nil {
			return nil, nil, err
		}
		in[i] = p.slot
		if p.hasLog && term.GiveLog(i, false) {
			l, err := b.logOf(p.slot)
			if err != nil {
				return nil, nil, err
			}
			logs = append(logs, l)
		}
	}
	return term, append(append([]expr.Slot{value}, in...), logs...), nil
}

func (b *builder) free(n *model.Node) error {
	vr := b.c.graph.Variant[n.Name]
	ps, err := b.params(n)
	if err != nil {
		return err
	}
	if b.grouped[n.Name] {
		return nil // its prior is in its group's term
	}
	par := b.param(n.Name)
	value, ok := b.slots[n.Name]
	if v, first := b.groups[n.Name]; first {
		value = v
		if ps, err = b.groupParams(b.runs[n.Name], ps); err != nil {
			return fmt.Errorf("node %q: %w", n.Name, err)
		}
	}
	if !ok {
		slots := make([]expr.Slot, len(ps))
		pshapes := make([][]int, len(ps))
		for i := range ps {
			if i == vr.Lower || i == vr.Upper {
				if err := b.lay(&ps[i]); err != nil {
					return fmt.Errorf("node %q: %w", n.Name, err)
				}
			}
			slots[i], pshapes[i] = ps[i].slot, ps[i].shape
		}
		if value, err = b.constrain(par, vr, slots, pshapes); err != nil {
			return fmt.Errorf("node %q: %w", n.Name, err)
		}
		b.slots[n.Name] = value
	}
	// A variable's own value by its logarithm when it is a single number,
	// as its other readers take it (see term)
	scalars := par.Size == 1
	for _, m := range b.runs[n.Name] {
		scalars = scalars && m.Size == 1
	}
	term, in, err := b.term(vr, value, scalars, ps)
	if err != nil {
		return fmt.Errorf("node %q: %w", n.Name, err)
	}
	b.terms = append(b.terms, b.p.Apply(term, nil, in...))
	return nil
}

// objective lists the slots whose sum is the log-density: the terms but
// the log-Jacobians that terms took over.
func (b *builder) objective() []expr.Slot {
	var out []expr.Slot
	for _, s := range b.terms {
		if s >= 0 {
			out = append(out, s)
		}
	}
	return out
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
	b.groups, b.grouped, b.runs = map[string]expr.Slot{}, map[string]bool{}, map[string][]Param{}
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
			par.Transform.NumBounds() > 0 && (vr.Lower >= 0 || vr.Upper >= 0) {
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
	b.runs[par.Name] = run
	ly, hasLog := b.logs[value]
	for k := range run {
		m := &run[k]
		b.slots[m.Name] = b.p.View(value, m.Offset-par.Offset, m.Shape)
		if hasLog {
			b.logs[b.slots[m.Name]] = b.p.View(ly, m.Offset-par.Offset, m.Shape)
		}
		if k > 0 {
			b.grouped[m.Name] = true
		}
	}
	return nil
}

// siblings reports whether q, which follows p in the point, can share p's
// term: the same distribution, the same transform (one that reads no
// bounds), and parameters that are each the same single-element node, or
// constants (the shared term reads the members' constants laid end to end,
// v ~ Normal(0, 3) and z ~ Normal(0, 1) one term with sigma (3, 1, ...)).
func (b *builder) siblings(p, q *Param) bool {
	g := b.c.graph
	vr := g.Variant[p.Name]
	if b.c.plain || vr != g.Variant[q.Name] || vr.Dist.Layout != dist.Elementwise ||
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
		if !b.sameScalar(pe[i], qe[i]) && !b.constants(pe[i], qe[i]) {
			return false
		}
	}
	return true
}

func (b *builder) constants(e, f *model.Expr) bool {
	_, _, ok1 := b.c.graph.Constant(e)
	_, _, ok2 := b.c.graph.Constant(f)
	return ok1 && ok2
}

// groupParams returns the parameters of a run of siblings' shared term:
// the first member's, except constants that are not one value for every
// member, which become the members' constants, each broadcast to its
// member's shape, laid end to end.
func (b *builder) groupParams(run []Param, ps []param) ([]param, error) {
	g := b.c.graph
	out := append([]param(nil), ps...)
	for i := range ps {
		if ps[i].lazy {
			continue
		}
		if _, ok := b.p.IsConst(ps[i].slot); !ok {
			continue
		}
		var all []float64
		same := true
		for _, m := range run {
			vals, shp, ok := g.Constant(g.Params[m.Name][i])
			if !ok {
				return nil, fmt.Errorf("parameter %d of %q is not a constant (a bug in grouping)", i, m.Name)
			}
			mp, err := shape.NewMap(shp, m.Shape)
			if err != nil {
				return nil, err
			}
			for k := range m.Size {
				v := vals[mp.At(k)]
				same = same && (len(all) == 0 || v == all[0])
				all = append(all, v)
			}
		}
		if same {
			continue
		}
		n := []int{len(all)}
		out[i] = param{slot: b.p.Const(n, all), shape: n}
	}
	return out, nil
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
	if par.Transform.Resizes() {
		// the unconstrained block has another shape than the value
		xs := b.c.graph.Shapes[par.Name]
		con, err := transform.NewConstrainAxes(par.Transform, par.Shape, par.Axes)
		if err != nil {
			return 0, err
		}
		if par.Transform != transform.ZeroSum {
			// ZeroSum's log-Jacobian is 0
			jac, err := transform.NewLogJacAxes(par.Transform, par.Shape, par.Axes)
			if err != nil {
				return 0, err
			}
			b.terms = append(b.terms, b.p.Apply(jac, nil, y))
		}
		in := []expr.Slot{y}
		if n := con.Scratch(); n > 0 {
			in = append(in, b.p.Scratch(n))
		}
		return b.p.Apply(con, xs, in...), nil
	}
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
		b.logs[value] = y
	} else {
		con, err := transform.NewConstrain(par.Transform, par.Shape, bshapes...)
		if err != nil {
			return 0, err
		}
		value = b.p.Apply(con, par.Shape, append([]expr.Slot{y}, bounds...)...)
	}
	switch par.Transform {
	case transform.Log:
		// The log-Jacobian is the sum of y itself: the objective sums the
		// view of the point directly, with no instruction.
		if par.Transform == transform.Log && len(bounds) == 0 {
			b.jacobians[value] = len(b.terms)
		}
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

// bounds returns the slots of an interval transform's bounds: parameters
// of the distribution (Uniform's lower and upper, a truncated variable's
// bounds, which may move with other variables) or its constant support.
func (b *builder) bounds(vr *dist.Variant, ps []expr.Slot, pshapes [][]int) ([]expr.Slot, [][]int) {
	switch vr.Transform {
	case dist.LowerBoundTransform:
		return []expr.Slot{ps[vr.Lower]}, [][]int{pshapes[vr.Lower]}
	case dist.UpperBoundTransform:
		return []expr.Slot{ps[vr.Upper]}, [][]int{pshapes[vr.Upper]}
	case dist.IntervalTransform:
	default:
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
	if b.fuse {
		if ok, err := b.fusedObserved(n); ok || err != nil {
			if err != nil {
				err = fmt.Errorf("node %q: %w", n.Name, err)
			}
			return err
		}
	}
	vr := b.c.graph.Variant[n.Name]
	ps, err := b.params(n)
	if err != nil {
		return err
	}
	value, err := b.expr(n.Observed)
	if err != nil {
		return fmt.Errorf("node %q: observed: %w", n.Name, err)
	}
	b.slots[n.Name] = value
	term, in, err := b.term(vr, value, false, ps)
	if err != nil {
		return fmt.Errorf("node %q: %w", n.Name, err)
	}
	b.terms = append(b.terms, b.p.Apply(term, nil, in...))
	b.obs[n.Name] = obsEval{term: term, value: value, params: in[1:]}
	return nil
}

// expr lays out an expression, once however many read it. Whatever
// depends on no variable is folded into a constant here, once, rather
// than recomputed at every gradient.
func (b *builder) expr(e *model.Expr) (expr.Slot, error) {
	if s, ok := b.shared[e]; ok {
		return s, nil
	}
	s, err := b.layOut(e)
	if err == nil && b.shared != nil && e.Ref == "" {
		b.shared[e] = s
	}
	return s, err
}

func (b *builder) layOut(e *model.Expr) (expr.Slot, error) {
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
	s, err := expr.Apply(b.p, e.Op, e.Attrs, args...)
	if err != nil {
		return 0, err
	}
	switch {
	case e.Op == "exp":
		b.logs[s] = args[0]
	case rearranging[e.Op]:
		b.rearranged[s] = rearrangement{op: e.Op, attrs: e.Attrs, args: args}
	}
	return s, nil
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
		if _, laid := b.shared[m]; laid {
			continue // the product is at hand: one addition
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
