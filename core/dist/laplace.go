package dist

import "math"

// Laplace(mu, b): -log(2b) - |x-mu|/b. At x = mu the derivative in x is
// taken as 0, the midpoint of the subgradient.
func laplaceLogp(x float64, p, dp []float64, need uint8) (float64, float64) {
	mu, b := p[0], p[1]
	if !(b > 0) {
		return negInf, 0
	}
	d := x - mu
	ad := math.Abs(d)
	var dx float64
	switch {
	case d > 0:
		dx = -1 / b
	case d < 0:
		dx = 1 / b
	}
	if need != 0 {
		dp[0] = -dx
		dp[1] = (ad/b - 1) / b
	}
	return -math.Log(2*b) - ad/b, dx
}
