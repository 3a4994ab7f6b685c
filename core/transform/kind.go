package transform

import "fmt"

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
)

var kindNames = [...]string{"identity", "log", "interval", "ordered", "lowerbound", "upperbound"}

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

func (k Kind) valid() bool { return k >= Identity && k <= UpperBound }
