package diag

import (
	"slices"

	"gonum.org/v1/gonum/mathext"
)

// blomOffset is the fractional offset of Blom (1958) that ArviZ uses when
// turning ranks into normal scores: (r - 3/8) / (n + 1/4).
const blomOffset = 3.0 / 8.0

// zScale replaces every draw by the normal score of its rank among all
// draws of all chains, which makes R-hat and ESS invariant to monotone
// transforms and well defined for heavy-tailed posteriors. Ties get the
// average of their ranks.
func zScale(chains [][]float64) [][]float64 {
	flat := flatten(chains)
	n := len(flat)
	rank := averageRanks(flat)
	for i, r := range rank {
		rank[i] = mathext.NormalQuantile((r - blomOffset) / (float64(n) - 2*blomOffset + 1))
	}
	out := make([][]float64, len(chains))
	off := 0
	for i, c := range chains {
		out[i] = rank[off : off+len(c) : off+len(c)]
		off += len(c)
	}
	return out
}

// averageRanks returns the 1-based ranks of x, ties sharing the mean of the
// ranks they span (scipy's rankdata method="average").
func averageRanks(x []float64) []float64 {
	idx := make([]int, len(x))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int {
		switch {
		case x[a] < x[b]:
			return -1
		case x[a] > x[b]:
			return 1
		}
		return 0
	})
	rank := make([]float64, len(x))
	for i := 0; i < len(idx); {
		j := i + 1
		for j < len(idx) && x[idx[j]] == x[idx[i]] {
			j++
		}
		// Positions i..j-1 (0-based) hold equal values: ranks i+1..j.
		r := float64(i+1+j) / 2
		for k := i; k < j; k++ {
			rank[idx[k]] = r
		}
		i = j
	}
	return rank
}
