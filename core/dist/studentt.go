package dist

import (
	"math"
	"math/rand/v2"

	"github.com/exmc/exmc/core/fastmath"
)

// studentT is the log-density of StudentT(nu, 0, sigma) at distance d from
// the location, with its derivatives in d, nu (only when wantNu) and sigma.
// The normalising constant is written as PyMC writes it:
// lgamma((nu+1)/2) - lgamma(nu/2) + log(lam/(nu pi))/2, lam = 1/sigma^2.
func studentT(d, nu, sigma float64, wantNu bool) (lp, dd, dnu, dsigma float64) {
	s2 := sigma * sigma
	t := d * d / (nu * s2)
	l1t := fastmath.Log1p(t)
	h := 0.5 * (nu + 1)
	lp = lgamma(h) - lgamma(0.5*nu) - 0.5*math.Log(nu*math.Pi*s2) - h*l1t
	dd = -(nu + 1) * d / (nu*s2 + d*d)
	dsigma = ((nu+1)*t/(1+t) - 1) / sigma
	if wantNu {
		dnu = 0.5*(digamma(h)-digamma(0.5*nu)-1/nu-l1t) + h*t/(nu*(1+t))
	}
	return lp, dd, dnu, dsigma
}

// StudentT(nu, mu, sigma).
func (studentTKernel) Logp(x float64, p Args, need uint8) (float64, float64, Args) {
	var dp Args
	nu, mu, sigma := p[0], p[1], p[2]
	if !(nu > 0) || !(sigma > 0) {
		return negInf, 0, dp
	}
	lp, dd, dnu, ds := studentT(x-mu, nu, sigma, need&1 != 0)
	if need != 0 {
		dp[0] = dnu
		dp[1] = -dd
		dp[2] = ds
	}
	return lp, dd, dp
}

// HalfStudentT(nu, sigma): log 2 + StudentT(nu, 0, sigma) on x >= 0.
func (halfStudentTKernel) Logp(x float64, p Args, need uint8) (float64, float64, Args) {
	var dp Args
	nu, sigma := p[0], p[1]
	if !(nu > 0) || !(sigma > 0) || x < 0 {
		return negInf, 0, dp
	}
	lp, dd, dnu, ds := studentT(x, nu, sigma, need&1 != 0)
	if need != 0 {
		dp[0] = dnu
		dp[1] = ds
	}
	return math.Ln2 + lp, dd, dp
}

// studentTRandom draws a standard Student t: Z / sqrt(V), V ~ Gamma(nu/2, rate nu/2).
func studentTRandom(nu float64, r *rand.Rand) float64 {
	v := gammaRandom(0.5*nu, r) / (0.5 * nu)
	return r.NormFloat64() / math.Sqrt(v)
}

// cauchy is -log(pi) - log(beta) - log1p(z^2), z = d/beta, with its
// derivatives in d and beta.
func cauchy(d, beta float64) (lp, dd, dbeta float64) {
	z := d / beta
	q := 1 + z*z
	lp = -lnPi - math.Log(beta) - math.Log1p(z*z)
	dd = -2 * z / (beta * q)
	dbeta = (2*z*z/q - 1) / beta
	return lp, dd, dbeta
}

// Cauchy(alpha, beta), alpha the location, beta the scale.
func (cauchyKernel) Logp(x float64, p Args, need uint8) (float64, float64, Args) {
	var dp Args
	alpha, beta := p[0], p[1]
	if !(beta > 0) {
		return negInf, 0, dp
	}
	lp, dd, db := cauchy(x-alpha, beta)
	if need != 0 {
		dp[0] = -dd
		dp[1] = db
	}
	return lp, dd, dp
}

// HalfCauchy(beta): log 2 + Cauchy(0, beta) on x >= 0.
func (halfCauchyKernel) Logp(x float64, p Args, need uint8) (float64, float64, Args) {
	var dp Args
	beta := p[0]
	if !(beta > 0) || x < 0 {
		return negInf, 0, dp
	}
	lp, dd, db := cauchy(x, beta)
	if need != 0 {
		dp[0] = db
	}
	return math.Ln2 + lp, dd, dp
}

// cauchyRandom draws a standard Cauchy by inverting its CDF.
func cauchyRandom(r *rand.Rand) float64 {
	return math.Tan(math.Pi * (r.Float64() - 0.5))
}

func init() {
	register(Spec{
		Name: "StudentT", Doc: "Student's t distribution.",
		Params: []Param{
			{Name: "nu", Domain: positive, Doc: "degrees of freedom"},
			{Name: "mu", Domain: anyReal, Doc: "location", Default: def(0)},
			{Name: "sigma", Domain: positive, Doc: "scale", Default: def(1)},
		},
		Variants: []VariantSpec{{Params: []string{"nu", "mu", "sigma"}, Kernel: studentTKernel{}, Support: Real, loop: fStudentT}},
		Aliases:  []Alias{{Name: "lam", Param: "sigma", Power: -0.5}},
	})
	register(Spec{
		Name: "HalfStudentT", Doc: "Student's t distribution with location 0 folded onto x >= 0.",
		Params: []Param{
			{Name: "nu", Domain: positive, Doc: "degrees of freedom"},
			{Name: "sigma", Domain: positive, Doc: "scale", Default: def(1)},
		},
		Variants: []VariantSpec{{Params: []string{"nu", "sigma"}, Kernel: halfStudentTKernel{}, Support: NonNegative, Transform: LogTransform}},
		Aliases:  []Alias{{Name: "lam", Param: "sigma", Power: -0.5}},
	})
	register(Spec{
		Name: "Cauchy", Doc: "The Cauchy distribution.",
		Params: []Param{
			{Name: "alpha", Domain: anyReal, Doc: "location"},
			{Name: "beta", Domain: positive, Doc: "scale"},
		},
		Variants: []VariantSpec{{Params: []string{"alpha", "beta"}, Kernel: cauchyKernel{}, Support: Real}},
	})
	register(Spec{
		Name: "HalfCauchy", Doc: "The Cauchy distribution with location 0 folded onto x >= 0.",
		Params:   []Param{{Name: "beta", Domain: positive, Doc: "scale"}},
		Variants: []VariantSpec{{Params: []string{"beta"}, Kernel: halfCauchyKernel{}, Support: NonNegative, Transform: LogTransform}},
	})
}

type (
	studentTKernel     struct{}
	halfStudentTKernel struct{}
	cauchyKernel       struct{}
	halfCauchyKernel   struct{}
)

func (studentTKernel) Random(p Args, r *rand.Rand) float64 {
	return p[1] + p[2]*studentTRandom(p[0], r)
}
func (halfStudentTKernel) Random(p Args, r *rand.Rand) float64 {
	return p[1] * abs(studentTRandom(p[0], r))
}
func (cauchyKernel) Random(p Args, r *rand.Rand) float64     { return p[0] + p[1]*cauchyRandom(r) }
func (halfCauchyKernel) Random(p Args, r *rand.Rand) float64 { return p[0] * abs(cauchyRandom(r)) }

// Cauchy's CDF is 1/2 + atan(z)/pi = atan2(1, -z)/pi, z = (x-alpha)/beta,
// which keeps its digits in the far left tail where 1/2 + atan(z)/pi
// cancels; the survival function is atan2(1, z)/pi. The density over
// either is 1/(pi (1+z^2) F).
func (cauchyKernel) LogCDF(x float64, p Args, need uint8) (float64, float64, Args) {
	return cauchyCDF(x, p, need, 1)
}

func (cauchyKernel) LogSF(x float64, p Args, need uint8) (float64, float64, Args) {
	return cauchyCDF(x, p, need, -1)
}

func cauchyCDF(x float64, p Args, need uint8, side float64) (float64, float64, Args) {
	var dp Args
	a, b := p[0], p[1]
	if !(b > 0) {
		return negInf, 0, dp
	}
	if math.IsInf(x, 0) {
		return edgeCDF(x*side > 0)
	}
	z := (x - a) / b
	f := math.Atan2(1, -side*z)
	g := side / (f * (1 + z*z) * b)
	if need != 0 {
		dp[0] = -g
		dp[1] = -g * z
	}
	if side*z > 0 {
		// F near 1: log1p of minus its complement
		return math.Log1p(-math.Atan2(1, side*z) / math.Pi), g, dp
	}
	return math.Log(f) - lnPi, g, dp
}

// HalfCauchy's CDF is 2 atan(z)/pi, z = x/beta, and its survival function
// 2 atan2(1, z)/pi.
func (halfCauchyKernel) LogCDF(x float64, p Args, need uint8) (float64, float64, Args) {
	return halfCauchyCDF(x, p, need, false)
}

func (halfCauchyKernel) LogSF(x float64, p Args, need uint8) (float64, float64, Args) {
	return halfCauchyCDF(x, p, need, true)
}

func halfCauchyCDF(x float64, p Args, need uint8, sf bool) (float64, float64, Args) {
	var dp Args
	b := p[0]
	if !(b > 0) {
		return negInf, 0, dp
	}
	if !(x > 0) || math.IsInf(x, 1) {
		return edgeCDF(sf == !(x > 0))
	}
	z := x / b
	var f, g float64
	if sf {
		f = math.Atan2(1, z)
		g = -1 / (f * (1 + z*z) * b)
	} else {
		f = math.Atan(z)
		g = 1 / (f * (1 + z*z) * b)
	}
	if need != 0 {
		dp[0] = -g * z
	}
	if f > math.Pi/4 {
		// near 1: log1p of minus its complement, 2 (pi/2 - f)/pi
		c := math.Atan2(1, z)
		if sf {
			c = math.Atan(z)
		}
		return math.Log1p(-2 * c / math.Pi), g, dp
	}
	return math.Ln2 - lnPi + math.Log(f), g, dp
}

// StudentT's tail beyond |t|, t = (x-mu)/sigma, is I_z(nu/2, 1/2)/2 with
// z = nu/(nu + t^2): the log-CDF below mu and the log-survival function
// above it; the other side is log1mexp of it.
func (studentTKernel) LogCDF(x float64, p Args, need uint8) (float64, float64, Args) {
	return studentTCDF(x, p, need, 1)
}

func (studentTKernel) LogSF(x float64, p Args, need uint8) (float64, float64, Args) {
	return studentTCDF(x, p, need, -1)
}

func studentTCDF(x float64, p Args, need uint8, side float64) (float64, float64, Args) {
	var dp Args
	nu, mu, s := p[0], p[1], p[2]
	if !(nu > 0) || !(s > 0) {
		return negInf, 0, dp
	}
	if math.IsInf(x, 0) {
		return edgeCDF(x*side > 0)
	}
	t := (x - mu) / s
	if t == 0 {
		// half the mass either side; the derivative is the density over 1/2
		g := 2 * side * math.Exp(lgamma((nu+1)/2)-lgamma(nu/2)-0.5*math.Log(nu)-0.5*lnPi) / s
		if need != 0 {
			dp[1] = -g
		}
		return -math.Ln2, g, dp
	}
	d := nu + t*t
	z := nu / d
	li, _, di, _ := logIncBeta(nu/2, 0.5, z)
	tail := side*t < 0 // x on the side this function measures the tail of
	l, g := li-math.Ln2, di
	if !tail {
		// 1 - I/2 = log1mexp(log I - log 2)
		l = log1mexp(li - math.Ln2)
		w := -math.Exp(li - math.Ln2 - l)
		for i := range g {
			g[i] = w * g[i]
		}
	}
	// z moves with t as -2 nu t/d^2, with nu as t^2/d^2; a = nu/2
	gt := g[0] * (-2 * nu * t / (d * d))
	gnu := g[0]*(t*t/(d*d)) + g[1]/2
	if need != 0 {
		dp[0] = gnu
		dp[1] = -gt / s
		dp[2] = -gt * t / s
	}
	return l, gt / s, dp
}
