//go:build !purego

package matvec

import "github.com/exmc/exmc/core/avx"

// The vector forms (vector_amd64.s) need AVX2 and FMA (see core/avx). They take the
// columns in whole groups of four; the last cols%4 columns, and for Mul
// the last rows%4 rows, are added here.

// mulRows sets (or, add != 0, adds to) dst[i] the dot product of the first
// cols4 elements of row i of a (rows apart by stride) with x, for
// i < rows4, four rows at a time; rows4 and cols4 are multiples of 4.
//
//go:noescape
func mulRows(dst, a, x *float64, rows4, cols4, stride, add int)

// mulCols sets (or, add != 0, adds to) dst[j] the sum over i < rows of
// y[i] a[i stride + j], for j < cols4, a block of up to 48 columns per
// pass over the rows; cols4 is a multiple of 4.
//
//go:noescape
func mulCols(dst, a, y *float64, rows, cols4, stride, add int)

func flag(add bool) int {
	if add {
		return 1
	}
	return 0
}

func mulVector(dst, a []float64, rows, cols int, x []float64, add bool) bool {
	rows4, cols4 := rows&^3, cols&^3
	if !avx.OK || rows4 == 0 || cols4 == 0 {
		return false
	}
	mulRows(&dst[0], &a[0], &x[0], rows4, cols4, cols, flag(add))
	if cols4 < cols {
		for i := range rows4 {
			row := a[i*cols : (i+1)*cols]
			d := 0.0
			for j := cols4; j < cols; j++ {
				d += row[j] * x[j]
			}
			dst[i] += d
		}
	}
	for i := rows4; i < rows; i++ {
		row := a[i*cols : (i+1)*cols]
		d := 0.0
		for j, v := range row {
			d += v * x[j]
		}
		if add {
			d += dst[i]
		}
		dst[i] = d
	}
	return true
}

func mulTVector(dst, a []float64, rows, cols int, y []float64, add bool) bool {
	cols4 := cols &^ 3
	if !avx.OK || cols4 == 0 {
		return false
	}
	mulCols(&dst[0], &a[0], &y[0], rows, cols4, cols, flag(add))
	for j := cols4; j < cols; j++ {
		d := 0.0
		for i := range rows {
			d += a[i*cols+j] * y[i]
		}
		if add {
			d += dst[j]
		}
		dst[j] = d
	}
	return true
}
