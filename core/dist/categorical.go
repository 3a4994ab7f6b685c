package dist

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Categorical, OrderedLogistic and OrderedProbit: a value in 0, ..., K-1,
// its probabilities along the last axis of p (or logit_p), or made from
// an element's eta and the K-1 cutpoints along the last axis of
// cutpoints, as PyMC's compute_p makes them:
//
//	OrderedLogistic: P(x <= j) = sigmoid(c_j - eta)
//	OrderedProbit:   P(x <= j) = Phi((c_j - eta) / sigma)
//
// PyMC evaluates these as Categorical(p), whose log-density is -Inf unless
// every p lies in [0, 1] and they sum to one (numpy's isclose); for the
// ordered ones that is cutpoints in ascending order. The log-probability
// of a middle category, a difference of distribution functions, is taken
// in logarithms so that it keeps its digits far in the tails.

// category returns x as a category below n, or -1.
func category(x float64, n int) int {
	if !isCount(x) || !(x < float64(n)) {
		return -1
	}
	return int(x)
}

type categoricalP struct{}

func (categoricalP) logp(t *Term, in [][]float64, k int) float64 {
	x := category(in[0][k], t.comps)
	if x < 0 {
		return negInf
	}
	sum := 0.0
	for j := range t.comps {
		p := t.at(in, 0, k, j)
		if !(p >= 0 && p <= 1) {
			return negInf
		}
		sum += p
	}
	if !weightsOK(sum) {
		return negInf
	}
	return math.Log(t.at(in, 0, k, x))
}

func (categoricalP) grad(t *Term, in [][]float64, k int, lp, g float64, gin [][]float64) {
	x := int(in[0][k])
	t.add(gin, 0, k, x, g/t.at(in, 0, k, x))
}

func (categoricalP) random(t *Term, in [][]float64, k int, r *rand.Rand) (float64, error) {
	j, err := pickComponent(t, in, k, r)
	return float64(j), err
}

type categoricalLogit struct{}

// logsumexp of the logits of element k, and the largest of them.
func (categoricalLogit) lse(t *Term, in [][]float64, k int) float64 {
	m := negInf
	for j := range t.comps {
		m = math.Max(m, t.at(in, 0, k, j))
	}
	if math.IsInf(m, 0) || math.IsNaN(m) {
		return nan
	}
	s := 0.0
	for j := range t.comps {
		s += math.Exp(t.at(in, 0, k, j) - m)
	}
	return m + math.Log(s)
}

func (c categoricalLogit) logp(t *Term, in [][]float64, k int) float64 {
	x := category(in[0][k], t.comps)
	if x < 0 {
		return negInf
	}
	lse := c.lse(t, in, k)
	if math.IsNaN(lse) {
		return negInf
	}
	return t.at(in, 0, k, x) - lse
}

// grad: d/dl_j = [j = x] - softmax(l)_j.
func (c categoricalLogit) grad(t *Term, in [][]float64, k int, lp, g float64, gin [][]float64) {
	if gin[1] == nil {
		return
	}
	x := int(in[0][k])
	lse := c.lse(t, in, k)
	for j := range t.comps {
		d := -math.Exp(t.at(in, 0, k, j) - lse)
		if j == x {
			d++
		}
		t.add(gin, 0, k, j, g*d)
	}
}

func (c categoricalLogit) random(t *Term, in [][]float64, k int, r *rand.Rand) (float64, error) {
	lse := c.lse(t, in, k)
	if math.IsNaN(lse) {
		return 0, fmt.Errorf("logit_p must be finite")
	}
	u, acc := r.Float64(), 0.0
	for j := range t.comps {
		acc += math.Exp(t.at(in, 0, k, j) - lse)
		if u < acc {
			return float64(j), nil
		}
	}
	return float64(t.comps - 1), nil
}

// ascending reports whether element k's cutpoints are finite and in
// ascending order (ties allowed: the category between them has
// probability 0).
func ascending(t *Term, in [][]float64, k int) bool {
	prev := negInf
	for j := range t.comps {
		c := t.at(in, 1, k, j)
		if !finite(c) || c < prev {
			return false
		}
		prev = c
	}
	return true
}

// orderedLogistic: with b = c_x - eta and a = c_{x-1} - eta,
//
//	log P(x) = log sigmoid(b) + log sigmoid(-a) + log(1 - exp(a - b)),
//
// log sigmoid(b) alone for the first category, log sigmoid(-a) for the last.
type orderedLogistic struct{}

func (orderedLogistic) logp(t *Term, in [][]float64, k int) float64 {
	n := t.comps // cutpoints
	x := category(in[0][k], n+1)
	eta := t.at(in, 0, k, 0)
	if x < 0 || !finite(eta) || !ascending(t, in, k) {
		return negInf
	}
	lp := 0.0
	if x < n {
		lp -= softplus(eta - t.at(in, 1, k, x))
	}
	if x > 0 {
		lp -= softplus(t.at(in, 1, k, x-1) - eta)
	}
	if x > 0 && x < n {
		lp += log1mexp(t.at(in, 1, k, x-1) - t.at(in, 1, k, x))
	}
	return lp
}

func (orderedLogistic) grad(t *Term, in [][]float64, k int, lp, g float64, gin [][]float64) {
	n := t.comps
	x := int(in[0][k])
	eta := t.at(in, 0, k, 0)
	var da, db float64 // in a = c_{x-1} - eta and b = c_x - eta
	if x < n {
		db = sigmoid(eta - t.at(in, 1, k, x))
	}
	if x > 0 {
		da = -sigmoid(t.at(in, 1, k, x-1) - eta)
	}
	if x > 0 && x < n {
		s := 1 / math.Expm1(t.at(in, 1, k, x)-t.at(in, 1, k, x-1))
		da -= s
		db += s
	}
	t.add(gin, 0, k, 0, -g*(da+db))
	if x < n {
		t.add(gin, 1, k, x, g*db)
	}
	if x > 0 {
		t.add(gin, 1, k, x-1, g*da)
	}
}

func (orderedLogistic) random(t *Term, in [][]float64, k int, r *rand.Rand) (float64, error) {
	eta := t.at(in, 0, k, 0)
	if !finite(eta) || !ascending(t, in, k) {
		return 0, fmt.Errorf("eta must be finite and the cutpoints finite and ascending")
	}
	u := r.Float64()
	for j := range t.comps {
		if u < sigmoid(t.at(in, 1, k, j)-eta) {
			return float64(j), nil
		}
	}
	return float64(t.comps), nil
}

// orderedProbit: with u = (eta - c_{x-1})/sigma and v = (eta - c_x)/sigma,
// log P(x) = log(Phi(u) - Phi(v)), taken on the side of 0 where the two
// Phi are smallest; log Phi(-v) for the first category, log Phi(u) for
// the last.
type orderedProbit struct{}

// logDiffPhi is log(Phi(u) - Phi(v)) for u >= v.
func logDiffPhi(u, v float64) float64 {
	if u == v {
		return negInf
	}
	if v > 0 {
		u, v = -v, -u
	}
	lu, _ := logNormCDF(u)
	lv, _ := logNormCDF(v)
	return lu + log1mexp(lv-lu)
}

func (orderedProbit) parts(t *Term, in [][]float64, k int) (x, n int, eta, sigma float64) {
	n = t.comps
	return int(in[0][k]), n, t.at(in, 0, k, 0), t.at(in, 2, k, 0)
}

func (o orderedProbit) logp(t *Term, in [][]float64, k int) float64 {
	n := t.comps
	x := category(in[0][k], n+1)
	_, _, eta, sigma := o.parts(t, in, k)
	if x < 0 || !finite(eta) || !(sigma > 0) || !finite(sigma) || !ascending(t, in, k) {
		return negInf
	}
	switch {
	case x == 0:
		l, _ := logNormCDF((t.at(in, 1, k, 0) - eta) / sigma)
		return l
	case x == n:
		l, _ := logNormCDF((eta - t.at(in, 1, k, n-1)) / sigma)
		return l
	}
	return logDiffPhi((eta-t.at(in, 1, k, x-1))/sigma, (eta-t.at(in, 1, k, x))/sigma)
}

func (o orderedProbit) grad(t *Term, in [][]float64, k int, lp, g float64, gin [][]float64) {
	x, n, eta, sigma := o.parts(t, in, k)
	// dL/dz for each standardised argument z = (eta - c)/sigma or (c - eta)/sigma
	switch {
	case x == 0 || x == n:
		var w, sign float64
		var j int
		if x == 0 {
			j, sign = 0, -1 // w = (c_0 - eta)/sigma
		} else {
			j, sign = n-1, 1 // w = (eta - c_last)/sigma
		}
		w = sign * (eta - t.at(in, 1, k, j)) / sigma
		_, dw := logNormCDF(w)
		t.add(gin, 0, k, 0, g*dw*sign/sigma)
		t.add(gin, 1, k, j, -g*dw*sign/sigma)
		t.add(gin, 2, k, 0, -g*dw*w/sigma)
		return
	}
	u := (eta - t.at(in, 1, k, x-1)) / sigma
	v := (eta - t.at(in, 1, k, x)) / sigma
	du := math.Exp(-u*u/2 - lnSqrt2Pi - lp)
	dv := -math.Exp(-v*v/2 - lnSqrt2Pi - lp)
	t.add(gin, 0, k, 0, g*(du+dv)/sigma)
	t.add(gin, 1, k, x-1, -g*du/sigma)
	t.add(gin, 1, k, x, -g*dv/sigma)
	t.add(gin, 2, k, 0, -g*(du*u+dv*v)/sigma)
}

func (o orderedProbit) random(t *Term, in [][]float64, k int, r *rand.Rand) (float64, error) {
	_, n, eta, sigma := o.parts(t, in, k)
	if !finite(eta) || !(sigma > 0) || !finite(sigma) || !ascending(t, in, k) {
		return 0, fmt.Errorf("eta must be finite, sigma positive and the cutpoints finite and ascending")
	}
	z := eta + sigma*r.NormFloat64() // the latent value: category j below c_j
	for j := range n {
		if z < t.at(in, 1, k, j) {
			return float64(j), nil
		}
	}
	return float64(n), nil
}

func init() {
	register(Spec{
		Name: "Categorical", Doc: "One of K categories, 0, ..., K-1, with probabilities p along the last axis.", Discrete: true,
		Layout: Components,
		Params: []Param{
			{Name: "p", Domain: probability, Doc: "probabilities"},
			{Name: "logit_p", Domain: anyReal, Doc: "their logits (softmax)"},
		},
		Variants: []VariantSpec{
			{Params: []string{"p"}, Vec: categoricalP{}, Support: Category, Axis: "categories"},
			{Params: []string{"logit_p"}, Vec: categoricalLogit{}, Support: Category, Axis: "categories"},
		},
		Notes: "`Categorical`'s `p` (or `logit_p`) has the K categories along its last axis, beyond the value's shape.",
	})
	eta := Param{Name: "eta", Domain: anyReal, Doc: "predictor", PerElement: true}
	cut := Param{Name: "cutpoints", Domain: anyReal, Doc: "K-1 ascending cutpoints"}
	register(Spec{
		Name: "OrderedLogistic", Doc: "One of K ordered categories, P(x <= j) = sigmoid(cutpoints[j] - eta).", Discrete: true,
		Layout: Components,
		Params: []Param{eta, cut},
		Variants: []VariantSpec{
			{Params: []string{"eta", "cutpoints"}, Vec: orderedLogistic{}, Support: Category, Axis: "cutpoints", Categories: 1},
		},
		Notes: "`OrderedLogistic` and `OrderedProbit` take the K-1 cutpoints along the last axis of `cutpoints`, " +
			"beyond the value's shape; `eta` (and `sigma`) broadcast to the value's shape. Their log-density is " +
			"PyMC's `Categorical(compute_p(...))`: -Inf unless the cutpoints ascend.",
	})
	register(Spec{
		Name: "OrderedProbit", Doc: "One of K ordered categories, P(x <= j) = Phi((cutpoints[j] - eta) / sigma).", Discrete: true,
		Layout: Components,
		Params: []Param{eta, cut, {Name: "sigma", Domain: positive, Doc: "scale", Default: def(1), PerElement: true}},
		Variants: []VariantSpec{
			{Params: []string{"eta", "cutpoints", "sigma"}, Vec: orderedProbit{}, Support: Category, Axis: "cutpoints", Categories: 1},
		},
	})
}
