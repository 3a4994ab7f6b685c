package dist

import "math"

// Uniform(lower, upper) on the closed interval, as PyMC defines it.
func uniformLogp(x float64, p, dp []float64, need uint8) (float64, float64) {
	lo, hi := p[0], p[1]
	if !(lo < hi) || x < lo || x > hi {
		return negInf, 0
	}
	w := hi - lo
	if need != 0 {
		dp[0] = 1 / w
		dp[1] = -1 / w
	}
	return -math.Log(w), 0
}

// HalfFlat: the improper density 1 on x >= 0 (PyMC includes 0).
func halfFlatLogp(x float64) (float64, float64) {
	if x < 0 {
		return negInf, 0
	}
	return 0, 0
}
