package dist

import (
	"math"
	"math/rand/v2"
)

// Laplace(mu, b): -log(2b) - |x-mu|/b. At x = mu the derivative in x is
// taken as 0, the midpoint of the subgradient.
func (laplaceKernel) Logp(x float64, p Args, need uint8) (float64, float64, Args) {
	var dp Args
	mu, b := p[0], p[1]
	if !(b > 0) {
		return negInf, 0, dp
	}
	d := x - mu
	ad := math.Abs(d)
	var dx float64
	switch {
	case d > 0:
		dx = -1 / b
	case d < 0:
		dx = 1 / b
	}
	if need != 0 {
		dp[0] = -dx
		dp[1] = (ad/b - 1) / b
	}
	return -math.Log(2*b) - ad/b, dx, dp
}

func init() {
	register(Spec{
		Name: "Laplace", Doc: "The Laplace (double exponential) distribution.",
		Params: []Param{
			{Name: "mu", Domain: anyReal, Doc: "location"},
			{Name: "b", Domain: positive, Doc: "scale"},
		},
		Variants: []VariantSpec{{Params: []string{"mu", "b"}, Kernel: laplaceKernel{}, Support: Real}},
	})
}

type laplaceKernel struct{}

func (laplaceKernel) Random(p Args, r *rand.Rand) float64 {
	return p[0] + p[1]*(r.ExpFloat64()-r.ExpFloat64())
}

// Laplace's CDF is exp(z)/2 below mu and 1 - exp(-z)/2 above, z =
// (x-mu)/b; the survival function is the mirror image.
func (laplaceKernel) LogCDF(x float64, p Args, need uint8) (float64, float64, Args) {
	return laplaceCDF(x, p, need, 1)
}

func (laplaceKernel) LogSF(x float64, p Args, need uint8) (float64, float64, Args) {
	return laplaceCDF(x, p, need, -1)
}

func laplaceCDF(x float64, p Args, need uint8, side float64) (float64, float64, Args) {
	var dp Args
	mu, b := p[0], p[1]
	if !(b > 0) {
		return negInf, 0, dp
	}
	if math.IsInf(x, 0) {
		return edgeCDF(x*side > 0)
	}
	z := (x - mu) / b
	w := side * z // the CDF's argument: log-CDF of w
	var l, g float64
	if w < 0 {
		l, g = w-math.Ln2, 1
	} else {
		h := 0.5 * math.Exp(-w)
		l, g = math.Log1p(-h), h/(1-h)
	}
	g *= side / b
	if need != 0 {
		dp[0] = -g
		dp[1] = -g * z
	}
	return l, g, dp
}
