package transform

import (
	"fmt"

	"github.com/exmc/exmc/core/shape"
)

// Kind selects a transform.
type Kind int

const (
	// Identity: x = y.
	Identity Kind = iota
	// Log: x = exp(y), for positive variables.
	Log
	// Interval: x = lo + (hi - lo) * sigmoid(y), for lo < x < hi.
	Interval
	// Ordered: along the last axis, x[0] = y[0] and
	// x[i] = x[i-1] + exp(y[i]), for strictly increasing vectors.
	Ordered
	// LowerBound: x = lo + exp(y), for x > lo (PyMC's Interval with a
	// lower bound only).
	LowerBound
	// UpperBound: x = hi - exp(y), for x < hi.
	UpperBound
	// Simplex: PyMC's simplex transform along the last axis, from K-1
	// unconstrained coordinates to K values summing to one:
	// z = (y, -sum(y)), x = softmax(z).
	Simplex
	// Circular: x = atan2(sin y, cos y), y wrapped into [-pi, pi], for
	// angles (PyMC's circular transform; dx/dy = 1).
	Circular
	// ZeroSum: PyMC's zerosum transform over the last Axes axes: each of
	// length n from n-1 coordinates, the value summing to zero along
	// each (zerosum.go). Its log-Jacobian is 0.
	ZeroSum
	// CholeskyCovPacked: PyMC's transform of LKJCholeskyCov's packed
	// lower-triangular factor, rows of n(n+1)/2 values along the last
	// axis (row by row: L00, L10, L11, L20, ...): x = exp(y) on the
	// diagonal elements, x = y elsewhere.
	CholeskyCovPacked
)

var kindNames = [...]string{"identity", "log", "interval", "ordered", "lowerbound", "upperbound", "simplex", "circular", "zerosum", "cholesky-cov-packed"}

// String returns the lower-case name PyMC gives the transform.
func (k Kind) String() string {
	if k.valid() {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// NumBounds is the number of bound arrays the kernels of k take after y:
// 2 for Interval (lo, hi), 1 for LowerBound and UpperBound, none for the
// others.
func (k Kind) NumBounds() int {
	switch k {
	case Interval:
		return 2
	case LowerBound, UpperBound:
		return 1
	}
	return 0
}

func (k Kind) valid() bool { return k >= Identity && k <= CholeskyCovPacked }

// Resizes reports whether k's unconstrained value has another shape than
// its constrained one (Unconstrained).
func (k Kind) Resizes() bool { return k == Simplex || k == ZeroSum }

// Unconstrained is the shape of the unconstrained value y whose
// constrained value has shape x: x itself, but one shorter along the
// last axis for Simplex and along each of the last axes axes for ZeroSum
// (axes is read by ZeroSum only).
func (k Kind) Unconstrained(x []int, axes int) ([]int, error) {
	if !k.Resizes() {
		return append([]int{}, x...), nil
	}
	if k == Simplex {
		axes = 1
	}
	if axes < 1 || len(x) < axes || k == ZeroSum && axes > maxZeroSumAxes {
		return nil, fmt.Errorf("transform: %v over %d axes does not fit a value of shape %s", k, axes, shape.String(x))
	}
	y := append([]int{}, x...)
	for i := len(y) - axes; i < len(y); i++ {
		if y[i] < 1 {
			return nil, fmt.Errorf("transform: %v needs its axes of length at least 1, got shape %s", k, shape.String(x))
		}
		y[i]--
	}
	return y, nil
}

// Constrained is the shape of the constrained value whose unconstrained
// value has shape y (the inverse of Unconstrained).
func (k Kind) Constrained(y []int, axes int) []int {
	x := append([]int{}, y...)
	if k == Simplex {
		axes = 1
	}
	if k.Resizes() {
		for i := max(len(x)-axes, 0); i < len(x); i++ {
			x[i]++
		}
	}
	return x
}

// PackedSide is n for a packed lower triangle of m = n(n+1)/2 values, and
// false when m is no such number.
func PackedSide(m int) (int, bool) {
	n := 0
	for n*(n+1)/2 < m {
		n++
	}
	return n, n*(n+1)/2 == m && m > 0
}

// packedDiagonal reports whether element i of a packed lower triangle is
// on the diagonal: i = j(j+3)/2 for some j.
func packedDiagonal(i int) bool {
	j, _ := PackedSide(i + 1)
	return j*(j+1)/2 == i+1
}
