package diag

import "math"

// constantTol is numpy's float64 resolution, below which ArviZ treats a
// sample as constant.
const constantTol = 1e-15

// ess is the multi-chain effective sample size of Vehtari et al. (2021) as
// ArviZ computes it: autocorrelations combined across chains through the
// between/within variance decomposition, truncated by Geyer's initial
// positive sequence and made monotone by Geyer's initial monotone sequence.
// The chains are used as given (callers split and rank-normalise first).
func ess(chains [][]float64) float64 {
	nChain := len(chains)
	nDraw := len(chains[0])
	total := float64(nChain * nDraw)
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, c := range chains {
		for _, v := range c {
			lo = math.Min(lo, v)
			hi = math.Max(hi, v)
		}
	}
	// A constant sample carries no autocorrelation to estimate; ArviZ
	// reports it as fully efficient.
	if hi-lo < constantTol {
		return total
	}

	acov := autocov(chains)
	meanAcov := func(t int) float64 {
		s := 0.0
		for _, a := range acov {
			s += a[t]
		}
		return s / float64(nChain)
	}
	n := float64(nDraw)
	meanVar := meanAcov(0) * n / (n - 1)
	varPlus := meanVar * (n - 1) / n
	if nChain > 1 {
		varPlus += varianceOfMeans(chains)
	}
	rho := func(t int) float64 { return 1 - (meanVar-meanAcov(t))/varPlus }

	rhoHat := make([]float64, nDraw)
	even := 1.0
	odd := rho(1)
	rhoHat[0] = even
	rhoHat[1] = odd

	// Initial positive sequence: sum autocorrelations in (even, odd) pairs
	// while each pair sum stays positive; a negative pair is not stored.
	t := 1
	for t < nDraw-3 && even+odd > 0 {
		even = rho(t + 1)
		odd = rho(t + 2)
		if even+odd >= 0 {
			rhoHat[t+1] = even
			rhoHat[t+2] = odd
		}
		t += 2
	}
	maxT := t - 2
	// The last even lag carries information even when its pair sum did
	// not, so it is kept when positive.
	if even > 0 {
		rhoHat[maxT+1] = even
	}

	// Initial monotone sequence: pair sums must not increase.
	for t := 1; t <= maxT-2; t += 2 {
		if rhoHat[t+1]+rhoHat[t+2] > rhoHat[t-1]+rhoHat[t] {
			rhoHat[t+1] = (rhoHat[t-1] + rhoHat[t]) / 2
			rhoHat[t+2] = rhoHat[t+1]
		}
	}

	sum := 0.0
	for _, r := range rhoHat[:maxT+1] {
		sum += r
	}
	tau := -1 + 2*sum + rhoHat[maxT+1]
	// Bound the estimate at total*log10(total), the cap ArviZ applies to
	// strongly antithetic chains.
	tau = pyMax(tau, 1/math.Log10(total))
	for _, r := range rhoHat {
		if math.IsNaN(r) {
			return math.NaN()
		}
	}
	return total / tau
}

// varianceOfMeans is the sample variance (ddof 1) of the chain means.
func varianceOfMeans(chains [][]float64) float64 {
	means := make([]float64, len(chains))
	for i, c := range chains {
		means[i] = mean(c)
	}
	return variance(means)
}

// mean of one slice.
func mean(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

// variance is the sample variance with ddof 1, two-pass as numpy does.
func variance(x []float64) float64 {
	m := mean(x)
	s := 0.0
	for _, v := range x {
		d := v - m
		s += d * d
	}
	return s / float64(len(x)-1)
}
