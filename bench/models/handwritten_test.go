package models

import (
	"math"
	"math/rand/v2"
	"testing"
)

// The hand-written densities agree with the compiled models, value and
// gradient, at random points of the compiled model's unconstrained layout.
// The points reach well into the tails (|x| up to 3 on the log scales), so
// that a wrong transform, Jacobian or non-centred block shows.
func TestHandwritten(t *testing.T) {
	for _, name := range Names {
		t.Run(name, func(t *testing.T) {
			c := compiled(t, name, false)
			h, err := NewHandwritten(name)
			if err != nil {
				t.Fatal(err)
			}
			if h.Dim() != c.Dim() {
				t.Fatalf("dimension %d, compiled %d", h.Dim(), c.Dim())
			}
			d := c.NewDensity()
			r := rand.New(rand.NewPCG(11, uint64(len(name))))
			want := make([]float64, c.Dim())
			got := make([]float64, c.Dim())
			for range 20 {
				x := make([]float64, c.Dim())
				for i := range x {
					x[i] = 6 * (r.Float64() - 0.5)
				}
				lpc, err := d.LogpGrad(x, want)
				if err != nil {
					t.Fatal(err)
				}
				if lpv, _ := d.Logp(x); lpv != lpc {
					t.Fatalf("at %v: Logp %.17g but LogpGrad %.17g", x, lpv, lpc)
				}
				for i := range got {
					got[i] = math.NaN() // every entry must be written
				}
				lph := h.LogpGrad(x, got)
				if !close(lph, lpc) {
					t.Fatalf("at %v: logp %.17g, compiled %.17g", x, lph, lpc)
				}
				for i := range got {
					if !close(got[i], want[i]) {
						t.Fatalf("at %v: gradient[%d] %.17g, compiled %.17g", x, i, got[i], want[i])
					}
				}
			}
		})
	}
}

func close(a, b float64) bool {
	return math.Abs(a-b) <= 1e-9*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

// One gradient evaluation of each model, compiled and hand-written side by
// side, at the same point (the one BenchmarkLogpGrad uses).
func BenchmarkGradient(b *testing.B) {
	for _, name := range Names {
		c := compiled(b, name, false)
		h, err := NewHandwritten(name)
		if err != nil {
			b.Fatal(err)
		}
		x := make([]float64, c.Dim())
		for i := range x {
			x[i] = 0.1
		}
		g := make([]float64, c.Dim())
		b.Run(name+"/compiled", func(b *testing.B) {
			d := c.NewDensity()
			b.ReportAllocs()
			for b.Loop() {
				d.LogpGrad(x, g)
			}
		})
		b.Run(name+"/handwritten", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				h.LogpGrad(x, g)
			}
		})
	}
}
