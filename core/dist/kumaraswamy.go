package dist

import (
	"math"
	"math/rand/v2"
)

func init() {
	register(Spec{
		Name: "Kumaraswamy", Doc: "The Kumaraswamy distribution on the unit interval.",
		Params: []Param{
			{Name: "a", Domain: positive, Doc: "shape"},
			{Name: "b", Domain: positive, Doc: "shape"},
		},
		Variants: []VariantSpec{{Params: []string{"a", "b"}, Kernel: kumaraswamyKernel{},
			Support: UnitInterval, Transform: IntervalTransform, Interval: [2]float64{0, 1}}},
	})
}

type kumaraswamyKernel struct{}

// log1mexp is log(1 - exp(y)) for y <= 0, by expm1 near 0 and by log1p
// below -log 2, so that neither side loses its digits.
func log1mexp(y float64) float64 {
	if y > -math.Ln2 {
		return math.Log(-math.Expm1(y))
	}
	return math.Log1p(-math.Exp(y))
}

// Kumaraswamy(a, b) on [0, 1]: log a + log b + (a-1) log x + (b-1)
// log(1 - x^a), with 1 - x^a = -expm1(a log x) so that x^a near 1 keeps
// its digits. As for Beta, the (a-1) log x term is left out when a = 1,
// and likewise the last term when b = 1, so that the density is finite on
// the edges in those cases.
func (kumaraswamyKernel) Logp(x float64, p Args, need uint8) (float64, float64, Args) {
	var dp Args
	a, b := p[0], p[1]
	if !(a > 0) || !(b > 0) || !(x >= 0 && x <= 1) {
		return negInf, 0, dp
	}
	lx := math.Log(x)
	l1u := log1mexp(a * lx) // log(1 - x^a)
	lp := math.Log(a) + math.Log(b)
	if a != 1 {
		lp += (a - 1) * lx
	}
	if b != 1 {
		lp += (b - 1) * l1u
	}
	// w = x^a / (1 - x^a); the terms of a or b equal to 1 are left out of
	// the derivatives as of the density, so that the edges give no NaN
	var dx, w float64
	if a != 1 {
		dx = (a - 1) / x
	}
	if b != 1 {
		w = math.Exp(a*lx - l1u)
		wx := 1.0 // w/x at x = 0 when a = 1
		if x > 0 || a != 1 {
			wx = math.Exp((a-1)*lx - l1u)
		}
		dx -= (b - 1) * a * wx
	}
	if need != 0 {
		dp[0] = 1/a + lx
		if w != 0 { // x^a log x -> 0 at x = 0
			dp[0] -= (b - 1) * w * lx
		}
		dp[1] = 1/b + l1u
	}
	return lp, dx, dp
}

// Random inverts the CDF: x = (1 - (1-u)^(1/b))^(1/a), in logs, kept
// strictly inside (0, 1) as Beta's draws are.
func (kumaraswamyKernel) Random(p Args, r *rand.Rand) float64 {
	u := r.Float64()
	for u == 0 {
		u = r.Float64()
	}
	x := math.Exp(log1mexp(math.Log1p(-u)/p[1]) / p[0])
	return math.Min(math.Max(x, math.SmallestNonzeroFloat64), 1-0x1p-53)
}

// Kumaraswamy's survival function is (1 - x^a)^b: its logarithm b
// log1mexp(a log x), whose derivative in u = a log x is -b/expm1(-u); the
// log-CDF log1mexp of that, accurate both where x^a is tiny and where the
// survival function is.
func (kumaraswamyKernel) LogCDF(x float64, p Args, need uint8) (float64, float64, Args) {
	return kumaraswamyCDF(x, p, need, false)
}

func (kumaraswamyKernel) LogSF(x float64, p Args, need uint8) (float64, float64, Args) {
	return kumaraswamyCDF(x, p, need, true)
}

func kumaraswamyCDF(x float64, p Args, need uint8, sf bool) (float64, float64, Args) {
	var dp Args
	a, b := p[0], p[1]
	if !(a > 0) || !(b > 0) {
		return negInf, 0, dp
	}
	if !(x > 0) || !(x < 1) {
		return edgeCDF(sf == !(x > 0))
	}
	lx := math.Log(x)
	u := a * lx
	l1u := log1mexp(u)
	ls := b * l1u
	gu := -b / math.Expm1(-u) // d ls / du
	gb := l1u                 // d ls / db
	l := ls
	if !sf {
		// d log1mexp(ls) / d ls = -1/expm1(-ls)
		l = log1mexp(ls)
		q := -1 / math.Expm1(-ls)
		gu, gb = q*gu, q*gb
	}
	if need != 0 {
		dp[0] = gu * lx
		dp[1] = gb
	}
	return l, gu * a / x, dp
}
