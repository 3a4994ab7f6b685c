package expr

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/exmc/exmc/core/ops"
	"github.com/exmc/exmc/core/shape"
)

// domain draws one argument element from where the op is smooth.
type domain func(r *rand.Rand) float64

func uniform(lo, hi float64) domain {
	return func(r *rand.Rand) float64 { return lo + (hi-lo)*r.Float64() }
}

// awayFromZero draws |x| in [lo, hi] with a random sign (abs, divisors).
func awayFromZero(lo, hi float64) domain {
	return func(r *rand.Rand) float64 {
		x := lo + (hi-lo)*r.Float64()
		if r.IntN(2) == 0 {
			return -x
		}
		return x
	}
}

var anywhere = uniform(-2, 2)

// offInteger draws k + [0.2, 0.4] for an integer k in [-3, 2]: away from
// the integers and the half-integers, where floor, ceil and round jump.
func offInteger(r *rand.Rand) float64 {
	return float64(r.IntN(6)-3) + 0.2 + 0.2*r.Float64()
}

// gradCase is one op at one set of shapes. Arguments listed in fixed are
// always constants with those values (gather's indices); every other argument
// is tried both as an Input and as a constant, so that each kernel is run
// with every pattern of nil adjoints.
type gradCase struct {
	name   string
	op     string
	attrs  Attrs
	shapes [][]int
	dom    []domain // per argument; missing means anywhere
	fixed  map[int][]float64
	// prep, when set, adjusts the drawn values (a positive-definite
	// matrix for cholesky, say)
	prep func(vals [][]float64)
}

func binaryGradCases() []gradCase {
	layouts := []struct {
		name string
		a, b []int
	}{
		{"same", m23, m23},
		{"scalar right", m23, s0},
		{"scalar left", s0, m23},
		{"one-element right", v3, []int{1}},
		{"row", m23, v3},
		{"column", []int{2, 1}, v3},
		{"both scalar", s0, s0},
	}
	doms := map[string][]domain{
		"div": {anywhere, awayFromZero(0.5, 2)},
		"pow": {uniform(0.5, 2), anywhere},
		// betaln's operands are positive in every model that uses it
		"betaln": {uniform(0.3, 4), uniform(0.3, 4)},
	}
	var cs []gradCase
	for _, op := range []string{"add", "sub", "mul", "div", "pow", "maximum", "minimum", "logaddexp", "betaln"} {
		for _, l := range layouts {
			cs = append(cs, gradCase{name: op + " " + l.name, op: op, shapes: [][]int{l.a, l.b}, dom: doms[op]})
		}
	}
	return cs
}

func unaryGradCases() []gradCase {
	doms := map[string]domain{
		"log":   uniform(0.5, 3),
		"log1p": uniform(-0.5, 3),
		"sqrt":  uniform(0.5, 3),
		"abs":   awayFromZero(0.2, 2),
		"logit": uniform(0.1, 0.9),
		// erfcx and log_ndtr across their switch points (26, and -1) and
		// into the tails
		"erfcx":    uniform(-3, 40),
		"log_ndtr": uniform(-40, 5),
		"digamma":  awayFromZero(0.2, 5),
		// away from the jumps, where the derivative is 0
		"floor": offInteger,
		"ceil":  offInteger,
		"round": offInteger,
	}
	var cs []gradCase
	for _, op := range []string{"neg", "exp", "log", "log1p", "expm1", "sqrt", "square", "abs",
		"sigmoid", "softplus", "logit", "tanh", "erf", "erfc", "erfcx", "log_ndtr", "digamma",
		"sin", "cos", "floor", "ceil", "round"} {
		d := doms[op]
		if d == nil {
			d = uniform(-3, 3)
		}
		cs = append(cs, gradCase{name: op, op: op, shapes: [][]int{m23}, dom: []domain{d}})
	}
	return cs
}

var structuralGradCases = []gradCase{
	{name: "matmul mm", op: "matmul", shapes: [][]int{{2, 3}, {3, 4}}},
	{name: "matmul mv", op: "matmul", shapes: [][]int{{2, 3}, v3}},
	{name: "matmul vm", op: "matmul", shapes: [][]int{v3, {3, 4}}},
	{name: "matmul dot", op: "matmul", shapes: [][]int{v3, v3}},
	{name: "matmul column", op: "matmul", shapes: [][]int{{4, 1}, {1, 2}}},

	{name: "gather repeated", op: "gather", shapes: [][]int{{4}, {5}}, fixed: map[int][]float64{1: {0, 3, -1, 1, 0}}},
	{name: "gather rows", op: "gather", shapes: [][]int{{3, 2}, {4}}, fixed: map[int][]float64{1: {2, 0, 2, -3}}},
	{name: "gather columns", op: "gather", attrs: ax(1), shapes: [][]int{{2, 3, 2}, {2, 2}},
		fixed: map[int][]float64{1: {0, 2, 2, 1}}},
	{name: "gather scalar index", op: "gather", attrs: ax(-1), shapes: [][]int{{2, 3}, s0}, fixed: map[int][]float64{1: {1}}},

	{name: "slice", op: "slice", attrs: Attrs{Start: ip(1), Stop: ip(-1)}, shapes: [][]int{{5}}},
	{name: "slice reversed", op: "slice", attrs: Attrs{Step: ip(-1)}, shapes: [][]int{{4}}},
	{name: "slice step", op: "slice", attrs: Attrs{Axis: ip(1), Start: ip(-1), Step: ip(-2)}, shapes: [][]int{{2, 5, 2}}},
	{name: "slice rows", op: "slice", attrs: Attrs{Start: ip(1)}, shapes: [][]int{{3, 2}}},

	{name: "sum all", op: "sum", shapes: [][]int{m23}},
	{name: "sum axis 0", op: "sum", attrs: ax(0), shapes: [][]int{m23}},
	{name: "sum axis -1", op: "sum", attrs: ax(-1), shapes: [][]int{m23}},
	{name: "sum middle", op: "sum", attrs: ax(1), shapes: [][]int{{2, 3, 2}}},
	{name: "mean all", op: "mean", shapes: [][]int{m23}},
	{name: "mean axis 0", op: "mean", attrs: ax(0), shapes: [][]int{m23}},
	{name: "mean middle", op: "mean", attrs: ax(1), shapes: [][]int{{2, 3, 2}}},

	{name: "cumsum", op: "cumsum", shapes: [][]int{{4}}},
	{name: "cumsum axis 0", op: "cumsum", shapes: [][]int{{3, 2}}},
	{name: "cumsum axis 1", op: "cumsum", attrs: ax(1), shapes: [][]int{{2, 3, 2}}},

	{name: "cumprod", op: "cumprod", shapes: [][]int{{4}}},
	{name: "cumprod axis 0", op: "cumprod", shapes: [][]int{{3, 2}}},
	{name: "cumprod axis 1", op: "cumprod", attrs: ax(1), shapes: [][]int{{2, 3, 2}}},

	{name: "stack", op: "stack", shapes: [][]int{v2, v2, v2}},
	{name: "stack axis -1", op: "stack", attrs: ax(-1), shapes: [][]int{m23, m23}},
	{name: "stack scalars", op: "stack", shapes: [][]int{s0, s0}},
	{name: "concatenate", op: "concatenate", shapes: [][]int{v2, v3, {1}}},
	{name: "concatenate axis 1", op: "concatenate", attrs: ax(1), shapes: [][]int{{2, 1}, m23}},

	{name: "reshape", op: "reshape", attrs: Attrs{Shape: []int{-1, 2}}, shapes: [][]int{{2, 2, 2}}},
	{name: "transpose", op: "transpose", shapes: [][]int{m23}},
	{name: "transpose perm", op: "transpose", attrs: Attrs{Perm: []int{1, 2, 0}}, shapes: [][]int{{2, 3, 4}}},
}

func allGradCases() []gradCase {
	cs := append(binaryGradCases(), unaryGradCases()...)
	cs = append(cs, structuralGradCases...)
	return append(cs, linalgGradCases()...)
}

// built is one case compiled with a chosen set of Input arguments.
type built struct {
	p      *Program
	m      *Machine
	args   []Slot
	out    Slot
	w      []float64 // objective = sum(w * out)
	inputs []int     // argument positions that are Inputs
}

func (c gradCase) build(t testing.TB, r *rand.Rand, mask int) *built {
	t.Helper()
	b := &built{p: &Program{}}
	vals := make([][]float64, len(c.shapes))
	for i, s := range c.shapes {
		if v, ok := c.fixed[i]; ok {
			vals[i] = v
			continue
		}
		d := anywhere
		if i < len(c.dom) && c.dom[i] != nil {
			d = c.dom[i]
		}
		vals[i] = make([]float64, shape.Size(s))
		for j := range vals[i] {
			vals[i][j] = d(r)
		}
	}
	if c.prep != nil {
		c.prep(vals)
	}
	if c.op == "maximum" || c.op == "minimum" {
		separate(vals[0], vals[1])
	}
	for i, s := range c.shapes {
		if _, ok := c.fixed[i]; !ok && mask&(1<<i) != 0 {
			b.args = append(b.args, b.p.Input(s))
			b.inputs = append(b.inputs, i)
		} else {
			b.args = append(b.args, b.p.Const(s, vals[i]))
		}
	}
	out, err := Apply(b.p, c.op, c.attrs, b.args...)
	if err != nil {
		t.Fatalf("%s: %v", c.name, err)
	}
	b.out = out
	want, err := ops.InferShape(c.op, c.attrs, c.shapes)
	if err != nil || !shape.Equal(want, b.p.Shape(out)) {
		t.Fatalf("%s: InferShape gives %v (%v), Apply gives %v", c.name, want, err, b.p.Shape(out))
	}
	b.p.Freeze()
	b.m = b.p.NewMachine()
	for _, i := range b.inputs {
		copy(b.m.Value(b.args[i]), vals[i])
	}
	b.w = make([]float64, shape.Size(b.p.Shape(out)))
	for j := range b.w {
		b.w[j] = r.NormFloat64()
	}
	return b
}

// separate nudges y so that no element of x and y are within a finite
// difference step of each other, where max and min have a kink.
func separate(x, y []float64) {
	for j := range y {
		for again := true; again; {
			again = false
			for _, v := range x {
				if math.Abs(v-y[j]) < 1e-2 {
					y[j] += 0.05
					again = true
				}
			}
		}
	}
}

func (b *built) objective() float64 {
	b.m.Forward()
	t := 0.0
	for j, v := range b.m.Value(b.out) {
		t += b.w[j] * v
	}
	return t
}

// backward runs one gradient pass. The input adjoints start at a known
// offset instead of zero, which catches a kernel that assigns where it must
// accumulate.
func (b *built) backward(offset float64) {
	b.m.Forward()
	b.m.ZeroGrad()
	for _, i := range b.inputs {
		g := b.m.Gradient(b.args[i])
		for j := range g {
			g[j] = offset
		}
	}
	// added, not copied: a result that is a view shares its adjoint with
	// its argument
	if g := b.m.Gradient(b.out); g != nil {
		for j, w := range b.w {
			g[j] += w
		}
	}
	b.m.Backward()
}

// Central differences with h = 1e-6 have truncation error about
// h²·|third derivative|/6 ≈ 1e-12 and rounding error about eps·|f|/h ≈
// 2e-10·|f|; the objectives here are O(10), so the finite difference is good
// to ~1e-8. A tolerance of 1e-6 (relative, with an absolute floor of the
// same size) leaves two orders of margin, while any wrong derivative term,
// which is O(1), fails.
const (
	fdStep = 1e-6
	fdTol  = 1e-6
)

func TestGradients(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, c := range allGradCases() {
		for mask := 1; mask < 1<<len(c.shapes); mask++ {
			b := c.build(t, r, mask)
			if len(b.inputs) == 0 {
				continue
			}
			const offset = 0.25
			b.backward(offset)
			for _, i := range b.inputs {
				x := b.m.Value(b.args[i])
				g := b.m.Gradient(b.args[i])
				an := make([]float64, len(g))
				for j := range g {
					an[j] = g[j] - offset
				}
				for j := range x {
					x0 := x[j]
					h := fdStep * math.Max(1, math.Abs(x0))
					x[j] = x0 + h
					fp := b.objective()
					x[j] = x0 - h
					fm := b.objective()
					x[j] = x0
					fd := (fp - fm) / (2 * h)
					if math.Abs(fd-an[j]) > fdTol*math.Max(1, math.Abs(fd)) {
						t.Errorf("%s (inputs %v): d/d arg%d[%d] = %.10g, finite difference %.10g",
							c.name, b.inputs, i+1, j, an[j], fd)
					}
				}
			}
		}
	}
}

func TestGradientCasesCoverCatalogue(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range allGradCases() {
		seen[c.op] = true
	}
	for _, op := range ops.Names() {
		if !seen[op] {
			t.Errorf("no gradient case for %s", op)
		}
	}
}

// A slot used twice by one instruction gets both contributions.
func TestGradientSameSlotTwice(t *testing.T) {
	for _, c := range []struct {
		op   string
		want func(x float64) float64
	}{
		{"add", func(float64) float64 { return 2 }},
		{"sub", func(float64) float64 { return 0 }},
		{"mul", func(x float64) float64 { return 2 * x }},
		{"div", func(float64) float64 { return 0 }},
		{"pow", func(x float64) float64 { return math.Pow(x, x) * (math.Log(x) + 1) }},
	} {
		var p Program
		x := p.Input(v3)
		y, err := Apply(&p, c.op, Attrs{}, x, x)
		if err != nil {
			t.Fatal(err)
		}
		p.Freeze()
		m := p.NewMachine()
		copy(m.Value(x), []float64{0.5, 1.5, 2})
		m.Forward()
		m.ZeroGrad()
		copy(m.Gradient(y), []float64{1, 1, 1})
		m.Backward()
		for j, g := range m.Gradient(x) {
			if w := c.want(m.Value(x)[j]); math.Abs(g-w) > 1e-14*math.Max(1, math.Abs(w)) {
				t.Errorf("%s(x, x): gradient %v, want %v", c.op, g, w)
			}
		}
	}
}

// pow's exponent gradient needs log(base): a negative base must not make the
// base's gradient NaN when the exponent is constant, and gives NaN only in
// the exponent's gradient when the exponent is an input. At base 0 the
// exponent gradient is 0 (x^y is flat in y there).
func TestPowNegativeBase(t *testing.T) {
	var p Program
	x := p.Input(v3)
	two := p.Const(s0, []float64{2})
	y := p.Input(s0)
	sq, _ := Apply(&p, "pow", Attrs{}, x, two)
	pw, _ := Apply(&p, "pow", Attrs{}, x, y)
	p.Freeze()
	m := p.NewMachine()
	copy(m.Value(x), []float64{-1.5, 0, 2})
	m.Value(y)[0] = 3
	m.Forward()
	m.ZeroGrad()
	copy(m.Gradient(sq), []float64{1, 1, 1})
	m.Backward()
	if g := m.Gradient(x); g[0] != -3 || g[1] != 0 || g[2] != 4 {
		t.Fatalf("d/dx x^2 = %v", g)
	}
	m.ZeroGrad()
	copy(m.Gradient(pw), []float64{1, 0, 0})
	m.Backward()
	if g := m.Gradient(y)[0]; !math.IsNaN(g) {
		t.Fatalf("d/dy (-1.5)^y = %v, want NaN", g)
	}
	if g := m.Gradient(x)[0]; g != 3*1.5*1.5 {
		t.Fatalf("d/dx x^3 at -1.5 = %v", g)
	}
	m.Value(x)[0] = 1
	m.Forward()
	m.ZeroGrad()
	copy(m.Gradient(pw), []float64{0, 1, 0})
	m.Backward()
	if g := m.Gradient(y)[0]; g != 0 {
		t.Fatalf("d/dy 0^y = %v, want 0", g)
	}
}

// Ties split the gradient evenly, so maximum(x, x) has gradient 1.
func TestMaximumTie(t *testing.T) {
	for _, op := range []string{"maximum", "minimum"} {
		var p Program
		x := p.Input(s0)
		y, _ := Apply(&p, op, Attrs{}, x, x)
		p.Freeze()
		m := p.NewMachine()
		m.Value(x)[0] = 1
		m.Forward()
		m.ZeroGrad()
		m.Gradient(y)[0] = 1
		m.Backward()
		if g := m.Gradient(x)[0]; g != 1 {
			t.Errorf("%s(x, x): gradient %v, want 1", op, g)
		}
	}
}

// cumprod's gradient needs no division: zeros in the argument, where
// out/x would be 0/0, give the exact derivative. x = (2, 0, 3, 0.5): the
// products are (2, 0, 0, 0), and with weights w the gradient of sum(w*out)
// is, for x[d], the sum over i >= d of w[i] * prod_{k<=i, k!=d} x[k].
func TestCumprodZeros(t *testing.T) {
	var p Program
	x := p.Input([]int{4})
	y, err := Apply(&p, "cumprod", Attrs{}, x)
	if err != nil {
		t.Fatal(err)
	}
	p.Freeze()
	m := p.NewMachine()
	copy(m.Value(x), []float64{2, 0, 3, 0.5})
	m.Forward()
	m.ZeroGrad()
	w := []float64{1, 2, 3, 4}
	copy(m.Gradient(y), w)
	m.Backward()
	want := []float64{1, 2*2 + 3*2*3 + 4*2*3*0.5, 0, 0}
	for j, g := range m.Gradient(x) {
		if g != want[j] {
			t.Fatalf("gradient %v, want %v", m.Gradient(x), want)
		}
	}
}
