//go:build !purego

package dist

import "github.com/exmc/exmc/core/avx"

// Bernoulli(logit_p)'s per-element arithmetic, once its exponentials and
// logarithms are in, four elements at a time in AVX registers
// (logit_amd64.s).

// logitBlocks is the loop of bernoulliLogitForwardGrad over the first n
// elements (n a multiple of 4) of a chunk, four at a time: for the logit
// l, the observation v, e = exp(-|l|) and sp = log(1 + e), it writes the
// derivative in l to d and sums max(a, 0) + sp (a = l for v = 0, -l for
// v = 1), the negated log-density. It stops before the first block with a
// v other than 0 or 1 and returns how many elements it did and their sum.
//
//go:noescape
func logitBlocks(l, v, e, sp, d *float64, n int) (done int, sum float64)

func logitVector(l, v, e, sp, d []float64) (int, float64) {
	n := len(v) &^ 3
	if !avx.OK || n == 0 {
		return 0, 0
	}
	return logitBlocks(&l[0], &v[0], &e[0], &sp[0], &d[0], n)
}
