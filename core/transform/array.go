package transform

import (
	"fmt"
	"math"

	"github.com/exmc/exmc/core/shape"
)

// ConstrainArray maps y, an array of shape shp, to out (which may alias y).
// lo and hi hold the bounds the kind uses (nil otherwise), each either a
// single value or a block covering the trailing axes of shp that repeats
// over the leading ones (shape (3,) against (2, 3), for instance). For any
// other broadcast, use a ConstrainKernel. Ordered works on the last axis.
func ConstrainArray(k Kind, y, lo, hi, out []float64, shp []int) {
	checkArray("ConstrainArray", k, y, lo, hi, out, shp)
	if k == Ordered {
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
		return
	}
	for i, v := range y {
		out[i] = Constrain(k, v, at(lo, i), at(hi, i))
	}
}

// UnconstrainArray is the inverse of ConstrainArray, with the same
// conventions.
func UnconstrainArray(k Kind, x, lo, hi, out []float64, shp []int) {
	checkArray("UnconstrainArray", k, x, lo, hi, out, shp)
	if k == Ordered {
		m := shp[len(shp)-1]
		for r := 0; r < len(x); r += m {
			prev := 0.0
			for i := r; i < r+m; i++ {
				v := x[i]
				if i == r {
					out[i] = v
				} else {
					out[i] = math.Log(v - prev)
				}
				prev = v
			}
		}
		return
	}
	for i, v := range x {
		out[i] = Unconstrain(k, v, at(lo, i), at(hi, i))
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

func checkArray(fn string, k Kind, in, lo, hi, out []float64, shp []int) {
	if !k.valid() {
		panic(fmt.Sprintf("transform.%s: unknown kind %v", fn, k))
	}
	n := shape.Size(shp)
	if len(in) != n || len(out) != n {
		panic(fmt.Sprintf("transform.%s: shape %s needs %d values, got %d in and %d out",
			fn, shape.String(shp), n, len(in), len(out)))
	}
	if k == Ordered && len(shp) == 0 {
		panic(fmt.Sprintf("transform.%s: ordered needs at least one axis", fn))
	}
	needLo := k == Interval || k == LowerBound
	needHi := k == Interval || k == UpperBound
	for _, b := range []struct {
		name string
		v    []float64
		need bool
	}{{"lo", lo, needLo}, {"hi", hi, needHi}} {
		if !b.need || n == 0 {
			continue
		}
		if !trailingBlock(len(b.v), shp) {
			panic(fmt.Sprintf("transform.%s: %s has %d values, not 1 or a trailing block of %s",
				fn, b.name, len(b.v), shape.String(shp)))
		}
	}
}

// trailingBlock reports whether m is the size of shp[j:] for some j.
func trailingBlock(m int, shp []int) bool {
	if m == 1 {
		return true
	}
	p := 1
	for j := len(shp) - 1; j >= 0; j-- {
		p *= shp[j]
		if p == m {
			return true
		}
	}
	return false
}
