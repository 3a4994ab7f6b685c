// Package linalg holds the dense factorisations and solves that exmc's
// linear-algebra ops and multivariate distributions share, with their
// reverse-mode adjoints. Matrices are flat row-major slices; the caller
// owns every buffer (working space included), so that nothing here
// allocates and a kernel calls it from its hot loop.
//
// Each function reads only the triangle it is told to of a triangular or
// symmetric argument, and each adjoint adds into that triangle only: the
// function is one of those entries, so its gradient in the others is 0.
package linalg

import (
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"
)

func general(rows, cols int, data []float64) blas64.General {
	return blas64.General{Rows: rows, Cols: cols, Stride: max(cols, 1), Data: data}
}

func triangular(n int, data []float64, lower bool) blas64.Triangular {
	t := blas64.Triangular{N: n, Stride: max(n, 1), Data: data, Uplo: blas.Upper, Diag: blas.NonUnit}
	if lower {
		t.Uplo = blas.Lower
	}
	return t
}

// Cholesky writes into l (n×n) the lower-triangular L with L Lᵀ = A, from
// the lower triangle of a, zeros above the diagonal. It reports false when
// A is not positive definite, and l is then all NaN: at a sampled point
// that makes the log-density NaN, a rejected point, not an error.
func Cholesky(l, a []float64, n int) bool {
	l = l[:n*n]
	for i := range n {
		copy(l[i*n:i*n+i+1], a[i*n:i*n+i+1])
		clear(l[i*n+i+1 : (i+1)*n])
	}
	if n == 0 {
		return true
	}
	_, ok := lapack64.Potrf(blas64.Symmetric{N: n, Stride: n, Data: l, Uplo: blas.Lower})
	if !ok {
		for i := range l {
			l[i] = math.NaN()
		}
	}
	return ok
}

// CholeskyGrad adds into the lower triangle of ga the adjoint of A given
// gl, the adjoint of L = Cholesky(A) (only gl's lower triangle counts: L's
// upper one is 0 whatever A is). work holds n×n values.
//
// With Φ(X) the lower triangle of X with its diagonal halved, and
// S = L⁻ᵀ Φ(Lᵀ L̄) L⁻¹, the derivative in an entry A_ij below the diagonal
// is S_ij + S_ji and on it S_ii (the unblocked form of Murray 2016,
// "Differentiation of the Cholesky decomposition").
func CholeskyGrad(ga, l, gl, work []float64, n int) {
	if n == 0 {
		return
	}
	s := work[:n*n]
	// S = Lᵀ tril(L̄), of which only the lower triangle is kept:
	// S_ij = Σ_{k ≥ i} L_ki L̄_kj with k ≥ j for L̄ lower, i ≥ j.
	for i := range n {
		for j := 0; j <= i; j++ {
			t := 0.0
			for k := i; k < n; k++ {
				t += l[k*n+i] * gl[k*n+j]
			}
			if i == j {
				t *= 0.5
			}
			s[i*n+j] = t
		}
		clear(s[i*n+i+1 : (i+1)*n])
	}
	lt := triangular(n, l, true)
	// S ← L⁻ᵀ S, then S ← S L⁻¹
	blas64.Trsm(blas.Left, blas.Trans, 1, lt, general(n, n, s))
	blas64.Trsm(blas.Right, blas.NoTrans, 1, lt, general(n, n, s))
	for i := range n {
		for j := 0; j < i; j++ {
			ga[i*n+j] += s[i*n+j] + s[j*n+i]
		}
		ga[i*n+i] += s[i*n+i]
	}
}

// SolveTriangular writes into x (n×k) the solution X of op(A) X = B, where
// A is n×n, lower or upper triangular (only that triangle is read), op(A)
// is A or, with trans, Aᵀ, and B is n×k. x may be b.
func SolveTriangular(x, a, b []float64, n, k int, lower, trans bool) {
	if n == 0 || k == 0 {
		return
	}
	copy(x[:n*k], b[:n*k])
	t := blas.NoTrans
	if trans {
		t = blas.Trans
	}
	blas64.Trsm(blas.Left, t, 1, triangular(n, a, lower), general(n, k, x))
}

// SolveTriangularGrad adds the adjoints of A and B into ga and gb (either
// may be nil) given x = SolveTriangular(a, b) and its adjoint gx: B̄ =
// op(A)⁻ᵀ X̄, and op(A)'s adjoint is -B̄ Xᵀ, of which the triangle of A
// that is read is added. work holds n×k values.
func SolveTriangularGrad(ga, gb, a, x, gx, work []float64, n, k int, lower, trans bool) {
	if n == 0 || k == 0 || (ga == nil && gb == nil) {
		return
	}
	bb := work[:n*k]
	copy(bb, gx[:n*k])
	t := blas.Trans
	if trans {
		t = blas.NoTrans
	}
	blas64.Trsm(blas.Left, t, 1, triangular(n, a, lower), general(n, k, bb))
	if gb != nil {
		for i, v := range bb {
			gb[i] += v
		}
	}
	if ga == nil {
		return
	}
	// Ā_ij = -Σ_c B̄_ic X_jc, or with trans -Σ_c X_ic B̄_jc
	p, q := bb, x
	if trans {
		p, q = x, bb
	}
	for i := range n {
		lo, hi := 0, i+1
		if !lower {
			lo, hi = i, n
		}
		pi := p[i*k : (i+1)*k]
		for j := lo; j < hi; j++ {
			qj := q[j*k : (j+1)*k]
			s := 0.0
			for c, v := range pi {
				s += v * qj[c]
			}
			ga[i*n+j] -= s
		}
	}
}

// LU writes into lu the LU factorisation with partial pivoting of the n×n
// matrix a (gonum's Getrf), the row swaps into ipiv (n entries). It reports
// false when A is singular.
func LU(lu, a []float64, ipiv []int, n int) bool {
	copy(lu[:n*n], a[:n*n])
	if n == 0 {
		return true
	}
	return lapack64.Getrf(general(n, n, lu), ipiv[:n])
}

// LUSolve overwrites b (n×k) with the solution X of A X = B, or with trans
// of Aᵀ X = B, from A's factorisation by LU.
func LUSolve(lu []float64, ipiv []int, b []float64, n, k int, trans bool) {
	if n == 0 || k == 0 {
		return
	}
	t := blas.NoTrans
	if trans {
		t = blas.Trans
	}
	lapack64.Getrs(t, general(n, n, lu), general(n, k, b), ipiv[:n])
}

// LogAbsDetLU is log|det A| and the sign of det A from A's factorisation
// by LU.
func LogAbsDetLU(lu []float64, ipiv []int, n int) (logabs, sign float64) {
	sign = 1
	for i := range n {
		d := lu[i*n+i]
		if d < 0 {
			sign = -sign
		}
		logabs += math.Log(math.Abs(d))
		if ipiv[i] != i {
			sign = -sign
		}
	}
	return logabs, sign
}
