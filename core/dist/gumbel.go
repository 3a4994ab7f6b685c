package dist

import (
	"math"
	"math/rand/v2"
)

func init() {
	register(Spec{
		Name: "Gumbel", Doc: "The Gumbel (type I extreme value) distribution.",
		Params: []Param{
			{Name: "mu", Domain: anyReal, Doc: "location"},
			{Name: "beta", Domain: positive, Doc: "scale"},
		},
		Variants: []VariantSpec{{Params: []string{"mu", "beta"}, Kernel: gumbelKernel{}, Support: Real}},
	})
}

type gumbelKernel struct{}

// Gumbel(mu, beta): with z = (x-mu)/beta, log p = -z - exp(-z) - log beta.
// Far below mu, exp(-z) overflows to +Inf and lp to -Inf, where the density
// itself is below the smallest float. Its derivative in z is exp(-z) - 1.
func (gumbelKernel) Logp(x float64, p Args, need uint8) (float64, float64, Args) {
	var dp Args
	mu, b := p[0], p[1]
	if !(b > 0) {
		return negInf, 0, dp
	}
	z := (x - mu) / b
	e := math.Exp(-z)
	lp := -z - e - math.Log(b)
	g := (e - 1) / b
	if need != 0 {
		dp[0] = -g
		dp[1] = -(z*g + 1/b)
	}
	return lp, g, dp
}

// Random inverts the CDF: mu - beta log E, E a standard exponential.
func (gumbelKernel) Random(p Args, r *rand.Rand) float64 {
	return p[0] - p[1]*math.Log(r.ExpFloat64())
}

// Gumbel's CDF is exp(-e), e = exp(-z), z = (x-mu)/beta: log-CDF -e,
// log-survival log1mexp(-e), whose derivatives in z are e and
// -e/expm1(e).
func (gumbelKernel) LogCDF(x float64, p Args, need uint8) (float64, float64, Args) {
	return gumbelCDF(x, p, need, false)
}

func (gumbelKernel) LogSF(x float64, p Args, need uint8) (float64, float64, Args) {
	return gumbelCDF(x, p, need, true)
}

func gumbelCDF(x float64, p Args, need uint8, sf bool) (float64, float64, Args) {
	var dp Args
	mu, b := p[0], p[1]
	if !(b > 0) {
		return negInf, 0, dp
	}
	z := (x - mu) / b
	e := math.Exp(-z)
	if math.IsInf(x, 0) || math.IsInf(e, 1) {
		return edgeCDF(sf == (z < 0))
	}
	var l, g float64 // g: the derivative in z
	if sf {
		l, g = log1mexp(-e), -e/math.Expm1(e)
	} else {
		l, g = -e, e
	}
	g /= b
	if need != 0 {
		dp[0] = -g
		dp[1] = -g * z
	}
	return l, g, dp
}
