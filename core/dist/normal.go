package dist

import (
	"math"
	"math/rand/v2"
)

// Normal(mu, sigma): -z^2/2 - log(sqrt(2 pi)) - log(sigma), z = (x-mu)/sigma.
func normalLogp(x float64, p, dp []float64, need uint8) (float64, float64) {
	mu, sigma := p[0], p[1]
	if !(sigma > 0) {
		return negInf, 0
	}
	z := (x - mu) / sigma
	lp := -0.5*z*z - lnSqrt2Pi - math.Log(sigma)
	dx := -z / sigma
	if need != 0 {
		dp[0] = -dx
		dp[1] = (z*z - 1) / sigma
	}
	return lp, dx
}

// HalfNormal(sigma): Normal(0, sigma) folded onto x >= 0, hence the
// constant log(sqrt(2/pi)) in place of -log(sqrt(2 pi)).
func halfNormalLogp(x float64, p, dp []float64, need uint8) (float64, float64) {
	sigma := p[0]
	if !(sigma > 0) || x < 0 {
		return negInf, 0
	}
	z := x / sigma
	lp := -0.5*z*z + lnSqrt2OverPi - math.Log(sigma)
	if need != 0 {
		dp[0] = (z*z - 1) / sigma
	}
	return lp, -z / sigma
}

// LogNormal(mu, sigma): Normal(mu, sigma) on log x, plus the Jacobian -log x.
func logNormalLogp(x float64, p, dp []float64, need uint8) (float64, float64) {
	mu, sigma := p[0], p[1]
	if !(sigma > 0) || !(x > 0) {
		return negInf, 0
	}
	lx := math.Log(x)
	z := (lx - mu) / sigma
	lp := -0.5*z*z - lnSqrt2Pi - math.Log(sigma) - lx
	if need != 0 {
		dp[0] = z / sigma
		dp[1] = (z*z - 1) / sigma
	}
	return lp, (-z/sigma - 1) / x
}

func logNormalRandom(mu, sigma float64, r *rand.Rand) float64 {
	return math.Exp(mu + sigma*r.NormFloat64())
}
