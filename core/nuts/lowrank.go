package nuts

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/floats"
)

// LowRankMetric is a diagonal metric with a low-rank correction, nutpie's
// form: M⁻¹ = S (I + U(Λ - I)Uᵀ) S with S = diag(s) and U a d×k matrix of
// orthonormal columns with eigenvalues Λ = diag(λ). S whitens each
// coordinate's scale; U and Λ correct the k directions (k ≪ d) in which
// the scaled posterior's covariance is furthest from the identity, which
// captures strong correlations at O(dk) cost per leapfrog step instead of
// a dense metric's O(d²).
//
// Its packed layout (InvMass, SetInvMass) is the d squared scales s²
// (the diagonal of M⁻¹ when k = 0), then for each of the k directions its
// eigenvalue followed by its d entries: d + k(d+1) numbers. A direction
// whose eigenvalue is exactly 1 corrects nothing and is skipped, whatever
// its entries: warmup estimates a fixed number of slots and fills those
// it does not need so.
type LowRankMetric struct {
	d, k    int
	packed  []float64
	s, invS []float64
	lam     []float64 // λ - 1 per direction
	lamMass []float64 // λ^(-1/2) - 1 per direction: the momentum's correction
	u       []float64 // k×d, direction j at u[j*d:(j+1)*d]
	proj    []float64 // k scratch
}

// NewLowRankMetric returns the unit metric of dimension d that can take
// corrections of rank up to maxRank; its packed layout has maxRank slots,
// all empty (eigenvalue 1).
func NewLowRankMetric(d, maxRank int) *LowRankMetric {
	m := &LowRankMetric{d: d,
		packed: make([]float64, d+maxRank*(d+1)),
		s:      make([]float64, d), invS: make([]float64, d),
		lam: make([]float64, 0, maxRank), lamMass: make([]float64, 0, maxRank),
		u: make([]float64, 0, maxRank*d), proj: make([]float64, maxRank)}
	for i := range d {
		m.packed[i], m.s[i], m.invS[i] = 1, 1, 1
	}
	for j := range maxRank {
		m.packed[d+j*(d+1)] = 1 // an empty slot
	}
	return m
}

func (m *LowRankMetric) Dim() int           { return m.d }
func (m *LowRankMetric) Dense() bool        { return false }
func (m *LowRankMetric) InvMass() []float64 { return m.packed }

// Rank is the number of directions of the current correction.
func (m *LowRankMetric) Rank() int { return m.k }

// SetInvMass takes the packed layout. The scales and eigenvalues must be
// finite and positive, the directions orthonormal (to 1e-6), and the rank
// at most the one the metric was made for. It does not allocate.
func (m *LowRankMetric) SetInvMass(p []float64) error {
	d := m.d
	if len(p) < d || (d > 0 && (len(p)-d)%(d+1) != 0) || (d == 0 && len(p) != len(m.packed)) {
		return fmt.Errorf("low-rank inverse mass matrix must have %d + k×%d entries, got %d", d, d+1, len(p))
	}
	k := 0
	if d > 0 {
		k = (len(p) - d) / (d + 1)
	}
	if k > cap(m.lam) {
		return fmt.Errorf("low-rank inverse mass matrix has rank %d, more than the %d it was made for", k, cap(m.lam))
	}
	for i, v := range p[:d] {
		if !(v > 0) || math.IsInf(v, 0) {
			return fmt.Errorf("low-rank inverse mass matrix scale %d is %v, must be finite and positive", i, v)
		}
	}
	dir := func(j int) []float64 { return p[d+j*(d+1)+1 : d+(j+1)*(d+1)] }
	for j := range k {
		l := p[d+j*(d+1)]
		if !(l > 0) || math.IsInf(l, 0) {
			return fmt.Errorf("low-rank inverse mass matrix eigenvalue %d is %v, must be finite and positive", j, l)
		}
		if l == 1 {
			continue
		}
		for i := 0; i <= j; i++ {
			if p[d+i*(d+1)] == 1 {
				continue
			}
			dot := 0.0
			for t, x := range dir(i) {
				dot += x * dir(j)[t]
			}
			want := 0.0
			if i == j {
				want = 1
			}
			if math.IsNaN(dot) || math.Abs(dot-want) > 1e-6 {
				return fmt.Errorf("low-rank inverse mass matrix directions %d and %d are not orthonormal (dot product %v)", i, j, dot)
			}
		}
	}
	m.packed = append(m.packed[:0], p...)
	for i, v := range p[:d] {
		m.s[i] = math.Sqrt(v)
		m.invS[i] = 1 / m.s[i]
	}
	m.lam, m.lamMass, m.u = m.lam[:0], m.lamMass[:0], m.u[:0]
	m.k = 0
	for j := range k {
		l := p[d+j*(d+1)]
		if l == 1 {
			continue
		}
		m.k++
		m.lam = append(m.lam, l-1)
		m.lamMass = append(m.lamMass, 1/math.Sqrt(l)-1)
		m.u = append(m.u, dir(j)...)
	}
	return nil
}

// SampleMomentum draws p = S⁻¹(I + U(Λ^(-1/2) - I)Uᵀ)z with z ~ N(0, I),
// whose covariance S⁻¹(I + U(Λ⁻¹ - I)Uᵀ)S⁻¹ is M (U's columns being
// orthonormal, I + U(Λ - I)Uᵀ has the inverse I + U(Λ⁻¹ - I)Uᵀ).
func (m *LowRankMetric) SampleMomentum(r *rand.Rand, p []float64) {
	for i := range p[:m.d] {
		p[i] = r.NormFloat64()
	}
	m.correct(p, m.lamMass)
	for i, w := range m.invS {
		p[i] *= w
	}
}

// Velocity writes M⁻¹p = S(I + U(Λ - I)Uᵀ)Sp into v.
func (m *LowRankMetric) Velocity(p, v []float64) {
	for i, w := range m.s {
		v[i] = w * p[i]
	}
	m.correct(v, m.lam)
	for i, w := range m.s {
		v[i] *= w
	}
}

// correct applies I + U diag(c) Uᵀ to x in place (gonum's vector
// kernels: a dot product and an axpy per direction).
func (m *LowRankMetric) correct(x, c []float64) {
	d := m.d
	x = x[:d]
	for j := range m.k {
		m.proj[j] = c[j] * floats.Dot(m.u[j*d:(j+1)*d], x)
	}
	for j := range m.k {
		floats.AddScaled(x, m.proj[j], m.u[j*d:(j+1)*d])
	}
}
