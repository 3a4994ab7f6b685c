package compile

import (
	"math"
	"math/rand/v2"
	"testing"
)

// A Density reads the caller's point in place and writes the gradient
// straight into the caller's vector; alternating between vectors, or
// passing one vector as both, must give what a fresh Density gives.
func TestDensityBuffers(t *testing.T) {
	for _, centred := range []bool{true, false} {
		c := eightSchools(t, centred)
		d := c.NewDensity()
		r := rand.New(rand.NewPCG(1, 9))
		points := [][]float64{randPoint(r, c.Dim()), randPoint(r, c.Dim()), randPoint(r, c.Dim())}
		grads := [][]float64{make([]float64, c.Dim()), make([]float64, c.Dim())}
		for round := range 6 {
			x, g := points[round%3], grads[round%2]
			keep := append([]float64(nil), x...)
			fresh := c.NewDensity()
			want := make([]float64, c.Dim())
			wlp, _ := fresh.LogpGrad(append([]float64(nil), x...), want)
			lp, err := d.LogpGrad(x, g)
			if err != nil || lp != wlp {
				t.Fatalf("round %d: logp %v (%v), want %v", round, lp, err, wlp)
			}
			for i := range g {
				if g[i] != want[i] || x[i] != keep[i] {
					t.Fatalf("round %d: gradient %v, want %v; point %v, was %v", round, g, want, x, keep)
				}
			}
			if v, _ := d.Logp(x); v != lp {
				t.Fatalf("round %d: Logp %v, LogpGrad %v", round, v, lp)
			}
			// the point and the gradient in one vector
			both := append([]float64(nil), x...)
			if lp2, _ := d.LogpGrad(both, both); lp2 != lp {
				t.Fatalf("round %d: logp %v with x and grad the same vector, want %v", round, lp2, lp)
			}
			for i := range both {
				if both[i] != want[i] {
					t.Fatalf("round %d: gradient %v with x and grad the same vector, want %v", round, both, want)
				}
			}
		}
		// Constrain over its own point
		x := points[0]
		want := make([]float64, c.ConstrainedSize())
		if err := d.Constrain(x, want); err != nil {
			t.Fatal(err)
		}
		buf := make([]float64, max(c.Dim(), c.ConstrainedSize()))
		copy(buf, x)
		if err := d.Constrain(buf[:c.Dim()], buf[:c.ConstrainedSize()]); err != nil {
			t.Fatal(err)
		}
		for i, w := range want {
			if buf[i] != w && !(math.IsNaN(w) && math.IsNaN(buf[i])) {
				t.Fatalf("Constrain in place %v, want %v", buf, want)
			}
		}
	}
}
