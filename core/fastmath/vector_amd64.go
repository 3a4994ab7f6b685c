//go:build !purego

package fastmath

import "github.com/exmc/exmc/core/avx"

// The slice kernels run four elements at a time in AVX2 registers where
// the processor has AVX2 and FMA (vector_amd64.s; see core/avx). A gather of table
// entries costs more than it saves there, so the vector forms reduce
// without tables: exp by whole powers of two to |r| <= ln2/2 with a longer
// polynomial, log1p to m in [sqrt(1/2), sqrt(2)) with
// log(m) = 2 atanh((m-1)/(m+1)). They stop at the first block of four in
// which an element is off their fast path; that block goes to the scalar
// functions, so that special values are still exactly the math package's,
// and the vector form takes up again after it.
//
// They are in assembly rather than in Go's simd experiment: with the
// experiment enabled, the SSE code of the math package and of gonum ran
// more than a hundred times slower on the machine this was measured on.

var vectorOK = avx.OK

// expBlocks writes e^src[i] into dst[i] for i < n (n a multiple of 4),
// four at a time, while every element of a block has |x| <= 700, and
// returns how many it wrote. The bound stops short of the scalar fast
// path's (expMax), leaving to Exp the results within a few binades of the
// subnormals, where products of 2^k and the polynomial are rounded to
// fewer digits.
//
//go:noescape
func expBlocks(dst, src *float64, n int) int

// log1pBlocks writes log(1 + src[i]) into dst[i] for i < n (n a multiple
// of 4), four at a time, while every element of a block has x != 0 and
// -1 < x < 2^1000, and returns how many it wrote.
//
//go:noescape
func log1pBlocks(dst, src *float64, n int) int

// expVector writes e^src[i] into dst[i] for the leading multiple of four
// elements and returns how many it wrote; len(dst) >= len(src).
func expVector(dst, src []float64) int {
	n := len(src) &^ 3
	if !vectorOK || n == 0 {
		return 0
	}
	for i := 0; i < n; i += 4 {
		i += expBlocks(&dst[i], &src[i], n-i)
		if i == n {
			break
		}
		for j := i; j < i+4; j++ {
			dst[j] = Exp(src[j])
		}
	}
	return n
}

// log1pVector writes log(1 + src[i]) into dst[i] for the leading multiple
// of four elements and returns how many it wrote; len(dst) >= len(src).
func log1pVector(dst, src []float64) int {
	n := len(src) &^ 3
	if !vectorOK || n == 0 {
		return 0
	}
	for i := 0; i < n; i += 4 {
		i += log1pBlocks(&dst[i], &src[i], n-i)
		if i == n {
			break
		}
		for j := i; j < i+4; j++ {
			dst[j] = Log1p(src[j])
		}
	}
	return n
}
