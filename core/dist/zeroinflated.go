package dist

import (
	"math"
	"math/rand/v2"
)

// Zero-inflated and hurdle distributions: a base distribution with extra
// mass at zero, psi being the probability of the base (PyMC's psi). PyMC
// builds both as two-component mixtures of a point mass at 0 and the
// base; the kernels here are those mixtures' log-densities, in the base
// kernel's terms:
//
//	zero-inflated: log((1-psi) + psi p(0)) at 0, log psi + log p(x) elsewhere
//	hurdle:        log(1-psi) at 0, log psi + log p(x) - log P(X > 0) elsewhere
//
// For a continuous base P(X > 0) is 1 (PyMC's hurdle takes the base as it
// is); for a discrete one it is 1 - p(0), from the base's own log-density
// at 0, as PyMC's truncation at 1 has it. psi is read first, the base's
// parameters after it.

// shifted drops the first parameter (psi): the base kernel's arguments.
func shifted(p Args) Args {
	var b Args
	copy(b[:], p[1:])
	return b
}

// unshift places the base kernel's parameter derivatives after psi's.
func unshift(db Args, dpsi float64) Args {
	var dp Args
	dp[0] = dpsi
	copy(dp[1:], db[:len(db)-1])
	return dp
}

type zeroInflated struct{ base Kernel }

func (k zeroInflated) Logp(x float64, p Args, need uint8) (float64, float64, Args) {
	psi := p[0]
	if !(psi >= 0 && psi <= 1) {
		return negInf, 0, Args{}
	}
	lb, _, db := logp(k.base, x, shifted(p), need>>1)
	if x != 0 {
		if !(lb > negInf) || psi == 0 {
			return negInf, 0, Args{}
		}
		return math.Log(psi) + lb, 0, unshift(db, 1/psi)
	}
	// at 0: logaddexp(log(1-psi), log(psi) + lb), as PyMC's mixture
	a, b := math.Log1p(-psi), math.Log(psi)+lb
	m := math.Max(a, b)
	if m == negInf {
		return negInf, 0, Args{}
	}
	lp := m + math.Log(math.Exp(a-m)+math.Exp(b-m))
	if need == 0 {
		return lp, 0, Args{}
	}
	// d/dpsi = (p(0) - 1)/P, d/dtheta = psi p(0)/P dlb
	r := math.Exp(b - lp) // psi p(0) / P
	for i := range db {
		db[i] *= r
	}
	return lp, 0, unshift(db, (math.Exp(lb)-1)/math.Exp(lp))
}

func (k zeroInflated) Random(p Args, r *rand.Rand) float64 {
	if r.Float64() >= p[0] {
		return 0
	}
	return k.base.(Drawer).Random(shifted(p), r)
}

type hurdle struct {
	base     Kernel
	discrete bool // truncated at 1; a continuous base is taken as it is
}

func (k hurdle) Logp(x float64, p Args, need uint8) (float64, float64, Args) {
	psi := p[0]
	if !(psi >= 0 && psi <= 1) {
		return negInf, 0, Args{}
	}
	if x == 0 {
		if psi == 1 {
			return negInf, 0, Args{}
		}
		return math.Log1p(-psi), 0, Args{-1 / (1 - psi)}
	}
	bp := shifted(p)
	lb, _, db := logp(k.base, x, bp, need>>1)
	if !(lb > negInf) || psi == 0 || x < 0 {
		return negInf, 0, Args{}
	}
	lp := math.Log(psi) + lb
	if k.discrete {
		// - log P(X > 0) = - log(1 - p(0)); its derivative in theta is
		// dl0 / expm1(-l0) with l0 = log p(0)
		l0, _, d0 := logp(k.base, 0, bp, need>>1)
		if l0 == 0 {
			return negInf, 0, Args{} // no mass above 0
		}
		lp -= log1mexp(l0)
		if need>>1 != 0 {
			s := 1 / math.Expm1(-l0)
			for i := range db {
				db[i] += d0[i] * s
			}
		}
	}
	return lp, 0, unshift(db, 1/psi) // observed only: no derivative in x
}

// Random draws the base truncated to x > 0 with probability psi: by
// rejection while p(0) is below one half, by inverting the truncated
// distribution function (summing the base's mass from 1) otherwise.
func (k hurdle) Random(p Args, r *rand.Rand) float64 {
	if r.Float64() >= p[0] {
		return 0
	}
	bp := shifted(p)
	dr := k.base.(Drawer)
	if !k.discrete {
		return dr.Random(bp, r)
	}
	l0, _, _ := logp(k.base, 0, bp, 0)
	if l0 < -math.Ln2 {
		for {
			if x := dr.Random(bp, r); x > 0 {
				return x
			}
		}
	}
	// u uniform on (p(0), 1): the smallest x with F(x) >= u
	p0 := math.Exp(l0)
	u := p0 + (1-p0)*r.Float64()
	acc := p0
	for x := 1.0; ; x++ {
		lp, _, _ := logp(k.base, x, bp, 0)
		acc += math.Exp(lp)
		if acc >= u || (lp < -50 && x > 10) {
			return x
		}
	}
}

func init() {
	psi := Param{Name: "psi", Domain: probability, Doc: "probability of the base distribution"}
	register(Spec{
		Name: "ZeroInflatedPoisson", Doc: "Poisson counts with extra zeros: 0 with probability 1-psi, else Poisson(mu).", Discrete: true,
		Params:   []Param{psi, {Name: "mu", Domain: nonNegative, Doc: "Poisson mean"}},
		Variants: []VariantSpec{{Params: []string{"psi", "mu"}, Kernel: zeroInflated{poissonKernel{}}, Support: Count}},
	})
	register(Spec{
		Name: "ZeroInflatedBinomial", Doc: "Binomial counts with extra zeros: 0 with probability 1-psi, else Binomial(n, p).", Discrete: true,
		Params: []Param{
			psi,
			{Name: "n", Domain: countParam, Doc: "trials"},
			{Name: "p", Domain: probability, Doc: "probability of success"},
		},
		Variants: []VariantSpec{{Params: []string{"psi", "n", "p"}, Kernel: zeroInflated{binomialKernel{}}, Support: BoundedCount, Upper: "n"}},
	})
	nbParams := []Param{
		psi,
		{Name: "mu", Domain: positive, Doc: "mean"},
		{Name: "alpha", Domain: positive, Doc: "dispersion"},
		{Name: "p", Domain: openUnit, Doc: "success probability"},
		{Name: "n", Domain: positive, Doc: "successes"},
	}
	register(Spec{
		Name: "ZeroInflatedNegativeBinomial", Doc: "Negative binomial counts with extra zeros: 0 with probability 1-psi, else NegativeBinomial.", Discrete: true,
		Params: nbParams,
		Variants: []VariantSpec{
			{Params: []string{"psi", "mu", "alpha"}, Kernel: zeroInflated{negBinomialKernel{}}, Support: Count},
			{Params: []string{"psi", "n", "p"}, Kernel: zeroInflated{negBinomialNPKernel{}}, Support: Count},
			{Params: []string{"psi", "mu", "n"}, Kernel: zeroInflated{negBinomialKernel{}}, Support: Count},
			{Params: []string{"psi", "alpha", "p"}, Kernel: zeroInflated{negBinomialNPKernel{}}, Support: Count},
		},
	})
	register(Spec{
		Name: "HurdlePoisson", Doc: "0 with probability 1-psi, else Poisson(mu) truncated to x >= 1.", Discrete: true,
		Params:   []Param{psi, {Name: "mu", Domain: nonNegative, Doc: "Poisson mean"}},
		Variants: []VariantSpec{{Params: []string{"psi", "mu"}, Kernel: hurdle{poissonKernel{}, true}, Support: Count}},
	})
	register(Spec{
		Name: "HurdleNegativeBinomial", Doc: "0 with probability 1-psi, else NegativeBinomial truncated to x >= 1.", Discrete: true,
		Params: nbParams,
		Variants: []VariantSpec{
			{Params: []string{"psi", "mu", "alpha"}, Kernel: hurdle{negBinomialKernel{}, true}, Support: Count},
			{Params: []string{"psi", "n", "p"}, Kernel: hurdle{negBinomialNPKernel{}, true}, Support: Count},
			{Params: []string{"psi", "mu", "n"}, Kernel: hurdle{negBinomialKernel{}, true}, Support: Count},
			{Params: []string{"psi", "alpha", "p"}, Kernel: hurdle{negBinomialNPKernel{}, true}, Support: Count},
		},
	})
	register(Spec{
		Name: "HurdleGamma", Doc: "0 with probability 1-psi, else Gamma(alpha, beta).", Discrete: true,
		Params: []Param{
			psi,
			{Name: "alpha", Domain: positive, Doc: "shape"},
			{Name: "beta", Domain: positive, Doc: "rate"},
		},
		Variants: []VariantSpec{{Params: []string{"psi", "alpha", "beta"}, Kernel: hurdle{gammaKernel{}, false}, Support: NonNegative}},
		Notes: "`HurdleGamma` and `HurdleLogNormal` put mass 1-psi on x = 0, so they too are observed only; " +
			"they take `alpha, beta` and `mu, sigma` as `Gamma` and `LogNormal` do.",
	})
	register(Spec{
		Name: "HurdleLogNormal", Doc: "0 with probability 1-psi, else LogNormal(mu, sigma).", Discrete: true,
		Params: []Param{
			psi,
			{Name: "mu", Domain: anyReal, Doc: "mean of log x", Default: def(0)},
			{Name: "sigma", Domain: positive, Doc: "standard deviation of log x", Default: def(1)},
		},
		Aliases:  []Alias{{Name: "tau", Param: "sigma", Power: -0.5}},
		Variants: []VariantSpec{{Params: []string{"psi", "mu", "sigma"}, Kernel: hurdle{logNormalKernel{}, false}, Support: NonNegative}},
	})
}
