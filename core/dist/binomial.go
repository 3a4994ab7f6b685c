package dist

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/stat/distuv"
)

// Bernoulli(p): log p at 1, log(1-p) at 0.
func bernoulliLogp(x float64, p, dp []float64, need uint8) (float64, float64) {
	q := p[0]
	if !(q >= 0 && q <= 1) {
		return negInf, 0
	}
	switch x {
	case 1:
		if need != 0 {
			dp[0] = 1 / q
		}
		return math.Log(q), 0
	case 0:
		if need != 0 {
			dp[0] = -1 / (1 - q)
		}
		return math.Log1p(-q), 0
	}
	return negInf, 0
}

// Bernoulli(logit_p). PyMC forms sigmoid(logit_p) first; log-sigmoid keeps
// the same value without rounding p to 0 or 1 for large |logit_p|.
func bernoulliLogitLogp(x float64, p, dp []float64, need uint8) (float64, float64) {
	l := p[0]
	switch x {
	case 1:
		if need != 0 {
			dp[0] = sigmoid(-l)
		}
		return -softplus(-l), 0
	case 0:
		if need != 0 {
			dp[0] = -sigmoid(l)
		}
		return -softplus(l), 0
	}
	return negInf, 0
}

// Binomial(n, p). n is an integer count, so its derivative is reported as 0.
func binomialLogp(x float64, p, dp []float64, need uint8) (float64, float64) {
	n, q := p[0], p[1]
	if !(n >= 0) || !(q >= 0 && q <= 1) || !isCount(x) || x > n {
		return negInf, 0
	}
	lp := lbinom(n, x) + logpow(q, x)
	if n > x {
		lp += (n - x) * math.Log1p(-q)
	}
	if need != 0 {
		dp[0] = 0
		var d float64
		if x > 0 {
			d += x / q
		}
		if n > x {
			d -= (n - x) / (1 - q)
		}
		dp[1] = d
	}
	return lp, 0
}

// Binomial(n, logit_p), through log-sigmoids as for Bernoulli.
func binomialLogitLogp(x float64, p, dp []float64, need uint8) (float64, float64) {
	n, l := p[0], p[1]
	if !(n >= 0) || !isCount(x) || x > n {
		return negInf, 0
	}
	lp := lbinom(n, x)
	if x > 0 {
		lp -= x * softplus(-l)
	}
	if n > x {
		lp -= (n - x) * softplus(l)
	}
	if need != 0 {
		dp[0] = 0
		dp[1] = x - n*sigmoid(l)
	}
	return lp, 0
}

func bernoulliRandom(q float64, r *rand.Rand) float64 {
	if r.Float64() < q {
		return 1
	}
	return 0
}

func binomialRandom(n, q float64, r *rand.Rand) float64 {
	switch {
	case n == 0 || q == 0:
		return 0
	case q == 1:
		return n
	}
	return distuv.Binomial{N: n, P: q, Src: r}.Rand()
}
