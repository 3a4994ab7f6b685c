package expr

import (
	"math"
	"math/rand/v2"
	"sync"
	"testing"
)

// raceEnabled is set by race_test.go under -race. The race detector's
// instrumentation changes inlining and so escape analysis: LU's calls into
// gonum allocate once per evaluation there and never in a normal build.
// Allocation counts are measured without it (make test-go runs the
// allocation tests of core/... a second time, without -race).
var raceEnabled bool

func skipAllocsUnderRace(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are measured without -race (make test-go runs them so)")
	}
}

// Gradient evaluation is the sampler's inner loop: no op may allocate in it.
func TestNoAllocations(t *testing.T) {
	skipAllocsUnderRace(t)
	r := rand.New(rand.NewPCG(3, 4))
	for _, c := range allGradCases() {
		for mask := 1; mask < 1<<len(c.shapes); mask++ {
			b := c.build(t, r, mask)
			if n := testing.AllocsPerRun(20, func() { b.backward(0) }); n != 0 {
				t.Errorf("%s (inputs %v): %v allocations per Forward+Backward", c.name, b.inputs, n)
			}
		}
	}
}

// logDensity builds sum(exp(a*x[idx] + b)) with x, a, b inputs and idx data,
// the shape of a hierarchical model's linear predictor.
func logDensity(t testing.TB) (p *Program, x, a, b, out Slot) {
	t.Helper()
	p = &Program{}
	x = p.Input([]int{3})
	a = p.Input(nil)
	b = p.Input([]int{4})
	idx := p.Const([]int{4}, []float64{0, 2, 2, -2})
	must := func(s Slot, err error) Slot {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	xi := must(Apply(p, "gather", Attrs{}, x, idx))
	ax := must(Apply(p, "mul", Attrs{}, a, xi))
	lin := must(Apply(p, "add", Attrs{}, ax, b))
	e := must(Apply(p, "exp", Attrs{}, lin))
	out = must(Apply(p, "sum", Attrs{}, e))
	p.Freeze()
	return p, x, a, b, out
}

func TestProgramEndToEnd(t *testing.T) {
	p, x, a, b, out := logDensity(t)
	m := p.NewMachine()
	xv, av, bv := []float64{0.1, -0.3, 0.2}, 0.7, []float64{0.5, -1, 0, 0.25}
	copy(m.Value(x), xv)
	m.Value(a)[0] = av
	copy(m.Value(b), bv)
	m.Forward()
	m.ZeroGrad()
	m.Gradient(out)[0] = 1
	m.Backward()

	idx := []int{0, 2, 2, 1}
	var f, ga float64
	gx, gb := make([]float64, 3), make([]float64, 4)
	for i, j := range idx {
		e := math.Exp(av*xv[j] + bv[i])
		f += e
		ga += e * xv[j]
		gx[j] += e * av
		gb[i] = e
	}
	near := func(what string, got, want float64) {
		if math.Abs(got-want) > 1e-14*math.Max(1, math.Abs(want)) {
			t.Errorf("%s = %v, want %v", what, got, want)
		}
	}
	near("f", m.Value(out)[0], f)
	near("df/da", m.Gradient(a)[0], ga)
	for j := range gx {
		near("df/dx", m.Gradient(x)[j], gx[j])
	}
	for i := range gb {
		near("df/db", m.Gradient(b)[i], gb[i])
	}
	if n := testing.AllocsPerRun(20, func() {
		m.Forward()
		m.ZeroGrad()
		m.Gradient(out)[0] = 1
		m.Backward()
	}); n != 0 {
		t.Errorf("%v allocations per gradient", n)
	}
}

// Kernels are shared by every Machine of a Program; machines on different
// goroutines must not disturb each other (run under -race).
func TestMachinesShareProgram(t *testing.T) {
	p, x, a, b, out := logDensity(t)
	ref := p.NewMachine()
	var wg sync.WaitGroup
	results := make([][]float64, 8)
	for w := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m := p.NewMachine()
			for it := 0; it < 200; it++ {
				copy(m.Value(x), []float64{float64(w), 0.1, -0.1})
				m.Value(a)[0] = 0.5
				copy(m.Value(b), []float64{0, 0, 0, float64(it % 3)})
				m.Forward()
				m.ZeroGrad()
				m.Gradient(out)[0] = 1
				m.Backward()
			}
			results[w] = append([]float64{m.Value(out)[0]}, m.Gradient(x)...)
		}()
	}
	wg.Wait()
	for w, got := range results {
		copy(ref.Value(x), []float64{float64(w), 0.1, -0.1})
		ref.Value(a)[0] = 0.5
		copy(ref.Value(b), []float64{0, 0, 0, float64(199 % 3)})
		ref.Forward()
		ref.ZeroGrad()
		ref.Gradient(out)[0] = 1
		ref.Backward()
		want := append([]float64{ref.Value(out)[0]}, ref.Gradient(x)...)
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("machine %d: %v, want %v", w, got, want)
			}
		}
	}
}
