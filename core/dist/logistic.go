package dist

import (
	"math"
	"math/rand/v2"
)

func init() {
	register(Spec{
		Name: "Logistic", Doc: "The logistic distribution.",
		Params: []Param{
			{Name: "mu", Domain: anyReal, Doc: "location", Default: def(0)},
			{Name: "s", Domain: positive, Doc: "scale", Default: def(1)},
		},
		Variants: []VariantSpec{{Params: []string{"mu", "s"}, Kernel: logisticKernel{}, Support: Real}},
	})
}

type logisticKernel struct{}

// Logistic(mu, s): with z = (x-mu)/s, log p = -z - 2 log(1 + exp(-z)) -
// log s, symmetric in z, so evaluated at |z| where exp cannot overflow.
// Its derivative in z is -tanh(z/2).
func (logisticKernel) Logp(x float64, p Args, need uint8) (float64, float64, Args) {
	var dp Args
	mu, s := p[0], p[1]
	if !(s > 0) {
		return negInf, 0, dp
	}
	z := (x - mu) / s
	az := math.Abs(z)
	lp := -az - 2*math.Log1p(math.Exp(-az)) - math.Log(s)
	t := math.Tanh(z / 2)
	if need != 0 {
		dp[0] = t / s
		dp[1] = (z*t - 1) / s
	}
	return lp, -t / s, dp
}

// Random inverts the CDF: mu + s log(u / (1 - u)).
func (logisticKernel) Random(p Args, r *rand.Rand) float64 {
	u := r.Float64()
	for u == 0 {
		u = r.Float64()
	}
	return p[0] + p[1]*math.Log(u/(1-u))
}

// Logistic's CDF is sigmoid(z), z = (x-mu)/s: log-CDF -softplus(-z),
// log-survival -softplus(z), with derivatives in z sigmoid(-z) and
// -sigmoid(z).
func (logisticKernel) LogCDF(x float64, p Args, need uint8) (float64, float64, Args) {
	return logisticCDF(x, p, need, 1)
}

func (logisticKernel) LogSF(x float64, p Args, need uint8) (float64, float64, Args) {
	return logisticCDF(x, p, need, -1)
}

func logisticCDF(x float64, p Args, need uint8, side float64) (float64, float64, Args) {
	var dp Args
	mu, s := p[0], p[1]
	if !(s > 0) {
		return negInf, 0, dp
	}
	if math.IsInf(x, 0) {
		return edgeCDF(x*side > 0)
	}
	z := (x - mu) / s
	l := -softplus(-side * z)
	g := side * sigmoid(-side*z) / s
	if need != 0 {
		dp[0] = -g
		dp[1] = -g * z
	}
	return l, g, dp
}
