package dist

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/stat/distuv"
)

// Poisson(mu): x log mu - log x! - mu, and exactly 0 at mu = x = 0.
func (poissonKernel) Logp(x float64, p Args, need uint8) (float64, float64, Args) {
	var dp Args
	mu := p[0]
	if !(mu >= 0) || !isCount(x) {
		return negInf, 0, dp
	}
	lp := logpow(mu, x) - lgamma(x+1) - mu
	if need != 0 {
		d := -1.0
		if x > 0 {
			d += x / mu
		}
		dp[0] = d
	}
	return lp, 0, dp
}

// NegativeBinomial(mu, alpha): the gamma-Poisson mixture with mean mu,
//
//	lgamma(x+alpha) - lgamma(x+1) - lgamma(alpha)
//	  + x log(mu/(mu+alpha)) + alpha log(alpha/(mu+alpha)),
//
// switching to Poisson(mu) past nbPoissonAlpha as PyMC does.
func (negBinomialKernel) Logp(x float64, p Args, need uint8) (float64, float64, Args) {
	var dp Args
	mu, alpha := p[0], p[1]
	if !(mu > 0) || !(alpha > 0) || !isCount(x) {
		return negInf, 0, dp
	}
	if alpha > nbPoissonAlpha {
		lp, _, g := poissonKernel{}.Logp(x, Args{mu}, need)
		if need != 0 {
			dp[0] = g[0]
		}
		return lp, 0, dp
	}
	s := mu + alpha
	lr := -math.Log1p(mu / alpha) // log(alpha/(mu+alpha))
	lp := lgamma(x+alpha) - lgamma(x+1) - lgamma(alpha) + alpha*lr
	if x > 0 {
		lp += x * (math.Log(mu) - math.Log(s))
	}
	if need != 0 {
		dp[0] = x/mu - (x+alpha)/s
		if need&2 != 0 {
			dp[1] = digamma(x+alpha) - digamma(alpha) + lr + (mu-x)/s
		}
	}
	return lp, 0, dp
}

// NegativeBinomial(n, p): failures before the n-th success,
//
//	lgamma(x+n) - lgamma(x+1) - lgamma(n) + x log(1-p) + n log p,
//
// which is (mu, alpha) = (n(1-p)/p, n); PyMC requires mu > 0, so p < 1.
func (negBinomialNPKernel) Logp(x float64, p Args, need uint8) (float64, float64, Args) {
	var dp Args
	n, q := p[0], p[1]
	if !(n > 0) || !(q > 0 && q < 1) || !isCount(x) {
		return negInf, 0, dp
	}
	if n > nbPoissonAlpha {
		mu := n * (1 - q) / q
		lp := x*math.Log(mu) - lgamma(x+1) - mu
		if need != 0 {
			g := x/mu - 1
			dp[0] = g * (1 - q) / q
			dp[1] = -g * n / (q * q)
		}
		return lp, 0, dp
	}
	lq := math.Log(q)
	lp := lgamma(x+n) - lgamma(x+1) - lgamma(n) + n*lq
	if x > 0 {
		lp += x * math.Log1p(-q)
	}
	if need != 0 {
		if need&1 != 0 {
			dp[0] = digamma(x+n) - digamma(n) + lq
		}
		dp[1] = n/q - x/(1-q)
	}
	return lp, 0, dp
}

func poissonRandom(mu float64, r *rand.Rand) float64 {
	if mu == 0 {
		return 0
	}
	return distuv.Poisson{Lambda: mu, Src: r}.Rand()
}

// negBinomialRandom draws the gamma-Poisson mixture with mean mu and shape alpha.
func negBinomialRandom(mu, alpha float64, r *rand.Rand) float64 {
	return poissonRandom(gammaRandom(alpha, r)*mu/alpha, r)
}

func init() {
	register(Spec{
		Name: "Poisson", Doc: "Counts of events at a mean rate.", Discrete: true,
		Params:   []Param{{Name: "mu", Domain: nonNegative, Doc: "mean"}},
		Variants: []VariantSpec{{Params: []string{"mu"}, Kernel: poissonKernel{}, Support: Count}},
	})
	// PyMC accepts alpha or n for the dispersion, and mu or p for the mean,
	// in any combination.
	register(Spec{
		Name: "NegativeBinomial", Doc: "Overdispersed counts (a gamma mixture of Poissons).", Discrete: true,
		Params: []Param{
			{Name: "mu", Domain: positive, Doc: "mean"},
			{Name: "alpha", Domain: positive, Doc: "dispersion"},
			{Name: "p", Domain: openUnit, Doc: "success probability"},
			{Name: "n", Domain: positive, Doc: "successes"},
		},
		Variants: []VariantSpec{
			{Params: []string{"mu", "alpha"}, Kernel: negBinomialKernel{}, Support: Count},
			{Params: []string{"n", "p"}, Kernel: negBinomialNPKernel{}, Support: Count},
			{Params: []string{"mu", "n"}, Kernel: negBinomialKernel{}, Support: Count},
			{Params: []string{"alpha", "p"}, Kernel: negBinomialNPKernel{}, Support: Count},
		},
	})
}

type (
	poissonKernel       struct{}
	negBinomialKernel   struct{}
	negBinomialNPKernel struct{}
)

func (poissonKernel) Random(p Args, r *rand.Rand) float64 { return poissonRandom(p[0], r) }
func (negBinomialKernel) Random(p Args, r *rand.Rand) float64 {
	return negBinomialRandom(p[0], p[1], r)
}
func (negBinomialNPKernel) Random(p Args, r *rand.Rand) float64 {
	return negBinomialRandom(p[0]*(1-p[1])/p[1], p[0], r)
}

// Poisson's CDF at k = floor(x) is Q(k+1, mu), its survival function
// P(k+1, mu); the derivative in mu is logIncGamma's in its x.
func (poissonKernel) LogCDF(x float64, p Args, need uint8) (float64, float64, Args) {
	return poissonCDF(x, p, need, false)
}

func (poissonKernel) LogSF(x float64, p Args, need uint8) (float64, float64, Args) {
	return poissonCDF(x, p, need, true)
}

func poissonCDF(x float64, p Args, need uint8, sf bool) (float64, float64, Args) {
	var dp Args
	mu := p[0]
	if !(mu >= 0) {
		return negInf, 0, dp
	}
	if !(x >= 0) || math.IsInf(x, 1) {
		return edgeCDF(sf == !(x >= 0))
	}
	if mu == 0 {
		return edgeCDF(!sf)
	}
	lp, lq, dpx, dqx, _, _ := logIncGamma(math.Floor(x)+1, mu)
	l, g := lq, dqx
	if sf {
		l, g = lp, dpx
	}
	if need != 0 {
		dp[0] = g
	}
	return l, 0, dp
}

// NegativeBinomial's CDF at k = floor(x) is I_p(n, k+1), p = n/(n+mu)
// for the mean's parameter sets, and its survival function I_{1-p}(k+1,
// n): logIncBeta, with its derivatives in p and in n. Beyond the
// dispersion where the density is the Poisson's, so is the log-CDF.
func (negBinomialKernel) LogCDF(x float64, p Args, need uint8) (float64, float64, Args) {
	return negBinomialMuCDF(x, p, need, false)
}

func (negBinomialKernel) LogSF(x float64, p Args, need uint8) (float64, float64, Args) {
	return negBinomialMuCDF(x, p, need, true)
}

func negBinomialMuCDF(x float64, p Args, need uint8, sf bool) (float64, float64, Args) {
	mu, a := p[0], p[1]
	if !(mu > 0) || !(a > 0) {
		return negInf, 0, Args{}
	}
	if a > nbPoissonAlpha {
		// the Poisson limit, as the density takes it
		return poissonCDF(x, Args{mu}, need, sf)
	}
	q := a / (a + mu)
	l, gn, gq := negBinomialCDF(x, a, q, sf)
	var dp Args
	if need != 0 {
		s := (a + mu) * (a + mu)
		dp[0] = gq * (-a / s)
		dp[1] = gn + gq*(mu/s)
	}
	return l, 0, dp
}

func (negBinomialNPKernel) LogCDF(x float64, p Args, need uint8) (float64, float64, Args) {
	return negBinomialNPCDF(x, p, need, false)
}

func (negBinomialNPKernel) LogSF(x float64, p Args, need uint8) (float64, float64, Args) {
	return negBinomialNPCDF(x, p, need, true)
}

func negBinomialNPCDF(x float64, p Args, need uint8, sf bool) (float64, float64, Args) {
	n, q := p[0], p[1]
	if !(n > 0) || !(q > 0 && q < 1) {
		return negInf, 0, Args{}
	}
	if n > nbPoissonAlpha {
		// the Poisson limit, mu = n(1-p)/p, as the density takes it
		l, _, g := poissonCDF(x, Args{n * (1 - q) / q}, need, sf)
		var dp Args
		if need != 0 {
			dp[0], dp[1] = g[0]*(1-q)/q, -g[0]*n/(q*q)
		}
		return l, 0, dp
	}
	l, gn, gq := negBinomialCDF(x, n, q, sf)
	var dp Args
	if need != 0 {
		dp[0], dp[1] = gn, gq
	}
	return l, 0, dp
}

// negBinomialCDF is the log-CDF (or log-survival function) with its
// derivatives in n and p.
func negBinomialCDF(x, n, q float64, sf bool) (l, gn, gq float64) {
	if !(x >= 0) || math.IsInf(x, 1) {
		l, _, _ = edgeCDF(sf == !(x >= 0))
		return l, 0, 0
	}
	k := math.Floor(x)
	li, lc, di, dc := logIncBeta(n, k+1, q)
	if sf {
		return lc, dc[1], dc[0]
	}
	return li, di[1], di[0]
}
