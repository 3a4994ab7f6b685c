package transform

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/exmc/exmc/core/shape"
	"gonum.org/v1/gonum/mat"
)

// The log-Jacobian kernels must equal log|dx/dy| of the constrain map,
// measured by central differences with step h = 1e-5: truncation error
// ~h^2 and rounding ~1e-16/h keep the relative error of dx/dy below 1e-9,
// so 1e-7 on the log is a safe bound.
const (
	jacStep = 1e-5
	jacTol  = 1e-7
)

func TestLogJacMatchesFiniteDifferences(t *testing.T) {
	ys := []float64{-6, -2.5, -0.3, 0, 0.4, 1.7, 6}
	for _, c := range []struct {
		kind   Kind
		lo, hi float64
	}{
		{Identity, 0, 0},
		{Log, 0, 0},
		{Interval, -1, 3},
		{Interval, 0.25, 0.5},
		{Interval, -200, 1000},
	} {
		var bounds [][]int
		for range c.kind.NumBounds() {
			bounds = append(bounds, []int{})
		}
		lk, err := NewLogJac(c.kind, []int{}, bounds...)
		if err != nil {
			t.Fatal(err)
		}
		for _, y := range ys {
			in := [][]float64{{y}}
			if c.kind == Interval {
				in = append(in, []float64{c.lo}, []float64{c.hi})
			}
			out := []float64{0}
			lk.Forward(in, out)
			d := (constrainRef(c.kind, y+jacStep, c.lo, c.hi) - constrainRef(c.kind, y-jacStep, c.lo, c.hi)) / (2 * jacStep)
			want := math.Log(math.Abs(d))
			if !near(out[0], want, jacTol) {
				t.Errorf("%v [%g, %g] at y=%g: log-Jacobian %.12g, finite differences %.12g", c.kind, c.lo, c.hi, y, out[0], want)
			}
		}
	}
}

// For Ordered the Jacobian is a full (lower-triangular) matrix per row of
// the last axis; its numeric log-determinant must match.
func TestOrderedLogJacIsLogDet(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for _, shp := range [][]int{{1}, {2}, {6}, {3, 4}} {
		k := shp[len(shp)-1]
		rows := len(shp) - 1
		nrow := 1
		if rows > 0 {
			nrow = shp[0]
		}
		y := normals(r, nrow*k, 1)
		lk, err := NewLogJac(Ordered, shp)
		if err != nil {
			t.Fatal(err)
		}
		got := []float64{0}
		lk.Forward([][]float64{y}, got)

		want := 0.0
		for row := range nrow {
			yr := append([]float64(nil), y[row*k:(row+1)*k]...)
			jac := mat.NewDense(k, k, nil)
			xp, xm := make([]float64, k), make([]float64, k)
			for j := range k {
				v := yr[j]
				yr[j] = v + jacStep
				orderedRef(yr, xp, []int{k})
				yr[j] = v - jacStep
				orderedRef(yr, xm, []int{k})
				yr[j] = v
				for i := range k {
					jac.Set(i, j, (xp[i]-xm[i])/(2*jacStep))
				}
			}
			var lu mat.LU
			lu.Factorize(jac)
			ld, _ := lu.LogDet()
			want += ld
		}
		if !near(got[0], want, jacTol) {
			t.Errorf("ordered %v: log-Jacobian %.12g, numeric log|det J| %.12g", shp, got[0], want)
		}
	}
}

// Simplex: the log-Jacobian is PyMC's formula, and the log-determinant of
// the Jacobian of the first K-1 values in the K-1 coordinates (the last
// value is one minus the others).
func TestSimplexLogJac(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	for _, shp := range [][]int{{1}, {2}, {5}, {3, 4}} {
		m := shp[len(shp)-1]
		nrow := 1
		if len(shp) > 1 {
			nrow = shp[0]
		}
		y := normals(r, nrow*m, 1.2)
		lk, err := NewLogJac(Simplex, shp)
		if err != nil {
			t.Fatal(err)
		}
		got := []float64{0}
		lk.Forward([][]float64{y}, got)
		want, pymc := 0.0, 0.0
		for row := range nrow {
			yr := append([]float64(nil), y[row*m:(row+1)*m]...)
			pymc += simplexLogJacRef(yr)
			jac := mat.NewDense(m, m, nil)
			xp, xm := make([]float64, m+1), make([]float64, m+1)
			for j := range m {
				v := yr[j]
				yr[j] = v + jacStep
				simplexRef(yr, xp, []int{m})
				yr[j] = v - jacStep
				simplexRef(yr, xm, []int{m})
				yr[j] = v
				for i := range m {
					jac.Set(i, j, (xp[i]-xm[i])/(2*jacStep))
				}
			}
			var lu mat.LU
			lu.Factorize(jac)
			ld, _ := lu.LogDet()
			want += ld
		}
		if !near(got[0], want, jacTol) {
			t.Errorf("simplex %v: log-Jacobian %.12g, numeric log|det J| %.12g", shp, got[0], want)
		}
		if !near(got[0], pymc, 1e-13) {
			t.Errorf("simplex %v: log-Jacobian %.15g, PyMC's formula %.15g", shp, got[0], pymc)
		}
	}
}

func TestSimplexShapes(t *testing.T) {
	y, err := Simplex.Unconstrained([]int{2, 5}, 1)
	if err != nil || !shape.Equal(y, []int{2, 4}) || !shape.Equal(Simplex.Constrained(y, 1), []int{2, 5}) {
		t.Errorf("simplex of (2, 5): unconstrained %v, %v", y, err)
	}
	for _, x := range [][]int{{}, {3, 0}} {
		if _, err := Simplex.Unconstrained(x, 1); err == nil {
			t.Errorf("simplex of %v: no error", x)
		}
	}
	if y, _ := Log.Unconstrained([]int{3}, 0); !shape.Equal(y, []int{3}) {
		t.Errorf("log of (3): unconstrained %v", y)
	}
}

// ZeroSum: the value sums to zero along each transformed axis, the map is
// an isometry (so PyMC's log-Jacobian 0 is the volume's), and the kernel's
// log-Jacobian is 0 with no gradient.
func TestZeroSumIsAnIsometryOntoZeroSums(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	for _, c := range []struct {
		y    []int
		axes int
	}{{[]int{3}, 1}, {[]int{2, 4}, 1}, {[]int{2, 3}, 2}, {[]int{1, 2, 2}, 3}} {
		k, err := NewConstrainAxes(ZeroSum, c.y, c.axes)
		if err != nil {
			t.Fatal(err)
		}
		xs := ZeroSum.Constrained(c.y, c.axes)
		nx, ny := shape.Size(xs), shape.Size(c.y)
		y := normals(r, ny, 1)
		x := make([]float64, nx)
		k.Forward([][]float64{y, make([]float64, nx)}, x)
		// sums along each axis
		for a := len(xs) - c.axes; a < len(xs); a++ {
			inner := 1
			for _, s := range xs[a+1:] {
				inner *= s
			}
			for o := 0; o < nx; o += inner * xs[a] {
				for i := range inner {
					s := 0.0
					for j := range xs[a] {
						s += x[o+i+j*inner]
					}
					if math.Abs(s) > 1e-13 {
						t.Errorf("zerosum %v over %d: sum %v along axis %d", c.y, c.axes, s, a)
					}
				}
			}
		}
		// J^T J = I: columns of J (each y's unit vector mapped) orthonormal
		cols := make([][]float64, ny)
		for j := range ny {
			e := make([]float64, ny)
			e[j] = 1
			cols[j] = make([]float64, nx)
			k.Forward([][]float64{e, make([]float64, nx)}, cols[j])
		}
		for i := range ny {
			for j := range ny {
				dot := 0.0
				for q := range nx {
					dot += cols[i][q] * cols[j][q]
				}
				want := 0.0
				if i == j {
					want = 1
				}
				if math.Abs(dot-want) > 1e-13 {
					t.Errorf("zerosum %v over %d: column %d . column %d = %v", c.y, c.axes, i, j, dot)
				}
			}
		}
		lk, err := NewLogJacAxes(ZeroSum, c.y, c.axes)
		if err != nil {
			t.Fatal(err)
		}
		out := []float64{1}
		lk.Forward([][]float64{y}, out)
		if out[0] != 0 {
			t.Errorf("zerosum log-Jacobian %v", out[0])
		}
	}
}

// CholeskyCovPacked: the log-Jacobian is PyMC's, the sum of y over the
// packed diagonal (elements 0, 2, 5 of a triangle of three rows), row by
// row of the last axis.
func TestCholeskyCovPackedLogJac(t *testing.T) {
	y := []float64{0.3, -1, 0.7, 2, -0.4, 1.1, 0.5, 0.25, -0.6, 1, 2, 3}
	lk, err := NewLogJac(CholeskyCovPacked, []int{2, 6})
	if err != nil {
		t.Fatal(err)
	}
	out := []float64{0}
	lk.Forward([][]float64{y}, out)
	if want := 0.3 + 0.7 + 1.1 + 0.5 - 0.6 + 3; math.Abs(out[0]-want) > 1e-15 {
		t.Errorf("log-Jacobian %v, want %v", out[0], want)
	}
	if n, ok := PackedSide(10); n != 4 || !ok {
		t.Errorf("PackedSide(10) = %d, %v", n, ok)
	}
	if _, ok := PackedSide(5); ok {
		t.Error("PackedSide(5): 5 is no triangular number")
	}
}
