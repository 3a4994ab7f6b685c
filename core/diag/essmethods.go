package diag

import "math"

// tailProbLow and tailProbHigh are the quantiles whose indicator ESS the
// tail ESS reports (Vehtari et al. 2021; ArviZ's ess(method="tail") with
// prob=(0.05, 0.95)).
const (
	tailProbLow  = 0.05
	tailProbHigh = 0.95
)

// ESSBulk is the effective sample size of the rank-normalised split chains,
// ArviZ's ess(method="bulk"): how well the centre of the distribution is
// explored.
func ESSBulk(chains [][]float64) float64 {
	if !valid(chains, 1) {
		return math.NaN()
	}
	return ess(zScale(splitChains(chains)))
}

// ESSTail is the smaller of the effective sample sizes of the indicators of
// the 5% and 95% quantiles: how well the tails are explored.
//
// ArviZ's az.summary (>= 1.0) takes its ess_tail column at the quantiles of
// rcParams["stats.ci_prob"] instead (0.11 and 0.89 by default); that value
// is min(ESSQuantile(c, 1-0.89), ESSQuantile(c, 0.89)).
func ESSTail(chains [][]float64) float64 {
	if !valid(chains, 1) {
		return math.NaN()
	}
	return pyMin(ESSQuantile(chains, tailProbLow), ESSQuantile(chains, tailProbHigh))
}

// ESSQuantile is the effective sample size of the indicator draw <= q(p),
// with q(p) the sample quantile of all draws; ArviZ's ess(method="quantile").
func ESSQuantile(chains [][]float64, p float64) float64 {
	if !valid(chains, 1) {
		return math.NaN()
	}
	q := quantile(chains, p)
	ind := mapChains(chains, func(v float64) float64 {
		if v <= q {
			return 1
		}
		return 0
	})
	return ess(splitChains(ind))
}

// ESSMean is the effective sample size of the split chains as drawn, the
// one that governs the Monte Carlo error of the posterior mean; ArviZ's
// ess(method="mean").
func ESSMean(chains [][]float64) float64 {
	if !valid(chains, 1) {
		return math.NaN()
	}
	return ess(splitChains(chains))
}
