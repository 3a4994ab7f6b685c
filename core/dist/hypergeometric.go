package dist

import (
	"math"
	"math/rand/v2"
)

// HyperGeometric(N, k, n): the number of successes in n draws without
// replacement from N objects of which k are successes,
//
//	log C(k, x) + log C(N-k, n-x) - log C(N, n)
//
// on max(0, n-N+k) <= x <= min(k, n). The parameters are integers, so
// their derivatives are reported as 0.
func (hyperGeometricKernel) Logp(x float64, p Args, need uint8) (float64, float64, Args) {
	var dp Args
	if !hyperGeometricValid(p) || !hyperGeometricIn(x, p) {
		return negInf, 0, dp
	}
	N, k, n := p[0], p[1], p[2]
	return lbinom(k, x) + lbinom(N-k, n-x) - lbinom(N, n), 0, dp
}

func hyperGeometricValid(p Args) bool {
	N, k, n := p[0], p[1], p[2]
	return isCount(N) && isCount(k) && isCount(n) && k <= N && n <= N
}

// hyperGeometricIn reports whether x is in the support of valid p.
func hyperGeometricIn(x float64, p Args) bool {
	N, k, n := p[0], p[1], p[2]
	return isCount(x) && x >= n-N+k && x <= k && x <= n
}

// Random draws the n objects one by one.
func (hyperGeometricKernel) Random(p Args, r *rand.Rand) float64 {
	N, k, n := p[0], p[1], p[2]
	good, x := k, 0.0
	for i := 0.0; i < n; i++ {
		if r.Float64()*(N-i) < good {
			good--
			x++
		}
	}
	return x
}

// DiscreteWeibull(q, beta): q^(x^beta) - q^((x+1)^beta) on 0, 1, 2, ...,
// taken in logarithms as a + log(1 - exp(b - a)) with a = x^beta log q and
// b = (x+1)^beta log q.
func (discreteWeibullKernel) Logp(x float64, p Args, need uint8) (float64, float64, Args) {
	var dp Args
	q, beta := p[0], p[1]
	if !(q > 0 && q < 1) || !(beta > 0) || !isCount(x) {
		return negInf, 0, dp
	}
	lq := math.Log(q)
	xb, x1b := math.Pow(x, beta), math.Pow(x+1, beta)
	a, b := xb*lq, x1b*lq
	lp := a + log1mexp(b-a)
	if need != 0 {
		// d log(e^a - e^b) = (da - r db)/(1 - r), r = e^(b-a)
		r := math.Exp(b - a)
		s := -1 / math.Expm1(b-a) // 1/(1-r)
		dp[0] = (xb - r*x1b) / q * s
		var dax float64
		if x > 0 {
			dax = lq * xb * math.Log(x)
		}
		dp[1] = (dax - r*lq*x1b*math.Log(x+1)) * s
	}
	return lp, 0, dp
}

// Random inverts the distribution function: ceil((log(1-u)/log q)^(1/beta)) - 1.
func (discreteWeibullKernel) Random(p Args, r *rand.Rand) float64 {
	q, beta := p[0], p[1]
	return math.Ceil(math.Pow(math.Log1p(-r.Float64())/math.Log(q), 1/beta)) - 1
}

func init() {
	register(Spec{
		Name: "HyperGeometric", Doc: "The number of successes in n draws without replacement from N objects, k of them successes.", Discrete: true,
		Params: []Param{
			{Name: "N", Domain: countParam, Doc: "population"},
			{Name: "k", Domain: countParam, Doc: "successes in the population"},
			{Name: "n", Domain: countParam, Doc: "draws"},
		},
		Variants: []VariantSpec{{Params: []string{"N", "k", "n"}, Kernel: hyperGeometricKernel{}, Support: DrawnCount}},
	})
	register(Spec{
		Name: "DiscreteWeibull", Doc: "Counts with P(X >= x) = q^(x^beta).", Discrete: true,
		Params: []Param{
			{Name: "q", Domain: openUnit, Doc: "P(X > 0)"},
			{Name: "beta", Domain: positive, Doc: "shape"},
		},
		Variants: []VariantSpec{{Params: []string{"q", "beta"}, Kernel: discreteWeibullKernel{}, Support: Count}},
	})
}

type (
	hyperGeometricKernel  struct{}
	discreteWeibullKernel struct{}
)
