package compile_test

import (
	"fmt"
	"math"

	"github.com/exmc/exmc/core/dist"
	"github.com/exmc/exmc/core/model"
	"github.com/exmc/exmc/core/ops"
)

// genModel turns fuzz bytes into an exmc.model/v1 document of a valid
// shape: nodes of every kind, distributions and parameter sets from the
// catalogue, shapes, expressions over the nodes before (and now and then
// after) each, data, constants, transforms, dims and coords. Most of what
// it writes is plausible; a byte here and there makes it wrong in the ways
// a user or a translator might (a bad shape, an out-of-range attribute, a
// parameter outside its domain, a name that corrupts the flattened names,
// a size too large for memory), so that every check of validation and
// compilation is reached. The same bytes always give the same document.
func genModel(data []byte) []byte {
	g := &gen{b: data}
	m := g.model()
	doc, err := m.JSON()
	if err != nil {
		// every value generated is finite, so this is a bug in JSON
		panic(fmt.Sprintf("the generated model has no JSON form: %v", err))
	}
	return doc
}

// gen reads decisions from the fuzz bytes, then zeros once they run out.
type gen struct {
	b     []byte
	i     int
	nodes []genNode
}

type genNode struct {
	name  string
	kind  model.Kind
	shape []int // the shape it is meant to have; nil when unknown
	ints  bool  // integer data (usable as a gather index)
	upper int   // for integer data, one more than its largest value
}

func (g *gen) byte() byte {
	if g.i >= len(g.b) {
		return 0
	}
	c := g.b[g.i]
	g.i++
	return c
}

// intn returns a number in [0, n).
func (g *gen) intn(n int) int {
	if n <= 1 {
		return 0
	}
	v := int(g.byte())
	if n > 256 {
		v = v<<8 | int(g.byte())
	}
	return v % n
}

// rare is true about once in k decisions, and never once the bytes have
// run out: a short input makes a plain model.
func (g *gen) rare(k int) bool { return g.intn(k) == k-1 }

func pick[T any](g *gen, xs []T) T { return xs[g.intn(len(xs))] }

// float returns a finite number: mostly small, sometimes extreme.
func (g *gen) float() float64 {
	switch g.intn(8) {
	case 7:
		return pick(g, []float64{0, 1, -1, 0.5, 2, 1e-300, 1e300, -1e300, math.MaxFloat64, 5e-324, 1e15 + 0.5})
	case 6:
		return float64(g.intn(10))
	default:
		return float64(int16(uint16(g.byte())<<8|uint16(g.byte()))) / 4096
	}
}

// positive returns a number > 0, or now and then one that is not.
func (g *gen) positive() float64 {
	if g.rare(24) {
		return pick(g, []float64{0, -1, -1e-300})
	}
	return math.Exp(float64(int8(g.byte())) / 32)
}

func (g *gen) unit() float64 {
	if g.rare(24) {
		return pick(g, []float64{0, 1, 1.5, -0.1})
	}
	return (float64(g.byte()) + 0.5) / 256
}

// dim returns an axis length: mostly 1-4, now and then 0 or huge.
func (g *gen) dim() int {
	switch {
	case g.rare(40):
		return pick(g, []int{0, 1 << 31, 1 << 40, 4294967296, 3037000500, 100000, 1 << 20, -1})
	default:
		return 1 + g.intn(4)
	}
}

func (g *gen) shape() []int {
	s := make([]int, g.intn(4))
	for i := range s {
		s[i] = g.dim()
	}
	if len(s) == 3 && g.intn(2) == 0 {
		s = s[:2] // ranks 0 to 2 are the common ones
	}
	return s
}

func size(s []int) int {
	n := 1
	for _, d := range s {
		if d < 0 || d > 1<<20 {
			return -1
		}
		n *= d
		if n > 1<<20 {
			return -1
		}
	}
	return n
}

// constant returns a constant of shape s filled by fill, or a scalar when s
// is too large to write out.
func (g *gen) constant(s []int, fill func() float64) *model.Expr {
	n := size(s)
	if n < 0 || n > 64 {
		return model.Const(fill())
	}
	vals := make([]float64, n)
	for i := range vals {
		vals[i] = fill()
	}
	if len(s) == 0 {
		return model.Const(vals[0])
	}
	return model.Array(vals, s...)
}

func (g *gen) name(i int) string {
	if g.rare(30) {
		return pick(g, []string{"a,b", "x[0]", "n0[0]", "", "n1_log__", "θ σ", "lp", "step_size", "chain",
			"a\nb", "a\x00b", "my var.1", "[", "n0", "log_likelihood::n0"})
	}
	return fmt.Sprintf("n%d", i)
}

// ref returns a reference to a node with a value, before node i (or, now
// and then, any name at all).
func (g *gen) ref(i int) *model.Expr {
	if g.rare(40) {
		return model.Ref(pick(g, []string{"nowhere", fmt.Sprintf("n%d", i), fmt.Sprintf("n%d", i+1)}))
	}
	var cands []int
	for j := range g.nodes[:i] {
		if g.nodes[j].kind != model.Potential {
			cands = append(cands, j)
		}
	}
	if len(cands) == 0 {
		return nil
	}
	return model.Ref(g.nodes[pick(g, cands)].name)
}

var (
	unaryOps  = []string{"neg", "exp", "log", "log1p", "expm1", "sqrt", "square", "abs", "sigmoid", "softplus", "logit", "tanh", "erf", "gammaln"}
	binaryOps = []string{"add", "sub", "mul", "div", "pow", "maximum", "minimum", "gt", "ge", "lt", "le", "eq", "neq"}
	axisOps   = []string{"sum", "mean", "logsumexp", "cumsum"}
)

func (g *gen) attrInt() *int {
	v := pick(g, []int{0, 1, -1, 2, -2, 3, 5, 1 << 40, -(1 << 40)})
	return &v
}

// expr returns an expression over the nodes before node i, of depth at
// most depth.
func (g *gen) expr(i, depth int) *model.Expr {
	if depth <= 0 || g.intn(3) == 0 {
		if r := g.ref(i); r != nil && g.intn(3) != 0 {
			return r
		}
		return g.constant(g.shape(), g.float)
	}
	sub := func() *model.Expr { return g.expr(i, depth-1) }
	switch g.intn(10) {
	case 0, 1:
		return model.Call(pick(g, unaryOps), ops.Attrs{}, sub())
	case 2, 3, 4:
		e := model.Call(pick(g, binaryOps), ops.Attrs{}, sub(), sub())
		return e
	case 5:
		var a ops.Attrs
		if g.intn(2) == 0 {
			a.Axis = g.attrInt()
		}
		return model.Call(pick(g, axisOps), a, sub())
	case 6:
		a := ops.Attrs{}
		if g.intn(2) == 0 {
			a.Start = g.attrInt()
		}
		if g.intn(2) == 0 {
			a.Stop = g.attrInt()
		}
		if g.intn(3) == 0 {
			a.Step = g.attrInt()
		}
		if g.intn(3) == 0 {
			a.Axis = g.attrInt()
		}
		return model.Call("slice", a, sub())
	case 7:
		switch g.intn(5) {
		case 0:
			return model.Call("switch", ops.Attrs{}, sub(), sub(), sub())
		case 1:
			return model.Call("matmul", ops.Attrs{}, sub(), sub())
		case 2:
			a := ops.Attrs{Shape: g.shape()}
			if g.intn(4) == 0 {
				a.Shape = append(a.Shape, -1)
			}
			return model.Call("reshape", a, sub())
		case 3:
			a := ops.Attrs{}
			if g.intn(2) == 0 {
				a.Perm = []int{g.intn(3), g.intn(3)}
			}
			return model.Call("transpose", a, sub())
		default:
			args := []*model.Expr{sub()}
			for g.intn(2) == 0 && len(args) < 4 {
				args = append(args, sub())
			}
			var a ops.Attrs
			if g.intn(2) == 0 {
				a.Axis = g.attrInt()
			}
			return model.Call(pick(g, []string{"stack", "concatenate"}), a, anys(args)...)
		}
	default:
		return g.gather(i, sub())
	}
}

func anys(es []*model.Expr) []any {
	out := make([]any, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// gather indexes src by integer data before node i, or by a constant
// index.
func (g *gen) gather(i int, src *model.Expr) *model.Expr {
	var idx *model.Expr
	for j := range g.nodes[:i] {
		if g.nodes[j].ints && g.intn(2) == 0 {
			idx = model.Ref(g.nodes[j].name)
		}
	}
	if idx == nil {
		idx = g.constant([]int{1 + g.intn(4)}, func() float64 { return float64(g.intn(4)) - float64(g.intn(2)) })
	}
	var a ops.Attrs
	if g.intn(3) == 0 {
		a.Axis = g.attrInt()
	}
	return model.Call("gather", a, src, idx)
}

var catalogue = dist.Table().Distributions

// param returns an expression for a parameter of the given domain.
func (g *gen) param(i int, domain string, s []int) *model.Expr {
	fill := g.float
	switch domain {
	case "positive", "non-negative":
		fill = g.positive
	case "probability", "open unit interval":
		fill = g.unit
	case "count":
		fill = func() float64 { return float64(g.intn(12)) }
	}
	switch g.intn(6) {
	case 5:
		return g.expr(i, 2)
	case 4:
		if r := g.ref(i); r != nil {
			if domain == "positive" || domain == "non-negative" {
				return model.Call(pick(g, []string{"exp", "softplus", "square"}), ops.Attrs{}, r)
			}
			if domain == "probability" || domain == "open unit interval" {
				return model.Call("sigmoid", ops.Attrs{}, r)
			}
			return r
		}
	case 3:
		if len(s) > 0 {
			return g.constant(s[len(s)-1:], fill)
		}
	}
	if g.intn(3) == 2 {
		return g.constant(s, fill)
	}
	return model.Const(fill())
}

// random fills a free or observed node: a distribution, a parameter set
// from its variants, and the parameters.
func (g *gen) random(i int, n *model.Node, discreteOK bool) []int {
	var rows []dist.CatalogueRow
	for _, r := range catalogue {
		if discreteOK || !r.Discrete {
			rows = append(rows, r)
		}
	}
	row := pick(g, rows)
	n.Dist = row.Name
	if g.rare(50) {
		n.Dist = "Normul"
	}
	s := g.shape()
	if (row.Layout == "along_last_axis" || row.Layout == "event") && len(s) == 0 {
		s = []int{2 + g.intn(4)}
	}
	domains := map[string]string{}
	for _, p := range row.Params {
		domains[p.Name] = p.Domain
	}
	n.Params = map[string]*model.Expr{}
	if len(row.Variants) > 0 {
		v := pick(g, row.Variants)
		for _, p := range v.Params {
			required := false
			for _, r := range v.Required {
				required = required || r == p
			}
			if !required && g.intn(2) == 0 {
				continue
			}
			ps := s
			if row.Layout == "components" {
				ps = append(append([]int{}, s...), 1+g.intn(3))
			} else if row.Layout == "along_last_axis" {
				ps = nil
			}
			n.Params[p] = g.param(i, domains[p], ps)
		}
	}
	if g.rare(40) {
		n.Params["nonsense"] = model.Const(1)
	}
	if len(n.Params) == 0 && g.intn(2) == 0 {
		n.Params = nil
	}
	return s
}

func (g *gen) model() *model.Model {
	m := &model.Model{Format: model.Format}
	if g.rare(8) {
		b := g.intn(2) == 0
		m.NonCentered = &b
	}
	count := 1 + g.intn(8)
	free := false
	for i := range count {
		n := &model.Node{Name: g.name(i)}
		gn := genNode{name: n.Name}
		k := g.intn(20)
		if i == count-1 && !free && !g.rare(20) {
			k = 5 // a model needs a free variable
		}
		switch {
		case k < 5:
			n.Kind = model.Data
			s := g.shape()
			n.Shape = s
			gn.shape = s
			if g.intn(3) == 0 {
				n.DType = model.Int64
				gn.ints = true
				gn.upper = 1 + g.intn(4)
				c := g.constant(s, func() float64 { return float64(g.intn(gn.upper)) })
				n.Values = c.Const
			} else {
				n.Values = g.constant(s, g.float).Const
			}
			if g.rare(30) && len(n.Values) > 0 {
				n.Values = n.Values[1:] // one value short
			}
		case k < 11:
			free = true
			n.Kind = model.Free
			s := g.random(i, n, false)
			if g.intn(2) == 0 || len(n.Params) == 0 {
				n.Shape = s
			}
			gn.shape = s
			switch g.intn(16) {
			case 1:
				n.Transform = "none"
			case 2:
				if n.Dist == "Normal" || g.rare(4) {
					n.Transform = "ordered"
				}
			case 3:
				n.Transform = "auto"
			case 4:
				if g.rare(4) {
					n.Transform = "logit"
				}
			}
			if g.rare(6) && (n.Dist == "Normal" || g.rare(4)) {
				b := g.intn(2) == 0
				n.NonCentered = &b
			}
		case k < 14:
			n.Kind = model.Observed
			s := g.random(i, n, true)
			discrete := false
			for _, r := range catalogue {
				discrete = discrete || r.Name == n.Dist && r.Discrete
			}
			fill := g.float
			if discrete {
				fill = func() float64 { return float64(g.intn(3)) }
			}
			if r := g.ref(i); r != nil && g.intn(3) == 0 {
				n.Observed = r
			} else {
				n.Observed = g.constant(s, fill)
			}
		case k < 18:
			n.Kind = model.Deterministic
			n.Expr = g.expr(i, 3)
		default:
			n.Kind = model.Potential
			n.Expr = g.expr(i, 2)
		}
		if g.rare(12) && gn.shape != nil && len(gn.shape) > 0 {
			dims := make([]string, len(gn.shape))
			for a := range dims {
				dims[a] = fmt.Sprintf("d%d_%d", i, a)
				if g.intn(2) == 0 && size(gn.shape) > 0 && gn.shape[a] <= 8 {
					if m.Coords == nil {
						m.Coords = map[string][]model.Label{}
					}
					labels := make([]model.Label, gn.shape[a]+g.intn(2))
					for l := range labels {
						labels[l] = model.Label(fmt.Sprintf("%d", l))
					}
					m.Coords[dims[a]] = labels
				}
			}
			n.Dims = dims
		}
		gn.kind = n.Kind
		m.Nodes = append(m.Nodes, n)
		g.nodes = append(g.nodes, gn)
	}
	return m
}
