package rewrite

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/exmc/exmc/core/model"
)

func TestNonCenter(t *testing.T) {
	cases := []struct {
		name  string
		build func(b *model.Builder)
		want  []string
	}{
		{"hierarchy", func(b *model.Builder) {
			b.RV("mu", "Normal", model.P{})
			b.RV("tau", "HalfNormal", model.P{})
			b.RV("theta", "Normal", model.P{"mu": "mu", "sigma": "tau"}, model.Shape(3))
		}, []string{"theta"}},
		{"funnel: constant location, scale a function of a free variable", func(b *model.Builder) {
			b.RV("v", "Normal", model.P{"sigma": 3})
			b.RV("x", "Normal", model.P{"mu": 0, "sigma": model.Exp(model.Div("v", 2))}, model.Shape(9))
		}, []string{"x"}},
		{"scale through a deterministic", func(b *model.Builder) {
			b.RV("u", "Normal", model.P{})
			b.Det("s", model.Exp("u"))
			b.RV("x", "Normal", model.P{"sigma": "s"})
		}, []string{"x"}},
		{"free location, constant scale: a shift, left alone", func(b *model.Builder) {
			b.RV("mu", "Normal", model.P{})
			b.RV("x", "Normal", model.P{"mu": "mu", "sigma": 2})
		}, nil},
		{"scale from data only", func(b *model.Builder) {
			b.Data("s", []float64{1, 2})
			b.RV("x", "Normal", model.P{"sigma": "s"})
		}, nil},
		{"not a Normal", func(b *model.Builder) {
			b.RV("tau", "HalfNormal", model.P{})
			b.RV("x", "StudentT", model.P{"nu": 3, "sigma": "tau"})
		}, nil},
		{"switched off for the node", func(b *model.Builder) {
			b.RV("tau", "HalfNormal", model.P{})
			b.RV("x", "Normal", model.P{"sigma": "tau"}, model.Centered())
		}, nil},
		{"switched off for the model", func(b *model.Builder) {
			b.CenteredModel()
			b.RV("tau", "HalfNormal", model.P{})
			b.RV("x", "Normal", model.P{"sigma": "tau"})
		}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := model.NewBuilder()
			c.build(b)
			m, err := b.Model()
			if err != nil {
				t.Fatal(err)
			}
			before, _ := m.JSON()
			g, err := model.Validate(m, nil)
			if err != nil {
				t.Fatal(err)
			}
			res := NonCenter(m, g)
			if !reflect.DeepEqual(res.NonCentered, c.want) {
				t.Fatalf("rewrote %v, want %v", res.NonCentered, c.want)
			}
			if after, _ := m.JSON(); string(after) != string(before) {
				t.Fatal("the caller's model was modified")
			}
			if len(c.want) == 0 {
				if res.Model != m {
					t.Fatal("a model with nothing to rewrite was copied")
				}
				return
			}
			for _, name := range c.want {
				x := res.Model.Node(name)
				if x.Kind != model.Deterministic {
					t.Fatalf("%s is %s after the rewrite, want deterministic", name, x.Kind)
				}
				z := res.Model.Node(name + AuxSuffix)
				if z == nil || z.Kind != model.Free || res.Aux[z.Name] != name {
					t.Fatalf("no auxiliary standard normal for %s", name)
				}
				if !reflect.DeepEqual(z.Shape, g.Shapes[name]) {
					t.Fatalf("auxiliary shape %v, want %v", z.Shape, g.Shapes[name])
				}
			}
			if _, err := model.Validate(res.Model, nil); err != nil {
				t.Fatalf("rewritten model is invalid: %v", err)
			}
		})
	}
}

// The data decide between the two forms unless the model says which: these
// cases are built so that the estimated share of precision from the data is
// far from the threshold (near 0 or near 1), so the decision is not
// sensitive to the estimator's noise.
func TestInformedChoice(t *testing.T) {
	on, off := true, false
	hierarchy := func(b *model.Builder, groups int) {
		b.RV("mu", "Normal", model.P{"sigma": 10})
		b.RV("tau", "HalfNormal", model.P{"sigma": 5})
		b.RV("theta", "Normal", model.P{"mu": "mu", "sigma": "tau"}, model.Shape(groups))
	}
	cases := []struct {
		name     string
		build    func(b *model.Builder)
		want     []string // rewritten
		informed []string // kept centred because the data inform them
	}{
		{"eight schools: one noisy observation per school", func(b *model.Builder) {
			hierarchy(b, 8)
			b.Data("sigma", []float64{15, 10, 16, 11, 9, 11, 10, 18})
			b.Obs("y", "Normal", model.P{"mu": "theta", "sigma": "sigma"}, []float64{28, 8, -3, 7, -1, 1, 18, 12})
		}, []string{"theta"}, nil},
		{"precise observations of well separated groups", func(b *model.Builder) {
			hierarchy(b, 3)
			b.Obs("y", "Normal", model.P{"mu": "theta", "sigma": 0.1}, []float64{-4, 1, 7})
		}, nil, []string{"theta"}},
		{"groups read through an integer index, noise estimated", func(b *model.Builder) {
			hierarchy(b, 3)
			b.IntData("g", []int{0, 0, 1, 1, 2, 2, 2})
			b.RV("s", "Exponential", model.P{})
			b.Obs("y", "Normal", model.P{"mu": model.Add(model.Gather("theta", "g"), 0.5), "sigma": "s"},
				[]float64{-4.1, -3.9, 1.1, 0.9, 7, 7.2, 6.8})
		}, nil, []string{"theta"}},
		{"the same groups, overwhelmed by their noise", func(b *model.Builder) {
			hierarchy(b, 3)
			b.IntData("g", []int{0, 0, 1, 1, 2, 2, 2})
			b.RV("s", "Exponential", model.P{})
			b.Obs("y", "Normal", model.P{"mu": model.Gather("theta", "g"), "sigma": "s"},
				[]float64{-9, 11, 12, -8, 10, -10, 1})
		}, []string{"theta"}, nil},
		{"two scalar nodes sharing a prior are one family", func(b *model.Builder) {
			b.RV("m", "Normal", model.P{"sigma": 10})
			b.RV("s", "Exponential", model.P{})
			b.RV("a", "Normal", model.P{"mu": "m", "sigma": "s"})
			b.RV("c", "Normal", model.P{"mu": "m", "sigma": "s"})
			b.RV("noise", "Exponential", model.P{"lam": 2})
			b.Obs("ya", "Normal", model.P{"mu": "a", "sigma": "noise"}, []float64{4, 5})
			b.Obs("yc", "Normal", model.P{"mu": "c", "sigma": "noise"}, []float64{8})
		}, nil, []string{"a", "c"}},
		{"a scaled location reads the family with its coefficient", func(b *model.Builder) {
			hierarchy(b, 3)
			b.Obs("y", "Normal", model.P{"mu": model.Mul("theta", 2), "sigma": 0.1}, []float64{-4, 1, 7})
		}, nil, []string{"theta"}},
		{"a location not linear in the family: default kept", func(b *model.Builder) {
			hierarchy(b, 3)
			b.Obs("y", "Normal", model.P{"mu": model.Mul("theta", "theta"), "sigma": 0.1}, []float64{4, 1, 7})
		}, []string{"theta"}, nil},
		{"a location reading two elements: default kept", func(b *model.Builder) {
			hierarchy(b, 3)
			b.Obs("y", "Normal", model.P{"mu": model.Add("theta", model.Sum("theta")), "sigma": 0.1}, []float64{4, 1, 7})
		}, []string{"theta"}, nil},
		{"slopes of well separated groups, intercepts beside them", func(b *model.Builder) {
			slopes(b, []float64{0.3, -0.2, 0.5}, 0.1)
		}, nil, []string{"a", "theta"}},
		{"slopes drowned in their noise", func(b *model.Builder) {
			slopes(b, []float64{0.1, 0, -0.1}, 5)
		}, []string{"a", "theta"}, nil},
		{"a likelihood other than Normal: default kept", func(b *model.Builder) {
			hierarchy(b, 3)
			b.Obs("y", "StudentT", model.P{"nu": 4, "mu": "theta", "sigma": 0.1}, []float64{-4, 1, 7})
		}, []string{"theta"}, nil},
		{"the family in an observation's scale: default kept", func(b *model.Builder) {
			hierarchy(b, 3)
			b.Obs("y", "Normal", model.P{"mu": "theta", "sigma": model.Exp("theta")}, []float64{-4, 1, 7})
		}, []string{"theta"}, nil},
		{"one observed group says nothing of the spread: default kept", func(b *model.Builder) {
			hierarchy(b, 1)
			b.Obs("y", "Normal", model.P{"mu": "theta", "sigma": 0.1}, []float64{3, 3.1})
		}, []string{"theta"}, nil},
		{"noise to estimate but one observation per group: default kept", func(b *model.Builder) {
			hierarchy(b, 3)
			b.RV("s", "Exponential", model.P{})
			b.Obs("y", "Normal", model.P{"mu": "theta", "sigma": "s"}, []float64{-4, 1, 7})
		}, []string{"theta"}, nil},
		{"informed, but the node asks for the rewrite", func(b *model.Builder) {
			b.RV("mu", "Normal", model.P{"sigma": 10})
			b.RV("tau", "HalfNormal", model.P{"sigma": 5})
			b.RV("theta", "Normal", model.P{"mu": "mu", "sigma": "tau"}, model.Shape(3),
				func(n *model.Node) { n.NonCentered = &on })
			b.Obs("y", "Normal", model.P{"mu": "theta", "sigma": 0.1}, []float64{-4, 1, 7})
		}, []string{"theta"}, nil},
		{"informed, the model asks for the rewrite, the node does not", func(b *model.Builder) {
			b.RV("mu", "Normal", model.P{"sigma": 10})
			b.RV("tau", "HalfNormal", model.P{"sigma": 5})
			b.RV("theta", "Normal", model.P{"mu": "mu", "sigma": "tau"}, model.Shape(3),
				func(n *model.Node) { n.NonCentered = &off })
			b.RV("phi", "Normal", model.P{"mu": "mu", "sigma": "tau"}, model.Shape(3))
			b.Obs("y", "Normal", model.P{"mu": "theta", "sigma": 0.1}, []float64{-4, 1, 7})
			b.Obs("w", "Normal", model.P{"mu": "phi", "sigma": 0.1}, []float64{-4, 1, 7})
		}, []string{"phi"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := model.NewBuilder()
			c.build(b)
			m, err := b.Model()
			if err != nil {
				t.Fatal(err)
			}
			if c.name == "informed, the model asks for the rewrite, the node does not" {
				m.NonCentered = &on
			}
			g, err := model.Validate(m, nil)
			if err != nil {
				t.Fatal(err)
			}
			res := NonCenter(m, g)
			if !reflect.DeepEqual(res.NonCentered, c.want) {
				t.Fatalf("rewrote %v, want %v", res.NonCentered, c.want)
			}
			var informed []string
			for name, share := range res.Informed {
				if !(share > informedAbove && share <= 1) {
					t.Errorf("%s: informed share %v", name, share)
				}
				informed = append(informed, name)
			}
			slices.Sort(informed)
			if !reflect.DeepEqual(informed, c.informed) {
				t.Fatalf("kept centred as informed: %v, want %v", informed, c.informed)
			}
		})
	}
}

// slopes builds varying intercepts a[g] and slopes theta[g], a Normal
// likelihood of a[g] + theta[g] * x with its noise a random variable, and
// data drawn from the given slopes, intercepts 1, -1, 2 and noise of sd
// noise (a fixed stream, five observations per group).
func slopes(b *model.Builder, theta []float64, noise float64) {
	r := rand.New(rand.NewPCG(7, 8))
	icpt := []float64{1, -1, 2}
	var g []int
	var x, y []float64
	for k := range theta {
		for _, xi := range []float64{-2, -1, 0, 1, 2} {
			g = append(g, k)
			x = append(x, xi+0.1*float64(k))
			y = append(y, icpt[k]+theta[k]*x[len(x)-1]+noise*r.NormFloat64())
		}
	}
	b.RV("mu_a", "Normal", model.P{"sigma": 10})
	b.RV("tau_a", "HalfNormal", model.P{"sigma": 5})
	b.RV("a", "Normal", model.P{"mu": "mu_a", "sigma": "tau_a"}, model.Shape(len(theta)))
	b.RV("mu", "Normal", model.P{"sigma": 10})
	b.RV("tau", "HalfNormal", model.P{"sigma": 5})
	b.RV("theta", "Normal", model.P{"mu": "mu", "sigma": "tau"}, model.Shape(len(theta)))
	b.IntData("g", g)
	b.Data("x", x)
	b.RV("s", "Exponential", model.P{})
	b.Obs("y", "Normal", model.P{"mu": model.Add(model.Gather("a", "g"), model.Mul(model.Gather("theta", "g"), "x")), "sigma": "s"}, y)
}
