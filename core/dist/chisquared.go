package dist

import (
	"math"
	"math/rand/v2"
)

func init() {
	register(Spec{
		Name: "ChiSquared", Doc: "The chi-squared distribution: Gamma(nu/2, 1/2).",
		Params:   []Param{{Name: "nu", Domain: positive, Doc: "degrees of freedom"}},
		Variants: []VariantSpec{{Params: []string{"nu"}, Kernel: chiSquaredKernel{}, Support: Positive, Transform: LogTransform}},
		Notes:    "PyMC builds `pm.ChiSquared(nu)` as `pm.Gamma(nu/2, 1/2)`, and a PyMC model translates to that Gamma.",
	})
}

type chiSquaredKernel struct{}

// ChiSquared(nu) is Gamma(nu/2, rate 1/2): log p = (nu/2-1) log x - x/2 -
// lgamma(nu/2) - (nu/2) log 2, with Gamma's logpow at x = 0 (finite only
// for nu = 2).
func (chiSquaredKernel) Logp(x float64, p Args, need uint8) (float64, float64, Args) {
	var dp Args
	k := p[0] / 2
	if !(k > 0) || x < 0 {
		return negInf, 0, dp
	}
	lp := logpow(x, k-1) - x/2 - lgamma(k) - k*math.Ln2
	dx := -0.5
	if k != 1 {
		dx += (k - 1) / x
	}
	if need != 0 {
		dp[0] = (math.Log(x) - math.Ln2 - digamma(k)) / 2
	}
	return lp, dx, dp
}

func (chiSquaredKernel) Random(p Args, r *rand.Rand) float64 { return 2 * gammaRandom(p[0]/2, r) }

// ChiSquared(nu) is Gamma(nu/2, 1/2).
func (chiSquaredKernel) LogCDF(x float64, p Args, need uint8) (float64, float64, Args) {
	l, dx, dp := gammaCDF(x, p[0]/2, 0.5, need, false)
	dp[0], dp[1] = dp[0]/2, 0
	return l, dx, dp
}

func (chiSquaredKernel) LogSF(x float64, p Args, need uint8) (float64, float64, Args) {
	l, dx, dp := gammaCDF(x, p[0]/2, 0.5, need, true)
	dp[0], dp[1] = dp[0]/2, 0
	return l, dx, dp
}
