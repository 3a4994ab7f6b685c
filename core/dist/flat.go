package dist

import (
	"math"
	"math/rand/v2"
)

// Uniform(lower, upper) on the closed interval, as PyMC defines it.
func (uniformKernel) Logp(x float64, p Args, need uint8) (float64, float64, Args) {
	var dp Args
	lo, hi := p[0], p[1]
	if !(lo < hi) || x < lo || x > hi {
		return negInf, 0, dp
	}
	w := hi - lo
	if need != 0 {
		dp[0] = 1 / w
		dp[1] = -1 / w
	}
	return -math.Log(w), 0, dp
}

// HalfFlat: the improper density 1 on x >= 0 (PyMC includes 0).
func halfFlatLogp(x float64) (float64, float64) {
	if x < 0 {
		return negInf, 0
	}
	return 0, 0
}

// HalfFlat: the improper density 1 on x >= 0; Flat: 1 everywhere.
type (
	halfFlatKernel struct{}
	flatKernel     struct{}
)

func (halfFlatKernel) Logp(x float64, p Args, need uint8) (float64, float64, Args) {
	lp, dx := halfFlatLogp(x)
	return lp, dx, Args{}
}

func (flatKernel) Logp(x float64, p Args, need uint8) (float64, float64, Args) { return 0, 0, Args{} }

type uniformKernel struct{}

func (uniformKernel) Random(p Args, r *rand.Rand) float64 { return p[0] + (p[1]-p[0])*r.Float64() }

func init() {
	register(Spec{
		Name: "Uniform", Doc: "The uniform distribution on [lower, upper].",
		Params: []Param{
			{Name: "lower", Domain: anyReal, Default: def(0)},
			{Name: "upper", Domain: anyReal, Default: def(1)},
		},
		Variants: []VariantSpec{{Params: []string{"lower", "upper"}, Kernel: uniformKernel{},
			Support: Bounded, Transform: IntervalTransform, Lower: "lower", Upper: "upper"}},
	})
	register(Spec{
		Name: "Flat", Doc: "The improper uniform density on the real line.",
		Variants: []VariantSpec{{Params: []string{}, Kernel: flatKernel{}, Support: Real}},
	})
	register(Spec{
		Name: "HalfFlat", Doc: "The improper uniform density on x >= 0.",
		Variants: []VariantSpec{{Params: []string{}, Kernel: halfFlatKernel{}, Support: NonNegative, Transform: LogTransform}},
	})
}

// Uniform's CDF is (x-lower)/(upper-lower) between the bounds, its
// survival function (upper-x)/(upper-lower).
func (uniformKernel) LogCDF(x float64, p Args, need uint8) (float64, float64, Args) {
	var dp Args
	lo, hi := p[0], p[1]
	if !(lo < hi) || !(x > lo) {
		return negInf, 0, dp
	}
	if x >= hi {
		return 0, 0, dp
	}
	w := hi - lo
	if need != 0 {
		dp[0] = 1/w - 1/(x-lo)
		dp[1] = -1 / w
	}
	return logFraction(x-lo, hi-x, w), 1 / (x - lo), dp
}

// logFraction is log(a/w) where a + b = w, by log1p(-b/w) when a is the
// larger part, so that a fraction near 1 keeps its digits.
func logFraction(a, b, w float64) float64 {
	if a > b {
		return math.Log1p(-b / w)
	}
	return math.Log(a) - math.Log(w)
}

func (uniformKernel) LogSF(x float64, p Args, need uint8) (float64, float64, Args) {
	var dp Args
	lo, hi := p[0], p[1]
	if !(lo < hi) || !(x < hi) {
		return negInf, 0, dp
	}
	if x <= lo {
		return 0, 0, dp
	}
	w := hi - lo
	if need != 0 {
		dp[0] = 1 / w
		dp[1] = 1/(hi-x) - 1/w
	}
	return logFraction(hi-x, x-lo, w), -1 / (hi - x), dp
}
