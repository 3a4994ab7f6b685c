package transform

import (
	"fmt"
	"math"
)

// constrainRef is the constrain map of one element, the reference the
// kernels are held to. lo and hi are read by Interval only. Ordered is a
// vector map: use orderedRef.
func constrainRef(k Kind, y, lo, hi float64) float64 {
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
	panic(fmt.Sprintf("constrainRef: no scalar map for %v", k))
}

// orderedRef is the Ordered map along the last axis of shp: x[0] = y[0],
// x[i] = x[i-1] + exp(y[i]).
func orderedRef(y, out []float64, shp []int) {
	m := shp[len(shp)-1]
	for r := 0; r < len(y); r += m {
		prev := 0.0
		for i := r; i < r+m; i++ {
			if i == r {
				prev = y[i]
			} else {
				prev += math.Exp(y[i])
			}
			out[i] = prev
		}
	}
}

// at reads a bound laid out as a trailing-axes block repeated over the
// leading axes, so element i of the full array reads b[i mod len(b)].
func at(b []float64, i int) float64 {
	if len(b) == 0 {
		return math.NaN()
	}
	return b[i%len(b)]
}
