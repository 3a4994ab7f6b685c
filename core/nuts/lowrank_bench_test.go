package nuts_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/exmc/exmc/core/nuts"
)

// BenchmarkVelocity times M⁻¹p, once per leapfrog step, for the diagonal
// metric and a low-rank one with every slot in use, at the seed models'
// dimensions (eight schools 10, sv 102) and a larger one.
func BenchmarkVelocity(b *testing.B) {
	for _, d := range []int{10, 102, 1000} {
		rank := min(d, 16)
		p, v := make([]float64, d), make([]float64, d)
		for i := range p {
			p[i] = float64(i%7) - 3
		}
		diag := nuts.NewDiagMetric(d)
		lr := nuts.NewLowRankMetric(d, rank)
		packed := append([]float64(nil), lr.InvMass()...)
		for j := range rank {
			off := d + j*(d+1)
			packed[off] = 3
			clear(packed[off+1 : off+1+d])
			packed[off+1+j] = 1 // the j-th unit vector: orthonormal
		}
		if err := lr.SetInvMass(packed); err != nil {
			b.Fatal(err)
		}
		for _, c := range []struct {
			name string
			m    nuts.Metric
		}{{"diag", diag}, {fmt.Sprintf("lowrank%d", rank), lr}} {
			b.Run(fmt.Sprintf("d%d/%s", d, c.name), func(b *testing.B) {
				for b.Loop() {
					c.m.Velocity(p, v)
				}
				if math.IsNaN(v[0]) {
					b.Fatal("NaN")
				}
			})
		}
	}
}
