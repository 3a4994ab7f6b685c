package expr

import (
	"math"
	"testing"
)

// sumSquares is a GradKernel: out = -sum(in[0]^2)/2, the shape of a
// log-density term.
type sumSquares struct{ calls *int }

func (k sumSquares) Forward(in [][]float64, out []float64) {
	s := 0.0
	for _, v := range in[0] {
		s += v * v
	}
	out[0] = -0.5 * s
}

func (k sumSquares) Backward(in [][]float64, _, g []float64, gin [][]float64) {
	if gin[0] == nil {
		return
	}
	for i, v := range in[0] {
		gin[0][i] -= g[0] * v
	}
}

func (k sumSquares) ForwardGrad(in [][]float64, out []float64, gin [][]float64) {
	*k.calls++
	k.Forward(in, out)
	k.Backward(in, out, []float64{1}, gin)
}

// gradProgram builds, from x of length 5: terms -|exp(x[0:2])|^2/2 (fused),
// -|x[2:4]|^2/2 read again by another instruction (not fused: its adjoint is
// not 1 alone), 3*that, and sum(x[4:5]).
func gradProgram(t *testing.T, calls *int) (*Program, Slot, []Slot) {
	t.Helper()
	p := &Program{}
	x := p.Input([]int{5})
	a := p.View(x, 0, []int{2})
	b := p.View(x, 2, []int{2})
	c := p.View(x, 4, nil)
	must := func(s Slot, err error) Slot {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	ea := must(Apply(p, "exp", Attrs{}, a))
	t1 := p.Apply(sumSquares{calls}, nil, ea)
	t2 := p.Apply(sumSquares{calls}, nil, b)
	three := p.Const(nil, []float64{3})
	t3 := must(Apply(p, "mul", Attrs{}, three, t2))
	t4 := must(Apply(p, "sum", Attrs{}, c))
	p.Freeze()
	return p, x, []Slot{t1, t2, t3, t4}
}

func TestValueGrad(t *testing.T) {
	calls := 0
	p, x, terms := gradProgram(t, &calls)
	g := p.GradPlan(terms)
	xv := []float64{0.3, -0.2, 0.7, 1.1, -0.4}
	f := func(x []float64) float64 {
		e0, e1 := math.Exp(x[0]), math.Exp(x[1])
		q := -0.5 * (x[2]*x[2] + x[3]*x[3])
		return -0.5*(e0*e0+e1*e1) + q + 3*q + x[4]
	}
	want := []float64{
		-math.Exp(2 * xv[0]), -math.Exp(2 * xv[1]), -4 * xv[2], -4 * xv[3], 1,
	}
	m := p.NewMachine()
	for round := range 2 { // a second evaluation must not see the first's adjoints
		copy(m.Value(x), xv)
		v := m.ValueGrad(g)
		if math.Abs(v-f(xv)) > 1e-12 {
			t.Fatalf("round %d: value %v, want %v", round, v, f(xv))
		}
		for i, w := range want {
			if got := m.Gradient(x)[i]; math.Abs(got-w) > 1e-12 {
				t.Errorf("round %d: gradient[%d] = %v, want %v", round, i, got, w)
			}
		}
	}
	// only the first term is fused (once per round); the second is read
	// by the mul, so it runs Forward and Backward
	if calls != 2 {
		t.Errorf("ForwardGrad called %d times, want 2", calls)
	}

	// the same through Forward and Backward with seeded adjoints
	m2 := p.NewMachine()
	copy(m2.Value(x), xv)
	m2.Forward()
	m2.ZeroGrad()
	for _, s := range terms {
		m2.Gradient(s)[0] = 1
	}
	m2.Backward()
	for i := range want {
		if a, b := m.Gradient(x)[i], m2.Gradient(x)[i]; math.Abs(a-b) > 1e-14 {
			t.Errorf("gradient[%d]: ValueGrad %v, Backward %v", i, a, b)
		}
	}
	if n := testing.AllocsPerRun(20, func() { m.ValueGrad(g) }); n != 0 {
		t.Errorf("ValueGrad allocates %v times", n)
	}
}

func TestValueGradNonFinite(t *testing.T) {
	calls := 0
	p, x, terms := gradProgram(t, &calls)
	m := p.NewMachine()
	copy(m.Value(x), []float64{800, 0, 0, 0, 0}) // exp overflows
	if v := m.ValueGrad(p.GradPlan(terms)); !math.IsInf(v, -1) {
		t.Fatalf("value %v, want -Inf", v)
	}
}

// A view shares its source's values and adjoints, and rejects a range
// outside the source.
func TestView(t *testing.T) {
	p := &Program{}
	x := p.Input([]int{4})
	v := p.View(x, 1, []int{2})
	p.Freeze()
	m := p.NewMachine()
	copy(m.Value(x), []float64{1, 2, 3, 4})
	if got := m.Value(v); len(got) != 2 || got[0] != 2 || got[1] != 3 {
		t.Fatalf("view values %v", got)
	}
	m.Gradient(v)[1] = 5
	if m.Gradient(x)[2] != 5 {
		t.Fatalf("view adjoint not shared: %v", m.Gradient(x))
	}
	if !p.Grad(v) {
		t.Fatal("a view of an input must carry a gradient")
	}
	defer func() {
		if recover() == nil {
			t.Fatal("View past the end of its source did not panic")
		}
	}()
	q := &Program{}
	q.View(q.Input([]int{2}), 1, []int{2})
}

// counting is a kernel that counts its evaluations: out = in[0].
type counting struct{ forward, backward *int }

func (k counting) Forward(in [][]float64, out []float64) {
	*k.forward++
	copy(out, in[0])
}

func (k counting) Backward(_ [][]float64, _, g []float64, gin [][]float64) {
	*k.backward++
	for i, v := range g {
		gin[0][i] += v
	}
}

// An instruction nothing the objective depends on reads is not run, nor
// is one that only it reads; a term read only by such an instruction is
// still fused.
func TestValueGradSkipsUnread(t *testing.T) {
	cases := []struct {
		name  string
		extra func(p *Program, term, ex Slot, k counting)
		runs  int // counting evaluations per ValueGrad
	}{
		{"nothing unread", func(*Program, Slot, Slot, counting) {}, 0},
		{"an unread copy", func(p *Program, _, ex Slot, k counting) { p.Apply(k, []int{2}, ex) }, 0},
		{"a chain of unread copies", func(p *Program, _, ex Slot, k counting) {
			p.Apply(k, []int{2}, p.Apply(k, []int{2}, ex))
		}, 0},
		{"an unread reader of the term", func(p *Program, term, _ Slot, k counting) { p.Apply(k, nil, term) }, 0},
	}
	for _, c := range cases {
		calls, fwd, bwd := 0, 0, 0
		p := &Program{}
		x := p.Input([]int{2})
		ex, err := Apply(p, "exp", Attrs{}, x)
		if err != nil {
			t.Fatal(err)
		}
		term := p.Apply(sumSquares{&calls}, nil, x)
		c.extra(p, term, ex, counting{&fwd, &bwd})
		p.Freeze()
		g := p.GradPlan([]Slot{term})
		m := p.NewMachine()
		copy(m.Value(x), []float64{0.3, -1.2})
		v := m.ValueGrad(g)
		if want := -0.5 * (0.09 + 1.44); math.Abs(v-want) > 1e-15 {
			t.Errorf("%s: value %v, want %v", c.name, v, want)
		}
		if gr := m.Gradient(x); gr[0] != -0.3 || gr[1] != 1.2 {
			t.Errorf("%s: gradient %v", c.name, gr)
		}
		if o := m.Objective(g); o != v {
			t.Errorf("%s: Objective %v, ValueGrad %v", c.name, o, v)
		}
		if fwd+bwd != c.runs || calls != 1 {
			t.Errorf("%s: unread kernel ran %d+%d times, the term fused %d times", c.name, fwd, bwd, calls)
		}
		if n := testing.AllocsPerRun(10, func() { m.ValueGrad(g) }); n != 0 {
			t.Errorf("%s: ValueGrad allocates %v times", c.name, n)
		}
	}
}
