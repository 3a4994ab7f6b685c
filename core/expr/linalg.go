package expr

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"

	"github.com/exmc/exmc/core/linalg"
	"github.com/exmc/exmc/core/ops"
	"github.com/exmc/exmc/core/shape"
)

// batches maps each batch of a result onto the batch of each operand that
// it reads (operands broadcast along the batch axes): element i of idx[j]
// is the batch of operand j read by result batch i.
type batches struct {
	n   int
	idx [][]int32
}

// newBatches lays out the batches of a result with batch axes out and
// operands with batch axes in[j].
func newBatches(out []int, in ...[]int) batches {
	b := batches{n: shape.Size(out), idx: make([][]int32, len(in))}
	for j, s := range in {
		m, _ := shape.NewMap(s, out)
		b.idx[j] = make([]int32, b.n)
		for i := range b.n {
			b.idx[j][i] = int32(m.At(i))
		}
	}
	return b
}

func lead(s []int, k int) []int { return s[:max(len(s)-k, 0)] }

// bmatmul is numpy's matmul over batches of matrices: each batch is one
// Gemm, a vector operand being a one-row (left) or one-column (right)
// matrix.
type bmatmul struct {
	m, k, n int
	b       batches
}

func buildBatchedMatmul(shapes [][]int, out []int) Kernel {
	a, b := shapes[0], shapes[1]
	k := &bmatmul{m: 1, n: 1}
	k.k = a[len(a)-1]
	ka, kb := 1, 1
	if len(a) > 1 {
		k.m, ka = a[len(a)-2], 2
	}
	if len(b) > 1 {
		k.n, kb = b[len(b)-1], 2
	}
	outBatch := out[:len(out)-ka-kb+2]
	k.b = newBatches(outBatch, lead(a, ka), lead(b, kb))
	return k
}

func (k *bmatmul) Forward(in [][]float64, out []float64) {
	a, b := in[0], in[1]
	sa, sb, so := k.m*k.k, k.k*k.n, k.m*k.n
	if so == 0 {
		return
	}
	for i := range k.b.n {
		ai, bi := int(k.b.idx[0][i]), int(k.b.idx[1][i])
		o := out[i*so : (i+1)*so]
		if k.k == 0 {
			clear(o)
			continue
		}
		blas64.Gemm(blas.NoTrans, blas.NoTrans, 1, general(k.m, k.k, a[ai*sa:(ai+1)*sa]),
			general(k.k, k.n, b[bi*sb:(bi+1)*sb]), 0, general(k.m, k.n, o))
	}
}

func (k *bmatmul) Backward(in [][]float64, _, g []float64, gin [][]float64) {
	a, b := in[0], in[1]
	ga, gb := gin[0], gin[1]
	sa, sb, so := k.m*k.k, k.k*k.n, k.m*k.n
	if so == 0 || k.k == 0 {
		return
	}
	for i := range k.b.n {
		ai, bi := int(k.b.idx[0][i]), int(k.b.idx[1][i])
		gi := general(k.m, k.n, g[i*so:(i+1)*so])
		if ga != nil {
			blas64.Gemm(blas.NoTrans, blas.Trans, 1, gi, general(k.k, k.n, b[bi*sb:(bi+1)*sb]), 1,
				general(k.m, k.k, ga[ai*sa:(ai+1)*sa]))
		}
		if gb != nil {
			blas64.Gemm(blas.Trans, blas.NoTrans, 1, general(k.m, k.k, a[ai*sa:(ai+1)*sa]), gi, 1,
				general(k.k, k.n, gb[bi*sb:(bi+1)*sb]))
		}
	}
}

// cholesky factors each matrix of a batch; its working space for the
// backward pass is a Scratch slot, the instruction's last input.
type cholesky struct {
	n, count int
}

func buildCholesky(_ *Program, _ Attrs, _ []Slot, shapes [][]int, _ []int) (Kernel, error) {
	a := shapes[0]
	n := a[len(a)-1]
	return &cholesky{n: n, count: shape.Size(lead(a, 2))}, nil
}

func choleskyScratch(_ Attrs, shapes [][]int, _ []int) int {
	n := shapes[0][len(shapes[0])-1]
	return n * n
}

func (k *cholesky) Forward(in [][]float64, out []float64) {
	s := k.n * k.n
	for i := range k.count {
		linalg.Cholesky(out[i*s:(i+1)*s], in[0][i*s:(i+1)*s], k.n)
	}
}

func (k *cholesky) Backward(in [][]float64, out, g []float64, gin [][]float64) {
	ga := gin[0]
	if ga == nil {
		return
	}
	s := k.n * k.n
	for i := range k.count {
		linalg.CholeskyGrad(ga[i*s:(i+1)*s], out[i*s:(i+1)*s], g[i*s:(i+1)*s], in[1], k.n)
	}
}

// solveTri solves op(A) X = B for each batch with a triangular A; B is a
// vector (one column) or a batch of n×c matrices.
type solveTri struct {
	n, c         int
	lower, trans bool
	b            batches
}

func buildSolveTriangular(_ *Program, a Attrs, _ []Slot, shapes [][]int, out []int) (Kernel, error) {
	sa, sb := shapes[0], shapes[1]
	k := &solveTri{n: sa[len(sa)-1], c: 1, lower: a.Lower != nil && *a.Lower, trans: a.Trans != nil && *a.Trans}
	kb := 1
	if len(sb) > 1 {
		k.c, kb = sb[len(sb)-1], 2
	}
	k.b = newBatches(lead(out, kb), lead(sa, 2), lead(sb, kb))
	return k, nil
}

func solveScratch(_ Attrs, _ [][]int, out []int) int {
	// one batch's right-hand side; the result's last axes are its shape
	if len(out) == 1 {
		return out[0]
	}
	return out[len(out)-2] * out[len(out)-1]
}

func (k *solveTri) Forward(in [][]float64, out []float64) {
	sa, sb := k.n*k.n, k.n*k.c
	for i := range k.b.n {
		ai, bi := int(k.b.idx[0][i]), int(k.b.idx[1][i])
		linalg.SolveTriangular(out[i*sb:(i+1)*sb], in[0][ai*sa:(ai+1)*sa], in[1][bi*sb:(bi+1)*sb], k.n, k.c, k.lower, k.trans)
	}
}

func (k *solveTri) Backward(in [][]float64, out, g []float64, gin [][]float64) {
	ga, gb := gin[0], gin[1]
	if ga == nil && gb == nil {
		return
	}
	sa, sb := k.n*k.n, k.n*k.c
	for i := range k.b.n {
		ai, bi := int(k.b.idx[0][i]), int(k.b.idx[1][i])
		var gai, gbi []float64
		if ga != nil {
			gai = ga[ai*sa : (ai+1)*sa]
		}
		if gb != nil {
			gbi = gb[bi*sb : (bi+1)*sb]
		}
		linalg.SolveTriangularGrad(gai, gbi, in[0][ai*sa:(ai+1)*sa], out[i*sb:(i+1)*sb], g[i*sb:(i+1)*sb], in[2], k.n, k.c, k.lower, k.trans)
	}
}

// diagonal moves elements between the last axis of a batch of vectors and
// the diagonal at an offset of a batch of matrices: diag builds the
// matrices (zero off the diagonal), extract_diag reads it. pos lists the
// diagonal's positions within one matrix.
type diagonal struct {
	count, size int // batches, and the elements of one matrix
	pos         []int32
	build       bool
}

func diagPositions(r, c, k int) []int32 {
	d := ops.DiagLength(r, c, k)
	pos := make([]int32, d)
	i0, j0 := max(-k, 0), max(k, 0)
	for t := range pos {
		pos[t] = int32((i0+t)*c + j0 + t)
	}
	return pos
}

func buildDiag(_ *Program, a Attrs, _ []Slot, shapes [][]int, out []int) (Kernel, error) {
	n := out[len(out)-1]
	return &diagonal{count: shape.Size(lead(out, 2)), size: n * n, pos: diagPositions(n, n, ops.Offset(a)), build: true}, nil
}

func buildExtractDiag(_ *Program, a Attrs, _ []Slot, shapes [][]int, _ []int) (Kernel, error) {
	m := shapes[0]
	r, c := m[len(m)-2], m[len(m)-1]
	return &diagonal{count: shape.Size(lead(m, 2)), size: r * c, pos: diagPositions(r, c, ops.Offset(a))}, nil
}

func (k *diagonal) Forward(in [][]float64, out []float64) {
	d := len(k.pos)
	for b := range k.count {
		if k.build {
			m, v := out[b*k.size:(b+1)*k.size], in[0][b*d:(b+1)*d]
			clear(m)
			for t, p := range k.pos {
				m[p] = v[t]
			}
			continue
		}
		m, v := in[0][b*k.size:(b+1)*k.size], out[b*d:(b+1)*d]
		for t, p := range k.pos {
			v[t] = m[p]
		}
	}
}

func (k *diagonal) Backward(_ [][]float64, _, g []float64, gin [][]float64) {
	ga := gin[0]
	if ga == nil {
		return
	}
	d := len(k.pos)
	for b := range k.count {
		if k.build {
			m, v := g[b*k.size:(b+1)*k.size], ga[b*d:(b+1)*d]
			for t, p := range k.pos {
				v[t] += m[p]
			}
			continue
		}
		m, v := ga[b*k.size:(b+1)*k.size], g[b*d:(b+1)*d]
		for t, p := range k.pos {
			m[p] += v[t]
		}
	}
}
