package dist

import (
	"math"
	"math/rand/v2"

	"github.com/exmc/exmc/core/fastmath"
)

// studentT is the log-density of StudentT(nu, 0, sigma) at distance d from
// the location, with its derivatives in d, nu (only when wantNu) and sigma.
// The normalising constant is written as PyMC writes it:
// lgamma((nu+1)/2) - lgamma(nu/2) + log(lam/(nu pi))/2, lam = 1/sigma^2.
func studentT(d, nu, sigma float64, wantNu bool) (lp, dd, dnu, dsigma float64) {
	s2 := sigma * sigma
	t := d * d / (nu * s2)
	l1t := fastmath.Log1p(t)
	h := 0.5 * (nu + 1)
	lp = lgamma(h) - lgamma(0.5*nu) - 0.5*math.Log(nu*math.Pi*s2) - h*l1t
	dd = -(nu + 1) * d / (nu*s2 + d*d)
	dsigma = ((nu+1)*t/(1+t) - 1) / sigma
	if wantNu {
		dnu = 0.5*(digamma(h)-digamma(0.5*nu)-1/nu-l1t) + h*t/(nu*(1+t))
	}
	return lp, dd, dnu, dsigma
}

// StudentT(nu, mu, sigma).
func studentTLogp(x float64, p, dp []float64, need uint8) (float64, float64) {
	nu, mu, sigma := p[0], p[1], p[2]
	if !(nu > 0) || !(sigma > 0) {
		return negInf, 0
	}
	lp, dd, dnu, ds := studentT(x-mu, nu, sigma, need&1 != 0)
	if need != 0 {
		dp[0] = dnu
		dp[1] = -dd
		dp[2] = ds
	}
	return lp, dd
}

// HalfStudentT(nu, sigma): log 2 + StudentT(nu, 0, sigma) on x >= 0.
func halfStudentTLogp(x float64, p, dp []float64, need uint8) (float64, float64) {
	nu, sigma := p[0], p[1]
	if !(nu > 0) || !(sigma > 0) || x < 0 {
		return negInf, 0
	}
	lp, dd, dnu, ds := studentT(x, nu, sigma, need&1 != 0)
	if need != 0 {
		dp[0] = dnu
		dp[1] = ds
	}
	return math.Ln2 + lp, dd
}

// studentTRandom draws a standard Student t: Z / sqrt(V), V ~ Gamma(nu/2, rate nu/2).
func studentTRandom(nu float64, r *rand.Rand) float64 {
	v := gammaRandom(0.5*nu, r) / (0.5 * nu)
	return r.NormFloat64() / math.Sqrt(v)
}

// cauchy is -log(pi) - log(beta) - log1p(z^2), z = d/beta, with its
// derivatives in d and beta.
func cauchy(d, beta float64) (lp, dd, dbeta float64) {
	z := d / beta
	q := 1 + z*z
	lp = -lnPi - math.Log(beta) - math.Log1p(z*z)
	dd = -2 * z / (beta * q)
	dbeta = (2*z*z/q - 1) / beta
	return lp, dd, dbeta
}

// Cauchy(alpha, beta), alpha the location, beta the scale.
func cauchyLogp(x float64, p, dp []float64, need uint8) (float64, float64) {
	alpha, beta := p[0], p[1]
	if !(beta > 0) {
		return negInf, 0
	}
	lp, dd, db := cauchy(x-alpha, beta)
	if need != 0 {
		dp[0] = -dd
		dp[1] = db
	}
	return lp, dd
}

// HalfCauchy(beta): log 2 + Cauchy(0, beta) on x >= 0.
func halfCauchyLogp(x float64, p, dp []float64, need uint8) (float64, float64) {
	beta := p[0]
	if !(beta > 0) || x < 0 {
		return negInf, 0
	}
	lp, dd, db := cauchy(x, beta)
	if need != 0 {
		dp[0] = db
	}
	return math.Ln2 + lp, dd
}

// cauchyRandom draws a standard Cauchy by inverting its CDF.
func cauchyRandom(r *rand.Rand) float64 {
	return math.Tan(math.Pi * (r.Float64() - 0.5))
}
