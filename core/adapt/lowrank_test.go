package adapt

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// lowRankInv rebuilds the inverse mass matrix S(I + U(Λ-I)Uᵀ)S from the
// packed layout, densely.
func lowRankInv(d int, p []float64) *mat.Dense {
	inv := mat.NewDense(d, d, nil)
	k := (len(p) - d) / (d + 1)
	for i := range d {
		for j := range d {
			v := 0.0
			if i == j {
				v = 1
			}
			for r := range k {
				off := d + r*(d+1)
				v += (p[off] - 1) * p[off+1+i] * p[off+1+j]
			}
			inv.Set(i, j, math.Sqrt(p[i]*p[j])*v)
		}
	}
	return inv
}

// The estimate's algebra: for any draws whose gradients are exactly those
// of a Gaussian with covariance C, -C⁻¹(q - μ) (here, draws from that
// Gaussian, as warmup would see them), the scaled draw and gradient
// covariances are each other's inverses up to S, and the geometric mean
// gives C back; with every eigenvalue kept (a cutoff of 1)
// and the full rank, the rebuilt inverse mass matrix is C to the
// regulariser's order (γ relative to the n draws' spread).
func TestLowRankRecoversGaussianCovariance(t *testing.T) {
	const d, n = 5, 40
	r := rand.New(rand.NewPCG(11, 12))
	// C = A Aᵀ with A random: strong correlations and scales from ~0.1 to ~10
	a := mat.NewDense(d, d, nil)
	for i := range d {
		for j := range d {
			a.Set(i, j, r.NormFloat64()*math.Pow(10, float64(i-2)/2))
		}
	}
	var c mat.SymDense
	c.SymOuterK(1, a)
	var cInv mat.Dense
	if err := cInv.Inverse(&c); err != nil {
		t.Fatal(err)
	}
	mu := []float64{1, -2, 3, 0, 0.5}
	est := NewLowRank(d, d)
	est.cutoff = 1
	q, g := make([]float64, d), make([]float64, d)
	z := make([]float64, d)
	for range n {
		for i := range z {
			z[i] = r.NormFloat64()
		}
		for i := range q {
			q[i] = mu[i]
			for j := range d {
				q[i] += a.At(i, j) * z[j]
			}
		}
		for i := range d {
			g[i] = 0
			for j := range d {
				g[i] -= cInv.At(i, j) * (q[j] - mu[j])
			}
		}
		est.Observe(q, g)
	}
	packed := make([]float64, PackedLen(d, d))
	if err := est.Estimate(packed); err != nil {
		t.Fatal(err)
	}
	got := lowRankInv(d, packed)
	for i := range d {
		for j := range d {
			want := c.At(i, j)
			tol := 1e-4 * math.Sqrt(c.At(i, i)*c.At(j, j))
			if math.Abs(got.At(i, j)-want) > tol {
				t.Errorf("inverse mass (%d,%d) = %.6g, want %.6g", i, j, got.At(i, j), want)
			}
		}
	}
}

// With the default cutoff, an elongated Gaussian, C = I + 49uuᵀ along
// u = (1, ..., 1)/√6: the diagonal scale is s² = sqrt(var q / var g) =
// 3.31 per coordinate, so the scaled covariance has the eigenvalue 15.1
// along u and 0.30 across it, all outside [1/2, 2]. The most extreme, u,
// comes first; with every slot the rebuilt matrix is C to the noise of
// 400 draws. An independent Gaussian (scales 0.1 to 10) needs no
// correction: every slot stays at eigenvalue 1.
func TestLowRankFindsTheLongDirection(t *testing.T) {
	const d, n = 6, 400
	r := rand.New(rand.NewPCG(5, 6))
	long := make([]float64, d)
	for i := range long {
		long[i] = 1 / math.Sqrt(d)
	}
	est := NewLowRank(d, d)
	q, g := make([]float64, d), make([]float64, d)
	for range n {
		w := r.NormFloat64()
		for i := range q {
			q[i] = r.NormFloat64() + 7*long[i]*w
		}
		uq := 0.0
		for i := range q {
			uq += long[i] * q[i]
		}
		for i := range q {
			g[i] = -(q[i] - 49.0/50*long[i]*uq) // -C⁻¹q
		}
		est.Observe(q, g)
	}
	packed := make([]float64, PackedLen(d, d))
	if err := est.Estimate(packed); err != nil {
		t.Fatal(err)
	}
	if l := packed[d]; math.Abs(l-15.1) > 3 {
		t.Errorf("first eigenvalue %.4g, want about 15.1", l)
	}
	dot := 0.0
	for i, u := range long {
		dot += u * packed[d+1+i]
	}
	if math.Abs(math.Abs(dot)-1) > 0.01 {
		t.Errorf("first direction · u = %.4f, want ±1", dot)
	}
	got := lowRankInv(d, packed)
	for i := range d {
		for j := range d {
			want := 49 * long[i] * long[j]
			if i == j {
				want++
			}
			// 400 draws: relative standard error of a covariance about
			// 1/sqrt(200); allow 0.15 of the larger scale.
			if math.Abs(got.At(i, j)-want) > 0.15*(1+math.Abs(want)) {
				t.Errorf("inverse mass (%d,%d) = %.4g, want %.4g", i, j, got.At(i, j), want)
			}
		}
	}

	est = NewLowRank(d, 3)
	for range n {
		for i := range q {
			sd := math.Pow(10, float64(i)/2.5-1)
			q[i] = sd * r.NormFloat64()
			g[i] = -q[i] / (sd * sd)
		}
		est.Observe(q, g)
	}
	packed = make([]float64, PackedLen(d, 3))
	if err := est.Estimate(packed); err != nil {
		t.Fatal(err)
	}
	for i := range d {
		if sd2 := math.Pow(10, 2*(float64(i)/2.5-1)); math.Abs(packed[i]/sd2-1) > 1e-9 {
			t.Errorf("scale %d: %.6g, want %.6g", i, packed[i], sd2)
		}
	}
	for j := range 3 {
		if l := packed[d+j*(d+1)]; l != 1 {
			t.Errorf("slot %d has eigenvalue %v, want 1", j, l)
		}
	}
}

// The geometric mean solves S B S = A.
func TestSPDMean(t *testing.T) {
	a := mat.NewSymDense(3, []float64{4, 1, 0, 1, 3, 0.5, 0, 0.5, 2})
	b := mat.NewSymDense(3, []float64{2, -0.3, 0.1, -0.3, 1, 0, 0.1, 0, 0.5})
	s, ok := spdMean(a, b)
	if !ok {
		t.Fatal("spdMean failed")
	}
	var sbs mat.Dense
	sbs.Mul(s, b)
	sbs.Mul(&sbs, s)
	if !mat.EqualApprox(&sbs, a, 1e-12) {
		t.Errorf("S B S = %v, want %v", mat.Formatted(&sbs), mat.Formatted(a))
	}
}
