package nuts_test

import (
	"math"
	"testing"

	"github.com/exmc/exmc/core/nuts"
	"gonum.org/v1/gonum/mat"
)

// TestMetricMomentum checks the two halves of the kinetic energy against
// each other: momenta must be drawn from N(0, M) where M is the inverse of
// the stored matrix, and Velocity must apply M⁻¹. Then p·M⁻¹p ~ χ²(d).
func TestMetricMomentum(t *testing.T) {
	invDense := []float64{
		2.0, 0.6, -0.3,
		0.6, 1.0, 0.2,
		-0.3, 0.2, 0.5,
	}
	dm := nuts.NewDenseMetric(3)
	if err := dm.SetInvMass(invDense); err != nil {
		t.Fatal(err)
	}
	diag := nuts.NewDiagMetric(3)
	if err := diag.SetInvMass([]float64{4, 1, 0.25}); err != nil {
		t.Fatal(err)
	}
	// A low-rank metric: scales s² = (4, 1, 0.25) and two orthonormal
	// directions with eigenvalues 9 and 0.2; its matrix is built here
	// densely, S(I + U(Λ-I)Uᵀ)S, to check the O(dk) products against.
	s2 := []float64{4, 1, 0.25}
	u1 := []float64{0.6, 0.8, 0}
	u2 := []float64{0.8 / math.Sqrt2, -0.6 / math.Sqrt2, 1 / math.Sqrt2}
	lam := []float64{9, 0.2}
	packed := append(append(append(append(append([]float64{}, s2...), lam[0]), u1...), lam[1]), u2...)
	lr := nuts.NewLowRankMetric(3, 2)
	if err := lr.SetInvMass(packed); err != nil {
		t.Fatal(err)
	}
	if lr.Rank() != 2 {
		t.Fatalf("rank %d, want 2", lr.Rank())
	}
	lrInv := mat.NewDense(3, 3, nil)
	for i := range 3 {
		for j := range 3 {
			v := 0.0
			if i == j {
				v = 1
			}
			for k, u := range [][]float64{u1, u2} {
				v += (lam[k] - 1) * u[i] * u[j]
			}
			lrInv.Set(i, j, math.Sqrt(s2[i]*s2[j])*v)
		}
	}
	for _, tc := range []struct {
		name string
		m    nuts.Metric
		inv  *mat.Dense
	}{
		{"dense", dm, mat.NewDense(3, 3, invDense)},
		{"low rank", lr, lrInv},
		{"diag", diag, mat.NewDense(3, 3, []float64{4, 0, 0, 0, 1, 0, 0, 0, 0.25})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var mass mat.Dense
			if err := mass.Inverse(tc.inv); err != nil {
				t.Fatal(err)
			}
			r := newRand(7)
			const n = 200000
			p, v := make([]float64, 3), make([]float64, 3)
			var cov [9]float64
			kin := 0.0
			for k := 0; k < n; k++ {
				tc.m.SampleMomentum(r, p)
				tc.m.Velocity(p, v)
				for i := 0; i < 3; i++ {
					want := 0.0
					for j := 0; j < 3; j++ {
						want += tc.inv.At(i, j) * p[j]
						cov[3*i+j] += p[i] * p[j] / n
					}
					if math.Abs(v[i]-want) > 1e-12*(1+math.Abs(want)) {
						t.Fatalf("velocity[%d] = %v, want %v", i, v[i], want)
					}
				}
				for i := range p {
					kin += p[i] * v[i] / n
				}
			}
			// Entry (i,j) of a sample covariance from n draws has standard
			// error sqrt((MᵢᵢMⱼⱼ + Mᵢⱼ²)/n); allow five.
			for i := 0; i < 3; i++ {
				for j := 0; j < 3; j++ {
					want := mass.At(i, j)
					se := math.Sqrt((mass.At(i, i)*mass.At(j, j) + want*want) / n)
					if math.Abs(cov[3*i+j]-want) > 5*se {
						t.Errorf("momentum covariance (%d,%d) = %.4f, want %.4f ± %.4f", i, j, cov[3*i+j], want, 5*se)
					}
				}
			}
			// E[p·M⁻¹p] = d = 3, with s.e. sqrt(2d/n).
			if math.Abs(kin-3) > 5*math.Sqrt(6.0/n) {
				t.Errorf("mean p·M⁻¹p = %.4f, want 3", kin)
			}
		})
	}
}

func TestMetricRejectsBadMatrices(t *testing.T) {
	dm := nuts.NewDenseMetric(2)
	for _, m := range [][]float64{
		{1, 0, 0},             // wrong size
		{1, 2, 2, 1},          // indefinite
		{1, 0.5, 0.4, 1},      // asymmetric
		{1, 0, 0, math.NaN()}, // NaN
	} {
		if dm.SetInvMass(m) == nil {
			t.Errorf("dense metric accepted %v", m)
		}
	}
	if got := dm.InvMass(); got[0] != 1 || got[1] != 0 || got[3] != 1 {
		t.Errorf("failed SetInvMass changed the metric: %v", got)
	}
	d := nuts.NewDiagMetric(2)
	for _, m := range [][]float64{{1}, {1, 0}, {1, -1}, {1, math.Inf(1)}} {
		if d.SetInvMass(m) == nil {
			t.Errorf("diag metric accepted %v", m)
		}
	}
	lr := nuts.NewLowRankMetric(2, 1)
	for _, m := range [][]float64{
		{1},                      // too short
		{1, 1, 2, 1},             // not d + k(d+1)
		{1, 0, 2, 1, 0},          // a zero scale
		{1, 1, -2, 1, 0},         // a negative eigenvalue
		{1, 1, 2, 1, 1},          // a direction of norm √2
		{1, 1, 2, 1, 0, 3, 0, 1}, // two slots, made for one
		{1, 1, math.NaN(), 1, 0}, // NaN
	} {
		if lr.SetInvMass(m) == nil {
			t.Errorf("low-rank metric accepted %v", m)
		}
	}
	if got := lr.InvMass(); len(got) != 5 || got[0] != 1 || got[1] != 1 || got[2] != 1 || lr.Rank() != 0 {
		t.Errorf("failed SetInvMass changed the low-rank metric: %v", got)
	}
}
