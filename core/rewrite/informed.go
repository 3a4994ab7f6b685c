package rewrite

import (
	"encoding/json"
	"math"

	"github.com/exmc/exmc/core/model"
	"github.com/exmc/exmc/core/shape"
	"gonum.org/v1/gonum/stat"
)

// informedAbove is the share of an element's posterior precision that must
// come from its data, averaged over a family, for the centred form to be
// kept. At one half the data and the prior weigh the same: above it the
// likelihood decouples each element from sigma and the centred geometry is
// the better one, below it the prior's funnel dominates.
const informedAbove = 0.5

// priorKey groups candidates that share one prior (the same location and
// scale expressions): medium's alpha and beta, both Normal(mu, sigma), are
// one exchangeable family whose spread the data can estimate together.
func priorKey(n *model.Node) string {
	mu, _ := json.Marshal(n.Params["mu"])
	sigma, _ := json.Marshal(n.Params["sigma"])
	return string(mu) + "|" + string(sigma)
}

// likelihood is one observed Normal that reads a family through its
// location: the family element each observation reads (-1: none), the
// coefficient it reads it with, the observations less the location's part
// that does not read the family, and their variances (nil when the scale
// is a random variable and must be estimated).
type likelihood struct {
	group    []int
	coef     []float64
	r        []float64
	variance []float64
}

// informed estimates how strongly the data inform a family of centred
// Normals x[e] ~ Normal(mu, sigma), by the method of moments of empirical
// Bayes: each element's data give an estimate of it with a standard error
// se[e]; the spread of the estimates beyond their standard errors
// estimates sigma^2 (tau2 below); element e's posterior precision is then
// a share tau2 / (tau2 + se[e]^2) from its data. It returns the share
// averaged over every element (0 for elements no data read).
//
// An observation may read its element with any coefficient c (mu = c x[e]
// + rest: a slope b[g] * x reads b[g] with c = x): an element whose
// observations all read it with one coefficient is estimated by their
// precision-weighted mean over c, with se^2 = 1 / (c^2 sum(1/v)); one read
// with varying coefficients by a weighted regression on them with an
// intercept of its own, with se^2 = 1 / sum((c - cbar)^2 / v), the
// information that is left once a per-element intercept (another family,
// or none) has taken its share. The intercept keeps another family read by
// the same observations (the intercepts a[g] beside the slopes b[g]) out
// of the estimate and of the noise.
//
// ok is false when the data's relation to the family is not the one this
// estimate understands: every node that reads the family must be an
// observed Normal that reads it through its location, linearly in one
// element (mu = c x[e] + rest, with e any gather, reshape or broadcast of
// the family and c free of the family); and when there is too little data
// to estimate anything. The caller then keeps its default, the rewrite.
func informed(g *model.Graph, family []*model.Node, byName map[string]*model.Node) (float64, bool) {
	member := map[string]bool{}
	total := 0
	zero := map[string][]float64{}
	var tags [len(tagScale)]map[string][]float64
	for j := range tags {
		tags[j] = map[string][]float64{}
	}
	for _, n := range g.Order {
		if n.Kind == model.Free {
			zero[n.Name] = make([]float64, shape.Size(g.Shapes[n.Name]))
			for j := range tags {
				tags[j][n.Name] = zero[n.Name]
			}
		}
	}
	// Three tags per element, s(e+1)+o for each (s, o) of tagScale: a
	// location that moves by c times each reads element e with
	// coefficient c; any other use of the family fails one of them.
	for _, n := range family {
		member[n.Name] = true
		size := shape.Size(g.Shapes[n.Name])
		for j, so := range tagScale {
			t := make([]float64, size)
			for k := range size {
				t[k] = so[0]*float64(total+k+1) + so[1]
			}
			tags[j][n.Name] = t
		}
		total += size
	}
	inFamily := func(n *model.Node) bool { return member[n.Name] }

	var liks []likelihood
	for _, n := range g.Order {
		if member[n.Name] || n.Kind == model.Data || n.Kind == model.Deterministic {
			continue
		}
		if dependsOn(n.Expr, byName, inFamily) || dependsOn(n.Observed, byName, inFamily) {
			return 0, false
		}
		if _, b := n.Wrapped(); b != nil && (dependsOn(b.Lower, byName, inFamily) || dependsOn(b.Upper, byName, inFamily)) {
			return 0, false
		}
		readsMu := false
		for name, p := range n.Params {
			if !dependsOn(p, byName, inFamily) {
				continue
			}
			if how, _ := n.Wrapped(); n.Kind != model.Observed || n.Dist != "Normal" || name != "mu" || how != "" {
				return 0, false
			}
			readsMu = true
		}
		if !readsMu {
			continue
		}
		l, ok := readLikelihood(g, n, total, zero, tags)
		if !ok {
			return 0, false
		}
		liks = append(liks, l)
	}
	if len(liks) == 0 {
		// Nothing observed reads the family: the prior is all there is.
		return 0, true
	}

	els := make([]element, total)
	for _, l := range liks {
		for i, e := range l.group {
			if e >= 0 {
				els[e].obs = append(els[e].obs, obsRead{c: l.coef[i], r: l.r[i], v: variance(l, i)})
			}
		}
	}
	noise, ok := pooledNoise(els)
	if !ok {
		return 0, false
	}
	var est, se2 []float64
	for e := range els {
		if x, s, ok := els[e].estimate(noise); ok {
			est = append(est, x)
			se2 = append(se2, s)
		}
	}
	if len(est) < 2 {
		// One informed element says nothing about the spread sigma.
		return 0, false
	}
	tau2 := max(stat.Variance(est, nil)-stat.Mean(se2, nil), 0)
	share := 0.0
	for _, s := range se2 {
		if tau2 > 0 {
			share += tau2 / (tau2 + s)
		}
	}
	return share / float64(total), true
}

// tagScale holds the scale and offset of the three tags: element e is set
// to s(e+1)+o.
var tagScale = [3][2]float64{{1, 0}, {3, 0.5}, {7, 0.25}}

// variance is observation i's variance, -1 when it is to be estimated.
func variance(l likelihood, i int) float64 {
	if l.variance == nil {
		return -1
	}
	return l.variance[i]
}

// obsRead is one observation of an element: it reads the element with
// coefficient c, r is the observation less the rest of its location, v its
// variance (-1: the pooled noise).
type obsRead struct{ c, r, v float64 }

// element gathers the observations that read one family element.
type element struct{ obs []obsRead }

// varying reports whether the element's observations read it with
// different coefficients.
func (el *element) varying() bool {
	for _, o := range el.obs {
		if math.Abs(o.c-el.obs[0].c) > 1e-9*math.Abs(el.obs[0].c) {
			return true
		}
	}
	return false
}

// estimate is the element's estimate from its data and its squared
// standard error, by a weighted mean (one coefficient) or a weighted
// regression with an intercept (varying coefficients); ok is false when
// its data do not estimate it.
func (el *element) estimate(noise float64) (x, se2 float64, ok bool) {
	if len(el.obs) == 0 {
		return 0, 0, false
	}
	var sw, swc, swr float64
	w := func(o obsRead) float64 {
		v := o.v
		if v < 0 {
			v = noise
		}
		if !(v > 0) {
			// Exact data: the element is fixed by them.
			v = math.SmallestNonzeroFloat64
		}
		return 1 / v
	}
	for _, o := range el.obs {
		sw += w(o)
		swc += w(o) * o.c
		swr += w(o) * o.r
	}
	if !el.varying() {
		c := el.obs[0].c
		info := c * c * sw
		if !(info > 0) || math.IsInf(info, 0) {
			return 0, 0, false
		}
		return swr / sw / c, 1 / info, true
	}
	cbar, rbar := swc/sw, swr/sw
	var scc, scr float64
	for _, o := range el.obs {
		dc := o.c - cbar
		scc += w(o) * dc * dc
		scr += w(o) * dc * (o.r - rbar)
	}
	if !(scc > 0) || math.IsInf(scc, 0) {
		return 0, 0, false
	}
	return scr / scc, 1 / scc, true
}

// readLikelihood maps every observation of n to the family element its
// location reads and the coefficient it reads it with, by evaluating the
// location with the family at zero and at the three tags (every other free
// variable at zero).
func readLikelihood(g *model.Graph, n *model.Node, total int, zero map[string][]float64, tags [len(tagScale)]map[string][]float64) (likelihood, bool) {
	y, yShape, ok := g.Constant(n.Observed)
	if !ok {
		return likelihood{}, false
	}
	at := func(e *model.Expr, vals map[string][]float64) ([]float64, bool) {
		v, s, ok := g.Evaluate(e, vals)
		if !ok {
			return nil, false
		}
		return spread(v, s, yShape)
	}
	base, ok := at(n.Params["mu"], zero)
	if !ok {
		return likelihood{}, false
	}
	var d [len(tagScale)][]float64
	for j := range tags {
		if d[j], ok = at(n.Params["mu"], tags[j]); !ok {
			return likelihood{}, false
		}
	}
	l := likelihood{group: make([]int, len(y)), coef: make([]float64, len(y)), r: make([]float64, len(y))}
	for i := range y {
		a, b, t := d[0][i]-base[i], d[1][i]-base[i], d[2][i]-base[i]
		scale := math.Max(math.Abs(a), math.Max(math.Abs(b), math.Abs(t)))
		tol := 1e-9 * (1 + scale)
		l.group[i] = -1
		if scale <= tol {
			continue // reads no element (or with a coefficient of zero)
		}
		// a = c(k+1) and b = c(3(k+1)+1/2), so c = 2(b-3a) and k+1 = a/c;
		// the third tag checks it.
		c := 2 * (b - 3*a)
		if c == 0 {
			return likelihood{}, false
		}
		k := math.Round(a / c)
		if math.Abs(a-c*k) > tol || k < 1 || k > float64(total) ||
			math.Abs(t-c*(tagScale[2][0]*k+tagScale[2][1])) > 8*tol {
			return likelihood{}, false
		}
		if math.IsNaN(y[i]) || math.IsInf(y[i], 0) {
			continue
		}
		l.group[i], l.coef[i], l.r[i] = int(k)-1, c, y[i]-base[i]
	}
	sigma := n.Params["sigma"]
	if sigma == nil {
		sigma = model.Const(1)
	}
	if s, sShape, ok := g.Constant(sigma); ok {
		s, ok = spread(s, sShape, yShape)
		if !ok {
			return likelihood{}, false
		}
		l.variance = make([]float64, len(s))
		for i, v := range s {
			l.variance[i] = v * v
		}
	}
	return l, true
}

// pooledNoise estimates the variance of the observations whose scale is a
// random variable from their residuals within family elements (about the
// element's mean, or its regression line when the coefficients vary),
// pooled over the elements; ok is false when they need it and no element
// has enough such observations to leave a residual.
func pooledNoise(els []element) (float64, bool) {
	need := false
	ss, df := 0.0, 0.0
	for _, el := range els {
		var own []obsRead
		for _, o := range el.obs {
			if o.v < 0 {
				own = append(own, o)
			}
		}
		if len(own) == 0 {
			continue
		}
		need = true
		sub := element{obs: own}
		params := 1
		if sub.varying() {
			params = 2
		}
		if len(own) <= params {
			continue
		}
		n := float64(len(own))
		var mc, mr float64
		for _, o := range own {
			mc += o.c / n
			mr += o.r / n
		}
		var scc, scr, srr float64
		for _, o := range own {
			scc += (o.c - mc) * (o.c - mc)
			scr += (o.c - mc) * (o.r - mr)
			srr += (o.r - mr) * (o.r - mr)
		}
		res := srr
		if params == 2 {
			res -= scr * scr / scc
		}
		ss += max(res, 0)
		df += n - float64(params)
	}
	if !need {
		return 0, true
	}
	if df == 0 {
		return 0, false
	}
	return ss / df, true
}

// spread broadcasts v (of shape from) to shape to.
func spread(v []float64, from, to []int) ([]float64, bool) {
	m, err := shape.NewMap(from, to)
	if err != nil {
		return nil, false
	}
	out := make([]float64, shape.Size(to))
	for i := range out {
		out[i] = v[m.At(i)]
	}
	return out, true
}
