package expr

import (
	"math"
	"sync"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"

	"github.com/exmc/exmc/core/linalg"
)

// The ops on general square matrices, through an LU factorisation with
// partial pivoting (core/linalg, gonum's Getrf): solve, inv, det and
// logabsdet, each over a batch. The factors and the backward pass's working
// space are a Scratch slot; the row swaps, which LAPACK keeps as ints, come
// from a pool, so that an evaluation allocates nothing once warm. Where a
// matrix is singular, solve and inv give NaN and logabsdet -Inf: a rejected
// point.
type luMode uint8

const (
	luSolve luMode = iota
	luInv
	luDet
	luLogAbsDet
)

type luKernel struct {
	mode luMode
	n, c int // matrices n×n; solve's right-hand sides n×c
	b    batches
	pivs *sync.Pool
}

func newPivots(n int) *sync.Pool {
	return &sync.Pool{New: func() any { p := make([]int, n); return &p }}
}

func buildLU(mode luMode) func(*Program, Attrs, []Slot, [][]int, []int) (Kernel, error) {
	return func(_ *Program, _ Attrs, _ []Slot, shapes [][]int, out []int) (Kernel, error) {
		sa := shapes[0]
		k := &luKernel{mode: mode, n: sa[len(sa)-1], c: 1}
		k.pivs = newPivots(k.n)
		if mode != luSolve {
			k.b = newBatches(lead(sa, 2), lead(sa, 2))
			return k, nil
		}
		sb := shapes[1]
		kb := 1
		if len(sb) > 1 {
			k.c, kb = sb[len(sb)-1], 2
		}
		k.b = newBatches(lead(out, kb), lead(sa, 2), lead(sb, kb))
		return k, nil
	}
}

func luScratch(mode luMode) func(Attrs, [][]int, []int) int {
	return func(_ Attrs, shapes [][]int, out []int) int {
		sa := shapes[0]
		n := sa[len(sa)-1]
		switch mode {
		case luSolve:
			return n*n + solveScratch(Attrs{}, nil, out)
		case luInv:
			return n * n
		}
		return 2 * n * n
	}
}

func (k *luKernel) Forward(in [][]float64, out []float64) {
	n, sa := k.n, k.n*k.n
	lu := in[len(in)-1][:sa]
	pp := k.pivs.Get().(*[]int)
	defer k.pivs.Put(pp)
	ipiv := *pp
	for i := range k.b.n {
		ai := int(k.b.idx[0][i])
		ok := linalg.LU(lu, in[0][ai*sa:(ai+1)*sa], ipiv, n)
		switch k.mode {
		case luSolve:
			sb := n * k.c
			x := out[i*sb : (i+1)*sb]
			if !ok {
				fillNaN(x)
				continue
			}
			bi := int(k.b.idx[1][i])
			copy(x, in[1][bi*sb:(bi+1)*sb])
			linalg.LUSolve(lu, ipiv, x, n, k.c, false)
		case luInv:
			x := out[i*sa : (i+1)*sa]
			if !ok {
				fillNaN(x)
				continue
			}
			identity(x, n)
			linalg.LUSolve(lu, ipiv, x, n, n, false)
		case luDet:
			d := 1.0
			for j := range n {
				d *= lu[j*n+j]
				if ipiv[j] != j {
					d = -d
				}
			}
			out[i] = d
		case luLogAbsDet:
			out[i], _ = linalg.LogAbsDetLU(lu, ipiv, n)
		}
	}
}

func (k *luKernel) Backward(in [][]float64, out, g []float64, gin [][]float64) {
	ga := gin[0]
	var gb []float64
	if k.mode == luSolve {
		gb = gin[1]
	}
	if ga == nil && gb == nil {
		return
	}
	n, sa := k.n, k.n*k.n
	work := in[len(in)-1]
	lu, rest := work[:sa], work[sa:]
	if k.mode == luInv {
		// Ā = -Xᵀ Ḡ Xᵀ with X = A⁻¹, the result: no factorisation
		t := lu
		for i := range k.b.n {
			x, gi := general(n, n, out[i*sa:(i+1)*sa]), general(n, n, g[i*sa:(i+1)*sa])
			blas64.Gemm(blas.NoTrans, blas.Trans, 1, gi, x, 0, general(n, n, t))
			blas64.Gemm(blas.Trans, blas.NoTrans, -1, x, general(n, n, t), 1, general(n, n, ga[i*sa:(i+1)*sa]))
		}
		return
	}
	pp := k.pivs.Get().(*[]int)
	defer k.pivs.Put(pp)
	ipiv := *pp
	for i := range k.b.n {
		ai := int(k.b.idx[0][i])
		linalg.LU(lu, in[0][ai*sa:(ai+1)*sa], ipiv, n)
		if k.mode == luSolve {
			// B̄ = A⁻ᵀ X̄, Ā = -B̄ Xᵀ
			sb := n * k.c
			bb := rest[:sb]
			copy(bb, g[i*sb:(i+1)*sb])
			linalg.LUSolve(lu, ipiv, bb, n, k.c, true)
			if gb != nil {
				bi := int(k.b.idx[1][i])
				addTo(gb[bi*sb:(bi+1)*sb], bb)
			}
			if ga != nil {
				blas64.Gemm(blas.NoTrans, blas.Trans, -1, general(n, k.c, bb), general(n, k.c, out[i*sb:(i+1)*sb]), 1,
					general(n, n, ga[ai*sa:(ai+1)*sa]))
			}
			continue
		}
		// d det/dA = det A⁻ᵀ, d log|det|/dA = A⁻ᵀ
		s := g[i]
		if k.mode == luDet {
			s *= out[i]
		}
		inv := rest[:sa]
		identity(inv, n)
		linalg.LUSolve(lu, ipiv, inv, n, n, true)
		gai := ga[ai*sa : (ai+1)*sa]
		for j, v := range inv {
			gai[j] += s * v
		}
	}
}

func fillNaN(x []float64) {
	for i := range x {
		x[i] = math.NaN()
	}
}

func identity(x []float64, n int) {
	clear(x[:n*n])
	for j := range n {
		x[j*n+j] = 1
	}
}
