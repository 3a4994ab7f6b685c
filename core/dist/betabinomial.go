package dist

import "math/rand/v2"

// BetaBinomial(n, alpha, beta), read in PyMC's random-variable order:
//
//	log C(n, x) + lbeta(x+alpha, n-x+beta) - lbeta(alpha, beta).
//
// n is an integer count, so its derivative is reported as 0.
func (betaBinomialKernel) Logp(x float64, p Args, need uint8) (float64, float64, Args) {
	var dp Args
	n, a, b := p[0], p[1], p[2]
	if !(n >= 0) || !(a > 0) || !(b > 0) || !isCount(x) || x > n {
		return negInf, 0, dp
	}
	lp := lbinom(n, x) + lgamma(x+a) + lgamma(n-x+b) - lgamma(n+a+b) -
		lgamma(a) - lgamma(b) + lgamma(a+b)
	if need != 0 {
		common := digamma(a+b) - digamma(n+a+b)
		if need&2 != 0 {
			dp[1] = digamma(x+a) - digamma(a) + common
		}
		if need&4 != 0 {
			dp[2] = digamma(n-x+b) - digamma(b) + common
		}
	}
	return lp, 0, dp
}

// Random draws q ~ Beta(alpha, beta), then Binomial(n, q).
func (betaBinomialKernel) Random(p Args, r *rand.Rand) float64 {
	return binomialRandom(p[0], betaRandom(p[1], p[2], r), r)
}

func init() {
	register(Spec{
		Name: "BetaBinomial", Doc: "The number of successes in n trials whose probability of success is Beta(alpha, beta).", Discrete: true,
		Params: []Param{
			{Name: "alpha", Domain: positive, Doc: "prior successes"},
			{Name: "beta", Domain: positive, Doc: "prior failures"},
			{Name: "n", Domain: countParam, Doc: "trials"},
		},
		Variants: []VariantSpec{
			{Params: []string{"n", "alpha", "beta"}, Kernel: betaBinomialKernel{}, Support: BoundedCount, Upper: "n"},
		},
	})
}

type betaBinomialKernel struct{}
