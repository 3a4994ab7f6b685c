package transform

import (
	"fmt"
	"math"
)

// Constrain maps one unconstrained value y to its constrained value x. lo
// and hi are ignored by the kinds that do not use them. Ordered is a vector
// transform: use ConstrainArray.
func Constrain(k Kind, y, lo, hi float64) float64 {
	switch k {
	case Identity:
		return y
	case Log:
		return math.Exp(y)
	case Interval:
		return intervalValue(y, lo, hi)
	case LowerBound:
		return lo + math.Exp(y)
	case UpperBound:
		return hi - math.Exp(y)
	}
	panic(scalarMisuse("Constrain", k))
}

// Unconstrain is the inverse of Constrain; x must lie inside the support
// (NaN or an infinity results otherwise, as in PyMC).
func Unconstrain(k Kind, x, lo, hi float64) float64 {
	switch k {
	case Identity:
		return x
	case Log:
		return math.Log(x)
	case Interval:
		return math.Log(x-lo) - math.Log(hi-x)
	case LowerBound:
		return math.Log(x - lo)
	case UpperBound:
		return math.Log(hi - x)
	}
	panic(scalarMisuse("Unconstrain", k))
}

// intervalValue is PyMC's sigmoid(y)*hi + (1-sigmoid(y))*lo, with 1-sigmoid(y)
// evaluated as sigmoid(-y) so that x approaches lo with full precision for
// very negative y.
func intervalValue(y, lo, hi float64) float64 {
	return sigmoid(y)*hi + sigmoid(-y)*lo
}

func scalarMisuse(fn string, k Kind) string {
	if k == Ordered {
		return fmt.Sprintf("transform.%s: ordered is a vector transform; use %sArray", fn, fn)
	}
	return fmt.Sprintf("transform.%s: unknown kind %v", fn, k)
}
