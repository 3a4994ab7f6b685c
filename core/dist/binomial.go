package dist

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/stat/distuv"
)

// Bernoulli(p): log p at 1, log(1-p) at 0.
func (bernoulliKernel) Logp(x float64, p Args, need uint8) (float64, float64, Args) {
	var dp Args
	q := p[0]
	if !(q >= 0 && q <= 1) {
		return negInf, 0, dp
	}
	switch x {
	case 1:
		if need != 0 {
			dp[0] = 1 / q
		}
		return math.Log(q), 0, dp
	case 0:
		if need != 0 {
			dp[0] = -1 / (1 - q)
		}
		return math.Log1p(-q), 0, dp
	}
	return negInf, 0, dp
}

// Bernoulli(logit_p). PyMC forms sigmoid(logit_p) first; log-sigmoid keeps
// the same value without rounding p to 0 or 1 for large |logit_p|.
func (bernoulliLogitKernel) Logp(x float64, p Args, need uint8) (float64, float64, Args) {
	var dp Args
	l := p[0]
	switch x {
	case 1:
		if need != 0 {
			dp[0] = sigmoid(-l)
		}
		return -softplus(-l), 0, dp
	case 0:
		if need != 0 {
			dp[0] = -sigmoid(l)
		}
		return -softplus(l), 0, dp
	}
	return negInf, 0, dp
}

// Binomial(n, p). n is an integer count, so its derivative is reported as 0.
func (binomialKernel) Logp(x float64, p Args, need uint8) (float64, float64, Args) {
	var dp Args
	n, q := p[0], p[1]
	if !(n >= 0) || !(q >= 0 && q <= 1) || !isCount(x) || x > n {
		return negInf, 0, dp
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
	return lp, 0, dp
}

// Binomial(n, logit_p), through log-sigmoids as for Bernoulli.
func (binomialLogitKernel) Logp(x float64, p Args, need uint8) (float64, float64, Args) {
	var dp Args
	n, l := p[0], p[1]
	if !(n >= 0) || !isCount(x) || x > n {
		return negInf, 0, dp
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
	return lp, 0, dp
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

func init() {
	register(Spec{
		Name: "Bernoulli", Doc: "One trial's success (1) or failure (0).", Discrete: true,
		Params: []Param{
			{Name: "p", Domain: probability, Doc: "probability of success"},
			{Name: "logit_p", Domain: anyReal, Doc: "its log-odds"},
		},
		Variants: []VariantSpec{
			{Params: []string{"p"}, Kernel: bernoulliKernel{}, Support: Binary},
			{Params: []string{"logit_p"}, Kernel: bernoulliLogitKernel{}, Support: Binary, loop: fBernoulliLogit},
		},
	})
	register(Spec{
		Name: "Binomial", Doc: "The number of successes in n trials.", Discrete: true,
		Params: []Param{
			{Name: "n", Domain: countParam, Doc: "trials"},
			{Name: "p", Domain: probability, Doc: "probability of success"},
			{Name: "logit_p", Domain: anyReal, Doc: "its log-odds"},
		},
		Variants: []VariantSpec{
			{Params: []string{"n", "p"}, Kernel: binomialKernel{}, Support: BoundedCount, Upper: "n"},
			{Params: []string{"n", "logit_p"}, Kernel: binomialLogitKernel{}, Support: BoundedCount, Upper: "n"},
		},
	})
}

type (
	bernoulliKernel      struct{}
	bernoulliLogitKernel struct{}
	binomialKernel       struct{}
	binomialLogitKernel  struct{}
)

func (bernoulliKernel) Random(p Args, r *rand.Rand) float64 { return bernoulliRandom(p[0], r) }
func (bernoulliLogitKernel) Random(p Args, r *rand.Rand) float64 {
	return bernoulliRandom(sigmoid(p[0]), r)
}
func (binomialKernel) Random(p Args, r *rand.Rand) float64 { return binomialRandom(p[0], p[1], r) }
func (binomialLogitKernel) Random(p Args, r *rand.Rand) float64 {
	return binomialRandom(p[0], sigmoid(p[1]), r)
}

// Bernoulli's CDF is 1-p on [0, 1) and 1 from 1 on; its survival function
// p on [0, 1).
func (bernoulliKernel) LogCDF(x float64, p Args, need uint8) (float64, float64, Args) {
	var dp Args
	q := p[0]
	if !(q >= 0 && q <= 1) || !(x >= 0) {
		return negInf, 0, dp
	}
	if x >= 1 {
		return 0, 0, dp
	}
	if need != 0 {
		dp[0] = -1 / (1 - q)
	}
	return math.Log1p(-q), 0, dp
}

func (bernoulliKernel) LogSF(x float64, p Args, need uint8) (float64, float64, Args) {
	var dp Args
	q := p[0]
	if !(q >= 0 && q <= 1) || x >= 1 {
		return negInf, 0, dp
	}
	if !(x >= 0) {
		return 0, 0, dp
	}
	if need != 0 {
		dp[0] = 1 / q
	}
	return math.Log(q), 0, dp
}

// With logit_p = l: log(1-p) = -softplus(l), log p = -softplus(-l).
func (bernoulliLogitKernel) LogCDF(x float64, p Args, need uint8) (float64, float64, Args) {
	var dp Args
	l := p[0]
	if math.IsNaN(l) || !(x >= 0) {
		return negInf, 0, dp
	}
	if x >= 1 {
		return 0, 0, dp
	}
	if need != 0 {
		dp[0] = -sigmoid(l)
	}
	return -softplus(l), 0, dp
}

func (bernoulliLogitKernel) LogSF(x float64, p Args, need uint8) (float64, float64, Args) {
	var dp Args
	l := p[0]
	if math.IsNaN(l) || x >= 1 {
		return negInf, 0, dp
	}
	if !(x >= 0) {
		return 0, 0, dp
	}
	if need != 0 {
		dp[0] = sigmoid(-l)
	}
	return -softplus(-l), 0, dp
}

// Binomial's CDF at k = floor(x), 0 <= k < n, is I_{1-p}(n-k, k+1), its
// survival function I_p(k+1, n-k): logIncBeta, whose derivative in its x
// gives the one in p (n is a count: derivative 0).
func (binomialKernel) LogCDF(x float64, p Args, need uint8) (float64, float64, Args) {
	return binomialCDF(x, p[0], p[1], need, false, false)
}

func (binomialKernel) LogSF(x float64, p Args, need uint8) (float64, float64, Args) {
	return binomialCDF(x, p[0], p[1], need, true, false)
}

// With logit_p = l, p = sigmoid(l) moves with l as p(1-p).
func (binomialLogitKernel) LogCDF(x float64, p Args, need uint8) (float64, float64, Args) {
	return binomialCDF(x, p[0], sigmoid(p[1]), need, false, true)
}

func (binomialLogitKernel) LogSF(x float64, p Args, need uint8) (float64, float64, Args) {
	return binomialCDF(x, p[0], sigmoid(p[1]), need, true, true)
}

func binomialCDF(x, n, q float64, need uint8, sf, logit bool) (float64, float64, Args) {
	var dp Args
	if !(n >= 0) || !(q >= 0 && q <= 1) || !isCount(n) {
		return negInf, 0, dp
	}
	if !(x >= 0) || x >= n {
		return edgeCDF(sf == !(x >= 0))
	}
	k := math.Floor(x)
	switch q {
	case 0:
		return edgeCDF(!sf)
	case 1:
		return edgeCDF(sf)
	}
	li, lc, di, dc := logIncBeta(n-k, k+1, 1-q)
	l, g := li, -di[0]
	if sf {
		l, g = lc, -dc[0]
	}
	if logit {
		g *= q * (1 - q)
	}
	if need != 0 {
		dp[1] = g
	}
	return l, 0, dp
}
