package dist

import (
	"math"
	"math/rand/v2"
)

// Beta(alpha, beta) on [0, 1]. As in PyMC, the (alpha-1)*log x term is left
// out when alpha = 1 (and likewise for beta), so that the density is finite
// on the closed interval's edges in that case.
func (betaKernel) Logp(x float64, p Args, need uint8) (float64, float64, Args) {
	var dp Args
	a, b := p[0], p[1]
	if !(a > 0) || !(b > 0) || !(x >= 0 && x <= 1) {
		return negInf, 0, dp
	}
	lx, l1x := math.Log(x), math.Log1p(-x)
	lp := lgamma(a+b) - lgamma(a) - lgamma(b)
	var dx float64
	if a != 1 {
		lp += (a - 1) * lx
		dx += (a - 1) / x
	}
	if b != 1 {
		lp += (b - 1) * l1x
		dx -= (b - 1) / (1 - x)
	}
	if need&3 != 0 {
		dab := digamma(a + b)
		if need&1 != 0 {
			dp[0] = lx - digamma(a) + dab
		}
		if need&2 != 0 {
			dp[1] = l1x - digamma(b) + dab
		}
	}
	return lp, dx, dp
}

// betaRandom draws X/(X+Y), X ~ Gamma(a), Y ~ Gamma(b), computed as
// sigmoid(log X - log Y) so that small shapes do not give 0/0, and kept
// strictly inside (0, 1) as PyMC's clipped draws are.
func betaRandom(a, b float64, r *rand.Rand) float64 {
	x := sigmoid(logGammaRandom(a, r) - logGammaRandom(b, r))
	return math.Min(math.Max(x, math.SmallestNonzeroFloat64), 1-0x1p-53)
}

func init() {
	register(Spec{
		Name: "Beta", Doc: "The beta distribution on the unit interval.",
		Params: []Param{
			{Name: "alpha", Domain: positive, Doc: "shape"},
			{Name: "beta", Domain: positive, Doc: "shape"},
		},
		Variants: []VariantSpec{{Params: []string{"alpha", "beta"}, Kernel: betaKernel{},
			Support: UnitInterval, Transform: IntervalTransform, Interval: [2]float64{0, 1}}},
	})
}

type betaKernel struct{}

func (betaKernel) Random(p Args, r *rand.Rand) float64 { return betaRandom(p[0], p[1], r) }

// Beta's CDF is the regularized incomplete beta function I_x(alpha,
// beta): logIncBeta, its derivatives in the shapes carried through the
// continued fraction.
func (betaKernel) LogCDF(x float64, p Args, need uint8) (float64, float64, Args) {
	return betaCDF(x, p, need, false)
}

func (betaKernel) LogSF(x float64, p Args, need uint8) (float64, float64, Args) {
	return betaCDF(x, p, need, true)
}

func betaCDF(x float64, p Args, need uint8, sf bool) (float64, float64, Args) {
	var dp Args
	a, b := p[0], p[1]
	if !(a > 0) || !(b > 0) {
		return negInf, 0, dp
	}
	if !(x > 0) || !(x < 1) {
		return edgeCDF(sf == !(x > 0))
	}
	li, lc, di, dc := logIncBeta(a, b, x)
	l, d := li, di
	if sf {
		l, d = lc, dc
	}
	if need != 0 {
		dp[0], dp[1] = d[1], d[2]
	}
	return l, d[0], dp
}
