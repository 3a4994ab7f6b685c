package diag

import "math"

// MCSEMean is the Monte Carlo standard error of the posterior mean,
// sd / sqrt(ESSMean), with sd the sample standard deviation of all draws.
func MCSEMean(chains [][]float64) float64 {
	if !valid(chains, 1) {
		return math.NaN()
	}
	return math.Sqrt(variance(flatten(chains))) / math.Sqrt(ESSMean(chains))
}

// MCSESD is the Monte Carlo standard error of the posterior standard
// deviation by the delta method, as ArviZ's mcse(method="sd"): the error of
// the variance estimate from the ESS of the squared centred draws, carried
// to the sd through d sqrt(v) = dv / (2 sqrt(v)). It is NaN for a constant
// sample, whose sd has no spread to propagate.
func MCSESD(chains [][]float64) float64 {
	if !valid(chains, 1) {
		return math.NaN()
	}
	m := mean(flatten(chains))
	sq := mapChains(chains, func(v float64) float64 { d := v - m; return d * d })
	essSq := ESSMean(sq)
	flatSq := flatten(sq)
	evar := mean(flatSq)
	m4 := 0.0
	for _, s := range flatSq {
		m4 += s * s
	}
	m4 /= float64(len(flatSq))
	varvar := (m4 - evar*evar) / essSq
	return math.Sqrt(varvar / evar / 4)
}
