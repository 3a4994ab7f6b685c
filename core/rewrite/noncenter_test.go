package rewrite

import (
	"reflect"
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
