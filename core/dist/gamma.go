package dist

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/stat/distuv"
)

// Exponential(lam), lam the rate: log(lam) - lam*x on x >= 0.
func exponentialLogp(x float64, p, dp []float64, need uint8) (float64, float64) {
	lam := p[0]
	if !(lam > 0) || x < 0 {
		return negInf, 0
	}
	if need != 0 {
		dp[0] = 1/lam - x
	}
	return math.Log(lam) - lam*x, -lam
}

// Gamma(alpha, beta), beta the rate. PyMC's logpow makes x = 0 valid when
// alpha = 1 (the exponential case) and -Inf otherwise.
func gammaLogp(x float64, p, dp []float64, need uint8) (float64, float64) {
	alpha, beta := p[0], p[1]
	if !(alpha > 0) || !(beta > 0) || x < 0 {
		return negInf, 0
	}
	lb := math.Log(beta)
	lp := -lgamma(alpha) + alpha*lb - beta*x + logpow(x, alpha-1)
	dx := -beta
	if alpha != 1 {
		dx += (alpha - 1) / x
	}
	if need != 0 {
		if need&1 != 0 {
			dp[0] = lb + math.Log(x) - digamma(alpha)
		}
		dp[1] = alpha/beta - x
	}
	return lp, dx
}

// InverseGamma(alpha, beta), beta the scale.
func inverseGammaLogp(x float64, p, dp []float64, need uint8) (float64, float64) {
	alpha, beta := p[0], p[1]
	if !(alpha > 0) || !(beta > 0) || !(x > 0) {
		return negInf, 0
	}
	lb, lx := math.Log(beta), math.Log(x)
	lp := -lgamma(alpha) + alpha*lb - beta/x - (alpha+1)*lx
	if need != 0 {
		if need&1 != 0 {
			dp[0] = lb - lx - digamma(alpha)
		}
		dp[1] = alpha/beta - 1/x
	}
	return lp, (beta/x - (alpha + 1)) / x
}

// gammaRandom draws Gamma(alpha, rate 1).
func gammaRandom(alpha float64, r *rand.Rand) float64 {
	return distuv.Gamma{Alpha: alpha, Beta: 1, Src: r}.Rand()
}

// logGammaRandom draws log of a Gamma(alpha, 1) variate. For small alpha
// the variate itself underflows to 0 too often, so it is built in log space
// from Gamma(alpha+1) * U^(1/alpha).
func logGammaRandom(alpha float64, r *rand.Rand) float64 {
	if alpha >= 1 {
		return math.Log(gammaRandom(alpha, r))
	}
	u := 1 - r.Float64() // (0, 1]
	return math.Log(gammaRandom(alpha+1, r)) + math.Log(u)/alpha
}
