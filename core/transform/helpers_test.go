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
	axes   int // ZeroSum's
}

var kernelCases = []kernelCase{
	{"identity", Identity, []int{2, 3}, nil, 0},
	{"log", Log, []int{2, 3}, nil, 0},
	{"log/scalar", Log, []int{}, nil, 0},
	{"interval/row-lo,scalar-hi", Interval, []int{2, 3}, [][]int{{3}, {}}, 0},
	{"interval/col-lo,full-hi", Interval, []int{2, 3}, [][]int{{2, 1}, {2, 3}}, 0},
	{"interval/scalar", Interval, []int{}, [][]int{{}, {}}, 0},
	{"interval/one-lo,full-hi", Interval, []int{4}, [][]int{{1}, {4}}, 0},
	{"circular", Circular, []int{2, 3}, nil, 0},
	{"lowerbound/row", LowerBound, []int{2, 3}, [][]int{{3}}, 0},
	{"lowerbound/scalar", LowerBound, []int{}, [][]int{{}}, 0},
	{"upperbound/col", UpperBound, []int{2, 3}, [][]int{{2, 1}}, 0},
	{"upperbound/scalar", UpperBound, []int{}, [][]int{{}}, 0},
	{"ordered/vector", Ordered, []int{5}, nil, 0},
	{"ordered/matrix", Ordered, []int{3, 4}, nil, 0},
	{"ordered/length-1", Ordered, []int{2, 1}, nil, 0},
	{"simplex/vector", Simplex, []int{4}, nil, 0},
	{"simplex/matrix", Simplex, []int{3, 2}, nil, 0},
	{"simplex/two-categories", Simplex, []int{2, 1}, nil, 0},
	{"simplex/one-category", Simplex, []int{3, 0}, nil, 0},
	{"zerosum/vector", ZeroSum, []int{4}, nil, 1},
	{"zerosum/batch", ZeroSum, []int{3, 2}, nil, 1},
	{"zerosum/two-axes", ZeroSum, []int{2, 3}, nil, 2},
	{"zerosum/two-axes-batch", ZeroSum, []int{2, 1, 3}, nil, 2},
	{"zerosum/three-axes", ZeroSum, []int{2, 2, 3}, nil, 3},
	{"cholesky-cov-packed/n3", CholeskyCovPacked, []int{6}, nil, 0},
	{"cholesky-cov-packed/batch-n2", CholeskyCovPacked, []int{2, 3}, nil, 0},
	{"cholesky-cov-packed/n1", CholeskyCovPacked, []int{1}, nil, 0},
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
	if c.kind == ZeroSum {
		// working space, filled with what Backward must not read
		in = append(in, normals(r, shape.Size(c.kind.Constrained(c.y, c.axes)), 100))
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
