package dist

import (
	"math"
	"math/rand/v2"
)

func init() {
	register(Spec{
		Name: "LogitNormal", Doc: "A variable on the unit interval whose logit is normal.",
		Params: []Param{
			{Name: "mu", Domain: anyReal, Doc: "mean of logit x", Default: def(0)},
			{Name: "sigma", Domain: positive, Doc: "standard deviation of logit x", Default: def(1)},
		},
		Variants: []VariantSpec{{Params: []string{"mu", "sigma"}, Kernel: logitNormalKernel{},
			Support: UnitInterval, Transform: IntervalTransform, Interval: [2]float64{0, 1}}},
		Aliases: []Alias{{Name: "tau", Param: "sigma", Power: -0.5}},
		Notes: "PyMC's `LogitNormal` is a `CustomDist` without a default transform: a PyMC model's LogitNormal " +
			"is sampled untransformed, as PyMC samples it, while exmc's own takes the interval transform on (0, 1).",
	})
}

type logitNormalKernel struct{}

// LogitNormal(mu, sigma) on (0, 1): with t = logit x, the normal density
// of t times its Jacobian 1/(x(1-x)).
func (logitNormalKernel) Logp(x float64, p Args, need uint8) (float64, float64, Args) {
	var dp Args
	mu, s := p[0], p[1]
	if !(s > 0) || !(x > 0 && x < 1) {
		return negInf, 0, dp
	}
	lx, l1x := math.Log(x), math.Log1p(-x)
	u := (lx - l1x - mu) / s
	lp := -0.5*u*u - math.Log(s) - lnSqrt2Pi - lx - l1x
	// dt/dx = 1/x + 1/(1-x)
	dx := -u/s*(1/x+1/(1-x)) - 1/x + 1/(1-x)
	if need != 0 {
		dp[0] = u / s
		dp[1] = (u*u - 1) / s
	}
	return lp, dx, dp
}

// Random is sigmoid(mu + sigma N), kept strictly inside (0, 1) as Beta's
// draws are.
func (logitNormalKernel) Random(p Args, r *rand.Rand) float64 {
	x := sigmoid(p[0] + p[1]*r.NormFloat64())
	return math.Min(math.Max(x, math.SmallestNonzeroFloat64), 1-0x1p-53)
}
