package linalg

import (
	"math"
	"math/rand/v2"
	"testing"
)

// spd returns a random n×n symmetric positive-definite matrix, with its
// upper triangle filled with noise that Cholesky must not read.
func spd(r *rand.Rand, n int) []float64 {
	b := make([]float64, n*n)
	for i := range b {
		b[i] = r.NormFloat64()
	}
	a := make([]float64, n*n)
	for i := range n {
		for j := 0; j <= i; j++ {
			s := 0.0
			for k := range n {
				s += b[i*n+k] * b[j*n+k]
			}
			a[i*n+j] = s
			if i == j {
				a[i*n+j] += float64(n)
			} else {
				a[j*n+i] = r.NormFloat64() // ignored
			}
		}
	}
	return a
}

func TestCholeskyValues(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	for _, n := range []int{0, 1, 2, 5, 9} {
		a := spd(r, n)
		l := make([]float64, n*n)
		if !Cholesky(l, a, n) {
			t.Fatalf("n=%d: positive definite matrix refused", n)
		}
		for i := range n {
			for j := range n {
				if j > i {
					if l[i*n+j] != 0 {
						t.Fatalf("n=%d: L[%d,%d] = %v above the diagonal", n, i, j, l[i*n+j])
					}
					continue
				}
				s := 0.0
				for k := range n {
					s += l[i*n+k] * l[j*n+k]
				}
				if math.Abs(s-a[i*n+j]) > 1e-12*math.Max(1, math.Abs(a[i*n+j])) {
					t.Fatalf("n=%d: (L Lᵀ)[%d,%d] = %v, A has %v", n, i, j, s, a[i*n+j])
				}
			}
		}
	}
	l := make([]float64, 4)
	if Cholesky(l, []float64{1, 0, 2, 1}, 2) || !math.IsNaN(l[0]) {
		t.Fatalf("an indefinite matrix gave ok or a factor %v", l)
	}
}

// fd checks an analytic gradient of f at x against central differences.
func fd(t *testing.T, name string, x, an []float64, f func() float64) {
	t.Helper()
	for j := range x {
		x0 := x[j]
		h := 1e-6 * math.Max(1, math.Abs(x0))
		x[j] = x0 + h
		fp := f()
		x[j] = x0 - h
		fm := f()
		x[j] = x0
		d := (fp - fm) / (2 * h)
		if math.Abs(d-an[j]) > 1e-6*math.Max(1, math.Abs(d)) {
			t.Errorf("%s: d/dx[%d] = %.10g, finite difference %.10g", name, j, an[j], d)
		}
	}
}

func weights(r *rand.Rand, n int) []float64 {
	w := make([]float64, n)
	for i := range w {
		w[i] = r.NormFloat64()
	}
	return w
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

func TestCholeskyGrad(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 1))
	for _, n := range []int{1, 2, 4, 7} {
		a := spd(r, n)
		w := weights(r, n*n) // upper entries too: L's are constant 0
		l := make([]float64, n*n)
		f := func() float64 { Cholesky(l, a, n); return dot(w, l) }
		f()
		ga := make([]float64, n*n)
		CholeskyGrad(ga, l, w, make([]float64, n*n), n)
		fd(t, "cholesky", a, ga, f)
	}
}

func TestSolveTriangularGrad(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 1))
	for _, n := range []int{1, 3, 5} {
		for _, k := range []int{1, 2} {
			for _, lower := range []bool{true, false} {
				for _, trans := range []bool{false, true} {
					a := make([]float64, n*n)
					for i := range a {
						a[i] = 0.3 * r.NormFloat64()
					}
					for i := range n {
						a[i*n+i] = 2 + r.Float64()
					}
					b := weights(r, n*k)
					w := weights(r, n*k)
					x := make([]float64, n*k)
					f := func() float64 { SolveTriangular(x, a, b, n, k, lower, trans); return dot(w, x) }
					f()
					// the solution solves the system with the triangle read
					for i := range n {
						for c := range k {
							s := 0.0
							for j := range n {
								aij := a[i*n+j]
								if trans {
									aij = a[j*n+i]
								}
								in := (j <= i) == lower || i == j
								if trans {
									in = (i <= j) == lower || i == j
								}
								if in {
									s += aij * x[j*k+c]
								}
							}
							if math.Abs(s-b[i*k+c]) > 1e-12 {
								t.Fatalf("n=%d lower=%v trans=%v: residual %v", n, lower, trans, s-b[i*k+c])
							}
						}
					}
					ga, gb := make([]float64, n*n), make([]float64, n*k)
					SolveTriangularGrad(ga, gb, a, x, w, make([]float64, n*k), n, k, lower, trans)
					fd(t, "solve_triangular A", a, ga, f)
					fd(t, "solve_triangular B", b, gb, f)
				}
			}
		}
	}
}

func TestLU(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 1))
	for _, n := range []int{1, 2, 4} {
		a := weights(r, n*n)
		b := weights(r, n*2)
		lu, ipiv := make([]float64, n*n), make([]int, n)
		if !LU(lu, a, ipiv, n) {
			t.Fatalf("n=%d: a random matrix is singular", n)
		}
		for _, trans := range []bool{false, true} {
			x := append([]float64(nil), b...)
			LUSolve(lu, ipiv, x, n, 2, trans)
			for i := range n {
				for c := range 2 {
					s := 0.0
					for j := range n {
						if trans {
							s += a[j*n+i] * x[j*2+c]
						} else {
							s += a[i*n+j] * x[j*2+c]
						}
					}
					if math.Abs(s-b[i*2+c]) > 1e-10 {
						t.Fatalf("n=%d trans=%v: residual %v", n, trans, s-b[i*2+c])
					}
				}
			}
		}
	}
	// det [[0, 2], [3, 1]] = -6
	lu, ipiv := make([]float64, 4), make([]int, 2)
	LU(lu, []float64{0, 2, 3, 1}, ipiv, 2)
	if l, s := LogAbsDetLU(lu, ipiv, 2); math.Abs(l-math.Log(6)) > 1e-15 || s != -1 {
		t.Fatalf("log|det| %v, sign %v; want log 6, -1", l, s)
	}
	if LU(lu, []float64{1, 2, 2, 4}, ipiv, 2) {
		t.Fatal("a singular matrix factored as non-singular")
	}
}
