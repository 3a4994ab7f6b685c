package dist

import "math/rand/v2"

// form names the density formula a Variant evaluates. Term dispatches on it
// with a switch of direct calls rather than through Variant.Logp, so that the
// parameter and gradient buffers it hands over stay on the stack: an
// indirect call would make them escape and allocate on every evaluation.
type form uint8

const (
	fNormal form = iota
	fHalfNormal
	fLogNormal
	fExponential
	fGamma
	fInverseGamma
	fBeta
	fUniform
	fStudentT
	fHalfStudentT
	fCauchy
	fHalfCauchy
	fLaplace
	fFlat
	fHalfFlat
	fWalk
	fBernoulli
	fBernoulliLogit
	fBinomial
	fBinomialLogit
	fPoisson
	fNegBinomial   // mu, alpha
	fNegBinomialNP // n, p
	fNormalMix     // w, mu, sigma with a trailing component axis
)

// maxParams bounds the parameter count of any element-wise form.
const maxParams = 4

// logp evaluates one element. Bit i of need asks for d logp/d p[i] in dp[i];
// with need == 0, dp is not touched and may be nil. Entries of dp whose bit
// is clear may hold anything. Outside the support, or with invalid
// parameters, the result is -Inf with zero gradients, so that a rejected
// point never feeds NaN into the sampler.
func (f form) logp(x float64, p, dp []float64, need uint8) (float64, float64) {
	var lp, dx float64
	switch f {
	case fNormal:
		lp, dx = normalLogp(x, p, dp, need)
	case fHalfNormal:
		lp, dx = halfNormalLogp(x, p, dp, need)
	case fLogNormal:
		lp, dx = logNormalLogp(x, p, dp, need)
	case fExponential:
		lp, dx = exponentialLogp(x, p, dp, need)
	case fGamma:
		lp, dx = gammaLogp(x, p, dp, need)
	case fInverseGamma:
		lp, dx = inverseGammaLogp(x, p, dp, need)
	case fBeta:
		lp, dx = betaLogp(x, p, dp, need)
	case fUniform:
		lp, dx = uniformLogp(x, p, dp, need)
	case fStudentT:
		lp, dx = studentTLogp(x, p, dp, need)
	case fHalfStudentT:
		lp, dx = halfStudentTLogp(x, p, dp, need)
	case fCauchy:
		lp, dx = cauchyLogp(x, p, dp, need)
	case fHalfCauchy:
		lp, dx = halfCauchyLogp(x, p, dp, need)
	case fLaplace:
		lp, dx = laplaceLogp(x, p, dp, need)
	case fFlat:
		lp, dx = 0, 0
	case fHalfFlat:
		lp, dx = halfFlatLogp(x)
	case fBernoulli:
		lp, dx = bernoulliLogp(x, p, dp, need)
	case fBernoulliLogit:
		lp, dx = bernoulliLogitLogp(x, p, dp, need)
	case fBinomial:
		lp, dx = binomialLogp(x, p, dp, need)
	case fBinomialLogit:
		lp, dx = binomialLogitLogp(x, p, dp, need)
	case fPoisson:
		lp, dx = poissonLogp(x, p, dp, need)
	case fNegBinomial:
		lp, dx = negBinomialLogp(x, p, dp, need)
	case fNegBinomialNP:
		lp, dx = negBinomialNPLogp(x, p, dp, need)
	default:
		lp = negInf
	}
	if !(lp > negInf) {
		if need != 0 {
			clear(dp)
		}
		return negInf, 0
	}
	return lp, dx
}

// random draws one element; p must be valid (Variant.CheckParams).
func (f form) random(p []float64, r *rand.Rand) float64 {
	switch f {
	case fNormal:
		return p[0] + p[1]*r.NormFloat64()
	case fHalfNormal:
		return p[0] * abs(r.NormFloat64())
	case fLogNormal:
		return logNormalRandom(p[0], p[1], r)
	case fExponential:
		return r.ExpFloat64() / p[0]
	case fGamma:
		return gammaRandom(p[0], r) / p[1]
	case fInverseGamma:
		return p[1] / gammaRandom(p[0], r)
	case fBeta:
		return betaRandom(p[0], p[1], r)
	case fUniform:
		return p[0] + (p[1]-p[0])*r.Float64()
	case fStudentT:
		return p[1] + p[2]*studentTRandom(p[0], r)
	case fHalfStudentT:
		return p[1] * abs(studentTRandom(p[0], r))
	case fCauchy:
		return p[0] + p[1]*cauchyRandom(r)
	case fHalfCauchy:
		return p[0] * abs(cauchyRandom(r))
	case fLaplace:
		return p[0] + p[1]*(r.ExpFloat64()-r.ExpFloat64())
	case fBernoulli:
		return bernoulliRandom(p[0], r)
	case fBernoulliLogit:
		return bernoulliRandom(sigmoid(p[0]), r)
	case fBinomial:
		return binomialRandom(p[0], p[1], r)
	case fBinomialLogit:
		return binomialRandom(p[0], sigmoid(p[1]), r)
	case fPoisson:
		return poissonRandom(p[0], r)
	case fNegBinomial:
		return negBinomialRandom(p[0], p[1], r)
	case fNegBinomialNP:
		return negBinomialRandom(p[0]*(1-p[1])/p[1], p[0], r)
	}
	return nan
}
