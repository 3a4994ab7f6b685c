package dist

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// NormalMixture(w, mu, sigma): each element of the value is drawn from one
// of K Normal components, component j with probability w[..., j]. Every
// parameter carries the component axis last, beyond the value's shape:
// log p(x) = logsumexp_j(log w_j + Normal(x | mu_j, sigma_j)). The weights
// must lie in [0, 1] and sum to one along the component axis (to within
// numpy's isclose tolerance, as PyMC checks); otherwise the density is -Inf.

const (
	mixSumAtol = 1e-8
	mixSumRtol = 1e-5
)

// weightsOK reports whether w sums to one as PyMC's isclose(sum(w), 1) has it.
func weightsOK(sum float64) bool { return math.Abs(sum-1) <= mixSumAtol+mixSumRtol }

type normalMixture struct{}

// logp runs the log-sum-exp in one pass, rescaling the running sum
// whenever a larger term turns up.
func (normalMixture) logp(t *Term, in [][]float64, k int) float64 {
	x := in[0][k]
	m, s, wsum := negInf, 0.0, 0.0
	for j := range t.comps {
		w, mu, sigma := t.at(in, 0, k, j), t.at(in, 1, k, j), t.at(in, 2, k, j)
		if !(w >= 0 && w <= 1) || !(sigma > 0) {
			return negInf
		}
		wsum += w
		if w == 0 {
			continue
		}
		z := (x - mu) / sigma
		l := math.Log(w) - 0.5*z*z - lnSqrt2Pi - math.Log(sigma)
		switch {
		case math.IsNaN(l):
			return nan
		case l == negInf:
		case l > m:
			s = s*math.Exp(m-l) + 1
			m = l
		default:
			s += math.Exp(l - m)
		}
	}
	if !weightsOK(wsum) || s == 0 {
		return negInf
	}
	return m + math.Log(s)
}

// grad: with q_j = Normal(x | mu_j, sigma_j) / p(x) and r_j = w_j q_j (the
// posterior weight of component j): d/dx = -sum_j r_j z_j / sigma_j,
// d/dw_j = q_j, d/dmu_j = r_j z_j / sigma_j, d/dsigma_j = r_j (z_j^2 - 1) / sigma_j.
func (normalMixture) grad(t *Term, in [][]float64, k int, lp, g float64, gin [][]float64) {
	x := in[0][k]
	dx := 0.0
	for j := range t.comps {
		w, mu, sigma := t.at(in, 0, k, j), t.at(in, 1, k, j), t.at(in, 2, k, j)
		z := (x - mu) / sigma
		q := math.Exp(-0.5*z*z - lnSqrt2Pi - math.Log(sigma) - lp)
		r := w * q
		dx -= r * z / sigma
		t.add(gin, 0, k, j, g*q)
		t.add(gin, 1, k, j, g*r*z/sigma)
		t.add(gin, 2, k, j, g*r*(z*z-1)/sigma)
	}
	if gin[0] != nil {
		gin[0][k] += g * dx
	}
}

// random picks a component with probability w and draws from that Normal.
func (normalMixture) random(t *Term, in [][]float64, k int, r *rand.Rand) (float64, error) {
	j, err := pickComponent(t, in, k, r)
	if err != nil {
		return 0, err
	}
	mu, sigma := t.at(in, 1, k, j), t.at(in, 2, k, j)
	if !(sigma > 0) || !finite(mu) || !finite(sigma) {
		return 0, fmt.Errorf("component %d has mu %g, sigma %g", j, mu, sigma)
	}
	return mu + sigma*r.NormFloat64(), nil
}

// pickComponent draws j with probability w[k, j], the weights being
// parameter 0; it checks that they are probabilities summing to one.
func pickComponent(t *Term, in [][]float64, k int, r *rand.Rand) (int, error) {
	u := r.Float64()
	acc, pick := 0.0, -1
	for j := range t.comps {
		w := t.at(in, 0, k, j)
		if !(w >= 0 && w <= 1) {
			return 0, fmt.Errorf("weight %d is %g, not in [0, 1]", j, w)
		}
		acc += w
		if pick < 0 && u < acc {
			pick = j
		}
	}
	if !weightsOK(acc) {
		return 0, fmt.Errorf("the weights sum to %g, not 1", acc)
	}
	if pick < 0 {
		pick = t.comps - 1
	}
	return pick, nil
}

func init() {
	register(Spec{
		Name: "NormalMixture", Doc: "A weighted sum of normal densities.", Layout: Components,
		Params: []Param{
			{Name: "w", Domain: probability, Doc: "weights"},
			{Name: "mu", Domain: anyReal, Doc: "means"},
			{Name: "sigma", Domain: positive, Doc: "standard deviations"},
		},
		Variants: []VariantSpec{{Params: []string{"w", "mu", "sigma"}, Support: Real, Vec: normalMixture{}}},
		Notes: "`NormalMixture` is `sum_k w[k] Normal(x | mu[k], sigma[k])`, the components along the last " +
			"axis of its parameters.",
	})
}
