package adapt

import (
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"
)

// LowRank estimates nutpie's low-rank-plus-diagonal inverse mass matrix
// (nuts.LowRankMetric's packed layout) from the draws and gradients of a
// window. First each coordinate gets the diagonal estimate of
// DiagGradient, s² = sqrt(var(q)/var(g)); the draws are centred and
// divided by s, the gradients centred and multiplied by s. In these
// scaled coordinates a Gaussian posterior has draw covariance C and
// gradient covariance C⁻¹, so both carry the correction. The draws and
// gradients of n draws span at most 2n directions: in that subspace (an
// orthonormal basis Q from an SVD of the two side by side), with
// Cq = Qᵀx xᵀQ/γ + I and Cg = Qᵀg gᵀQ/γ + I (γ small, the identity a
// regulariser for directions with no spread), the estimate is the
// symmetric positive definite Σ that solves Σ Cg Σ = Cq, the geometric
// mean Cg^(-1/2) (Cg^(1/2) Cq Cg^(1/2))^(1/2) Cg^(-1/2), which is C itself
// when the posterior is Gaussian. Its eigenvectors with eigenvalues
// outside [1/Cutoff, Cutoff], mapped back by Q, are the correction's
// directions, at most MaxRank of them, the most extreme first; the
// metric's other slots get the eigenvalue 1 (no correction).
//
// Estimate allocates (the factorisations), which is why the online
// schedule calls it at its swaps only (LowRankUpdateEvery); Observe keeps
// a copy of each draw and gradient, up to a whole window.
type LowRank struct {
	d, rank       int
	gamma, cutoff float64
	qs, gs        []float64 // n×d, row per draw
	n             int
}

// Settings of the low-rank estimate (nutpie's): the regulariser γ and the
// eigenvalue cutoff.
const (
	LowRankGamma  = 1e-5
	LowRankCutoff = 2
)

// LowRankMaxRank bounds the correction's directions (nutpie has no bound):
// a leapfrog step costs O(d × rank) beside the gradient.
const LowRankMaxRank = 16

// LowRankUpdateEvery is the online schedule's interval between low-rank
// estimates besides the swaps of its estimators: never, so that the
// metric changes at the swaps alone (every 10 draws early in warmup, then
// after 80, 120, 180, ... draws). On sv that was both cheaper and better
// than an estimate every 10 draws (DECISIONS 47).
const LowRankUpdateEvery = math.MaxInt

// NewLowRank returns the estimator for dimension d with at most rank
// correcting directions.
func NewLowRank(d, rank int) *LowRank {
	return &LowRank{d: d, rank: rank, gamma: LowRankGamma, cutoff: LowRankCutoff}
}

// PackedLen is the length of the packed inverse mass matrix for
// dimension d and rank directions.
func PackedLen(d, rank int) int { return d + rank*(d+1) }

func (a *LowRank) Dense() bool { return false }
func (a *LowRank) N() int      { return a.n }

func (a *LowRank) Observe(q, grad []float64) {
	a.qs = append(a.qs, q[:a.d]...)
	a.gs = append(a.gs, grad[:a.d]...)
	a.n++
}

func (a *LowRank) Reset() {
	a.qs, a.gs, a.n = a.qs[:0], a.gs[:0], 0
}

// Estimate writes the packed metric into invMass (of length
// PackedLen(d, rank)); it keeps the previous one when the window has
// under two draws, and keeps only the diagonal when a factorisation
// fails.
func (a *LowRank) Estimate(invMass []float64) error {
	d, n := a.d, a.n
	if n < 2 || d == 0 {
		return nil
	}
	fn := float64(n)
	s := make([]float64, d)
	x := mat.NewDense(d, 2*n, nil) // scaled draws, then scaled gradients
	for i := range d {
		var mq, mg float64
		for t := range n {
			mq += a.qs[t*d+i] / fn
			mg += a.gs[t*d+i] / fn
		}
		var vq, vg float64
		for t := range n {
			dq, dg := a.qs[t*d+i]-mq, a.gs[t*d+i]-mg
			vq += dq * dq / (fn - 1)
			vg += dg * dg / (fn - 1)
		}
		v := math.Sqrt(vq / vg)
		if !(v > 0) || math.IsInf(v, 0) {
			v = regularize(n, vq, true)
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return ErrMetricOverflow
		}
		v = math.Min(math.Max(v, gradMetricMin), gradMetricMax)
		invMass[i] = v
		s[i] = math.Sqrt(v)
		for t := range n {
			x.Set(i, t, (a.qs[t*d+i]-mq)/s[i])
			x.Set(i, n+t, (a.gs[t*d+i]-mg)*s[i])
		}
	}
	for j := range a.rank {
		off := d + j*(d+1)
		invMass[off] = 1
		clear(invMass[off+1 : off+1+d])
	}
	if a.rank == 0 {
		return nil
	}
	vals, vecs, ok := a.correction(x, n)
	if !ok {
		return nil
	}
	for j, l := range vals {
		off := d + j*(d+1)
		invMass[off] = l
		mat.Col(invMass[off+1:off+1+d], j, vecs)
	}
	return nil
}

// correction returns the eigenvalues and (as columns) eigenvectors of the
// scaled covariance estimate that leave [1/cutoff, cutoff], the most
// extreme first, at most rank of them; x holds the scaled draws in its
// first n columns and the scaled gradients in the next n.
func (a *LowRank) correction(x *mat.Dense, n int) ([]float64, *mat.Dense, bool) {
	d := a.d
	var svd mat.SVD
	if !svd.Factorize(x, mat.SVDThin) {
		return nil, nil, false
	}
	sv := svd.Values(nil)
	var u mat.Dense
	svd.UTo(&u)
	m := 0
	for _, v := range sv {
		if v > 1e-10*sv[0] {
			m++
		}
	}
	if m == 0 {
		return nil, nil, false
	}
	q := u.Slice(0, d, 0, m)
	var p mat.Dense
	p.Mul(q.T(), x) // m × 2n
	cov := func(cols mat.Matrix) *mat.SymDense {
		c := mat.NewSymDense(m, nil)
		c.SymOuterK(1/a.gamma, cols)
		for i := range m {
			c.SetSym(i, i, c.At(i, i)+1)
		}
		return c
	}
	cq := cov(p.Slice(0, m, 0, n))
	cg := cov(p.Slice(0, m, n, 2*n))
	sigma, ok := spdMean(cq, cg)
	if !ok {
		return nil, nil, false
	}
	var eig mat.EigenSym
	if !eig.Factorize(sigma, true) {
		return nil, nil, false
	}
	lam := eig.Values(nil)
	var w mat.Dense
	eig.VectorsTo(&w)
	var keep []int
	for j, l := range lam {
		if !(l > 0) || math.IsInf(l, 0) {
			return nil, nil, false
		}
		if l > a.cutoff || l < 1/a.cutoff {
			keep = append(keep, j)
		}
	}
	slices.SortFunc(keep, func(i, j int) int {
		return -cmpFloat(math.Abs(math.Log(lam[i])), math.Abs(math.Log(lam[j])))
	})
	if len(keep) > a.rank {
		keep = keep[:a.rank]
	}
	if len(keep) == 0 {
		return nil, nil, false
	}
	vals := make([]float64, len(keep))
	sel := mat.NewDense(m, len(keep), nil)
	for k, j := range keep {
		vals[k] = lam[j]
		for i := range m {
			sel.Set(i, k, w.At(i, j))
		}
	}
	var vecs mat.Dense
	vecs.Mul(q, sel)
	return vals, &vecs, true
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// spdMean is the symmetric positive definite solution S of S B S = A,
// B^(-1/2) (B^(1/2) A B^(1/2))^(1/2) B^(-1/2).
func spdMean(a, b *mat.SymDense) (*mat.SymDense, bool) {
	bHalf, bInvHalf, ok := sqrtSym(b)
	if !ok {
		return nil, false
	}
	var t mat.Dense
	t.Mul(bHalf, a)
	t.Mul(&t, bHalf)
	mid, _, ok := sqrtSym(symmetric(&t))
	if !ok {
		return nil, false
	}
	t.Mul(bInvHalf, mid)
	t.Mul(&t, bInvHalf)
	return symmetric(&t), true
}

// sqrtSym returns A^(1/2) and A^(-1/2) of a symmetric positive definite A.
func sqrtSym(a *mat.SymDense) (*mat.SymDense, *mat.SymDense, bool) {
	var eig mat.EigenSym
	if !eig.Factorize(a, true) {
		return nil, nil, false
	}
	vals := eig.Values(nil)
	var v mat.Dense
	eig.VectorsTo(&v)
	n := len(vals)
	half, invHalf := mat.NewSymDense(n, nil), mat.NewSymDense(n, nil)
	for _, l := range vals {
		if !(l > 0) || math.IsInf(l, 0) {
			return nil, nil, false
		}
	}
	for i := range n {
		for j := i; j < n; j++ {
			var h, ih float64
			for k, l := range vals {
				vv := v.At(i, k) * v.At(j, k)
				r := math.Sqrt(l)
				h += vv * r
				ih += vv / r
			}
			half.SetSym(i, j, h)
			invHalf.SetSym(i, j, ih)
		}
	}
	return half, invHalf, true
}

// symmetric is (T + Tᵀ)/2, removing rounding asymmetry.
func symmetric(t *mat.Dense) *mat.SymDense {
	n, _ := t.Dims()
	s := mat.NewSymDense(n, nil)
	for i := range n {
		for j := i; j < n; j++ {
			s.SetSym(i, j, (t.At(i, j)+t.At(j, i))/2)
		}
	}
	return s
}
