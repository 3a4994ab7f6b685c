package matvec

import (
	"math"
	"math/rand/v2"
	"testing"
)

// naive products in the obvious order, for reference
func refMul(a []float64, rows, cols int, x []float64) []float64 {
	out := make([]float64, rows)
	for i := range rows {
		for j := range cols {
			out[i] += a[i*cols+j] * x[j]
		}
	}
	return out
}

func refMulT(a []float64, rows, cols int, y []float64) []float64 {
	out := make([]float64, cols)
	for i := range rows {
		for j := range cols {
			out[j] += a[i*cols+j] * y[i]
		}
	}
	return out
}

func randVec(r *rand.Rand, n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = r.NormFloat64()
	}
	return v
}

// Every shape around the block sizes (8 and 4 rows; groups of 4 columns,
// blocks of 48), with
// and without accumulation. The two orders of summation differ by
// rounding only: the tolerance is 1e-13 relative to the sum of absolute
// products, some hundreds of ulp of it for at most 100 terms.
func TestProducts(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for rows := 0; rows <= 17; rows++ {
		for _, cols := range []int{0, 1, 3, 4, 5, 7, 8, 12, 16, 17, 20, 23, 24, 32, 41, 48, 52, 99, 100} {
			a := randVec(r, rows*cols)
			x, y := randVec(r, cols), randVec(r, rows)
			abs := make([]float64, len(a))
			for i, v := range a {
				abs[i] = math.Abs(v)
			}
			ax, ay := make([]float64, cols), make([]float64, rows)
			for i, v := range x {
				ax[i] = math.Abs(v)
			}
			for i, v := range y {
				ay[i] = math.Abs(v)
			}
			for _, add := range []bool{false, true} {
				start := 0.0
				if add {
					start = 0.5
				}
				check := func(name string, got, want, scale []float64) {
					t.Helper()
					for i := range want {
						w := want[i] + start
						if math.Abs(got[i]-w) > 1e-13*(scale[i]+start) {
							t.Fatalf("%s %dx%d add=%v: element %d is %v, want %v", name, rows, cols, add, i, got[i], w)
						}
					}
				}
				dst := make([]float64, rows+1)
				for i := range dst {
					dst[i] = start
				}
				dst[rows] = 99
				Mul(dst, a, rows, cols, x, add)
				check("Mul", dst, refMul(a, rows, cols, x), refMul(abs, rows, cols, ax))
				if dst[rows] != 99 {
					t.Fatalf("Mul %dx%d wrote past dst's rows", rows, cols)
				}
				dst = make([]float64, cols+1)
				for i := range dst {
					dst[i] = start
				}
				dst[cols] = 99
				MulT(dst, a, rows, cols, y, add)
				check("MulT", dst, refMulT(a, rows, cols, y), refMulT(abs, rows, cols, ay))
				if dst[cols] != 99 {
					t.Fatalf("MulT %dx%d wrote past dst's columns", rows, cols)
				}
			}
		}
	}
}

func TestShortSlicesPanic(t *testing.T) {
	for name, f := range map[string]func(){
		"Mul a":    func() { Mul(make([]float64, 3), make([]float64, 5), 3, 2, make([]float64, 2), false) },
		"Mul x":    func() { Mul(make([]float64, 3), make([]float64, 6), 3, 2, make([]float64, 1), false) },
		"Mul dst":  func() { Mul(make([]float64, 2), make([]float64, 6), 3, 2, make([]float64, 2), false) },
		"MulT y":   func() { MulT(make([]float64, 2), make([]float64, 6), 3, 2, make([]float64, 2), false) },
		"MulT dst": func() { MulT(make([]float64, 1), make([]float64, 6), 3, 2, make([]float64, 3), false) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic for a short slice", name)
				}
			}()
			f()
		}()
	}
}

func benchProduct(b *testing.B, f func(dst, a []float64, rows, cols int, v []float64, add bool), rows, cols, nDst, nV int) {
	r := rand.New(rand.NewPCG(3, 4))
	a, v, dst := randVec(r, rows*cols), randVec(r, nV), make([]float64, nDst)
	for b.Loop() {
		f(dst, a, rows, cols, v, false)
	}
}

// The logistic regression of the benchmarks: 500 x 20.
func BenchmarkMul(b *testing.B)  { benchProduct(b, Mul, 500, 20, 500, 20) }
func BenchmarkMulT(b *testing.B) { benchProduct(b, MulT, 500, 20, 20, 500) }
