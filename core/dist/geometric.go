package dist

import (
	"math"
	"math/rand/v2"
)

// Geometric(p): the number of trials up to and including the first
// success, log p + (x-1) log(1-p) on x = 1, 2, ...
func (geometricKernel) Logp(x float64, p Args, need uint8) (float64, float64, Args) {
	var dp Args
	q := p[0]
	if !(q >= 0 && q <= 1) || !isCount(x) || x < 1 {
		return negInf, 0, dp
	}
	lp := math.Log(q)
	if x > 1 {
		lp += (x - 1) * math.Log1p(-q)
	}
	if need != 0 {
		d := 1 / q
		if x > 1 {
			d -= (x - 1) / (1 - q)
		}
		dp[0] = d
	}
	return lp, 0, dp
}

// Random inverts the distribution function: 1 + floor(log U / log(1-p)),
// U uniform on (0, 1]; at p = 1 that is 1.
func (geometricKernel) Random(p Args, r *rand.Rand) float64 {
	u := 1 - r.Float64()
	return 1 + math.Floor(math.Log(u)/math.Log1p(-p[0]))
}

func init() {
	register(Spec{
		Name: "Geometric", Doc: "The number of trials up to and including the first success.", Discrete: true,
		Params: []Param{
			{Name: "p", Domain: probability, Doc: "probability of success"},
		},
		Variants: []VariantSpec{
			{Params: []string{"p"}, Kernel: geometricKernel{}, Support: PositiveCount},
		},
	})
}

type geometricKernel struct{}

// Geometric's survival function at x >= 1 is (1-p)^k, k = floor(x): its
// logarithm k log1p(-p); the log-CDF log1mexp of that.
func (geometricKernel) LogCDF(x float64, p Args, need uint8) (float64, float64, Args) {
	return geometricCDF(x, p, need, false)
}

func (geometricKernel) LogSF(x float64, p Args, need uint8) (float64, float64, Args) {
	return geometricCDF(x, p, need, true)
}

func geometricCDF(x float64, p Args, need uint8, sf bool) (float64, float64, Args) {
	var dp Args
	q := p[0]
	if !(q >= 0 && q <= 1) {
		return negInf, 0, dp
	}
	if !(x >= 1) || math.IsInf(x, 1) {
		return edgeCDF(sf == !(x >= 1))
	}
	k := math.Floor(x)
	ls := k * math.Log1p(-q)
	g := -k / (1 - q) // d ls / dp
	l := ls
	if !sf {
		l = log1mexp(ls)
		g *= -1 / math.Expm1(-ls)
	}
	if !(l > negInf) {
		return negInf, 0, dp
	}
	if need != 0 {
		dp[0] = g
	}
	return l, 0, dp
}
