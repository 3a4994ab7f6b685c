package model

import (
	"math"
	"strings"
	"testing"

	"github.com/exmc/exmc/core/ops"
)

func base() *Builder {
	b := NewBuilder()
	b.Data("y", []float64{1, 2, 3})
	b.RV("mu", "Normal", P{"mu": 0, "sigma": 1})
	b.RV("sigma", "HalfNormal", P{"sigma": 1})
	return b
}

func TestValidateErrors(t *testing.T) {
	cases := []struct {
		name  string
		build func(b *Builder)
		want  []string // substrings the error must contain
	}{
		{"unknown distribution", func(b *Builder) { b.RV("x", "Normul", P{}) }, []string{`"x"`, "Normul"}},
		{"alias beside its parameter", func(b *Builder) { b.RV("x", "Normal", P{"tau": 4, "sigma": 1}) },
			[]string{`"x"`, `"sigma" or "tau"`}},
		{"unknown parameter", func(b *Builder) { b.RV("x", "Normal", P{"mu": 0, "sd": 1}) }, []string{`"x"`, "sd"}},
		{"missing parameter", func(b *Builder) { b.RV("x", "Gamma", P{"alpha": 1}) }, []string{`"x"`, "beta"}},
		{"missing reference", func(b *Builder) { b.RV("x", "Normal", P{"mu": "nope", "sigma": 1}) }, []string{`"x"`, `"nope"`}},
		{"cycle", func(b *Builder) {
			b.Det("a", Add("b", 1))
			b.Det("b", Mul("a", 2))
		}, []string{"refers back", "a -> b -> a"}},
		{"self reference", func(b *Builder) { b.RV("x", "Normal", P{"mu": "x", "sigma": 1}) }, []string{`"x"`, "refers back"}},
		{"shape mismatch", func(b *Builder) {
			b.RV("x", "Normal", P{"mu": []float64{0, 0}, "sigma": 1}, Shape(3))
		}, []string{`"x"`, "does not broadcast"}},
		{"op shape mismatch", func(b *Builder) {
			b.Det("d", Add("y", []float64{1, 2}))
		}, []string{`"d"`, "broadcast"}},
		{"unknown op", func(b *Builder) { b.Det("d", Call("frobnicate", Axis(0), "y")) }, []string{`"d"`, "frobnicate"}},
		{"nan data", func(b *Builder) { b.Data("z", []float64{1, math.NaN()}) }, []string{`"z"`, "NaN"}},
		// infinite data is a censoring or truncation bound's only
		{"inf data", func(b *Builder) {
			b.Data("z", []float64{math.Inf(1)})
			b.Obs("o", "Normal", P{"mu": "z", "sigma": 1}, "y")
		}, []string{`"o"`, `"z"`, "+Inf at index 0", "censoring or truncation bound"}},
		{"negative constant scale", func(b *Builder) { b.RV("x", "Normal", P{"mu": 0, "sigma": -1}) }, []string{`"x"`, "sigma"}},
		{"negative scale in data", func(b *Builder) {
			b.Data("s", []float64{1, -2, 3})
			b.Obs("o", "Normal", P{"mu": 0, "sigma": "s"}, "y")
		}, []string{`"o"`, "sigma"}},
		{"observed outside support", func(b *Builder) {
			b.Obs("o", "Poisson", P{"mu": "sigma"}, []float64{1, -1})
		}, []string{`"o"`, "support"}},
		{"Geometric at 0", func(b *Builder) {
			b.Obs("o", "Geometric", P{"p": 0.5}, []float64{1, 0})
		}, []string{`"o"`, "support"}},
		{"observed above DiscreteUniform bound", func(b *Builder) {
			b.Obs("o", "DiscreteUniform", P{"lower": -1, "upper": 2}, []float64{0, 3})
		}, []string{`"o"`, "support"}},
		{"DiscreteUniform bounds crossed", func(b *Builder) {
			b.Obs("o", "DiscreteUniform", P{"lower": 2, "upper": 1}, []float64{1})
		}, []string{`"o"`, "at most"}},
		{"non-binary Bernoulli", func(b *Builder) {
			b.Obs("o", "Bernoulli", P{"p": 0.5}, []float64{0, 2})
		}, []string{`"o"`, "support"}},
		{"observed above Uniform bound", func(b *Builder) {
			b.Obs("o", "Uniform", P{"lower": 0, "upper": 2}, "y")
		}, []string{`"o"`, "support"}},
		{"discrete free", func(b *Builder) { b.RV("k", "Poisson", P{"mu": 1}) }, []string{`"k"`, "discrete"}},
		{"duplicate name", func(b *Builder) { b.RV("mu", "Normal", P{}) }, []string{`"mu"`, "another node"}},
		{"dims rank", func(b *Builder) { b.RV("x", "Normal", P{}, Shape(3), Dims("a", "b")) }, []string{`"x"`, "dims"}},
		{"dims coords length", func(b *Builder) {
			b.Coords("school", "a", "b")
			b.RV("x", "Normal", P{}, Shape(3), Dims("school"))
		}, []string{`"x"`, "school"}},
		{"gather out of range", func(b *Builder) {
			b.IntData("idx", []int{0, 3})
			b.Det("g", Gather("y", "idx"))
		}, []string{`"g"`, "out of range"}},
		{"gather non-constant index", func(b *Builder) {
			b.RV("x", "Normal", P{}, Shape(2))
			b.Det("g", Gather("y", "x"))
		}, []string{`"g"`, "constant integer"}},
		{"scatter out of range", func(b *Builder) {
			b.IntData("idx", []int{0, -4})
			b.Det("s", Call("scatter", ops.Attrs{}, "y", "idx", 1.0))
		}, []string{`"s"`, "scatter", "out of range"}},
		{"scatter_add non-constant index", func(b *Builder) {
			b.RV("x", "Normal", P{}, Shape(2))
			b.Det("s", Call("scatter_add", ops.Attrs{}, "y", "x", 1.0))
		}, []string{`"s"`, "constant integer"}},
		{"reference to potential", func(b *Builder) {
			b.Potential("p", Mul("mu", 2))
			b.Det("d", Add("p", 1))
		}, []string{`"d"`, "potential"}},
		{"vector dist without shape", func(b *Builder) { b.RV("w", "GaussianRandomWalk", P{"sigma": 1}) }, []string{`"w"`, "shape"}},
		{"unknown transform", func(b *Builder) {
			b.RV("x", "HalfNormal", P{}, func(n *Node) { n.Transform = "logit" })
		}, []string{`"x"`, "transform"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := base()
			c.build(b)
			m, err := b.Model()
			if err == nil {
				_, err = Validate(m, nil)
			}
			if err == nil {
				t.Fatal("accepted an invalid model")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Fatalf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestValidateArrays(t *testing.T) {
	m := &Model{Format: Format, Nodes: []*Node{
		{Name: "X", Kind: Data, Shape: []int{2, 2}},
		{Name: "b", Kind: Free, Dist: "Normal", Shape: []int{2}},
		{Name: "y", Kind: Observed, Dist: "Normal", Params: map[string]*Expr{"mu": MatMul("X", "b")}, Observed: Array([]float64{1, 2}, 2)},
	}}
	if _, err := Validate(m, nil); err == nil || !strings.Contains(err.Error(), `"X"`) {
		t.Fatalf("missing array not reported: %v", err)
	}
	if _, err := Validate(m, map[string][]float64{"X": {1, 2, 3}}); err == nil || !strings.Contains(err.Error(), "needs 4 values") {
		t.Fatalf("wrong-size array not reported: %v", err)
	}
	if _, err := Validate(m, map[string][]float64{"Z": {1}}); err == nil || !strings.Contains(err.Error(), `"Z"`) {
		t.Fatalf("stray array not reported: %v", err)
	}
	g, err := Validate(m, map[string][]float64{"X": {1, 2, 3, 4}})
	if err != nil {
		t.Fatal(err)
	}
	if got := g.Shapes["y"]; len(got) != 1 || got[0] != 2 {
		t.Fatalf("observed shape %v", got)
	}
	// dependencies come first whatever the node order
	pos := map[string]int{}
	for i, n := range g.Order {
		pos[n.Name] = i
	}
	if pos["y"] < pos["X"] || pos["y"] < pos["b"] {
		t.Fatalf("order %v", pos)
	}
}

func TestValidateDefaultsAndBroadcastShape(t *testing.T) {
	b := NewBuilder()
	b.RV("x", "Normal", P{"mu": []float64{1, 2, 3}})
	m, _ := b.Model()
	g, err := Validate(m, nil)
	if err != nil {
		t.Fatal(err)
	}
	if s := g.Shapes["x"]; len(s) != 1 || s[0] != 3 {
		t.Fatalf("shape from parameters %v, want (3,)", s)
	}
	if ps := g.Params["x"]; len(ps) != 2 || !ps[1].IsScalarConst() || ps[1].Const[0] != 1 {
		t.Fatalf("default sigma not filled: %+v", ps)
	}
}

// PyMC's other spellings of a parameter (the catalogue's aliases) become
// the canonical parameter: Normal's tau, as sigma = tau^-0.5.
func TestValidateAliases(t *testing.T) {
	b := NewBuilder()
	b.RV("x", "Normal", P{"mu": 0, "tau": 4})
	b.RV("e", "Exponential", P{"scale": 2})
	m, _ := b.Model()
	g, err := Validate(m, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		node  string
		index int
		want  float64
	}{{"x", 1, 0.5}, {"e", 0, 0.5}} {
		e := g.Params[c.node][c.index]
		if v, _, ok := g.Constant(e); !ok || len(v) != 1 || math.Abs(v[0]-c.want) > 1e-15 {
			t.Errorf("%s: parameter %d is %+v (folded %v), want %g", c.node, c.index, e, v, c.want)
		}
	}
}

// Validation rewrites aliases in its own copy: the caller's model keeps
// the parameters it was given.
func TestValidateLeavesTheCallersModel(t *testing.T) {
	b := NewBuilder()
	b.RV("x", "Normal", P{"mu": 0, "tau": 4})
	m, _ := b.Model()
	before := m.Nodes[0]
	g, err := Validate(m, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := m.Nodes[0].Params["tau"]; !ok || m.Nodes[0] != before || len(m.Nodes[0].Params) != 2 {
		t.Errorf("the caller's node changed: %+v", m.Nodes[0].Params)
	}
	n := g.Model.Nodes[0]
	if _, ok := n.Params["sigma"]; !ok || g.Order[0] != n || g.byName["x"] != n {
		t.Errorf("the validated model's node is not the rewritten copy: %+v", n.Params)
	}
}
