package dist

import (
	"fmt"
	"math"
	"math/rand/v2"
)

func init() {
	register(Spec{
		Name: "Triangular", Doc: "The triangular distribution from lower to upper with its mode at c.",
		Params: []Param{
			{Name: "lower", Domain: anyReal, Doc: "lower limit", Default: def(0)},
			{Name: "upper", Domain: anyReal, Doc: "upper limit", Default: def(1)},
			{Name: "c", Domain: anyReal, Doc: "mode", Default: def(0.5)},
		},
		Variants: []VariantSpec{{Params: []string{"lower", "c", "upper"}, Kernel: triangularKernel{},
			Support: Bounded, Lower: "lower", Upper: "upper", Transform: IntervalTransform}},
		Notes: "`Triangular` needs `lower <= c <= upper`; where c leaves that range the log-density is -Inf, as in PyMC.",
	})
}

type triangularKernel struct{}

func (triangularKernel) relations(p Args) error {
	if !(p[0] <= p[1] && p[1] <= p[2]) {
		return fmt.Errorf("c must lie between lower and upper, got lower %g, c %g, upper %g", p[0], p[1], p[2])
	}
	return nil
}

// Triangular(lower, c, upper): log(2 (x - lower) / ((upper - lower) (c -
// lower))) below the mode, log(2 (upper - x) / ((upper - lower) (upper -
// c))) from it on, as PyMC writes it.
func (triangularKernel) Logp(x float64, p Args, need uint8) (float64, float64, Args) {
	var dp Args
	lo, c, hi := p[0], p[1], p[2]
	if !(lo <= c && c <= hi && lo < hi) || !(x >= lo && x <= hi) {
		return negInf, 0, dp
	}
	w := hi - lo
	if x < c {
		d, e := x-lo, c-lo
		lp := math.Log(2*d) - math.Log(w) - math.Log(e)
		if need != 0 {
			dp[0] = -1/d + 1/w + 1/e
			dp[1] = -1 / e
			dp[2] = -1 / w
		}
		return lp, 1 / d, dp
	}
	d, e := hi-x, hi-c
	lp := math.Log(2*d) - math.Log(w) - math.Log(e)
	if need != 0 {
		dp[0] = 1 / w
		dp[1] = 1 / e
		dp[2] = 1/d - 1/w - 1/e
	}
	return lp, -1 / d, dp
}

// Random inverts the CDF, whose value at the mode is (c - lower)/(upper -
// lower).
func (triangularKernel) Random(p Args, r *rand.Rand) float64 {
	lo, c, hi := p[0], p[1], p[2]
	u := r.Float64()
	if u < (c-lo)/(hi-lo) {
		return lo + math.Sqrt((hi-lo)*(c-lo)*u)
	}
	return hi - math.Sqrt((hi-lo)*(hi-c)*(1-u))
}

// Triangular's CDF below c is (x-lower)^2/((upper-lower)(c-lower)), its
// survival function above c (upper-x)^2/((upper-lower)(upper-c)); each
// side's other function is log1mexp of it.
func (triangularKernel) LogCDF(x float64, p Args, need uint8) (float64, float64, Args) {
	return triangularCDF(x, p, need, false)
}

func (triangularKernel) LogSF(x float64, p Args, need uint8) (float64, float64, Args) {
	return triangularCDF(x, p, need, true)
}

func triangularCDF(x float64, p Args, need uint8, sf bool) (float64, float64, Args) {
	var dp Args
	lo, c, hi := p[0], p[1], p[2]
	if !(lo <= c && c <= hi && lo < hi) {
		return negInf, 0, dp
	}
	if !(x > lo) || !(x < hi) {
		return edgeCDF(sf == !(x > lo))
	}
	w := hi - lo
	var l, gx float64
	var g [3]float64
	left := x < c
	if left {
		d, e := x-lo, c-lo
		l = 2*math.Log(d) - math.Log(w) - math.Log(e) // log CDF
		gx = 2 / d
		g = [3]float64{-2/d + 1/w + 1/e, -1 / e, -1 / w}
	} else {
		d, e := hi-x, hi-c
		l = 2*math.Log(d) - math.Log(w) - math.Log(e) // log SF
		gx = -2 / d
		g = [3]float64{1 / w, 1 / e, 2/d - 1/w - 1/e}
	}
	if left == sf {
		// the other function: log1mexp
		q := -1 / math.Expm1(-l)
		l = log1mexp(l)
		gx *= q
		for i := range g {
			g[i] *= q
		}
	}
	if need != 0 {
		dp[0], dp[1], dp[2] = g[0], g[1], g[2]
	}
	return l, gx, dp
}
