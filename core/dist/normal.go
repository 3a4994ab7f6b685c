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
