package transform

import (
	"math"
	"testing"

	"github.com/exmc/exmc/core/expr"
)

// The kernels plug into an expr.Program: a constant bound gets no gradient
// buffer, a parameter-dependent bound gets its gradient.
func TestInProgram(t *testing.T) {
	var p expr.Program
	y := p.Input([]int{2, 3})
	lo := p.Const([]int{3}, []float64{-1, 0, 0.5})
	hi := p.Input([]int{})
	ck, err := NewConstrain(Interval, []int{2, 3}, []int{3}, []int{})
	if err != nil {
		t.Fatal(err)
	}
	lk, err := NewLogJac(Interval, []int{2, 3}, []int{3}, []int{})
	if err != nil {
		t.Fatal(err)
	}
	x := p.Apply(ck, []int{2, 3}, y, lo, hi)
	lj := p.Apply(lk, []int{}, y, lo, hi)
	p.Freeze()

	m := p.NewMachine()
	yv := []float64{-2, -0.5, 0, 0.3, 1, 4}
	copy(m.Value(y), yv)
	m.Value(hi)[0] = 2
	m.Forward()
	m.ZeroGrad()
	m.Gradient(lj)[0] = 1
	for i := range m.Gradient(x) {
		m.Gradient(x)[i] = 1
	}
	m.Backward()

	// d/dhi of sum(x) + log|J| = sum sigmoid(y) + sum 1/(hi - lo).
	los := []float64{-1, 0, 0.5}
	want := 0.0
	for i, v := range yv {
		want += sigmoid(v) + 1/(2-los[i%3])
	}
	if got := m.Gradient(hi)[0]; math.Abs(got-want) > 1e-13 {
		t.Errorf("d/dhi = %.17g, want %.17g", got, want)
	}
	for i, v := range yv {
		l := los[i%3]
		want := (2-l)*sigmoid(v)*sigmoid(-v) - math.Tanh(v/2)
		if got := m.Gradient(y)[i]; math.Abs(got-want) > 1e-13 {
			t.Errorf("d/dy[%d] = %.17g, want %.17g", i, got, want)
		}
	}
}
