package dist

import (
	"math"
	"math/rand/v2"
)

func init() {
	register(Spec{
		Name: "Pareto", Doc: "The Pareto (type I) distribution on x >= m.",
		Params: []Param{
			{Name: "alpha", Domain: positive, Doc: "shape"},
			{Name: "m", Domain: positive, Doc: "scale, the least value"},
		},
		Variants: []VariantSpec{{Params: []string{"alpha", "m"}, Kernel: paretoKernel{},
			Support: AtLeast, Lower: "m", Transform: LowerBoundTransform}},
	})
}

type paretoKernel struct{}

// Pareto(alpha, m) on x >= m: log alpha + alpha log m - (alpha+1) log x.
func (paretoKernel) Logp(x float64, p Args, need uint8) (float64, float64, Args) {
	var dp Args
	a, m := p[0], p[1]
	if !(a > 0) || !(m > 0) || !(x >= m) {
		return negInf, 0, dp
	}
	lm, lx := math.Log(m), math.Log(x)
	lp := math.Log(a) + a*lm - (a+1)*lx
	if need != 0 {
		dp[0] = 1/a + lm - lx
		dp[1] = a / m
	}
	return lp, -(a + 1) / x, dp
}

// Random inverts the CDF: m exp(E/alpha), E a standard exponential.
func (paretoKernel) Random(p Args, r *rand.Rand) float64 {
	return p[1] * math.Exp(r.ExpFloat64()/p[0])
}

// Pareto's survival function from m on is (m/x)^alpha: its logarithm
// alpha (log m - log x); the log-CDF log1mexp of it.
func (paretoKernel) LogCDF(x float64, p Args, need uint8) (float64, float64, Args) {
	return paretoCDF(x, p, need, false)
}

func (paretoKernel) LogSF(x float64, p Args, need uint8) (float64, float64, Args) {
	return paretoCDF(x, p, need, true)
}

func paretoCDF(x float64, p Args, need uint8, sf bool) (float64, float64, Args) {
	var dp Args
	a, m := p[0], p[1]
	if !(a > 0) || !(m > 0) {
		return negInf, 0, dp
	}
	if !(x > m) || math.IsInf(x, 1) {
		return edgeCDF(sf == !(x > m))
	}
	lm, lx := math.Log(m), math.Log(x)
	l := a * (lm - lx)
	ga, gm, gx := lm-lx, a/m, -a/x
	if !sf {
		q := -1 / math.Expm1(-l)
		l = log1mexp(l)
		ga, gm, gx = q*ga, q*gm, q*gx
	}
	if need != 0 {
		dp[0], dp[1] = ga, gm
	}
	return l, gx, dp
}
