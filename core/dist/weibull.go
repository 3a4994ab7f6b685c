package dist

import (
	"math"
	"math/rand/v2"
)

func init() {
	register(Spec{
		Name: "Weibull", Doc: "The Weibull distribution, with a shape and a scale.",
		Params: []Param{
			{Name: "alpha", Domain: positive, Doc: "shape"},
			{Name: "beta", Domain: positive, Doc: "scale"},
		},
		Variants: []VariantSpec{{Params: []string{"alpha", "beta"}, Kernel: weibullKernel{},
			Support: NonNegative, Transform: LogTransform}},
	})
}

type weibullKernel struct{}

// Weibull(alpha, beta): with z = x/beta and t = z^alpha, log p = log alpha
// - log beta + (alpha-1) log z - t on x >= 0. At x = 0 the (alpha-1) log z
// term follows logpow, as Gamma's does: 0 when alpha = 1 (the exponential
// case), -Inf otherwise.
func (weibullKernel) Logp(x float64, p Args, need uint8) (float64, float64, Args) {
	var dp Args
	a, b := p[0], p[1]
	if !(a > 0) || !(b > 0) || !(x >= 0) {
		return negInf, 0, dp
	}
	lz := math.Log(x / b)
	t := math.Exp(a * lz)
	lp := math.Log(a) - math.Log(b) - t
	if a != 1 {
		lp += (a - 1) * lz
	}
	var dx float64
	switch {
	case x > 0:
		dx = (a - 1 - a*t) / x
	case a == 1:
		dx = -1 / b
	}
	if need != 0 {
		// at x = 0, lz = -Inf and t = 0: d/dalpha is -Inf, not NaN
		dp[0] = 1/a + lz*(1-t)
		dp[1] = a * (t - 1) / b
	}
	return lp, dx, dp
}

// Random inverts the CDF: beta * E^(1/alpha), E a standard exponential.
func (weibullKernel) Random(p Args, r *rand.Rand) float64 {
	return p[1] * math.Pow(r.ExpFloat64(), 1/p[0])
}

// Weibull's CDF is 1 - exp(-t), t = (x/beta)^alpha: log-CDF log1mexp(-t)
// (derivative in t 1/expm1(t)), log-survival -t; t moves with x as
// alpha t/x, with alpha as t log(x/beta), with beta as -alpha t/beta.
func (weibullKernel) LogCDF(x float64, p Args, need uint8) (float64, float64, Args) {
	return weibullCDF(x, p, need, false)
}

func (weibullKernel) LogSF(x float64, p Args, need uint8) (float64, float64, Args) {
	return weibullCDF(x, p, need, true)
}

func weibullCDF(x float64, p Args, need uint8, sf bool) (float64, float64, Args) {
	var dp Args
	a, b := p[0], p[1]
	if !(a > 0) || !(b > 0) {
		return negInf, 0, dp
	}
	if !(x > 0) || math.IsInf(x, 1) {
		return edgeCDF(sf == !(x > 0))
	}
	lr := math.Log(x / b)
	t := math.Exp(a * lr)
	var l, q float64 // q: the derivative in t
	if sf {
		l, q = -t, -1
	} else {
		l, q = log1mexp(-t), 1/math.Expm1(t)
	}
	if math.IsInf(t, 1) {
		return edgeCDF(!sf)
	}
	if need != 0 {
		dp[0] = q * t * lr
		dp[1] = -q * a * t / b
	}
	return l, q * a * t / x, dp
}
