package dist

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// LKJCholeskyCov(n, eta): the packed lower Cholesky factor L of an n x n
// covariance (n(n+1)/2 values, row by row: L00, L10, L11, L20, ...) whose
// correlation matrix follows the LKJ distribution with shape eta, as PyMC
// writes its log-density: with sd_i the length of row i of L,
//
//	norm(eta, n) + sum_i (2 eta - 3 + n - i) log(L_ii / sd_i)
//	             + sum_i (log(L_ii / sd_i) - i log sd_i)
//
// (the LKJ density of the correlation's factor, and the log-Jacobian of
// PyMC's map from (stds, correlation factor) to L). PyMC adds the
// standard deviations' own prior, its sd_dist, at sd; here that is a term
// of its own (the PyMC translator writes PyMC's sd_dist as a potential of
// the row lengths), so that this density takes any prior on the scales.
// Without one the scales are improper, and the distribution is not drawn.
type lkjCovKernel struct{}

// lkjNorm is PyMC's log normalising constant of the LKJ density and its
// derivative in eta.
func lkjNorm(eta float64, n int) (float64, float64) {
	nf := float64(n)
	v := (nf - 1) * lgamma(eta+0.5*(nf-1))
	d := (nf - 1) * digamma(eta+0.5*(nf-1))
	for k := 1; k < n; k++ {
		kf := float64(k)
		v -= 0.5*kf*lnPi + lgamma(eta+0.5*(nf-1-kf))
		d -= digamma(eta + 0.5*(nf-1-kf))
	}
	return v, d
}

func (lkjCovKernel) Shape(value []int, params [][]int, static Args) ([]int, error) {
	n := int(static[0])
	if n < 1 {
		return nil, fmt.Errorf("n must be at least 1, got %d", n)
	}
	m := n * (n + 1) / 2
	if value != nil && value[0] != m {
		return nil, fmt.Errorf("the value has %d elements along its last axis, but a packed triangle of n = %d has %d", value[0], n, m)
	}
	return []int{m}, nil
}

func (lkjCovKernel) Scratch(*Geometry) int { return 0 }

func (lkjCovKernel) Logp(e *Geometry, x []float64, p EventArgs, g float64, gx []float64, gp EventArgs, _ []float64) float64 {
	n := int(e.Static[0])
	eta := p[1][0]
	if !(eta > 0) {
		return negInf
	}
	nf := float64(n)
	lp, dnorm := lkjNorm(eta, n)
	deta := 0.0
	for i, d := 0, 0; i < n; i, d = i+1, d+i+2 {
		row := x[d-i : d+1]
		ss := 0.0
		for _, v := range row {
			ss += v * v
		}
		lii := x[d]
		if !(lii > 0) || !(ss <= math.MaxFloat64) {
			return negInf
		}
		c := 2*eta - 2 + nf - float64(i)
		logCorr := math.Log(lii) - 0.5*math.Log(ss)
		lp += c*logCorr - 0.5*float64(i)*math.Log(ss)
		deta += 2 * logCorr
		if gx != nil {
			w := (c + float64(i)) / ss
			for j, v := range row {
				gx[d-i+j] -= g * w * v
			}
			gx[d] += g * c / lii
		}
	}
	if gp[1] != nil {
		gp[1][0] += g * (deta + dnorm)
	}
	return lp
}

func (lkjCovKernel) Random(*Geometry, EventArgs, *rand.Rand, []float64) error {
	return fmt.Errorf("LKJCholeskyCov without a distribution of its standard deviations is improper: it cannot be drawn")
}

// InSupport: a positive diagonal.
func (lkjCovKernel) InSupport(e *Geometry, x []float64, _ EventArgs) bool {
	n := int(e.Static[0])
	for i, d := 0, 0; i < n; i, d = i+1, d+i+2 {
		if !(x[d] > 0) {
			return false
		}
	}
	return true
}

func init() {
	register(Spec{
		Name: "LKJCholeskyCov", Doc: "The packed Cholesky factor of a covariance with LKJ-distributed correlations.",
		Layout: Event, Event: lkjCovKernel{}, ValueDims: 1,
		Params: []Param{
			{Name: "n", Domain: countParam, Doc: "dimension", Static: true},
			{Name: "eta", Domain: positive, Doc: "LKJ shape"},
		},
		Variants: []VariantSpec{{Params: []string{"n", "eta"}, Support: Real, Transform: CholeskyCovPackedTransform}},
		Notes: "`LKJCholeskyCov`'s value is the packed lower triangle of n(n+1)/2 values, row by row, " +
			"sampled through PyMC's transform (exp on the diagonal); its density is PyMC's but for the standard deviations' " +
			"prior (PyMC's `sd_dist`), a term of its own: the PyMC translator adds PyMC's as a potential of the rows' lengths.",
	})
}
