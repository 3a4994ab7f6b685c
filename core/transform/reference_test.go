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
	case Circular:
		return math.Atan2(math.Sin(y), math.Cos(y))
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

// simplexRef is PyMC's simplex backward map written out plainly, row by
// row of y's last axis: z = (y, -sum(y)), x = exp(z) / sum(exp(z)).
func simplexRef(y, out []float64, shp []int) {
	m := shp[len(shp)-1]
	for r, o := 0, 0; o < len(out); r, o = r+m, o+m+1 {
		z := append(append([]float64(nil), y[r:r+m]...), 0)
		for _, v := range y[r : r+m] {
			z[m] -= v
		}
		tot := 0.0
		for _, v := range z {
			tot += math.Exp(v)
		}
		for i, v := range z {
			out[o+i] = math.Exp(v) / tot
		}
	}
}

// simplexLogJacRef is PyMC's simplex log_jac_det as PyMC writes it, for
// one row y: log N + N s - N logsumexp(y + s, 0), N = len(y) + 1,
// s = sum(y).
func simplexLogJacRef(y []float64) float64 {
	n := float64(len(y) + 1)
	s := 0.0
	for _, v := range y {
		s += v
	}
	tot := 1.0 // exp(0)
	for _, v := range y {
		tot += math.Exp(v + s)
	}
	return math.Log(n) + n*s - n*math.Log(tot)
}

// zeroSumRef is PyMC's zerosum backward map written out plainly: for each
// of the last axes axes in turn, every line y of m values along it
// becomes (y - S/(sqrt(n)+n), S/(sqrt(n)+n) - S/sqrt(n) - S/(sqrt(n)+n))
// with n = m+1 and S = sum(y), as PyMC's extend_axis concatenates the
// fill value and subtracts the norm. Shapes grow axis by axis, through
// copies.
func zeroSumRef(y, out []float64, shp []int, axes int) {
	cur := append([]int{}, shp...)
	vals := append([]float64{}, y...)
	for a := len(shp) - axes; a < len(shp); a++ {
		inner := 1
		for _, s := range cur[a+1:] {
			inner *= s
		}
		m := cur[a]
		outer := len(vals) / (m * inner)
		n := float64(m + 1)
		next := make([]float64, outer*(m+1)*inner)
		for o := range outer {
			for i := range inner {
				sum := 0.0
				for j := range m {
					sum += vals[(o*m+j)*inner+i]
				}
				norm := sum / (math.Sqrt(n) + n)
				fill := norm - sum/math.Sqrt(n)
				for j := range m {
					next[(o*(m+1)+j)*inner+i] = vals[(o*m+j)*inner+i] - norm
				}
				next[(o*(m+1)+m)*inner+i] = fill - norm
			}
		}
		vals = next
		cur[a]++
	}
	copy(out, vals)
}

// packedRef is PyMC's CholeskyCovPacked backward map along the last axis
// of shp: the packed lower triangle enumerated row by row, (i, j) for
// j <= i, with exp on the elements where j == i.
func packedRef(y, out []float64, shp []int) {
	m := shp[len(shp)-1]
	for r := 0; r < len(y); r += m {
		k := r
		for i := 0; k < r+m; i++ {
			for j := 0; j <= i; j++ {
				if j == i {
					out[k] = math.Exp(y[k])
				} else {
					out[k] = y[k]
				}
				k++
			}
		}
	}
}
