package dist

import (
	"math"
	"math/rand/v2"
)

// DiscreteUniform(lower, upper): -log(upper - lower + 1) on the integers
// lower..upper. The bounds are integers, so their derivatives are
// reported as 0.
func (discreteUniformKernel) Logp(x float64, p Args, need uint8) (float64, float64, Args) {
	var dp Args
	lo, hi := p[0], p[1]
	if !(lo <= hi) || !isInteger(x) || x < lo || x > hi {
		return negInf, 0, dp
	}
	return -math.Log(hi - lo + 1), 0, dp
}

// Random draws one of the upper - lower + 1 integers.
func (discreteUniformKernel) Random(p Args, r *rand.Rand) float64 {
	return p[0] + math.Floor(r.Float64()*(p[1]-p[0]+1))
}

func init() {
	register(Spec{
		Name: "DiscreteUniform", Doc: "Equally likely integers from lower to upper.", Discrete: true,
		Params: []Param{
			{Name: "lower", Domain: integerParam, Doc: "lowest value"},
			{Name: "upper", Domain: integerParam, Doc: "highest value"},
		},
		Variants: []VariantSpec{
			{Params: []string{"lower", "upper"}, Kernel: discreteUniformKernel{}, Support: CountRange, Lower: "lower", Upper: "upper"},
		},
	})
}

type discreteUniformKernel struct{}

// DiscreteUniform's CDF at lower <= x < upper is (floor(x) - lower + 1)
// / n, n = upper - lower + 1; its parameters are integers, whose
// derivatives are reported as 0.
func (discreteUniformKernel) LogCDF(x float64, p Args, need uint8) (float64, float64, Args) {
	lo, hi := p[0], p[1]
	if !(lo <= hi) {
		return negInf, 0, Args{}
	}
	if !(x >= lo) || x >= hi {
		return edgeCDF(x >= hi)
	}
	k := math.Floor(x)
	return logFraction(k-lo+1, hi-k, hi-lo+1), 0, Args{}
}

func (discreteUniformKernel) LogSF(x float64, p Args, need uint8) (float64, float64, Args) {
	lo, hi := p[0], p[1]
	if !(lo <= hi) {
		return negInf, 0, Args{}
	}
	if !(x >= lo) || x >= hi {
		return edgeCDF(!(x >= lo))
	}
	k := math.Floor(x)
	return logFraction(hi-k, k-lo+1, hi-lo+1), 0, Args{}
}
