package compile

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/exmc/exmc/core/expr"
	"github.com/exmc/exmc/core/model"
	"github.com/exmc/exmc/core/transform"
)

func compileBuilt(t *testing.T, build func(b *model.Builder)) *Model {
	t.Helper()
	b := model.NewBuilder()
	build(b)
	m, err := b.Model()
	if err != nil {
		t.Fatal(err)
	}
	c, err := Compile(m, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func ordered() model.Option { return func(n *model.Node) { n.Transform = "ordered" } }

// An ordered Normal vector: x = (y0, y0 + e^y1, ...), log-Jacobian
// y1 + y2 + ..., and the Normal density of the constrained values.
func TestOrderedTransform(t *testing.T) {
	c := compileBuilt(t, func(b *model.Builder) {
		b.RV("s", "HalfNormal", model.P{"sigma": 2})
		b.RV("cut", "Normal", model.P{"mu": 0, "sigma": "s"}, model.Shape(3), ordered())
	})
	if len(c.NonCentered()) != 0 {
		t.Fatalf("an ordered node was non-centred: %v", c.NonCentered())
	}
	ps := c.Params()
	if len(ps) != 2 || ps[1].Transform != transform.Ordered || ps[1].ValueName != "cut_ordered__" {
		t.Fatalf("params %+v", ps)
	}
	x := []float64{0.3, -1, 0.2, -0.5}
	s := math.Exp(x[0])
	cut := []float64{-1, -1 + math.Exp(0.2), -1 + math.Exp(0.2) + math.Exp(-0.5)}
	want := math.Log(2) + normLogpdf(s, 0, 2) + x[0] + 0.2 - 0.5
	for _, v := range cut {
		want += normLogpdf(v, 0, s)
	}
	grad := make([]float64, 4)
	lp, err := c.LogpGrad(x, grad)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(lp-want) > 1e-12*math.Abs(want) {
		t.Fatalf("logp %v, want %v", lp, want)
	}
	out := make([]float64, c.ConstrainedSize())
	if err := c.Constrain(x, out); err != nil {
		t.Fatal(err)
	}
	for i, v := range cut {
		if math.Abs(out[1+i]-v) > 1e-15 {
			t.Fatalf("constrained %v, want s then %v", out, cut)
		}
	}
	checkGradient(t, c, 10)
}

func TestOrderedTransformErrors(t *testing.T) {
	for _, c := range []struct {
		name  string
		build func(b *model.Builder)
		want  string
	}{
		{"scalar", func(b *model.Builder) { b.RV("x", "Normal", model.P{}, ordered()) }, "vector"},
		{"positive support", func(b *model.Builder) {
			b.RV("x", "HalfNormal", model.P{}, model.Shape(2), ordered())
		}, "real line"},
		{"unknown transform", func(b *model.Builder) {
			b.RV("x", "Normal", model.P{}, model.Shape(2), func(n *model.Node) { n.Transform = "simplex" })
		}, "unknown transform"},
	} {
		b := model.NewBuilder()
		c.build(b)
		m, err := b.Model()
		if err == nil {
			_, err = Compile(m, nil)
		}
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), `"x"`) {
			t.Errorf("%s: %v, want an error naming \"x\" with %q", c.name, err, c.want)
		}
	}
}

func TestNormalMixtureModel(t *testing.T) {
	obs := []float64{-2.1, -1.7, 0.2, 1.9, 2.4, 2.2}
	c := compileBuilt(t, func(b *model.Builder) {
		b.RV("p", "Beta", model.P{"alpha": 2, "beta": 2})
		b.RV("mu", "Normal", model.P{"mu": 0, "sigma": 3}, model.Shape(2), ordered())
		b.RV("s", "HalfNormal", model.P{"sigma": 1}, model.Shape(2))
		b.Obs("y", "NormalMixture", model.P{"w": model.Stack("p", model.Sub(1, "p")), "mu": "mu", "sigma": "s"}, obs)
	})
	if c.Dim() != 5 {
		t.Fatalf("dim %d", c.Dim())
	}
	x := []float64{0.4, -2, 1.2, -0.3, 0.1}
	p := 1 / (1 + math.Exp(-0.4))
	mu := []float64{-2, -2 + math.Exp(1.2)}
	s := []float64{math.Exp(-0.3), math.Exp(0.1)}
	want := math.Log(6*p*(1-p)) + math.Log(p*(1-p)) + // Beta(2, 2) and the logit Jacobian
		normLogpdf(mu[0], 0, 3) + normLogpdf(mu[1], 0, 3) + 1.2 +
		2*math.Log(2) + normLogpdf(s[0], 0, 1) + normLogpdf(s[1], 0, 1) - 0.3 + 0.1
	ll := make([]float64, len(obs))
	for i, y := range obs {
		ll[i] = math.Log(p*math.Exp(normLogpdf(y, mu[0], s[0])) + (1-p)*math.Exp(normLogpdf(y, mu[1], s[1])))
		want += ll[i]
	}
	lp, err := c.LogpGrad(x, make([]float64, 5))
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(lp-want) > 1e-12*math.Abs(want) {
		t.Fatalf("logp %v, want %v", lp, want)
	}
	got := make([]float64, c.LogLikelihoodSize())
	if err := c.LogLikelihood(x, got); err != nil {
		t.Fatal(err)
	}
	for i := range ll {
		if math.Abs(got[i]-ll[i]) > 1e-12*math.Abs(ll[i]) {
			t.Fatalf("log-likelihood %v, want %v", got, ll)
		}
	}
	checkGradient(t, c, 10)
}

func TestNormalMixtureFreeShape(t *testing.T) {
	c := compileBuilt(t, func(b *model.Builder) {
		b.RV("z", "NormalMixture", model.P{"w": []float64{0.5, 0.5}, "mu": model.Array([]float64{-1, 1, -2, 2, 0, 3}, 3, 2), "sigma": 1})
	})
	if c.Dim() != 3 {
		t.Fatalf("dim %d, want 3 (the parameters' shape without the component axis)", c.Dim())
	}
	checkGradient(t, c, 5)
	b := model.NewBuilder()
	b.RV("z", "NormalMixture", model.P{"w": []float64{0.5, 0.5}, "mu": 0, "sigma": 1}, model.Shape(3, 4))
	b.Obs("o", "NormalMixture", model.P{"w": 1, "mu": 0, "sigma": 1}, []float64{1, 2})
	m, err := b.Model()
	if err == nil {
		_, err = Compile(m, nil)
	}
	if err == nil || !strings.Contains(err.Error(), `"o"`) || !strings.Contains(err.Error(), "components") {
		t.Fatalf("scalar mixture parameters: %v", err)
	}
}

// switch and comparisons in a model: a piecewise mean.
func TestSwitchModel(t *testing.T) {
	xs := []float64{-2, -1, 0.5, 1, 3}
	c := compileBuilt(t, func(b *model.Builder) {
		b.Data("x", xs)
		b.RV("a", "Normal", model.P{"mu": 0, "sigma": 2})
		b.RV("b", "Normal", model.P{"mu": 0, "sigma": 2})
		mean := model.Call("switch", expr.Attrs{}, model.Call("gt", expr.Attrs{}, "x", 0),
			model.Mul("a", "x"), model.Mul("b", "x"))
		b.Obs("y", "Normal", model.P{"mu": mean, "sigma": 1}, []float64{-1, -0.4, 1, 2.2, 5.8})
	})
	r := rand.New(rand.NewPCG(2, 3))
	for range 5 {
		x := randPoint(r, 2)
		want := normLogpdf(x[0], 0, 2) + normLogpdf(x[1], 0, 2)
		for i, v := range xs {
			m := x[1] * v
			if v > 0 {
				m = x[0] * v
			}
			want += normLogpdf([]float64{-1, -0.4, 1, 2.2, 5.8}[i], m, 1)
		}
		lp, err := c.LogpGrad(x, make([]float64, 2))
		if err != nil || math.Abs(lp-want) > 1e-12*math.Abs(want) {
			t.Fatalf("logp %v (%v), want %v", lp, err, want)
		}
	}
	checkGradient(t, c, 5)
}
