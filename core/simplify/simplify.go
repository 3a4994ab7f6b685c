package simplify

import (
	"fmt"
	"slices"
	"sync"

	"github.com/exmc/exmc/core/dist"
	"github.com/exmc/exmc/core/model"
	"github.com/exmc/exmc/core/shape"
)

// Rule is one local rewrite. Apply is handed an expression whose arguments
// the pass has already rewritten, and returns what replaces it, with the
// same shape and the same value and gradient wherever the original is
// defined, or nil where the rule does not apply. It never modifies an
// expression: expressions are shared.
type Rule struct {
	Name  string
	Apply func(c *Context, e *model.Expr) *model.Expr
}

// Pass is a named list of rules. A pass rewrites every expression of the
// model bottom up, each with the first of its rules that applies, until
// none does; with ParamRoots, only the whole expression of a parameter
// that must be positive, where the rules choose how the likelihood takes
// it.
type Pass struct {
	Name       string
	Doc        string
	Rules      []Rule
	ParamRoots bool
}

// Passes is the fixed order in which Simplify runs the passes, round after
// round, until a whole round changes nothing.
func Passes() []Pass { return slices.Clone(passes) }

// maxRounds bounds the rounds. Each rule makes an expression smaller or
// more canonical, so a fixed point comes in a few rounds; not reaching one
// is a bug in the rules, reported as an error.
const maxRounds = 32

// Result is what Simplify made.
type Result struct {
	// Model is the simplified model: the graph's own model when nothing
	// changed, otherwise a new one whose nodes share what did not change
	// (the caller's model is never modified). Identical subexpressions
	// are one expression, shared: a compiler that lays each expression
	// out once computes them once.
	Model *model.Model
	// Changed reports whether any rule applied.
	Changed bool
	// Applied counts the rewrites made, by "pass/rule".
	Applied map[string]int
	// Rounds is the number of rounds run, the last of which changed
	// nothing.
	Rounds int
}

// Simplify runs the passes over every expression of a validated model
// (parameters, observed values, deterministics, potentials) to a fixed
// point. The result must be validated again before it is compiled.
func Simplify(g *model.Graph) (*Result, error) {
	return run(g, passes)
}

// root is one expression of the model that the passes rewrite.
type root struct {
	node  *model.Node
	param string // the distribution parameter it is, or ""
	e     *model.Expr
	was   *model.Expr // e as the model wrote it
	// positive: a parameter that must be positive
	positive bool
}

func run(g *model.Graph, list []Pass) (*Result, error) {
	c := NewContext(g)
	res := &Result{Model: g.Model, Applied: map[string]int{}}
	var roots []root
	for _, n := range g.Order {
		switch n.Kind {
		case model.Free, model.Observed:
			vr := g.Variant[n.Name]
			for _, p := range vr.Params {
				if e := n.Params[p]; e != nil {
					roots = append(roots, root{node: n, param: p, e: e, was: e, positive: positiveParam(n.Dist, p)})
				}
			}
			if n.Observed != nil {
				roots = append(roots, root{node: n, e: n.Observed, was: n.Observed})
			}
		case model.Deterministic, model.Potential:
			roots = append(roots, root{node: n, e: n.Expr, was: n.Expr})
		}
	}
	nexprs := 0
	for _, r := range roots {
		nexprs += count(r.e, map[*model.Expr]bool{})
	}
	w := &walker{c: c, applied: res.Applied, budget: 64 * (nexprs + 16)}
	for res.Rounds = 1; ; res.Rounds++ {
		if res.Rounds > maxRounds {
			return nil, fmt.Errorf("simplify: no fixed point after %d rounds (a bug in its rules)", maxRounds)
		}
		changed := false
		for i := range list {
			p := &list[i]
			w.pass, w.memo, c.canon = p, map[*model.Expr]*model.Expr{}, map[int]*model.Expr{}
			for k := range roots {
				r := &roots[k]
				var out *model.Expr
				var err error
				if p.ParamRoots {
					if !r.positive {
						continue
					}
					out, err = w.atRoot(r.e)
				} else {
					out, err = w.walk(r.e)
				}
				if err != nil {
					return nil, fmt.Errorf("node %q: %w", r.node.Name, err)
				}
				if out != r.e {
					r.e, changed = out, true
				}
			}
		}
		if !changed {
			break
		}
		res.Changed = true
	}
	if !res.Changed {
		return res, nil
	}
	// The new model is validated again, which folds its constants again
	// unless they are written as constants: what Graph.Constant has
	// folded, it holds already.
	folded := map[*model.Expr]*model.Expr{}
	for k := range roots {
		roots[k].e = c.writeConstants(roots[k].e, folded)
	}
	res.Model = rebuild(g.Model, roots)
	return res, nil
}

// writeConstants replaces each largest subexpression of e that reads no
// random variable with the constant it folds to, when that is finite
// (a model's constants must be).
func (c *Context) writeConstants(e *model.Expr, done map[*model.Expr]*model.Expr) *model.Expr {
	if out, ok := done[e]; ok {
		return out
	}
	out := e
	switch {
	case e.Op == "":
	case c.IsConst(e):
		if k, ok := c.Fold(e); ok {
			out = k
		}
	default:
		var args []*model.Expr
		for i, a := range e.Args {
			na := c.writeConstants(a, done)
			if na != a && args == nil {
				args = slices.Clone(e.Args)
			}
			if args != nil {
				args[i] = na
			}
		}
		if args != nil {
			cp := *e
			cp.Args = args
			out = &cp
		}
	}
	done[e] = out
	return out
}

// rebuild makes the model with the rewritten roots: each node that
// changed is a copy, with its own map of parameters.
func rebuild(m *model.Model, roots []root) *model.Model {
	copies := map[*model.Node]*model.Node{}
	for _, r := range roots {
		if r.e == r.was {
			continue
		}
		n := copies[r.node]
		if n == nil {
			cp := *r.node
			if r.node.Params != nil {
				cp.Params = make(map[string]*model.Expr, len(r.node.Params))
				for k, v := range r.node.Params {
					cp.Params[k] = v
				}
			}
			n = &cp
			copies[r.node] = n
		}
		switch {
		case r.param != "":
			n.Params[r.param] = r.e
		case r.node.Kind == model.Observed:
			n.Observed = r.e
		default:
			n.Expr = r.e
		}
	}
	out := *m
	out.Nodes = make([]*model.Node, len(m.Nodes))
	for i, n := range m.Nodes {
		if cp := copies[n]; cp != nil {
			out.Nodes[i] = cp
		} else {
			out.Nodes[i] = n
		}
	}
	return &out
}

func count(e *model.Expr, seen map[*model.Expr]bool) int {
	if seen[e] {
		return 0
	}
	seen[e] = true
	n := 1
	for _, a := range e.Args {
		n += count(a, seen)
	}
	return n
}

// walker runs one pass over the roots.
type walker struct {
	c       *Context
	pass    *Pass
	applied map[string]int
	budget  int
	// memo maps each expression the pass has met to what it became
	memo map[*model.Expr]*model.Expr
}

// walk rewrites e bottom up. An expression that reads no random variable
// is left as it is: the compiler folds it (Graph.Constant).
func (w *walker) walk(e *model.Expr) (*model.Expr, error) {
	if out, ok := w.memo[e]; ok {
		return out, nil
	}
	out, err := w.rewrite(e)
	if err != nil {
		return nil, err
	}
	w.memo[e] = out
	w.memo[out] = out
	return out, nil
}

func (w *walker) rewrite(e *model.Expr) (*model.Expr, error) {
	if e.Op == "" || w.c.IsConst(e) {
		return e, nil
	}
	var args []*model.Expr
	for i, a := range e.Args {
		na, err := w.walk(a)
		if err != nil {
			return nil, err
		}
		if na != a && args == nil {
			args = slices.Clone(e.Args)
		}
		if args != nil {
			args[i] = na
		}
	}
	out := e
	if args != nil {
		cp := *e
		cp.Args = args
		out = &cp
		if w.c.IsConst(out) {
			return out, nil
		}
	}
	next, err := w.apply(out)
	if err != nil || next == nil {
		return out, err
	}
	return w.walk(next)
}

// atRoot rewrites a parameter's whole expression with the pass's rules
// until none applies.
func (w *walker) atRoot(e *model.Expr) (*model.Expr, error) {
	for {
		if w.c.IsConst(e) {
			return e, nil
		}
		next, err := w.apply(e)
		if err != nil || next == nil {
			return e, err
		}
		e = next
	}
}

// apply returns what the first rule of the pass that applies makes of e,
// or nil.
func (w *walker) apply(e *model.Expr) (*model.Expr, error) {
	for _, r := range w.pass.Rules {
		next := r.Apply(w.c, e)
		if next == nil || next == e {
			continue
		}
		name := w.pass.Name + "/" + r.Name
		want, ok1 := w.c.Shape(e)
		got, ok2 := w.c.Shape(next)
		if !ok1 || !ok2 || !shape.Equal(want, got) {
			return nil, fmt.Errorf("simplify: %s turned an expression of shape %s into one of shape %s (a bug)",
				name, shape.String(want), shape.String(got))
		}
		w.applied[name]++
		if w.budget--; w.budget < 0 {
			return nil, fmt.Errorf("simplify: too many rewrites, the last %s (a bug in its rules)", name)
		}
		return next, nil
	}
	return nil, nil
}

// positiveParam reports whether a distribution's parameter must be
// positive, as the catalogue says.
func positiveParam(distName, param string) bool {
	return positiveParams()[distName+"/"+param]
}

var positiveParams = sync.OnceValue(func() map[string]bool {
	out := map[string]bool{}
	for _, row := range dist.Table().Distributions {
		for _, p := range row.Params {
			if p.Domain == "positive" {
				out[row.Name+"/"+p.Name] = true
			}
		}
	}
	return out
})
