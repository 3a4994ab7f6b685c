package compile

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"

	"github.com/exmc/exmc/core/dist"
	"github.com/exmc/exmc/core/expr"
	"github.com/exmc/exmc/core/limits"
	"github.com/exmc/exmc/core/model"
	"github.com/exmc/exmc/core/rewrite"
	"github.com/exmc/exmc/core/shape"
	"github.com/exmc/exmc/core/simplify"
	"github.com/exmc/exmc/core/transform"
)

// Var is a variable reported with each draw: a free variable on its
// constrained scale, or a deterministic. Offset and Size locate it in the
// vector that Constrain writes.
type Var struct {
	Name   string
	Kind   model.Kind
	Shape  []int
	Dims   []string
	Offset int
	Size   int
}

// Param is one free variable's block of the unconstrained vector, of
// Shape: the variable's own shape, or its transform's (PyMC's simplex
// takes K values from K-1 coordinates).
type Param struct {
	Name      string // the node
	ValueName string // the unconstrained value's name, as PyMC spells it
	Offset    int
	Size      int
	Shape     []int
	Transform transform.Kind
	// Aux is the non-centred node this standard-normal block stands for,
	// or "" for a variable of the model as written.
	Aux string
	// Axes is the number of event axes of a multivariate variable (the
	// axes a ZeroSum transform works over), 0 for the others.
	Axes int
}

// eventAxes is the number of event axes of node name's value: 0 but for
// a multivariate distribution (dist.Event), whose static parameters the
// validator has checked to be constants.
func eventAxes(g *model.Graph, name string) (int, error) {
	vr := g.Variant[name]
	if vr.Dist.Layout != dist.Event {
		return 0, nil
	}
	es := g.Params[name]
	consts := make([][]float64, len(es))
	for i, e := range es {
		if vals, _, ok := g.Constant(e); ok {
			consts[i] = vals
		}
	}
	static, err := vr.StaticArgs(consts)
	if err != nil {
		return 0, fmt.Errorf("node %q: %w", name, err)
	}
	return vr.ValueDims(static), nil
}

// Model is a compiled log-density. It is immutable and safe for concurrent
// use; for a hot loop, take a Density per goroutine with NewDensity.
type Model struct {
	graph *model.Graph
	dim   int

	logp   *expr.Program
	logpIn expr.Slot
	plan   *expr.GradPlan

	out      *expr.Program
	outIn    expr.Slot
	varSlots []expr.Slot
	obs      []obsEval

	vars     []Var
	params   []Param
	observed []Var
	nvals    int
	nobs     int

	nonCentered []string
	keptCentred map[string]float64
	simplified  map[string]int
	pool        sync.Pool
	plain       bool // see compile
	fuse        bool // the fusion pass runs on the log-density's program
	fusedTerms  int  // the terms it fused
}

type obsEval struct {
	term   *dist.Term
	value  expr.Slot
	params []expr.Slot
	offset int
	size   int
}

// Options are the choices a caller has in compiling a model; the zero
// value is the default.
type Options struct {
	// Literal compiles the model's expressions as written: the passes of
	// core/simplify (identities, facts about signs, shared subexpressions,
	// the log scale of positive parameters) do not run. It is for
	// debugging: the log-density is the same, only slower to compute.
	// EnvSimplify set to "off" does the same for every compilation.
	Literal bool
	// NoFuse turns the fusion pass off. The pass computes a likelihood's
	// elementwise parameters (mu = a[g] + b[g] * x) inside the term's
	// loop, block by block (core/fuse), rather than op by op over whole
	// arrays (docs/DECISIONS.md, 41); the log-density is the same up to
	// the order of its sums. EnvFuse set to "off" does the same for every
	// compilation.
	NoFuse bool
}

// EnvFuse is the environment variable that, set to "off", turns the
// fusion pass off for every compilation (Options.NoFuse).
const EnvFuse = "EXMC_FUSE"

// EnvSimplify is the environment variable that, set to "off", compiles
// every model's expressions as written (Options.Literal), for debugging
// a program that reaches the compiler through the C or Python API.
const EnvSimplify = "EXMC_SIMPLIFY"

// Compile validates a model, applies the rewrites, and compiles it.
// arrays supplies data values that are not inline in the model.
func Compile(m *model.Model, arrays map[string][]float64) (*Model, error) {
	return CompileWith(m, arrays, Options{})
}

// CompileWith is Compile with options.
func CompileWith(m *model.Model, arrays map[string][]float64, o Options) (*Model, error) {
	if os.Getenv(EnvSimplify) == "off" {
		o.Literal = true
	}
	if os.Getenv(EnvFuse) == "off" {
		o.NoFuse = true
	}
	return compile(m, arrays, o, false)
}

// compile is CompileWith; with plain, every term reads its parameters as
// they are, each free variable has a term of its own, no exponential is
// left to a term and the expressions are laid out as written, each use
// on its own: the straightforward program, which the tests hold the
// other to.
//
// The expressions are simplified after the non-centring rewrite: its
// decision reads the model's values, which simplifying keeps, and what it
// writes (x = mu + sigma * z, sigma as the model wrote it) is simplified
// with the rest; and the shared subexpressions the simplifier makes stay
// shared up to the builder, which a later rewrite's copy of the model
// would undo.
func compile(m *model.Model, arrays map[string][]float64, o Options, plain bool) (*Model, error) {
	g, err := model.Validate(m, arrays)
	if err != nil {
		return nil, err
	}
	rw := rewrite.NonCenter(m, g)
	if len(rw.NonCentered) > 0 {
		if g, err = model.Validate(rw.Model, arrays); err != nil {
			return nil, fmt.Errorf("non-centring rewrite produced an invalid model (a bug): %w", err)
		}
	}
	var simplified map[string]int
	if !o.Literal && !plain {
		s, err := simplify.Simplify(g)
		if err != nil {
			return nil, fmt.Errorf("%w; %s=off compiles the model as written", err, EnvSimplify)
		}
		if s.Changed {
			if g, err = model.Validate(s.Model, arrays); err != nil {
				return nil, fmt.Errorf("the model's expressions, simplified: %w", err)
			}
			simplified = s.Applied
		}
	}
	c := &Model{graph: g, nonCentered: rw.NonCentered, keptCentred: rw.Informed, simplified: simplified, plain: plain,
		fuse: !plain && !o.NoFuse}
	for _, n := range g.Order {
		if n.Kind != model.Free {
			continue
		}
		k, err := transformOf(n, g.Variant[n.Name])
		if err != nil {
			return nil, err
		}
		axes, err := eventAxes(g, n.Name)
		if err != nil {
			return nil, err
		}
		s, err := k.Unconstrained(g.Shapes[n.Name], axes)
		if err != nil {
			return nil, fmt.Errorf("node %q: %w", n.Name, err)
		}
		p := Param{Name: n.Name, ValueName: n.Name, Offset: c.dim, Size: shape.Size(s), Shape: s, Transform: k, Aux: rw.Aux[n.Name],
			Axes: axes}
		switch k {
		case transform.Identity:
		case transform.LowerBound, transform.UpperBound:
			// PyMC's Interval transform, with one bound
			p.ValueName = n.Name + "_interval__"
		default:
			p.ValueName = fmt.Sprintf("%s_%s__", n.Name, k)
		}
		c.params = append(c.params, p)
		c.dim += p.Size
	}
	if err := c.buildLogp(); err != nil {
		return nil, err
	}
	if err := c.buildOutputs(); err != nil {
		return nil, err
	}
	// the programs hold their own copies of the folded constants
	g.ForgetConstants()
	if err := c.checkFlatNames(); err != nil {
		return nil, err
	}
	c.pool.New = func() any { return c.NewDensity() }
	return c, nil
}

// DensityBytes is about what one Density (NewDensity) allocates: the
// values and adjoints of both programs' machines, and their bookkeeping.
func (c *Model) DensityBytes() uint64 {
	const perMachine = 16 << 10
	vals := limits.Add(limits.Uint(c.logp.Values()), limits.Uint(c.out.Values()))
	return limits.Add(limits.Mul(vals, 16), 2*perMachine)
}

// checkFlatNames refuses a model whose flattened names (theta[0],
// theta[1], ...; see capi's exmc_model_param_names) would name one
// element twice: a variable named exactly like an element of another,
// "theta[1]" beside a vector theta, or an unconstrained value's name,
// sigma_log__, taken by another variable. Per variable, not per element.
func (c *Model) checkFlatNames() error {
	type named struct {
		name, node string
		shape      []int
	}
	check := func(list []named) error {
		byName := map[string]named{}
		for _, v := range list {
			if o, dup := byName[v.name]; dup {
				return fmt.Errorf("node %q: its flattened name %q is also node %q's; rename one of them", v.node, v.name, o.node)
			}
			byName[v.name] = v
		}
		for _, v := range list {
			if len(v.shape) != 0 {
				continue
			}
			stem, idx, ok := elementName(v.name)
			if !ok {
				continue
			}
			o, found := byName[stem]
			if !found || len(o.shape) != len(idx) {
				continue
			}
			inside := true
			for i, k := range idx {
				inside = inside && k < o.shape[i]
			}
			if inside {
				return fmt.Errorf("node %q: its name is also the name of an element of node %q (shape %s); rename one of them",
					v.node, o.node, shape.String(o.shape))
			}
		}
		return nil
	}
	var params, vars []named
	for _, p := range c.params {
		params = append(params, named{p.ValueName, p.Name, p.Shape})
	}
	for _, v := range c.vars {
		vars = append(vars, named{v.Name, v.Name, v.Shape})
	}
	if err := check(params); err != nil {
		return err
	}
	return check(vars)
}

// elementName splits a flattened element name, "b[2,0]", into its stem and
// index; ok is false for any other name.
func elementName(s string) (stem string, idx []int, ok bool) {
	if !strings.HasSuffix(s, "]") {
		return "", nil, false
	}
	open := strings.LastIndexByte(s, '[')
	if open <= 0 {
		return "", nil, false
	}
	for _, part := range strings.Split(s[open+1:len(s)-1], ",") {
		if part == "" || len(part) > 1 && part[0] == '0' || strings.Trim(part, "0123456789") != "" {
			return "", nil, false
		}
		k, err := strconv.Atoi(part)
		if err != nil {
			return "", nil, false
		}
		idx = append(idx, k)
	}
	return s[:open], idx, true
}

func transformOf(n *model.Node, vr *dist.Variant) (transform.Kind, error) {
	switch n.Transform {
	case "none":
		return transform.Identity, nil
	case "ordered":
		return transform.Ordered, nil
	}
	switch vr.Transform {
	case dist.NoTransform:
		return transform.Identity, nil
	case dist.LogTransform:
		return transform.Log, nil
	case dist.IntervalTransform:
		return transform.Interval, nil
	case dist.LowerBoundTransform:
		return transform.LowerBound, nil
	case dist.UpperBoundTransform:
		return transform.UpperBound, nil
	case dist.SimplexTransform:
		return transform.Simplex, nil
	case dist.CircularTransform:
		return transform.Circular, nil
	case dist.ZeroSumTransform:
		return transform.ZeroSum, nil
	case dist.CholeskyCovPackedTransform:
		return transform.CholeskyCovPacked, nil
	}
	return 0, fmt.Errorf("node %q: %s has a transform exmc does not know (%d)", n.Name, n.Dist, vr.Transform)
}

// needed marks the nodes the log-density reads: every random node and
// potential, and whatever they refer to. Deterministics that feed nothing
// are left to the output program.
func (c *Model) needed() map[string]bool {
	g := c.graph
	need := map[string]bool{}
	byName := map[string]*model.Node{}
	for _, n := range g.Order {
		byName[n.Name] = n
	}
	var mark func(name string)
	mark = func(name string) {
		if need[name] {
			return
		}
		need[name] = true
		n := byName[name]
		for _, e := range g.Params[name] {
			e.Refs(mark)
		}
		n.Observed.Refs(mark)
		n.Expr.Refs(mark)
	}
	for _, n := range g.Order {
		switch n.Kind {
		case model.Free, model.Observed, model.Potential:
			mark(n.Name)
		}
	}
	return need
}

func (c *Model) buildLogp() error {
	b := newBuilder(c, c.needed())
	b.fuse = c.fuse
	if err := b.constrainEarly(); err != nil {
		return err
	}
	for _, n := range c.graph.Order {
		if !b.need[n.Name] {
			continue
		}
		if err := b.node(n); err != nil {
			return err
		}
	}
	b.p.Freeze()
	c.logp, c.logpIn = b.p, b.in
	c.plan = b.p.GradPlan(b.objective())
	return nil
}

func (c *Model) buildOutputs() error {
	b := newBuilder(c, nil)
	for _, n := range c.graph.Order {
		if err := b.node(n); err != nil {
			return err
		}
	}
	for _, n := range c.graph.Order {
		switch {
		case n.Kind == model.Free && c.auxOf(n.Name) == "", n.Kind == model.Deterministic:
			s := c.graph.Shapes[n.Name]
			dims := n.Dims
			kind := n.Kind
			if c.isNonCentered(n.Name) {
				kind = model.Free
			}
			v := Var{Name: n.Name, Kind: kind, Shape: s, Dims: dims, Offset: c.nvals, Size: shape.Size(s)}
			c.vars = append(c.vars, v)
			c.varSlots = append(c.varSlots, b.slots[n.Name])
			c.nvals += v.Size
		case n.Kind == model.Observed:
			// one log-likelihood per element, or per event of a
			// multivariate distribution (its batch axes)
			o := b.obs[n.Name]
			s := o.term.PointShape()
			dims := n.Dims
			if len(dims) > len(s) {
				dims = dims[:len(s)]
			}
			v := Var{Name: n.Name, Kind: n.Kind, Shape: s, Dims: dims, Offset: c.nobs, Size: shape.Size(s)}
			c.observed = append(c.observed, v)
			o.offset, o.size = v.Offset, v.Size
			c.obs = append(c.obs, o)
			c.nobs += v.Size
		}
	}
	b.p.Freeze()
	c.out, c.outIn = b.p, b.in
	return nil
}

func (c *Model) auxOf(name string) string {
	for _, p := range c.params {
		if p.Name == name {
			return p.Aux
		}
	}
	return ""
}

func (c *Model) isNonCentered(name string) bool {
	for _, n := range c.nonCentered {
		if n == name {
			return true
		}
	}
	return false
}

// Dim is the length of the unconstrained vector.
func (c *Model) Dim() int { return c.dim }

// Vars lists the variables Constrain reports, in order.
func (c *Model) Vars() []Var { return c.vars }

// Params lists the free variables' blocks of the unconstrained vector.
func (c *Model) Params() []Param { return c.params }

// Observed lists the observed variables, located in the vector that
// LogLikelihood writes.
func (c *Model) Observed() []Var { return c.observed }

// ConstrainedSize is the length of the vector Constrain writes.
func (c *Model) ConstrainedSize() int { return c.nvals }

// LogLikelihoodSize is the length of the vector LogLikelihood writes.
func (c *Model) LogLikelihoodSize() int { return c.nobs }

// NonCentered lists the nodes the automatic non-centring rewrote.
func (c *Model) NonCentered() []string { return c.nonCentered }

// KeptCentred maps each node the automatic non-centring would have
// rewritten but left as written, because its data inform it, to the
// estimated share of its posterior precision that comes from the data.
func (c *Model) KeptCentred() map[string]float64 { return c.keptCentred }

// Simplified counts the rewrites core/simplify made of the model's
// expressions, by "pass/rule"; nil when it changed nothing.
func (c *Model) Simplified() map[string]int { return c.simplified }

// Graph is the validated (rewritten and simplified) model that was
// compiled.
func (c *Model) Graph() *model.Graph { return c.graph }
