package nuts

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// Metric is a Euclidean metric: the kinetic energy is p·M⁻¹p/2 and momenta
// are drawn from N(0, M). Implementations store the inverse mass matrix
// M⁻¹, the quantity that warmup estimates (the posterior covariance).
type Metric interface {
	Dim() int
	// SampleMomentum draws p ~ N(0, M) into p.
	SampleMomentum(r *rand.Rand, p []float64)
	// Velocity writes dq/dt = M⁻¹p into v.
	Velocity(p, v []float64)
	// InvMass returns the inverse mass matrix: its diagonal for a diagonal
	// metric, the row-major d×d matrix for a dense one. Callers must not
	// modify it.
	InvMass() []float64
	// SetInvMass replaces the inverse mass matrix, in the layout InvMass uses.
	SetInvMass(invMass []float64) error
	// Dense reports whether InvMass is a full matrix.
	Dense() bool
}

// DiagMetric is a diagonal metric.
type DiagMetric struct {
	invMass []float64
	// invSqrt holds 1/sqrt(M⁻¹ᵢᵢ) = sqrt(Mᵢᵢ), the momentum's standard deviation.
	invSqrt []float64
}

// NewDiagMetric returns the unit diagonal metric of dimension d.
func NewDiagMetric(d int) *DiagMetric {
	m := &DiagMetric{invMass: make([]float64, d), invSqrt: make([]float64, d)}
	for i := range m.invMass {
		m.invMass[i], m.invSqrt[i] = 1, 1
	}
	return m
}

func (m *DiagMetric) Dim() int           { return len(m.invMass) }
func (m *DiagMetric) Dense() bool        { return false }
func (m *DiagMetric) InvMass() []float64 { return m.invMass }

// SetInvMass accepts only finite, strictly positive entries: anything else
// would make the kinetic energy meaningless.
func (m *DiagMetric) SetInvMass(invMass []float64) error {
	if len(invMass) != len(m.invMass) {
		return fmt.Errorf("diagonal inverse mass matrix must have length %d, got %d", len(m.invMass), len(invMass))
	}
	for i, v := range invMass {
		if !(v > 0) || math.IsInf(v, 0) {
			return fmt.Errorf("diagonal inverse mass matrix entry %d is %v, must be finite and positive", i, v)
		}
	}
	for i, v := range invMass {
		m.invMass[i] = v
		m.invSqrt[i] = 1 / math.Sqrt(v)
	}
	return nil
}

func (m *DiagMetric) SampleMomentum(r *rand.Rand, p []float64) {
	for i, s := range m.invSqrt {
		p[i] = s * r.NormFloat64()
	}
}

func (m *DiagMetric) Velocity(p, v []float64) {
	for i, w := range m.invMass {
		v[i] = w * p[i]
	}
}

// DenseMetric is a full metric. With M⁻¹ = UᵀU (Cholesky), a momentum
// p = U⁻¹z with z ~ N(0, I) has covariance U⁻¹U⁻ᵀ = (UᵀU)⁻¹ = M, so drawing
// it needs one triangular solve and no inverse of M⁻¹.
type DenseMetric struct {
	d       int
	invMass []float64
	sym     blas64.General
	upper   blas64.Triangular
}

// NewDenseMetric returns the unit dense metric of dimension d.
func NewDenseMetric(d int) *DenseMetric {
	id := make([]float64, d*d)
	for i := 0; i < d; i++ {
		id[i*d+i] = 1
	}
	m := &DenseMetric{d: d}
	if err := m.SetInvMass(id); err != nil {
		panic(err) // the identity always factorises
	}
	return m
}

func (m *DenseMetric) Dim() int           { return m.d }
func (m *DenseMetric) Dense() bool        { return true }
func (m *DenseMetric) InvMass() []float64 { return m.invMass }

// SetInvMass takes a row-major symmetric positive-definite matrix. It
// allocates (for the factorisation), which is fine: metrics change only at
// the end of warmup windows.
func (m *DenseMetric) SetInvMass(invMass []float64) error {
	d := m.d
	if len(invMass) != d*d {
		return fmt.Errorf("dense inverse mass matrix must have %d×%d = %d entries, got %d", d, d, d*d, len(invMass))
	}
	for i, v := range invMass {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("dense inverse mass matrix entry (%d, %d) is %v", i/d, i%d, v)
		}
	}
	for i := 0; i < d; i++ {
		for j := 0; j < i; j++ {
			a, b := invMass[i*d+j], invMass[j*d+i]
			if math.Abs(a-b) > 1e-10*math.Max(1, math.Max(math.Abs(a), math.Abs(b))) {
				return fmt.Errorf("dense inverse mass matrix is not symmetric at (%d, %d): %v vs %v", i, j, a, b)
			}
		}
	}
	own := append([]float64(nil), invMass...)
	var chol mat.Cholesky
	if d > 0 {
		if ok := chol.Factorize(mat.NewSymDense(d, own)); !ok {
			return fmt.Errorf("dense inverse mass matrix is not positive definite")
		}
	}
	var u mat.TriDense
	if d > 0 {
		chol.UTo(&u)
	}
	m.invMass = own
	m.sym = blas64.General{Rows: d, Cols: d, Stride: d, Data: own}
	if d > 0 {
		m.upper = u.RawTriangular()
	}
	return nil
}

func (m *DenseMetric) SampleMomentum(r *rand.Rand, p []float64) {
	for i := range p[:m.d] {
		p[i] = r.NormFloat64()
	}
	if m.d == 0 {
		return
	}
	blas64.Trsv(blas.NoTrans, m.upper, blas64.Vector{N: m.d, Inc: 1, Data: p})
}

func (m *DenseMetric) Velocity(p, v []float64) {
	if m.d == 0 {
		return
	}
	blas64.Gemv(blas.NoTrans, 1, m.sym,
		blas64.Vector{N: m.d, Inc: 1, Data: p}, 0,
		blas64.Vector{N: m.d, Inc: 1, Data: v})
}
