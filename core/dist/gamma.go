package dist

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/stat/distuv"
)

// Exponential(lam), lam the rate: log(lam) - lam*x on x >= 0.
func (exponentialKernel) Logp(x float64, p Args, need uint8) (float64, float64, Args) {
	var dp Args
	lam := p[0]
	if !(lam > 0) || x < 0 {
		return negInf, 0, dp
	}
	if need != 0 {
		dp[0] = 1/lam - x
	}
	return math.Log(lam) - lam*x, -lam, dp
}

// Gamma(alpha, beta), beta the rate. PyMC's logpow makes x = 0 valid when
// alpha = 1 (the exponential case) and -Inf otherwise.
func (gammaKernel) Logp(x float64, p Args, need uint8) (float64, float64, Args) {
	var dp Args
	alpha, beta := p[0], p[1]
	if !(alpha > 0) || !(beta > 0) || x < 0 {
		return negInf, 0, dp
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
	return lp, dx, dp
}

// InverseGamma(alpha, beta), beta the scale.
func (inverseGammaKernel) Logp(x float64, p Args, need uint8) (float64, float64, Args) {
	var dp Args
	alpha, beta := p[0], p[1]
	if !(alpha > 0) || !(beta > 0) || !(x > 0) {
		return negInf, 0, dp
	}
	lb, lx := math.Log(beta), math.Log(x)
	lp := -lgamma(alpha) + alpha*lb - beta/x - (alpha+1)*lx
	if need != 0 {
		if need&1 != 0 {
			dp[0] = lb - lx - digamma(alpha)
		}
		dp[1] = alpha/beta - 1/x
	}
	return lp, (beta/x - (alpha + 1)) / x, dp
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

func init() {
	register(Spec{
		Name: "Exponential", Doc: "The exponential distribution.",
		Params:   []Param{{Name: "lam", Domain: positive, Doc: "rate", Default: def(1)}},
		Variants: []VariantSpec{{Params: []string{"lam"}, Kernel: exponentialKernel{}, Support: NonNegative, Transform: LogTransform, loop: fExponential}},
		Aliases:  []Alias{{Name: "scale", Param: "lam", Power: -1}},
	})
	register(Spec{
		Name: "Gamma", Doc: "The gamma distribution, with a rate.",
		Params: []Param{
			{Name: "alpha", Domain: positive, Doc: "shape"},
			{Name: "beta", Domain: positive, Doc: "rate"},
		},
		Variants: []VariantSpec{{Params: []string{"alpha", "beta"}, Kernel: gammaKernel{}, Support: Positive, Transform: LogTransform}},
	})
	register(Spec{
		Name: "InverseGamma", Doc: "The inverse gamma distribution, with a scale.",
		Params: []Param{
			{Name: "alpha", Domain: positive, Doc: "shape"},
			{Name: "beta", Domain: positive, Doc: "scale", Default: def(1)},
		},
		Variants: []VariantSpec{{Params: []string{"alpha", "beta"}, Kernel: inverseGammaKernel{}, Support: Positive, Transform: LogTransform}},
	})
}

type (
	exponentialKernel  struct{}
	gammaKernel        struct{}
	inverseGammaKernel struct{}
)

func (exponentialKernel) Random(p Args, r *rand.Rand) float64  { return r.ExpFloat64() / p[0] }
func (gammaKernel) Random(p Args, r *rand.Rand) float64        { return gammaRandom(p[0], r) / p[1] }
func (inverseGammaKernel) Random(p Args, r *rand.Rand) float64 { return p[1] / gammaRandom(p[0], r) }

// Exponential's CDF is 1 - exp(-lam x): log-CDF log1mexp(-t), t = lam x,
// whose derivative in t is 1/expm1(t); log-survival -t.
func (exponentialKernel) LogCDF(x float64, p Args, need uint8) (float64, float64, Args) {
	var dp Args
	lam := p[0]
	if !(lam > 0) || !(x > 0) {
		return negInf, 0, dp
	}
	if math.IsInf(x, 1) {
		return 0, 0, dp
	}
	t := lam * x
	q := 1 / math.Expm1(t)
	if need != 0 {
		dp[0] = x * q
	}
	return log1mexp(-t), lam * q, dp
}

func (exponentialKernel) LogSF(x float64, p Args, need uint8) (float64, float64, Args) {
	var dp Args
	lam := p[0]
	if !(lam > 0) {
		return negInf, 0, dp
	}
	if !(x > 0) {
		return 0, 0, dp
	}
	if math.IsInf(x, 1) {
		return negInf, 0, dp
	}
	if need != 0 {
		dp[0] = -x
	}
	return -lam * x, -lam, dp
}

// Gamma's CDF is P(alpha, beta x), its survival function Q(alpha, beta
// x): logIncGamma, with the derivatives in alpha carried through its
// series or continued fraction.
func (gammaKernel) LogCDF(x float64, p Args, need uint8) (float64, float64, Args) {
	return gammaCDF(x, p[0], p[1], need, false)
}

func (gammaKernel) LogSF(x float64, p Args, need uint8) (float64, float64, Args) {
	return gammaCDF(x, p[0], p[1], need, true)
}

// gammaCDF is Gamma(a, rate)'s log-CDF or log-survival function at x.
func gammaCDF(x, a, rate float64, need uint8, sf bool) (float64, float64, Args) {
	var dp Args
	if !(a > 0) || !(rate > 0) {
		return negInf, 0, dp
	}
	if !(x > 0) || math.IsInf(x, 1) {
		return edgeCDF(sf == !(x > 0))
	}
	lp, lq, dpx, dqx, dpa, dqa := logIncGamma(a, rate*x)
	l, gx, ga := lp, dpx, dpa
	if sf {
		l, gx, ga = lq, dqx, dqa
	}
	if need != 0 {
		dp[0] = ga
		dp[1] = gx * x
	}
	return l, gx * rate, dp
}

// InverseGamma's CDF is Q(alpha, beta/x), its survival function P(alpha,
// beta/x).
func (inverseGammaKernel) LogCDF(x float64, p Args, need uint8) (float64, float64, Args) {
	return inverseGammaCDF(x, p, need, false)
}

func (inverseGammaKernel) LogSF(x float64, p Args, need uint8) (float64, float64, Args) {
	return inverseGammaCDF(x, p, need, true)
}

func inverseGammaCDF(x float64, p Args, need uint8, sf bool) (float64, float64, Args) {
	var dp Args
	a, b := p[0], p[1]
	if !(a > 0) || !(b > 0) {
		return negInf, 0, dp
	}
	if !(x > 0) || math.IsInf(x, 1) {
		return edgeCDF(sf == !(x > 0))
	}
	lp, lq, dpx, dqx, dpa, dqa := logIncGamma(a, b/x)
	l, gy, ga := lq, dqx, dqa
	if sf {
		l, gy, ga = lp, dpx, dpa
	}
	if need != 0 {
		dp[0] = ga
		dp[1] = gy / x
	}
	return l, -gy * b / (x * x), dp
}
