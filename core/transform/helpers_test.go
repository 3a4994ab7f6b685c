package transform

import (
	"math"
	"math/rand/v2"

	"github.com/exmc/exmc/core/shape"
)

// kernelCase is a transform applied to y of one shape with bounds of
// possibly different, broadcasting shapes.
type kernelCase struct {
	name   string
	kind   Kind
	y      []int
	bounds [][]int
}

var kernelCases = []kernelCase{
	{"identity", Identity, []int{2, 3}, nil},
	{"log", Log, []int{2, 3}, nil},
	{"log/scalar", Log, []int{}, nil},
	{"interval/row-lo,scalar-hi", Interval, []int{2, 3}, [][]int{{3}, {}}},
	{"interval/col-lo,full-hi", Interval, []int{2, 3}, [][]int{{2, 1}, {2, 3}}},
	{"interval/scalar", Interval, []int{}, [][]int{{}, {}}},
	{"interval/one-lo,full-hi", Interval, []int{4}, [][]int{{1}, {4}}},
	{"circular", Circular, []int{2, 3}, nil},
	{"lowerbound/row", LowerBound, []int{2, 3}, [][]int{{3}}},
	{"lowerbound/scalar", LowerBound, []int{}, [][]int{{}}},
	{"upperbound/col", UpperBound, []int{2, 3}, [][]int{{2, 1}}},
	{"upperbound/scalar", UpperBound, []int{}, [][]int{{}}},
	{"ordered/vector", Ordered, []int{5}, nil},
	{"ordered/matrix", Ordered, []int{3, 4}, nil},
	{"ordered/length-1", Ordered, []int{2, 1}, nil},
	{"simplex/vector", Simplex, []int{4}, nil},
	{"simplex/matrix", Simplex, []int{3, 2}, nil},
	{"simplex/two-categories", Simplex, []int{2, 1}, nil},
	{"simplex/one-category", Simplex, []int{3, 0}, nil},
}

// inputs draws y and the bounds of c at a random point of the support:
// Interval bounds straddle zero with hi - lo >= 2.
func (c kernelCase) inputs(r *rand.Rand) [][]float64 {
	in := [][]float64{normals(r, shape.Size(c.y), 1.5)}
	for b, shp := range c.bounds {
		v := make([]float64, shape.Size(shp))
		for i := range v {
			switch {
			case c.kind == Interval && b == 0:
				v[i] = -1 - 2*r.Float64()
			case c.kind == Interval:
				v[i] = 1 + 2*r.Float64()
			default:
				v[i] = r.NormFloat64()
			}
		}
		in = append(in, v)
	}
	return in
}

func normals(r *rand.Rand, n int, scale float64) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = scale * r.NormFloat64()
	}
	return v
}

func near(got, want, tol float64) bool {
	if math.IsNaN(got) || math.IsNaN(want) {
		return math.IsNaN(got) && math.IsNaN(want)
	}
	return got == want || math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}
