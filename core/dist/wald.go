package dist

import (
	"math"
	"math/rand/v2"
)

func init() {
	register(Spec{
		Name: "Wald", Doc: "The Wald (inverse Gaussian) distribution, shifted by alpha.",
		Params: []Param{
			{Name: "mu", Domain: positive, Doc: "mean of x - alpha"},
			{Name: "lam", Domain: positive, Doc: "shape", Default: def(1)},
			{Name: "alpha", Domain: nonNegative, Doc: "shift", Default: def(0)},
		},
		Variants: []VariantSpec{{Params: []string{"mu", "lam", "alpha"}, Kernel: waldKernel{}, Support: Positive, Transform: LogTransform}},
		Notes: "`Wald` takes `mu` and `lam` (1 when left out, as in PyMC), not PyMC's alternative `phi`: give `lam = mu*phi`. " +
			"Its support is x > alpha; PyMC's log transform keeps x > 0, and between 0 and alpha the log-density is -Inf.",
	})
}

type waldKernel struct{}

// Wald(mu, lam, alpha): with c = x - alpha > 0, log p = log(lam/(2 pi))/2 -
// (3/2) log c - lam (c-mu)^2 / (2 mu^2 c).
func (waldKernel) Logp(x float64, p Args, need uint8) (float64, float64, Args) {
	var dp Args
	mu, lam, alpha := p[0], p[1], p[2]
	c := x - alpha
	if !(mu > 0) || !(lam > 0) || !(alpha >= 0) || !(c > 0) {
		return negInf, 0, dp
	}
	q := (c - mu) / mu
	lp := 0.5*math.Log(lam) - lnSqrt2Pi - 1.5*math.Log(c) - 0.5*lam*q*q/c
	// d/dc (c-mu)^2/(mu^2 c) = 1/mu^2 - 1/c^2
	dc := -1.5/c - 0.5*lam*(1/(mu*mu)-1/(c*c))
	if need != 0 {
		dp[0] = lam * q / (mu * mu)
		dp[1] = 0.5/lam - 0.5*q*q/c
		dp[2] = -dc
	}
	return lp, dc, dp
}

// Random draws the inverse Gaussian by the transformation with multiple
// roots: with y = N^2 and a = mu y, the smaller root is mu (s-a)/(s+a), s =
// sqrt(a^2 + 4 mu lam y), written as 4 mu^2 lam y/(s+a)^2 so that it does
// not cancel; it is kept with probability mu/(mu+root), else mu^2/root.
func (waldKernel) Random(p Args, r *rand.Rand) float64 {
	mu, lam, alpha := p[0], p[1], p[2]
	n := r.NormFloat64()
	y := n * n
	root := mu
	if y > 0 {
		a := mu * y
		s := math.Sqrt(a*a + 4*mu*lam*y)
		root = 4 * mu * mu * lam * y / ((s + a) * (s + a))
	}
	if r.Float64()*(mu+root) > mu {
		root = mu * mu / root
	}
	return alpha + root
}

// Wald's CDF at y = x - alpha is Phi(a) + e^c Phi(b), with a =
// sqrt(lam/y)(y/mu - 1), b = -sqrt(lam/y)(y/mu + 1), c = 2 lam/mu: the
// log-CDF logaddexp(log Phi(a), c + log Phi(b)); the survival function
// Phi(-a) - e^c Phi(b), by logdiffexp.
func (waldKernel) LogCDF(x float64, p Args, need uint8) (float64, float64, Args) {
	return waldCDF(x, p, need, false)
}

func (waldKernel) LogSF(x float64, p Args, need uint8) (float64, float64, Args) {
	return waldCDF(x, p, need, true)
}

func waldCDF(x float64, p Args, need uint8, sf bool) (float64, float64, Args) {
	var dp Args
	mu, lam, alpha := p[0], p[1], p[2]
	if !(mu > 0) || !(lam > 0) || !(alpha >= 0) {
		return negInf, 0, dp
	}
	y := x - alpha
	if !(y > 0) || math.IsInf(y, 1) {
		return edgeCDF(sf == !(y > 0))
	}
	sl, sy := math.Sqrt(lam), math.Sqrt(y)
	a := sl * (sy/mu - 1/sy)
	b := -sl * (sy/mu + 1/sy)
	c := 2 * lam / mu
	ay := sl * (0.5/(mu*sy) + 0.5/(y*sy))
	by := -sl * (0.5/(mu*sy) - 0.5/(y*sy))
	amu, bmu := -sl*sy/(mu*mu), sl*sy/(mu*mu)
	alam, blam := a/(2*lam), b/(2*lam)
	clam, cmu := 2/mu, -2*lam/(mu*mu)
	lb, rb := logNormCDF(b)
	var l, wa, wb, ga float64
	if sf {
		la, ra := logNormCDF(-a)
		ga = -ra
		l, wa, wb = logDiffExp(la, c+lb)
	} else {
		la, ra := logNormCDF(a)
		ga = ra
		l, wa, wb = logAddExp(la, c+lb)
	}
	if !(l > negInf) {
		return negInf, 0, dp
	}
	gy := wa*ga*ay + wb*rb*by
	if need != 0 {
		dp[0] = wa*ga*amu + wb*(rb*bmu+cmu)
		dp[1] = wa*ga*alam + wb*(rb*blam+clam)
		dp[2] = -gy
	}
	return l, gy, dp
}
