package dist

import (
	"math"
	"math/rand/v2"
)

func init() {
	register(Spec{
		Name: "Moyal", Doc: "The Moyal distribution.",
		Params: []Param{
			{Name: "mu", Domain: anyReal, Doc: "location", Default: def(0)},
			{Name: "sigma", Domain: positive, Doc: "scale", Default: def(1)},
		},
		Variants: []VariantSpec{{Params: []string{"mu", "sigma"}, Kernel: moyalKernel{}, Support: Real}},
	})
}

type moyalKernel struct{}

// Moyal(mu, sigma): with z = (x-mu)/sigma, log p = -(z + exp(-z))/2 -
// log sigma - log(2 pi)/2. Far below mu, exp(-z) overflows to +Inf and lp
// to -Inf, where the density itself is below the smallest float. Its
// derivative in z is (exp(-z) - 1)/2.
func (moyalKernel) Logp(x float64, p Args, need uint8) (float64, float64, Args) {
	var dp Args
	mu, s := p[0], p[1]
	if !(s > 0) {
		return negInf, 0, dp
	}
	z := (x - mu) / s
	e := math.Exp(-z)
	lp := -(z+e)/2 - math.Log(s) - lnSqrt2Pi
	g := (e - 1) / (2 * s)
	if need != 0 {
		dp[0] = -g
		dp[1] = -(z*g + 1/s)
	}
	return lp, g, dp
}

// Random: exp(-z) is chi-squared with one degree of freedom, so x = mu -
// 2 sigma log|N|, N a standard normal.
func (moyalKernel) Random(p Args, r *rand.Rand) float64 {
	n := r.NormFloat64()
	for n == 0 {
		n = r.NormFloat64()
	}
	return p[0] - 2*p[1]*math.Log(math.Abs(n))
}
