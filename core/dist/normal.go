package dist

import (
	"math"
	"math/rand/v2"
)

// Normal(mu, sigma): -z^2/2 - log(sqrt(2 pi)) - log(sigma), z = (x-mu)/sigma.
func (normalKernel) Logp(x float64, p Args, need uint8) (float64, float64, Args) {
	var dp Args
	mu, sigma := p[0], p[1]
	if !(sigma > 0) {
		return negInf, 0, dp
	}
	z := (x - mu) / sigma
	lp := -0.5*z*z - lnSqrt2Pi - math.Log(sigma)
	dx := -z / sigma
	if need != 0 {
		dp[0] = -dx
		dp[1] = (z*z - 1) / sigma
	}
	return lp, dx, dp
}

// HalfNormal(sigma): Normal(0, sigma) folded onto x >= 0, hence the
// constant log(sqrt(2/pi)) in place of -log(sqrt(2 pi)).
func (halfNormalKernel) Logp(x float64, p Args, need uint8) (float64, float64, Args) {
	var dp Args
	sigma := p[0]
	if !(sigma > 0) || x < 0 {
		return negInf, 0, dp
	}
	z := x / sigma
	lp := -0.5*z*z + lnSqrt2OverPi - math.Log(sigma)
	if need != 0 {
		dp[0] = (z*z - 1) / sigma
	}
	return lp, -z / sigma, dp
}

// LogNormal(mu, sigma): Normal(mu, sigma) on log x, plus the Jacobian -log x.
func (logNormalKernel) Logp(x float64, p Args, need uint8) (float64, float64, Args) {
	var dp Args
	mu, sigma := p[0], p[1]
	if !(sigma > 0) || !(x > 0) {
		return negInf, 0, dp
	}
	lx := math.Log(x)
	z := (lx - mu) / sigma
	lp := -0.5*z*z - lnSqrt2Pi - math.Log(sigma) - lx
	if need != 0 {
		dp[0] = z / sigma
		dp[1] = (z*z - 1) / sigma
	}
	return lp, (-z/sigma - 1) / x, dp
}

func logNormalRandom(mu, sigma float64, r *rand.Rand) float64 {
	return math.Exp(mu + sigma*r.NormFloat64())
}

func init() {
	register(Spec{
		Name: "Normal", Doc: "The normal distribution.",
		Params: []Param{
			{Name: "mu", Domain: anyReal, Doc: "mean", Default: def(0)},
			{Name: "sigma", Domain: positive, Doc: "standard deviation", Default: def(1)},
		},
		Variants: []VariantSpec{{Params: []string{"mu", "sigma"}, Kernel: normalKernel{}, Support: Real, loop: fNormal}},
		Aliases:  []Alias{{Name: "tau", Param: "sigma", Power: -0.5}},
	})
	register(Spec{
		Name: "HalfNormal", Doc: "A normal distribution with mean 0 folded onto x >= 0.",
		Params:   []Param{{Name: "sigma", Domain: positive, Doc: "scale", Default: def(1)}},
		Variants: []VariantSpec{{Params: []string{"sigma"}, Kernel: halfNormalKernel{}, Support: NonNegative, Transform: LogTransform, loop: fHalfNormal}},
		Aliases:  []Alias{{Name: "tau", Param: "sigma", Power: -0.5}},
	})
	register(Spec{
		Name: "LogNormal", Doc: "A variable whose logarithm is normal.",
		Params: []Param{
			{Name: "mu", Domain: anyReal, Doc: "mean of log x", Default: def(0)},
			{Name: "sigma", Domain: positive, Doc: "standard deviation of log x", Default: def(1)},
		},
		Variants: []VariantSpec{{Params: []string{"mu", "sigma"}, Kernel: logNormalKernel{}, Support: Positive, Transform: LogTransform}},
		Aliases:  []Alias{{Name: "tau", Param: "sigma", Power: -0.5}},
	})
}

type (
	normalKernel     struct{}
	halfNormalKernel struct{}
	logNormalKernel  struct{}
)

func (normalKernel) Random(p Args, r *rand.Rand) float64     { return p[0] + p[1]*r.NormFloat64() }
func (halfNormalKernel) Random(p Args, r *rand.Rand) float64 { return p[0] * abs(r.NormFloat64()) }
func (logNormalKernel) Random(p Args, r *rand.Rand) float64  { return logNormalRandom(p[0], p[1], r) }

// Normal's log-CDF: log Phi(z), z = (x-mu)/sigma, by logNormCDF, accurate
// in both tails; its derivative in z is r = phi(z)/Phi(z), and z moves
// with x as 1/sigma, with mu as -1/sigma, with sigma as -z/sigma.
func (normalKernel) LogCDF(x float64, p Args, need uint8) (float64, float64, Args) {
	return normalCDF(x, p, need, 1)
}

// LogSF is log Phi(-z).
func (normalKernel) LogSF(x float64, p Args, need uint8) (float64, float64, Args) {
	return normalCDF(x, p, need, -1)
}

func normalCDF(x float64, p Args, need uint8, side float64) (float64, float64, Args) {
	var dp Args
	mu, sigma := p[0], p[1]
	if !(sigma > 0) {
		return negInf, 0, dp
	}
	if math.IsInf(x, 0) {
		return edgeCDF(x*side > 0)
	}
	z := (x - mu) / sigma
	l, r := logNormCDF(side * z)
	g := side * r / sigma // d l / dx
	if need != 0 {
		dp[0] = -g
		dp[1] = -g * z
	}
	return l, g, dp
}

// HalfNormal's CDF is erf(z/sqrt 2) = 1 - 2 Phi(-z), z = x/sigma: its
// logarithm by erf where it is small and by log1p(-erfc) where it is near
// 1; the survival function 2 Phi(-z) by logNormCDF.
func (halfNormalKernel) LogCDF(x float64, p Args, need uint8) (float64, float64, Args) {
	var dp Args
	sigma := p[0]
	if !(sigma > 0) || !(x > 0) {
		return negInf, 0, dp
	}
	if math.IsInf(x, 1) {
		return 0, 0, dp
	}
	z := x / sigma
	var l float64
	if z < 1 {
		l = math.Log(math.Erf(z / math.Sqrt2))
	} else {
		l = math.Log1p(-math.Erfc(z / math.Sqrt2))
	}
	// d l / dz = 2 phi(z) / CDF
	g := math.Exp(math.Ln2-0.5*z*z-lnSqrt2Pi-l) / sigma
	if need != 0 {
		dp[0] = -g * z
	}
	return l, g, dp
}

func (halfNormalKernel) LogSF(x float64, p Args, need uint8) (float64, float64, Args) {
	var dp Args
	sigma := p[0]
	if !(sigma > 0) {
		return negInf, 0, dp
	}
	if !(x > 0) {
		return 0, 0, dp
	}
	if math.IsInf(x, 1) {
		return negInf, 0, dp
	}
	z := x / sigma
	var l, g float64
	if z < 1 {
		// log erfc(z/sqrt 2) = log1p(-erf), whose digits survive near 0
		l = math.Log1p(-math.Erf(z / math.Sqrt2))
		g = -math.Exp(math.Ln2-0.5*z*z-lnSqrt2Pi-l) / sigma
	} else {
		var r float64
		l, r = logNormCDF(-z)
		l += math.Ln2
		g = -r / sigma
	}
	if need != 0 {
		dp[0] = -g * z
	}
	return l, g, dp
}

// LogNormal's log-CDF is Normal's at log x.
func (logNormalKernel) LogCDF(x float64, p Args, need uint8) (float64, float64, Args) {
	return logNormalCDF(x, p, need, 1)
}

func (logNormalKernel) LogSF(x float64, p Args, need uint8) (float64, float64, Args) {
	return logNormalCDF(x, p, need, -1)
}

func logNormalCDF(x float64, p Args, need uint8, side float64) (float64, float64, Args) {
	if !(p[1] > 0) {
		return negInf, 0, Args{}
	}
	if !(x > 0) {
		return edgeCDF(side < 0)
	}
	l, g, dp := normalCDF(math.Log(x), p, need, side)
	return l, g / x, dp
}
