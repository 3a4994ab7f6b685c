package dist

import (
	"math"
	"math/rand/v2"
)

func init() {
	register(Spec{
		Name: "Gumbel", Doc: "The Gumbel (type I extreme value) distribution.",
		Params: []Param{
			{Name: "mu", Domain: anyReal, Doc: "location"},
			{Name: "beta", Domain: positive, Doc: "scale"},
		},
		Variants: []VariantSpec{{Params: []string{"mu", "beta"}, Kernel: gumbelKernel{}, Support: Real}},
	})
}

type gumbelKernel struct{}

// Gumbel(mu, beta): with z = (x-mu)/beta, log p = -z - exp(-z) - log beta.
// Far below mu, exp(-z) overflows to +Inf and lp to -Inf, where the density
// itself is below the smallest float. Its derivative in z is exp(-z) - 1.
func (gumbelKernel) Logp(x float64, p Args, need uint8) (float64, float64, Args) {
	var dp Args
	mu, b := p[0], p[1]
	if !(b > 0) {
		return negInf, 0, dp
	}
	z := (x - mu) / b
	e := math.Exp(-z)
	lp := -z - e - math.Log(b)
	g := (e - 1) / b
	if need != 0 {
		dp[0] = -g
		dp[1] = -(z*g + 1/b)
	}
	return lp, g, dp
}

// Random inverts the CDF: mu - beta log E, E a standard exponential.
func (gumbelKernel) Random(p Args, r *rand.Rand) float64 {
	return p[0] - p[1]*math.Log(r.ExpFloat64())
}
