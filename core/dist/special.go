package dist

import (
	"math"

	"github.com/exmc/exmc/core/fastmath"
	"github.com/exmc/exmc/core/special"
)

const (
	lnSqrt2Pi     = 0.918938533204672741780329736406  // log(sqrt(2*pi))
	lnSqrt2OverPi = -0.225791352644727432363097614947 // log(sqrt(2/pi)), HalfNormal's constant
	lnPi          = 1.14472988584940017414342735135   // log(pi)
	// Above this dispersion PyMC evaluates NegativeBinomial as Poisson,
	// where the gamma-function differences lose all precision.
	nbPoissonAlpha = 1e10
)

var (
	negInf = math.Inf(-1)
	nan    = math.NaN()
)

func abs(x float64) float64 { return math.Abs(x) }

func lgamma(x float64) float64 {
	v, _ := math.Lgamma(x)
	return v
}

func digamma(x float64) float64 { return special.Digamma(x) }

// lbinom is log(n choose k) for real n >= k >= 0.
func lbinom(n, k float64) float64 {
	return lgamma(n+1) - lgamma(k+1) - lgamma(n-k+1)
}

// logpow is m*log(x) with PyMC's convention at x = 0: 0 when m = 0, -Inf
// otherwise. It matters on the support's edge, e.g. Gamma(1, beta) at 0.
func logpow(x, m float64) float64 {
	if x == 0 {
		if m == 0 {
			return 0
		}
		return negInf
	}
	return m * math.Log(x)
}

// softplus is log(1 + exp(x)) without overflow for large x or loss of
// digits for very negative x.
func softplus(x float64) float64 {
	if x > 0 {
		return x + fastmath.Log1p(fastmath.Exp(-x))
	}
	return fastmath.Log1p(fastmath.Exp(x))
}

// sigmoid is 1/(1+exp(-x)), evaluated on the side where exp cannot overflow.
func sigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + fastmath.Exp(-x))
	}
	e := fastmath.Exp(x)
	return e / (1 + e)
}
