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
}

// NonCenter rewrites every free Normal whose scale depends on another free
// variable into x = mu + sigma * z with z ~ Normal(0, 1). That is where a
// hierarchy has funnel geometry: when sigma shrinks, x is squeezed with it,
// and no single step size fits both ends; z's geometry does not change with
// sigma. A centred location alone (mu free, sigma fixed) is a plain shift
// and is left alone. The rewrite is off for the whole model when
// model.NonCentered is false, and for one node when its NonCentered is false.
//
// g must be the validated graph of m; the caller's model is not modified.
func NonCenter(m *model.Model, g *model.Graph) *Result {
	res := &Result{Model: m, Aux: map[string]string{}}
	if m.NonCentered != nil && !*m.NonCentered {
		return res
	}
	byName := map[string]*model.Node{}
	for _, n := range m.Nodes {
		byName[n.Name] = n
	}
	var targets []string
	for _, n := range m.Nodes {
		if n.Kind != model.Free || n.Dist != "Normal" {
			continue
		}
		if n.NonCentered != nil && !*n.NonCentered {
			continue
		}
		if n.Transform != "" && n.Transform != "auto" {
			// Normal has no default transform: "none" keeps the node as
			// written, and an ordered vector cannot be shifted and scaled
			// element by element.
			continue
		}
		sigma := n.Params["sigma"]
		if sigma == nil || !dependsOnFree(sigma, byName, map[string]bool{}) {
			continue
		}
		targets = append(targets, n.Name)
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

// dependsOnFree reports whether an expression's value moves with a free
// variable, looking through deterministics.
func dependsOnFree(e *model.Expr, byName map[string]*model.Node, seen map[string]bool) bool {
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
		switch n.Kind {
		case model.Free:
			found = true
		case model.Deterministic:
			found = dependsOnFree(n.Expr, byName, seen)
		}
	})
	return found
}
