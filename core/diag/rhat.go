package diag

import (
	"math"
	"slices"
)

// RHat is the rank-normalised split R-hat of Vehtari et al. (2021), ArviZ's
// rhat(method="rank"): the larger of the R-hat of the rank-normalised split
// chains (sensitive to location) and that of the rank-normalised distances
// from the median (sensitive to scale and tails). It needs at least 2 chains
// and 4 draws per chain.
func RHat(chains [][]float64) float64 {
	if !valid(chains, 2) {
		return math.NaN()
	}
	split := splitChains(chains)
	bulk := basicRHat(zScale(split))
	med := median(flatten(split))
	folded := mapChains(split, func(v float64) float64 { return math.Abs(v - med) })
	tail := basicRHat(zScale(folded))
	return pyMax(bulk, tail)
}

// basicRHat is Gelman and Rubin's potential scale reduction factor of the
// chains as given.
func basicRHat(chains [][]float64) float64 {
	n := float64(len(chains[0]))
	means := make([]float64, len(chains))
	within := 0.0
	for i, c := range chains {
		means[i] = mean(c)
		within += variance(c)
	}
	within /= float64(len(chains))
	between := n * variance(means)
	return math.Sqrt((between/within + n - 1) / n)
}

// median of x, averaging the two middle values for an even count.
func median(x []float64) float64 {
	s := slices.Clone(x)
	slices.Sort(s)
	k := len(s) / 2
	if len(s)%2 == 1 {
		return s[k]
	}
	return (s[k-1] + s[k]) / 2
}
