package dist

import (
	"math"
	"math/rand/v2"
)

func init() {
	register(Spec{
		Name: "ExGaussian", Doc: "The exponentially modified Gaussian: a normal plus an independent exponential.",
		Params: []Param{
			{Name: "mu", Domain: anyReal, Doc: "mean of the normal", Default: def(0)},
			{Name: "sigma", Domain: positive, Doc: "standard deviation of the normal", Default: def(1)},
			{Name: "nu", Domain: positive, Doc: "mean of the exponential"},
		},
		Variants: []VariantSpec{{Params: []string{"mu", "sigma", "nu"}, Kernel: exGaussianKernel{}, Support: Real}},
		Notes:    "As PyMC's, `ExGaussian`'s log-density is the `Normal(mu, sigma)` one where `nu <= 0.05 sigma`.",
	})
}

type exGaussianKernel struct{}

// logNormCDF is log Phi(z) and its derivative phi(z)/Phi(z): by erfc down
// to z = -30 (erfc keeps its relative accuracy there) and below by the
// asymptotic series Phi(z) = phi(z)/(-z) * (1 - 1/z^2 + 3/z^4 - ...),
// whose terms at |z| >= 30 fall under 1e-17 within ten.
func logNormCDF(z float64) (float64, float64) {
	var l float64
	switch {
	case z >= -1:
		l = math.Log1p(-0.5 * math.Erfc(z/math.Sqrt2))
	case z > -30:
		l = math.Log(0.5 * math.Erfc(-z/math.Sqrt2))
	default:
		zz := 1 / (z * z)
		s, t := 1.0, 1.0
		for k := 1; k <= 10; k++ {
			t *= -float64(2*k-1) * zz
			s += t
		}
		return -z*z/2 - lnSqrt2Pi - math.Log(-z) + math.Log(s), -z / s
	}
	return l, math.Exp(-z*z/2 - lnSqrt2Pi - l)
}

// ExGaussian(mu, sigma, nu): with z = (x-mu)/sigma - sigma/nu, log p =
// -log nu + (mu-x)/nu + sigma^2/(2 nu^2) + log Phi(z). Where nu <= 0.05
// sigma PyMC takes the Normal(mu, sigma) density instead, and so does this.
func (exGaussianKernel) Logp(x float64, p Args, need uint8) (float64, float64, Args) {
	var dp Args
	mu, s, nu := p[0], p[1], p[2]
	if !(s > 0) || !(nu > 0) {
		return negInf, 0, dp
	}
	d := x - mu
	if !(nu > 0.05*s) {
		u := d / s
		if need != 0 {
			dp[0] = u / s
			dp[1] = (u*u - 1) / s
		}
		return -0.5*u*u - math.Log(s) - lnSqrt2Pi, -u / s, dp
	}
	z := d/s - s/nu
	lphi, m := logNormCDF(z)
	r := s / nu
	lp := -math.Log(nu) - d/nu + 0.5*r*r + lphi
	dx := -1/nu + m/s
	if need != 0 {
		dp[0] = -dx
		dp[1] = r/nu - m*(d/(s*s)+1/nu)
		dp[2] = (-1 + d/nu - r*r + m*r) / nu
	}
	return lp, dx, dp
}

// Random adds the normal and the exponential.
func (exGaussianKernel) Random(p Args, r *rand.Rand) float64 {
	return p[0] + p[1]*r.NormFloat64() + p[2]*r.ExpFloat64()
}
