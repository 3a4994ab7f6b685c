// Package matvec holds the two matrix-vector products of a linear
// predictor and its gradient, A x and Aᵀ y for a row-major A, which are
// most of the work of a regression's log-density. Where the build has
// Go's simd experiment and the processor AVX2 and FMA they run in vector
// registers (vector.go); elsewhere they are gonum's BLAS. The two differ
// only in the order of the additions.
package matvec

import (
	"fmt"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// Mul sets dst to A x, or adds A x to it when add is true; A is rows x
// cols, row-major in a. It panics when a slice is shorter than the sizes
// say.
func Mul(dst, a []float64, rows, cols int, x []float64, add bool) {
	check(dst, a, rows, cols, x, rows, cols)
	if rows == 0 {
		return
	}
	if cols == 0 {
		if !add {
			clear(dst[:rows])
		}
		return
	}
	if mulVector(dst, a, rows, cols, x, add) {
		return
	}
	blas64.Gemv(blas.NoTrans, 1, general(a, rows, cols), vector(x[:cols]), beta(add), vector(dst[:rows]))
}

// MulT sets dst to Aᵀ y, or adds Aᵀ y to it when add is true; A is rows x
// cols, row-major in a. It panics when a slice is shorter than the sizes
// say.
func MulT(dst, a []float64, rows, cols int, y []float64, add bool) {
	check(dst, a, rows, cols, y, cols, rows)
	if cols == 0 {
		return
	}
	if rows == 0 {
		if !add {
			clear(dst[:cols])
		}
		return
	}
	if mulTVector(dst, a, rows, cols, y, add) {
		return
	}
	blas64.Gemv(blas.Trans, 1, general(a, rows, cols), vector(y[:rows]), beta(add), vector(dst[:cols]))
}

func check(dst, a []float64, rows, cols int, v []float64, nDst, nV int) {
	if rows < 0 || cols < 0 || len(a) < rows*cols || len(dst) < nDst || len(v) < nV {
		panic(fmt.Sprintf("matvec: a %d x %d product with a of length %d, a vector of length %d and dst of length %d", rows, cols, len(a), len(v), len(dst)))
	}
}

func general(a []float64, rows, cols int) blas64.General {
	return blas64.General{Rows: rows, Cols: cols, Data: a[:rows*cols], Stride: cols}
}

func vector(v []float64) blas64.Vector { return blas64.Vector{N: len(v), Data: v, Inc: 1} }

func beta(add bool) float64 {
	if add {
		return 1
	}
	return 0
}
