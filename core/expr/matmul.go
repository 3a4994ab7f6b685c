package expr

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"

	"github.com/exmc/exmc/core/matvec"
	"github.com/exmc/exmc/core/shape"
)

// matmul is A·B for the four products a model writes: matrix-matrix,
// matrix-vector, vector-matrix and the dot product. The vectors are laid out
// exactly as BLAS wants them, so the work is handed straight to core/matvec
// (matrix-vector) or blas64 (the rest).
type matmul struct {
	m, k, n      int  // A is m×k, B is k×n; m or n is 1 for a vector side
	aVec, bVec   bool // which side was written as a vector
	empty, noDim bool // the result has no element / the summed dimension has none
}

func buildMatmul(_ *Program, _ Attrs, _ []Slot, shapes [][]int, out []int) (Kernel, error) {
	a, b := shapes[0], shapes[1]
	if len(a) > 2 || len(b) > 2 {
		return buildBatchedMatmul(shapes, out), nil
	}
	k := &matmul{m: 1, n: 1, aVec: len(a) == 1, bVec: len(b) == 1}
	k.k = b[0]
	if !k.aVec {
		k.m = a[0]
	}
	if !k.bVec {
		k.n = b[1]
	}
	k.empty = shape.Size(out) == 0
	k.noDim = k.k == 0
	return k, nil
}

func general(rows, cols int, data []float64) blas64.General {
	return blas64.General{Rows: rows, Cols: cols, Data: data, Stride: cols}
}

func vector(data []float64) blas64.Vector {
	return blas64.Vector{N: len(data), Data: data, Inc: 1}
}

func (k *matmul) Forward(in [][]float64, out []float64) {
	if k.empty || k.noDim {
		clear(out)
		return
	}
	a, b := in[0], in[1]
	switch {
	case k.aVec && k.bVec:
		out[0] = blas64.Dot(vector(a), vector(b))
	case k.bVec:
		matvec.Mul(out, a, k.m, k.k, b, false)
	case k.aVec:
		matvec.MulT(out, b, k.k, k.n, a, false)
	default:
		blas64.Gemm(blas.NoTrans, blas.NoTrans, 1, general(k.m, k.k, a), general(k.k, k.n, b), 0, general(k.m, k.n, out))
	}
}

func (k *matmul) Backward(in [][]float64, _, g []float64, gin [][]float64) {
	if k.empty || k.noDim {
		return
	}
	a, b := in[0], in[1]
	ga, gb := gin[0], gin[1]
	switch {
	case k.aVec && k.bVec:
		if ga != nil {
			blas64.Axpy(g[0], vector(b), vector(ga))
		}
		if gb != nil {
			blas64.Axpy(g[0], vector(a), vector(gb))
		}
	case k.bVec: // out = A x
		if ga != nil {
			blas64.Ger(1, vector(g), vector(b), general(k.m, k.k, ga))
		}
		if gb != nil {
			matvec.MulT(gb, a, k.m, k.k, g, true)
		}
	case k.aVec: // out = Bᵀ x
		if ga != nil {
			matvec.Mul(ga, b, k.k, k.n, g, true)
		}
		if gb != nil {
			blas64.Ger(1, vector(a), vector(g), general(k.k, k.n, gb))
		}
	default:
		if ga != nil {
			blas64.Gemm(blas.NoTrans, blas.Trans, 1, general(k.m, k.n, g), general(k.k, k.n, b), 1, general(k.m, k.k, ga))
		}
		if gb != nil {
			blas64.Gemm(blas.Trans, blas.NoTrans, 1, general(k.m, k.k, a), general(k.m, k.n, g), 1, general(k.k, k.n, gb))
		}
	}
}
