package dist

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/exmc/exmc/core/shape"
)

// Multinomial(n, p) and DirichletMultinomial(n, a): counts along the last
// axis, observed only, with PyMC's log-densities:
//
//	Multinomial: lgamma(n+1) + sum_i (x_i log p_i - lgamma(x_i+1)), with
//	x_i log p_i read as PyMC's logpow (0 where x_i = 0 and p_i = 0);
//	-Inf unless 0 <= p_i <= 1 and sum(p) is one to within numpy's
//	isclose (rtol 1e-5, atol 1e-8), as PyMC checks.
//	DirichletMultinomial: lgamma(n+1) + lgamma(A) - lgamma(n+A) +
//	sum_i (lgamma(x_i+a_i) - lgamma(x_i+1) - lgamma(a_i)), A = sum(a).
//
// Both are -Inf where a count is negative or the counts do not sum to n.
// n has no event axis; the derivative in it is reported as 0 (it counts).
type (
	multinomialKernel          struct{}
	dirichletMultinomialKernel struct{}
)

// countsShape is the shared Shape: the categories are the last axis of
// the parameter with one event axis (p or a).
func countsShape(value []int, params [][]int, name string) ([]int, error) {
	k := params[1]
	if k[0] < 1 {
		return nil, fmt.Errorf("%s needs at least one category, got an event of shape %s", name, shape.String(k))
	}
	if value != nil && value[0] != k[0] {
		return nil, fmt.Errorf("the value has %d categories along its last axis but %s has %d", value[0], name, k[0])
	}
	return []int{k[0]}, nil
}

// counts checks an event of counts against n: each a non-negative whole
// number (the validator checks observed data; here only the signs and
// the sum, as PyMC's density does).
func counts(x []float64, n float64) bool {
	s := 0.0
	for _, xi := range x {
		if xi < 0 {
			return false
		}
		s += xi
	}
	return s == n
}

func countsInSupport(x []float64, n []float64) bool {
	for _, xi := range x {
		if !isCount(xi) {
			return false
		}
	}
	return n == nil || counts(x, n[0])
}

func (multinomialKernel) Shape(value []int, params [][]int, _ Args) ([]int, error) {
	return countsShape(value, params, "p")
}

func (multinomialKernel) Scratch(*Geometry) int { return 0 }

func (multinomialKernel) Logp(e *Geometry, x []float64, p EventArgs, g float64, gx []float64, gp EventArgs, _ []float64) float64 {
	n, q := p[0][0], p[1][:len(x)]
	if !(n >= 0) || !counts(x, n) {
		return negInf
	}
	sum := 0.0
	for _, qi := range q {
		if !(qi >= 0 && qi <= 1) {
			return negInf
		}
		sum += qi
	}
	if !(math.Abs(sum-1) <= mixSumAtol+mixSumRtol) {
		return negInf
	}
	lp := lgamma(n + 1)
	for i, xi := range x {
		lp += logpow(q[i], xi) - lgamma(xi+1)
	}
	if !(lp > negInf) {
		return negInf
	}
	if gq := gp[1]; gq != nil {
		for i, xi := range x {
			if xi != 0 {
				gq[i] += g * xi / q[i]
			}
		}
	}
	return lp
}

// Random draws the counts one category at a time, each a Binomial of the
// trials left with the category's share of the probability left.
func (multinomialKernel) Random(e *Geometry, p EventArgs, r *rand.Rand, out []float64) error {
	n, q := p[0][0], p[1][:len(out)]
	if err := countParam.check("n", n); err != nil {
		return err
	}
	sum := 0.0
	for _, qi := range q {
		if err := probability.check("p", qi); err != nil {
			return err
		}
		sum += qi
	}
	if math.Abs(sum-1) > mixSumAtol+mixSumRtol {
		return fmt.Errorf("p must sum to 1, got %g", sum)
	}
	multinomialDraw(n, q, r, out)
	return nil
}

func multinomialDraw(n float64, q []float64, r *rand.Rand, out []float64) {
	left, mass := n, 1.0
	for i, qi := range q {
		switch {
		case i == len(q)-1 || mass <= 0:
			out[i] = left
		default:
			out[i] = binomialRandom(left, math.Min(1, qi/mass), r)
		}
		left -= out[i]
		mass -= qi
	}
}

func (multinomialKernel) InSupport(e *Geometry, x []float64, p EventArgs) bool {
	return countsInSupport(x, p[0])
}

func (dirichletMultinomialKernel) Shape(value []int, params [][]int, _ Args) ([]int, error) {
	return countsShape(value, params, "a")
}

func (dirichletMultinomialKernel) Scratch(*Geometry) int { return 0 }

func (dirichletMultinomialKernel) Logp(e *Geometry, x []float64, p EventArgs, g float64, gx []float64, gp EventArgs, _ []float64) float64 {
	n, a := p[0][0], p[1][:len(x)]
	if !(n >= 0) || !counts(x, n) {
		return negInf
	}
	sa := 0.0
	for _, ai := range a {
		if !(ai > 0) {
			return negInf
		}
		sa += ai
	}
	lp := lgamma(n+1) + lgamma(sa) - lgamma(n+sa)
	for i, xi := range x {
		lp += lgamma(xi+a[i]) - lgamma(xi+1) - lgamma(a[i])
	}
	if ga := gp[1]; ga != nil {
		d := digamma(sa) - digamma(n+sa)
		for i, xi := range x {
			ga[i] += g * (d + digamma(xi+a[i]) - digamma(a[i]))
		}
	}
	return lp
}

// Random draws p ~ Dirichlet(a), then the counts ~ Multinomial(n, p).
func (dirichletMultinomialKernel) Random(e *Geometry, p EventArgs, r *rand.Rand, out []float64) error {
	n := p[0][0]
	if err := countParam.check("n", n); err != nil {
		return err
	}
	if err := (dirichletKernel{}).Random(e, EventArgs{p[1]}, r, out); err != nil {
		return err
	}
	// out holds the probabilities; the binomials read each before it is
	// overwritten with its count
	multinomialDraw(n, out, r, out)
	return nil
}

func (dirichletMultinomialKernel) InSupport(e *Geometry, x []float64, p EventArgs) bool {
	return countsInSupport(x, p[0])
}

func init() {
	register(Spec{
		Name: "Multinomial", Doc: "Counts of n trials among categories of probabilities p, along the last axis.",
		Discrete: true, Layout: Event,
		Params: []Param{
			{Name: "n", Domain: countParam, Doc: "trials"},
			{Name: "p", Domain: probability, Doc: "probabilities", EventDims: 1},
		},
		Variants:  []VariantSpec{{Params: []string{"n", "p"}, Support: Counts}},
		Event:     multinomialKernel{},
		ValueDims: 1, ShapeFrom: "p",
	})
	register(Spec{
		Name: "DirichletMultinomial", Doc: "Counts of n trials among categories whose probabilities are Dirichlet(a).",
		Discrete: true, Layout: Event,
		Params: []Param{
			{Name: "n", Domain: countParam, Doc: "trials"},
			{Name: "a", Domain: positive, Doc: "concentrations", EventDims: 1},
		},
		Variants:  []VariantSpec{{Params: []string{"n", "a"}, Support: Counts}},
		Event:     dirichletMultinomialKernel{},
		ValueDims: 1, ShapeFrom: "a",
	})
}
