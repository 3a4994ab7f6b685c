package dist

import (
	"math"
	"math/rand/v2"
)

func init() {
	register(Spec{
		Name: "SkewNormal", Doc: "The skew-normal distribution: a normal density tilted by alpha.",
		Params: []Param{
			{Name: "alpha", Domain: anyReal, Doc: "skewness", Default: def(1)},
			{Name: "mu", Domain: anyReal, Doc: "location", Default: def(0)},
			{Name: "sigma", Domain: positive, Doc: "scale", Default: def(1)},
		},
		Variants: []VariantSpec{{Params: []string{"mu", "sigma", "alpha"}, Kernel: skewNormalKernel{}, Support: Real}},
		Aliases:  []Alias{{Name: "tau", Param: "sigma", Power: -0.5}},
	})
}

type skewNormalKernel struct{}

// SkewNormal(mu, sigma, alpha): with z = (x-mu)/sigma, log p = log 2 -
// log sigma + log phi(z) + log Phi(alpha z). PyMC writes the last two
// terms as log(1 + erf(alpha z/sqrt 2)) - log 2; log Phi by logNormCDF
// stays finite where 1 + erf rounds to 0.
func (skewNormalKernel) Logp(x float64, p Args, need uint8) (float64, float64, Args) {
	var dp Args
	mu, s, a := p[0], p[1], p[2]
	if !(s > 0) {
		return negInf, 0, dp
	}
	z := (x - mu) / s
	lc, r := logNormCDF(a * z) // r = phi(a z)/Phi(a z)
	lp := math.Ln2 - lnSqrt2Pi - 0.5*z*z - math.Log(s) + lc
	dz := -z + a*r
	if need != 0 {
		dp[0] = -dz / s
		dp[1] = -(z*dz + 1) / s
		dp[2] = z * r
	}
	return lp, dz / s, dp
}

// Random: with d = alpha/sqrt(1+alpha^2) and u, v standard normals, d|u| +
// sqrt(1-d^2) v is a standard skew-normal draw.
func (skewNormalKernel) Random(p Args, r *rand.Rand) float64 {
	a := p[2]
	d := a / math.Sqrt(1+a*a)
	u, v := r.NormFloat64(), r.NormFloat64()
	return p[0] + p[1]*(d*math.Abs(u)+math.Sqrt(1-d*d)*v)
}
