package transform

import (
	"math"
	"testing"
)

// Hand-computed values, chosen so that x and log|dx/dy| have closed forms;
// they follow PyMC's definitions (x = sigmoid(y)*hi + (1-sigmoid(y))*lo,
// log_jac_det = log(hi-lo) - 2*softplus(-y) - y for Interval; log_jac_det
// = y for Log and the one-sided bounds; sum(y[1:]) for Ordered).
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
		{"lowerbound", LowerBound, []float64{math.Log(3)}, []float64{2}, nil, []int{}, []float64{5}, math.Log(3)},
		{"upperbound", UpperBound, []float64{math.Log(3), 0}, nil, []float64{2}, []int{2}, []float64{-1, 1}, math.Log(3)},
		{"ordered", Ordered, []float64{-1, 0, math.Ln2}, nil, nil, []int{3}, []float64{-1, 0, 2}, math.Ln2},
		{"ordered rows", Ordered, []float64{-1, 0, math.Ln2, 5, math.Log(0.5), 0}, nil, nil, []int{2, 3},
			[]float64{-1, 0, 2, 5, 5.5, 6.5}, math.Ln2 + math.Log(0.5)},
	} {
		t.Run(c.name, func(t *testing.T) {
			x := make([]float64, len(c.y))
			ConstrainArray(c.kind, c.y, c.lo, c.hi, x, c.yShape)
			for i := range x {
				if !near(x[i], c.x[i], tol) {
					t.Errorf("ConstrainArray[%d] = %.17g, want %.17g", i, x[i], c.x[i])
				}
			}
			if c.kind != Ordered {
				for i, y := range c.y {
					if got := Constrain(c.kind, y, at(c.lo, i), at(c.hi, i)); !near(got, c.x[i], tol) {
						t.Errorf("Constrain(%v) = %.17g, want %.17g", y, got, c.x[i])
					}
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

func TestRoundTrip(t *testing.T) {
	const tol = 1e-12
	for _, c := range []struct {
		kind   Kind
		lo, hi float64
		xs     []float64
	}{
		{Identity, 0, 0, []float64{-3, 0, 7.5}},
		{Log, 0, 0, []float64{1e-300, 1e-8, 0.3, 1, 42, 1e300}},
		{Interval, -1, 3, []float64{-0.999999, -0.5, 0, 1, 2.9999}},
		{Interval, 0, 1, []float64{1e-12, 0.25, 0.5, 0.75, 1 - 1e-9}},
		{Interval, 100, 100.5, []float64{100.1, 100.25, 100.4999}},
		{LowerBound, 2, 0, []float64{2.0001, 3, 1e6}},
		{UpperBound, 0, -2, []float64{-1e6, -3, -2.0001}},
	} {
		for _, x := range c.xs {
			y := Unconstrain(c.kind, x, c.lo, c.hi)
			if got := Constrain(c.kind, y, c.lo, c.hi); !near(got, x, tol) {
				t.Errorf("%v [%g, %g]: Constrain(Unconstrain(%.17g)) = %.17g", c.kind, c.lo, c.hi, x, got)
			}
		}
	}

	// Arrays, with a trailing-block bound and the ordered transform.
	shp := []int{2, 3}
	for _, c := range []struct {
		kind   Kind
		lo, hi []float64
		x      []float64
	}{
		{Interval, []float64{-1, 0, 5}, []float64{10}, []float64{0, 0.5, 9, -0.5, 9.99, 5.5}},
		{LowerBound, []float64{1, 2, 3}, nil, []float64{1.5, 2.5, 3.5, 10, 20, 30}},
		{UpperBound, nil, []float64{0}, []float64{-1, -2, -3, -1e-3, -5, -0.5}},
		{Ordered, nil, nil, []float64{-4, -3.999, 2, 0, 1e-3, 1e3}},
	} {
		y := make([]float64, len(c.x))
		UnconstrainArray(c.kind, c.x, c.lo, c.hi, y, shp)
		back := make([]float64, len(c.x))
		ConstrainArray(c.kind, y, c.lo, c.hi, back, shp)
		for i := range back {
			if !near(back[i], c.x[i], tol) {
				t.Errorf("%v array: element %d round-trips to %.17g, want %.17g", c.kind, i, back[i], c.x[i])
			}
		}
		// In place.
		inPlace := append([]float64(nil), c.x...)
		UnconstrainArray(c.kind, inPlace, c.lo, c.hi, inPlace, shp)
		ConstrainArray(c.kind, inPlace, c.lo, c.hi, inPlace, shp)
		for i := range inPlace {
			if !near(inPlace[i], c.x[i], tol) {
				t.Errorf("%v array in place: element %d round-trips to %.17g, want %.17g", c.kind, i, inPlace[i], c.x[i])
			}
		}
	}
}

func TestMisusePanics(t *testing.T) {
	for name, f := range map[string]func(){
		"scalar ordered":     func() { Constrain(Ordered, 0, 0, 0) },
		"scalar unknown":     func() { Unconstrain(Kind(17), 0, 0, 0) },
		"array wrong length": func() { ConstrainArray(Log, []float64{1, 2}, nil, nil, make([]float64, 2), []int{3}) },
		"array bad bound": func() {
			ConstrainArray(LowerBound, make([]float64, 6), []float64{1, 2}, nil, make([]float64, 6), []int{2, 3})
		},
		"array missing bound": func() {
			ConstrainArray(Interval, make([]float64, 3), []float64{0}, nil, make([]float64, 3), []int{3})
		},
		"ordered scalar array": func() { UnconstrainArray(Ordered, []float64{1}, nil, nil, []float64{0}, nil) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}
