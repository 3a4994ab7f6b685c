package expr

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/exmc/exmc/core/shape"
)

// MulAdd gives add(a, mul(b, c)) to the last bit, and the same gradients,
// for every layout and every pattern of inputs and constants.
func TestMulAdd(t *testing.T) {
	cases := []struct {
		name    string
		a, b, c []int
	}{
		{"mu + sigma*z", s0, s0, v3},
		{"vector + scalar*vector", v3, s0, v3},
		{"vector + vector*scalar", v3, v3, s0},
		{"all same", m23, m23, m23},
		{"scalar + vector*vector", s0, v3, v3},
		{"row + column*row", v3, []int{2, 1}, v3},
		{"all scalars", s0, s0, s0},
	}
	r := rand.New(rand.NewPCG(5, 6))
	for _, c := range cases {
		shapes := [][]int{c.a, c.b, c.c}
		vals := make([][]float64, 3)
		for i, s := range shapes {
			vals[i] = make([]float64, shape.Size(s))
			for j := range vals[i] {
				vals[i][j] = r.NormFloat64()
			}
		}
		for mask := range 8 {
			fused, twoOps := &Program{}, &Program{}
			var fa, ta [3]Slot
			for i, s := range shapes {
				if mask&(1<<i) != 0 {
					fa[i], ta[i] = fused.Input(s), twoOps.Input(s)
				} else {
					fa[i], ta[i] = fused.Const(s, vals[i]), twoOps.Const(s, vals[i])
				}
			}
			fo, err := MulAdd(fused, fa[0], fa[1], fa[2])
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			prod, err := Apply(twoOps, "mul", Attrs{}, ta[1], ta[2])
			if err != nil {
				t.Fatal(err)
			}
			to, err := Apply(twoOps, "add", Attrs{}, ta[0], prod)
			if err != nil {
				t.Fatal(err)
			}
			if !shape.Equal(fused.Shape(fo), twoOps.Shape(to)) {
				t.Fatalf("%s: shape %v, want %v", c.name, fused.Shape(fo), twoOps.Shape(to))
			}
			fused.Freeze()
			twoOps.Freeze()
			fm, tm := fused.NewMachine(), twoOps.NewMachine()
			for i := range shapes {
				if mask&(1<<i) != 0 {
					copy(fm.Value(fa[i]), vals[i])
					copy(tm.Value(ta[i]), vals[i])
				}
			}
			fm.Forward()
			tm.Forward()
			for j, v := range tm.Value(to) {
				if fm.Value(fo)[j] != v {
					t.Fatalf("%s: element %d is %v, add(mul) gives %v", c.name, j, fm.Value(fo)[j], v)
				}
			}
			if mask == 0 {
				continue
			}
			fm.ZeroGrad()
			tm.ZeroGrad()
			for j := range fm.Gradient(fo) {
				w := float64(j) - 0.5
				fm.Gradient(fo)[j] += w
				tm.Gradient(to)[j] += w
			}
			fm.Backward()
			tm.Backward()
			for i := range shapes {
				if mask&(1<<i) == 0 {
					continue
				}
				for j, want := range tm.Gradient(ta[i]) {
					if got := fm.Gradient(fa[i])[j]; math.Abs(got-want) > 1e-14*math.Max(1, math.Abs(want)) {
						t.Errorf("%s (inputs %03b): gradient of argument %d [%d] = %v, want %v", c.name, mask, i+1, j, got, want)
					}
				}
			}
		}
	}
}
