package expr

import (
	"math"
	"testing"
)

// countBackward is sumSquares that counts its backward passes.
type countBackward struct {
	sumSquares
	back *int
}

func (k countBackward) Backward(in [][]float64, out, g []float64, gin [][]float64) {
	*k.back++
	k.sumSquares.Backward(in, out, g, gin)
}

func mustSlot(t *testing.T) func(Slot, error) Slot {
	return func(s Slot, err error) Slot {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
}

// The objective may hold slots of any size, views of the inputs among
// them, and sums every element; a term read through a view is not fused.
func TestGradPlanVectorTerms(t *testing.T) {
	must := mustSlot(t)
	calls, back := 0, 0
	p := &Program{}
	x := p.Input([]int{4})
	head := p.View(x, 0, []int{3})
	e := must(Apply(p, "exp", Attrs{}, head))
	sq := p.Apply(countBackward{sumSquares{&calls}, &back}, nil, e)
	r := must(Apply(p, "reshape", Attrs{Shape: []int{1}}, sq)) // a view of sq
	two := p.Const(nil, []float64{2})
	twice := must(Apply(p, "mul", Attrs{}, r, two))
	// dead: feeds nothing in the objective, so its backward never runs
	dead := p.Apply(countBackward{sumSquares{&calls}, &back}, nil, head)
	_ = dead
	c := p.Const([]int{2}, []float64{0.25, 0.5})
	p.Freeze()
	g := p.GradPlan([]Slot{head, sq, twice, c})
	xv := []float64{0.1, -0.3, 0.2, 7}
	m := p.NewMachine()
	copy(m.Value(x), xv)
	v := m.ValueGrad(g)
	var want, q float64
	for _, y := range xv[:3] {
		q += math.Exp(2 * y)
	}
	want = xv[0] + xv[1] + xv[2] - 1.5*q + 0.75
	if math.Abs(v-want) > 1e-12 {
		t.Fatalf("value %v, want %v", v, want)
	}
	for i, y := range xv[:3] {
		if got, w := m.Gradient(x)[i], 1-3*math.Exp(2*y); math.Abs(got-w) > 1e-12 {
			t.Errorf("gradient[%d] %v, want %v", i, got, w)
		}
	}
	if m.Gradient(x)[3] != 0 {
		t.Errorf("gradient[3] %v, want 0", m.Gradient(x)[3])
	}
	if calls != 0 {
		t.Errorf("a term read through a view was fused (%d calls)", calls)
	}
	if back != 1 {
		t.Errorf("%d backward passes, want 1 (the dead instruction's is skipped)", back)
	}
	if o := m.Objective(g); o != v {
		t.Errorf("Objective %v, ValueGrad %v", o, v)
	}
}

// reshape and contiguous slices of a computed slot are views: no
// instruction, shared values and adjoints.
func TestViewOps(t *testing.T) {
	must := mustSlot(t)
	p := &Program{}
	x := p.Input([]int{2, 3})
	n := len(p.instrs)
	r := must(Apply(p, "reshape", Attrs{Shape: []int{3, 2}}, x))
	row := must(Apply(p, "slice", Attrs{Start: ip(1)}, x))
	col := must(Apply(p, "slice", Attrs{Axis: ip(1), Start: ip(1)}, x))
	if len(p.instrs) != n+1 {
		t.Fatalf("%d instructions for reshape, a row slice and a column slice, want 1", len(p.instrs)-n)
	}
	p.Freeze()
	m := p.NewMachine()
	copy(m.Value(x), []float64{1, 2, 3, 4, 5, 6})
	m.Forward()
	if got := m.Value(row); len(got) != 3 || got[0] != 4 || got[2] != 6 {
		t.Fatalf("row %v", got)
	}
	if got := m.Value(col); len(got) != 4 || got[0] != 2 || got[3] != 6 {
		t.Fatalf("column %v", got)
	}
	m.Gradient(r)[5] += 1
	if m.Gradient(x)[5] != 1 {
		t.Fatalf("reshape does not share its adjoint: %v", m.Gradient(x))
	}
}

// A bound Machine reads the caller's point and writes the gradient into
// the caller's vector, with the results of an unbound one.
func TestBind(t *testing.T) {
	calls := 0
	p, x, terms := gradProgram(t, &calls)
	g := p.GradPlan(terms)
	ref := p.NewMachine()
	m := p.NewMachine()
	points := [][]float64{{0.3, -0.2, 0.7, 1.1, -0.4}, {-1, 0.5, 0.25, 0, 2}}
	grads := [][]float64{make([]float64, 5), make([]float64, 5)}
	for round := range 4 {
		xv, gv := points[round%2], grads[round%2]
		for i := range gv {
			gv[i] = math.NaN() // must be cleared, not added to
		}
		keep := append([]float64(nil), xv...)
		copy(ref.Value(x), xv)
		want := ref.ValueGrad(g)
		m.Bind(x, xv, gv)
		if v := m.ValueGrad(g); v != want {
			t.Fatalf("round %d: value %v, want %v", round, v, want)
		}
		for i, w := range ref.Gradient(x) {
			if gv[i] != w {
				t.Fatalf("round %d: gradient[%d] %v, want %v", round, i, gv[i], w)
			}
		}
		for i := range xv {
			if xv[i] != keep[i] {
				t.Fatalf("round %d: the point was written", round)
			}
		}
		if n := testing.AllocsPerRun(10, func() { m.Bind(x, xv, gv); m.ValueGrad(g) }); n != 0 {
			t.Fatalf("Bind and ValueGrad allocate %v times", n)
		}
	}
	// back to the Machine's own buffers
	m.Bind(x, nil, nil)
	copy(m.Value(x), points[0])
	copy(ref.Value(x), points[0])
	if a, b := m.ValueGrad(g), ref.ValueGrad(g); a != b {
		t.Fatalf("unbound value %v, want %v", a, b)
	}
	for _, bad := range []func(){
		func() { m.Bind(terms[0], nil, nil) },
		func() { m.Bind(x, make([]float64, 4), nil) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Error("a bad Bind did not panic")
				}
			}()
			bad()
		}()
	}
}
