package diag

import "math"

// valid mirrors ArviZ's shape and NaN screening: statistics computed from
// too few draws or from data with a NaN are reported as NaN rather than as a
// number that looks trustworthy.
func valid(chains [][]float64, minChains int) bool {
	if len(chains) < minChains || len(chains) == 0 {
		return false
	}
	n := len(chains[0])
	if n < 4 {
		return false
	}
	for _, c := range chains {
		if len(c) != n {
			panic("diag: chains of different lengths")
		}
		for _, v := range c {
			if math.IsNaN(v) {
				return false
			}
		}
	}
	return true
}

// pyMax and pyMin reproduce Python's built-in max and min on two floats,
// which keep the first argument unless the second compares strictly
// greater (smaller); ArviZ relies on them, so a NaN propagates only from
// the first position.
func pyMax(a, b float64) float64 {
	if b > a {
		return b
	}
	return a
}

func pyMin(a, b float64) float64 {
	if b < a {
		return b
	}
	return a
}
