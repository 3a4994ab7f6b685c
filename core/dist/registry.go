package dist

import "math/rand/v2"

var registry = map[string]*Dist{}

// param describes one parameter of a variant.
type param struct {
	name   string
	dom    domain
	def    float64
	hasDef bool
}

func req(name string, d domain) param { return param{name: name, dom: d} }

func opt(name string, d domain, def float64) param {
	return param{name: name, dom: d, def: def, hasDef: true}
}

func mk(f form, sup Support, tr TransformKind, ps ...param) *Variant {
	v := &Variant{
		Defaults:  map[string]float64{},
		Support:   sup,
		Lower:     -1,
		Upper:     -1,
		Transform: tr,
		form:      f,
	}
	for _, p := range ps {
		v.Params = append(v.Params, p.name)
		v.domains = append(v.domains, p.dom)
		if p.hasDef {
			v.Defaults[p.name] = p.def
		}
	}
	return v
}

// bounds marks the parameters that bound the support (-1: none).
func (v *Variant) bounds(lower, upper int) *Variant {
	v.Lower, v.Upper = lower, upper
	return v
}

func (v *Variant) interval(lo, hi float64) *Variant {
	v.IntervalLo, v.IntervalHi = lo, hi
	return v
}

func register(name string, discrete bool, vs ...*Variant) {
	d := &Dist{Name: name, Variants: vs, Discrete: discrete}
	for _, v := range vs {
		v.Dist = d
		f := v.form
		switch f {
		case fWalk:
			d.Vector = true
			continue
		case fNormalMix:
			d.Components = true
			continue
		case fFlat, fHalfFlat:
		default:
			v.Random = func(p []float64, r *rand.Rand) float64 { return f.random(p, r) }
		}
		all := uint8(1)<<len(v.Params) - 1
		v.Logp = func(x float64, p, dp []float64) (float64, float64) {
			if dp == nil {
				return f.logp(x, p, nil, 0)
			}
			return f.logp(x, p, dp, all)
		}
	}
	registry[name] = d
}

// The table follows PyMC: parameter names, order, defaults, supports and
// default transforms are PyMC's (see docs/model-format.md).
func init() {
	register("Normal", false,
		mk(fNormal, Real, NoTransform, opt("mu", anyReal, 0), opt("sigma", positive, 1)))
	register("HalfNormal", false,
		mk(fHalfNormal, NonNegative, LogTransform, opt("sigma", positive, 1)))
	register("Exponential", false,
		mk(fExponential, NonNegative, LogTransform, opt("lam", positive, 1)))
	register("Gamma", false,
		mk(fGamma, Positive, LogTransform, req("alpha", positive), req("beta", positive)))
	register("InverseGamma", false,
		mk(fInverseGamma, Positive, LogTransform, req("alpha", positive), opt("beta", positive, 1)))
	register("Beta", false,
		mk(fBeta, UnitInterval, IntervalTransform, req("alpha", positive), req("beta", positive)).interval(0, 1))
	register("Uniform", false,
		mk(fUniform, Bounded, IntervalTransform, opt("lower", anyReal, 0), opt("upper", anyReal, 1)).bounds(0, 1))
	register("StudentT", false,
		mk(fStudentT, Real, NoTransform, req("nu", positive), opt("mu", anyReal, 0), opt("sigma", positive, 1)))
	register("HalfStudentT", false,
		mk(fHalfStudentT, NonNegative, LogTransform, req("nu", positive), opt("sigma", positive, 1)))
	register("Cauchy", false,
		mk(fCauchy, Real, NoTransform, req("alpha", anyReal), req("beta", positive)))
	register("HalfCauchy", false,
		mk(fHalfCauchy, NonNegative, LogTransform, req("beta", positive)))
	register("LogNormal", false,
		mk(fLogNormal, Positive, LogTransform, opt("mu", anyReal, 0), opt("sigma", positive, 1)))
	register("Laplace", false,
		mk(fLaplace, Real, NoTransform, req("mu", anyReal), req("b", positive)))
	register("Flat", false, mk(fFlat, Real, NoTransform))
	register("HalfFlat", false, mk(fHalfFlat, NonNegative, LogTransform))
	register("GaussianRandomWalk", false,
		mk(fWalk, Real, NoTransform, opt("mu", anyReal, 0), opt("sigma", positive, 1),
			opt("init_mu", anyReal, 0), opt("init_sigma", positive, 100)))

	register("NormalMixture", false,
		mk(fNormalMix, Real, NoTransform, req("w", probability), req("mu", anyReal), req("sigma", positive)))

	register("Bernoulli", true,
		mk(fBernoulli, Binary, NoTransform, req("p", probability)),
		mk(fBernoulliLogit, Binary, NoTransform, req("logit_p", anyReal)))
	register("Binomial", true,
		mk(fBinomial, BoundedCount, NoTransform, req("n", countParam), req("p", probability)).bounds(-1, 0),
		mk(fBinomialLogit, BoundedCount, NoTransform, req("n", countParam), req("logit_p", anyReal)).bounds(-1, 0))
	register("Poisson", true,
		mk(fPoisson, Count, NoTransform, req("mu", nonNegative)))
	// PyMC accepts alpha or n for the dispersion, and mu or p for the mean,
	// in any combination.
	register("NegativeBinomial", true,
		mk(fNegBinomial, Count, NoTransform, req("mu", positive), req("alpha", positive)),
		mk(fNegBinomialNP, Count, NoTransform, req("n", positive), req("p", openUnit)),
		mk(fNegBinomial, Count, NoTransform, req("mu", positive), req("n", positive)),
		mk(fNegBinomialNP, Count, NoTransform, req("alpha", positive), req("p", openUnit)))
}
