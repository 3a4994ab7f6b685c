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
// observations, and their variances (nil when the scale is a random
// variable and must be estimated).
type likelihood struct {
	group    []int
	y        []float64
	variance []float64
}

// informed estimates how strongly the data inform a family of centred
// Normals x[e] ~ Normal(mu, sigma), by the method of moments of empirical
// Bayes: each element's data give a precision-weighted mean ybar[e] with
// standard error se[e]; the spread of the ybar beyond their standard errors
// estimates sigma^2 (tau2 below); element e's posterior precision is then a
// share tau2 / (tau2 + se[e]^2) from its data. It returns the share
// averaged over every element (0 for elements no data read).
//
// ok is false when the data's relation to the family is not the one this
// estimate understands: every node that reads the family must be an
// observed Normal that reads it through its location as a plain shift
// (mu = x[e] + c, with e any gather, reshape or broadcast of the family);
// and when there is too little data to estimate anything. The caller then
// keeps its default, the rewrite.
func informed(g *model.Graph, family []*model.Node, byName map[string]*model.Node) (float64, bool) {
	member := map[string]bool{}
	total := 0
	zero, tag1, tag2 := map[string][]float64{}, map[string][]float64{}, map[string][]float64{}
	for _, n := range g.Order {
		if n.Kind == model.Free {
			zero[n.Name] = make([]float64, shape.Size(g.Shapes[n.Name]))
			tag1[n.Name], tag2[n.Name] = zero[n.Name], zero[n.Name]
		}
	}
	// Two tags per element, e+1 and 3(e+1)+1/2: a location that moves by
	// exactly both reads element e with coefficient one; any other linear
	// or non-linear use of the family fails one of the two.
	for _, n := range family {
		member[n.Name] = true
		size := shape.Size(g.Shapes[n.Name])
		t1, t2 := make([]float64, size), make([]float64, size)
		for k := range size {
			t1[k] = float64(total + k + 1)
			t2[k] = 3*t1[k] + 0.5
		}
		tag1[n.Name], tag2[n.Name] = t1, t2
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
		l, ok := readLikelihood(g, n, total, zero, tag1, tag2)
		if !ok {
			return 0, false
		}
		liks = append(liks, l)
	}
	if len(liks) == 0 {
		// Nothing observed reads the family: the prior is all there is.
		return 0, true
	}

	noise, ok := pooledNoise(liks, total)
	if !ok {
		return 0, false
	}
	precision := make([]float64, total)
	weighted := make([]float64, total)
	for _, l := range liks {
		for i, e := range l.group {
			if e < 0 {
				continue
			}
			v := noise
			if l.variance != nil {
				v = l.variance[i]
			}
			if !(v > 0) {
				// Exact data: the element is fixed by them.
				v = math.SmallestNonzeroFloat64
			}
			precision[e] += 1 / v
			weighted[e] += l.y[i] / v
		}
	}
	var ybar, se2 []float64
	for e := range total {
		if precision[e] > 0 {
			ybar = append(ybar, weighted[e]/precision[e])
			se2 = append(se2, 1/precision[e])
		}
	}
	if len(ybar) < 2 {
		// One informed element says nothing about the spread sigma.
		return 0, false
	}
	tau2 := max(stat.Variance(ybar, nil)-stat.Mean(se2, nil), 0)
	share := 0.0
	for _, s := range se2 {
		if tau2 > 0 {
			share += tau2 / (tau2 + s)
		}
	}
	return share / float64(total), true
}

// readLikelihood maps every observation of n to the family element its
// location reads, by evaluating the location with the family at zero and
// at the two tags (every other free variable at zero).
func readLikelihood(g *model.Graph, n *model.Node, total int, zero, tag1, tag2 map[string][]float64) (likelihood, bool) {
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
	base, ok0 := at(n.Params["mu"], zero)
	d1, ok1 := at(n.Params["mu"], tag1)
	d2, ok2 := at(n.Params["mu"], tag2)
	if !ok0 || !ok1 || !ok2 {
		return likelihood{}, false
	}
	l := likelihood{group: make([]int, len(y)), y: y}
	for i := range y {
		a, b := d1[i]-base[i], d2[i]-base[i]
		k := math.Round(a)
		tol := 1e-9 * (1 + math.Abs(k))
		switch {
		case math.Abs(a-k) > tol || k < 0 || k > float64(total):
			return likelihood{}, false
		case k == 0 && math.Abs(b) > tol:
			return likelihood{}, false
		case k > 0 && math.Abs(b-(3*k+0.5)) > 3*tol:
			return likelihood{}, false
		}
		l.group[i] = int(k) - 1
		if math.IsNaN(y[i]) || math.IsInf(y[i], 0) {
			l.group[i] = -1
		}
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
// random variable from their spread within family elements (the pooled
// within-group variance); ok is false when they need it and no element has
// two such observations.
func pooledNoise(liks []likelihood, total int) (float64, bool) {
	need := false
	sum := make([]float64, total)
	sumSq := make([]float64, total)
	count := make([]float64, total)
	for _, l := range liks {
		if l.variance != nil {
			continue
		}
		need = true
		for i, e := range l.group {
			if e >= 0 {
				sum[e] += l.y[i]
				sumSq[e] += l.y[i] * l.y[i]
				count[e]++
			}
		}
	}
	if !need {
		return 0, true
	}
	ss, df := 0.0, 0.0
	for e := range total {
		if count[e] >= 2 {
			m := sum[e] / count[e]
			ss += max(sumSq[e]-count[e]*m*m, 0)
			df += count[e] - 1
		}
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
