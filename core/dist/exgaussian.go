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

// ExGaussian's CDF is Phi(z) - e^B, z = (x-mu)/sigma, B = (mu-x)/nu +
// sigma^2/(2 nu^2) + log Phi(z - sigma/nu): the log-CDF logdiffexp(log
// Phi(z), B), the log-survival function logaddexp(log Phi(-z), B), which
// adds two positive terms. Where nu <= 0.05 sigma both are the Normal's,
// as PyMC's log-CDF is.
func (exGaussianKernel) LogCDF(x float64, p Args, need uint8) (float64, float64, Args) {
	return exGaussianCDF(x, p, need, false)
}

func (exGaussianKernel) LogSF(x float64, p Args, need uint8) (float64, float64, Args) {
	return exGaussianCDF(x, p, need, true)
}

func exGaussianCDF(x float64, p Args, need uint8, sf bool) (float64, float64, Args) {
	var dp Args
	mu, s, nu := p[0], p[1], p[2]
	if !(s > 0) || !(nu > 0) {
		return negInf, 0, dp
	}
	side := 1.0
	if sf {
		side = -1
	}
	if nu <= 0.05*s {
		return normalCDF(x, p, need, side)
	}
	if math.IsInf(x, 0) {
		return edgeCDF(x*side > 0)
	}
	z := (x - mu) / s
	w := z - s/nu
	lw, rb := logNormCDF(w)
	b := (mu-x)/nu + s*s/(2*nu*nu) + lw
	// B's derivatives in x, mu, sigma, nu
	bx := -1/nu + rb/s
	bmu := -bx
	bs := s/(nu*nu) + rb*(-z/s-1/nu)
	bnu := (x-mu)/(nu*nu) - s*s/(nu*nu*nu) + rb*s/(nu*nu)
	la, ra := logNormCDF(side * z)
	ga := side * ra // d log Phi(side z) / dz
	var l, wa, wb float64
	if sf {
		l, wa, wb = logAddExp(la, b)
	} else {
		l, wa, wb = logDiffExp(la, b)
	}
	if !(l > negInf) {
		return negInf, 0, dp
	}
	if need != 0 {
		dp[0] = wa*(-ga/s) + wb*bmu
		dp[1] = wa*(-ga*z/s) + wb*bs
		dp[2] = wb * bnu
	}
	return l, wa*ga/s + wb*bx, dp
}
