package transform

import (
	"math"
	"testing"
)

// Hand-computed values, chosen so that x and log|dx/dy| have closed forms;
// they follow PyMC's definitions (x = sigmoid(y)*hi + (1-sigmoid(y))*lo,
// log_jac_det = log(hi-lo) - 2*softplus(-y) - y for Interval; log_jac_det
// = y for Log; sum(y[1:]) for Ordered).
func TestValues(t *testing.T) {
	const tol = 1e-14
	for _, c := range []struct {
		name      string
		kind      Kind
		y, lo, hi []float64
		yShape    []int
		x         []float64
		logJac    float64
	}{
		{"identity", Identity, []float64{-1.5, 2}, nil, nil, []int{2}, []float64{-1.5, 2}, 0},
		{"log", Log, []float64{0, math.Log(5)}, nil, nil, []int{2}, []float64{1, 5}, math.Log(5)},
		{"interval unit", Interval, []float64{0}, []float64{0}, []float64{1}, []int{}, []float64{0.5}, -2 * math.Ln2},
		// sigmoid(log 3) = 3/4: x = -1 + 4 * 3/4, log|J| = log 4 + log 3/4 + log 1/4.
		{"interval", Interval, []float64{math.Log(3)}, []float64{-1}, []float64{3}, []int{}, []float64{2}, math.Log(0.75)},
		// sigmoid(-log 4) = 1/5: x = 2 + 10/5, log|J| = log 10 + log 1/5 + log 4/5.
		{"interval 2", Interval, []float64{-math.Log(4)}, []float64{2}, []float64{12}, []int{}, []float64{4}, math.Log(1.6)},
		// Far in the tails x sits on the bound and log|J| ~ log(hi-lo) - |y|,
		// where the naive log(sigmoid) would give -Inf.
		{"interval upper tail", Interval, []float64{800}, []float64{-1}, []float64{3}, []int{}, []float64{3}, math.Log(4) - 800},
		{"interval lower tail", Interval, []float64{-800}, []float64{-1}, []float64{3}, []int{}, []float64{-1}, math.Log(4) - 800},
		{"interval broadcast", Interval, []float64{0, 0, math.Log(3), math.Log(3)}, []float64{0, -1}, []float64{1, 3}, []int{2, 2},
			[]float64{0.5, 1, 0.75, 2}, 4*math.Log(0.5) + math.Log(4) + math.Log(3.0/16) + math.Log(0.75)},
		// PyMC's Interval with one bound: x = lo + e^y, x = hi - e^y, log|J| = y.
		// y wraps by whole turns: 3 pi/2 is -pi/2; the Jacobian is 1
		{"circular", Circular, []float64{1.5 * math.Pi, 0.25}, nil, nil, []int{2}, []float64{-0.5 * math.Pi, 0.25}, 0},
		{"lower bound", LowerBound, []float64{0, math.Log(3)}, []float64{-2}, nil, []int{2}, []float64{-1, 1}, math.Log(3)},
		{"upper bound", UpperBound, []float64{0, math.Log(3)}, nil, []float64{5, 1}, []int{2}, []float64{4, -2}, math.Log(3)},
		{"ordered", Ordered, []float64{-1, 0, math.Ln2}, nil, nil, []int{3}, []float64{-1, 0, 2}, math.Ln2},
		{"ordered rows", Ordered, []float64{-1, 0, math.Ln2, 5, math.Log(0.5), 0}, nil, nil, []int{2, 3},
			[]float64{-1, 0, 2, 5, 5.5, 6.5}, math.Ln2 + math.Log(0.5)},
	} {
		t.Run(c.name, func(t *testing.T) {
			// The reference the kernels are held to elsewhere.
			x := make([]float64, len(c.y))
			if c.kind == Ordered {
				orderedRef(c.y, x, c.yShape)
			} else {
				for i, y := range c.y {
					x[i] = constrainRef(c.kind, y, at(c.lo, i), at(c.hi, i))
				}
			}
			for i := range x {
				if !near(x[i], c.x[i], tol) {
					t.Errorf("reference[%d] = %.17g, want %.17g", i, x[i], c.x[i])
				}
			}

			// The kernels, with bounds given the trailing shapes the array
			// helpers read them with.
			var bounds [][]int
			in := [][]float64{c.y}
			for _, b := range [][]float64{c.lo, c.hi} {
				if b != nil {
					in = append(in, b)
					bounds = append(bounds, c.yShape[len(c.yShape)-trailingRank(len(b), c.yShape):])
				}
			}
			ck, err := NewConstrain(c.kind, c.yShape, bounds...)
			if err != nil {
				t.Fatal(err)
			}
			kx := make([]float64, len(c.y))
			ck.Forward(in, kx)
			for i := range kx {
				if !near(kx[i], c.x[i], tol) {
					t.Errorf("ConstrainKernel[%d] = %.17g, want %.17g", i, kx[i], c.x[i])
				}
			}
			lk, err := NewLogJac(c.kind, c.yShape, bounds...)
			if err != nil {
				t.Fatal(err)
			}
			lj := []float64{math.NaN()}
			lk.Forward(in, lj)
			if !near(lj[0], c.logJac, tol) {
				t.Errorf("LogJac = %.17g, want %.17g", lj[0], c.logJac)
			}
		})
	}
}

// trailingRank is the number of trailing axes of shp whose sizes multiply
// to m (0 for m = 1).
func trailingRank(m int, shp []int) int {
	p := 1
	for j := len(shp) - 1; j >= 0; j-- {
		if p == m {
			return len(shp) - 1 - j
		}
		p *= shp[j]
	}
	return len(shp)
}
