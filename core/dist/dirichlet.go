package dist

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/exmc/exmc/core/shape"
)

// Dirichlet(a) over the simplex along the last axis, as PyMC writes it:
// log p(x) = sum_i ((a_i - 1) log x_i - lgamma(a_i)) + lgamma(sum_i a_i),
// with x_i^(a_i - 1) read as PyMC's logpow (0 at x_i = 0 when a_i = 1,
// -Inf otherwise) and -Inf where any x_i lies outside [0, 1]. Like PyMC's,
// the density does not check that x sums to one: the simplex transform
// makes a free variable's value sum to one, and observed values are
// checked when the model is validated.
type dirichletKernel struct{}

// simplexSumTol is how far from one an observed simplex may sum.
const simplexSumTol = 1e-8

func (dirichletKernel) Shape(value []int, params [][]int, _ Args) ([]int, error) {
	a := params[0]
	if a[0] < 2 {
		return nil, fmt.Errorf("a needs at least two categories along its last axis, got %s", shape.String(a))
	}
	if value != nil && value[0] != a[0] {
		return nil, fmt.Errorf("the value has %d categories along its last axis but a has %d", value[0], a[0])
	}
	return []int{a[0]}, nil
}

func (dirichletKernel) Scratch(*Geometry) int { return 0 }

func (dirichletKernel) Logp(e *Geometry, x []float64, p EventArgs, g float64, gx []float64, gp EventArgs, _ []float64) float64 {
	a := p[0][:len(x)]
	sum, lp := 0.0, 0.0
	for i, xi := range x {
		ai := a[i]
		if !(ai > 0) || !(xi >= 0 && xi <= 1) {
			return negInf
		}
		sum += ai
		lp += logpow(xi, ai-1) - lgamma(ai)
	}
	lp += lgamma(sum)
	if !(lp > negInf) || math.IsNaN(lp) {
		return negInf
	}
	if gx != nil {
		gx = gx[:len(x)]
		for i, xi := range x {
			if a[i] != 1 {
				gx[i] += g * (a[i] - 1) / xi
			}
		}
	}
	if ga := gp[0]; ga != nil {
		ga = ga[:len(x)]
		ds := digamma(sum)
		for i, xi := range x {
			ga[i] += g * (math.Log(xi) - digamma(a[i]) + ds)
		}
	}
	return lp
}

// Random draws x_i = G_i / sum_j G_j with G_i ~ Gamma(a_i, 1), the
// gammas taken on the log scale so that small a_i do not underflow.
func (dirichletKernel) Random(e *Geometry, p EventArgs, r *rand.Rand, out []float64) error {
	a := p[0][:len(out)]
	m := negInf
	for i, ai := range a {
		if err := positive.check("a", ai); err != nil {
			return err
		}
		out[i] = logGammaRandom(ai, r)
		m = math.Max(m, out[i])
	}
	s := 0.0
	for i := range out {
		out[i] = math.Exp(out[i] - m)
		s += out[i]
	}
	for i := range out {
		out[i] /= s
	}
	return nil
}

func (dirichletKernel) InSupport(e *Geometry, x []float64, _ EventArgs) bool {
	s := 0.0
	for _, xi := range x {
		if !(xi >= 0 && xi <= 1) {
			return false
		}
		s += xi
	}
	return math.Abs(s-1) <= simplexSumTol
}

func init() {
	register(Spec{
		Name: "Dirichlet", Doc: "The Dirichlet distribution over the simplex along the last axis.", Layout: Event,
		Params:    []Param{{Name: "a", Domain: positive, Doc: "concentrations", EventDims: 1}},
		Variants:  []VariantSpec{{Params: []string{"a"}, Support: Simplex, Transform: SimplexTransform}},
		Event:     dirichletKernel{},
		ValueDims: 1, ShapeFrom: "a",
		Notes: "`Dirichlet`'s value sums to one along its last axis, the categories of `a`'s last axis; " +
			"a free one is sampled through PyMC's simplex transform, on one coordinate fewer.",
	})
}
