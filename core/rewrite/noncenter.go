package rewrite

import (
	"github.com/exmc/exmc/core/model"
)

// AuxSuffix ends the name of the standard-normal variable that replaces a
// non-centred node; the compiler keeps such variables out of the results.
const AuxSuffix = "__z"

// Result is a rewritten model and what was rewritten.
type Result struct {
	Model *model.Model
	// NonCentered lists the nodes that now sample as mu + sigma * z.
	NonCentered []string
	// Aux maps each auxiliary variable to the node it stands for.
	Aux map[string]string
	// Informed maps each node left centred because its data inform it to
	// the estimated share of its posterior precision that comes from the
	// data (see informed.go).
	Informed map[string]float64
}

// NonCenter rewrites a free Normal whose scale depends on another free
// variable into x = mu + sigma * z with z ~ Normal(0, 1). That is where a
// hierarchy has funnel geometry: when sigma shrinks, x is squeezed with it,
// and no single step size fits both ends; z's geometry does not change with
// sigma. A centred location alone (mu free, sigma fixed) is a plain shift
// and is left alone.
//
// The funnel only forms where the prior dominates: when the data pin each
// element down more tightly than sigma spreads them, the centred form
// samples better and the rewrite would build the funnel instead. So by
// default a candidate is rewritten unless its data are estimated to inform
// it (informed.go); noncentered true (for the model or one node, the node's
// setting winning) rewrites every candidate and false none.
//
// g must be the validated graph of m; the caller's model is not modified.
func NonCenter(m *model.Model, g *model.Graph) *Result {
	res := &Result{Model: m, Aux: map[string]string{}, Informed: map[string]float64{}}
	byName := map[string]*model.Node{}
	for _, n := range m.Nodes {
		byName[n.Name] = n
	}
	var targets []string
	auto := map[string][]*model.Node{}
	var families []string
	for _, n := range m.Nodes {
		if how, _ := n.Wrapped(); n.Kind != model.Free || n.Dist != "Normal" || how != "" {
			continue // a truncated Normal is not mu + sigma z
		}
		choice := m.NonCentered
		if n.NonCentered != nil {
			choice = n.NonCentered
		}
		if choice != nil && !*choice {
			continue
		}
		if n.Transform != "" && n.Transform != "auto" {
			// Normal has no default transform: "none" keeps the node as
			// written, and an ordered vector cannot be shifted and scaled
			// element by element.
			continue
		}
		sigma := n.Params["sigma"]
		if sigma == nil || !dependsOn(sigma, byName, isFree) {
			continue
		}
		if choice != nil {
			targets = append(targets, n.Name)
			continue
		}
		key := priorKey(n)
		if auto[key] == nil {
			families = append(families, key)
		}
		auto[key] = append(auto[key], n)
	}
	for _, key := range families {
		family := auto[key]
		kappa, ok := informed(g, family, byName)
		for _, n := range family {
			if ok && kappa > informedAbove {
				res.Informed[n.Name] = kappa
			} else {
				targets = append(targets, n.Name)
			}
		}
	}
	if len(targets) == 0 {
		return res
	}
	out := m.Clone()
	taken := map[string]bool{}
	for _, n := range out.Nodes {
		taken[n.Name] = true
	}
	var nodes []*model.Node
	set := map[string]bool{}
	for _, t := range targets {
		set[t] = true
	}
	for _, n := range out.Nodes {
		if !set[n.Name] {
			nodes = append(nodes, n)
			continue
		}
		aux := n.Name + AuxSuffix
		for taken[aux] {
			aux += "_"
		}
		taken[aux] = true
		z := &model.Node{
			Name:  aux,
			Kind:  model.Free,
			Dist:  "Normal",
			Shape: append([]int{}, g.Shapes[n.Name]...),
			Params: map[string]*model.Expr{
				"mu":    model.Const(0),
				"sigma": model.Const(1),
			},
		}
		mu := n.Params["mu"]
		if mu == nil {
			mu = model.Const(0)
		}
		x := &model.Node{
			Name: n.Name,
			Kind: model.Deterministic,
			Dims: n.Dims,
			Expr: model.Add(mu, model.Mul(n.Params["sigma"], model.Ref(aux))),
		}
		nodes = append(nodes, z, x)
		res.NonCentered = append(res.NonCentered, n.Name)
		res.Aux[aux] = n.Name
	}
	out.Nodes = nodes
	res.Model = out
	return res
}

func isFree(n *model.Node) bool { return n.Kind == model.Free }

// dependsOn reports whether an expression reads a node for which want is
// true, looking through deterministics.
func dependsOn(e *model.Expr, byName map[string]*model.Node, want func(*model.Node) bool) bool {
	return reads(e, byName, want, map[string]bool{})
}

func reads(e *model.Expr, byName map[string]*model.Node, want func(*model.Node) bool, seen map[string]bool) bool {
	found := false
	e.Refs(func(name string) {
		if found || seen[name] {
			return
		}
		seen[name] = true
		n := byName[name]
		if n == nil {
			return
		}
		if want(n) {
			found = true
		} else if n.Kind == model.Deterministic {
			found = reads(n.Expr, byName, want, seen)
		}
	})
	return found
}
