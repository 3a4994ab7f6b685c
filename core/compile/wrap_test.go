package compile

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/exmc/exmc/core/dist"
	"github.com/exmc/exmc/core/model"
)

// A model with every kind of censored and truncated node: a right-censored
// Weibull likelihood whose bounds are data with infinite elements (no
// censoring there), a truncated Normal prior on each transform (lower
// bound only, both bounds, an upper bound that is another variable), and
// a truncated Normal likelihood. Its log-density is written out by hand
// from the distributions' own log-CDFs, on the unconstrained scale.
const wrappedModel = `{
 "format": "exmc.model/v1",
 "nodes": [
  {"name": "t", "kind": "data", "shape": [4], "values": [0.5, 1.5, 2.0, 0.7]},
  {"name": "cens", "kind": "data", "shape": [4]},
  {"name": "yt", "kind": "data", "shape": [3], "values": [0.2, 1.1, 2.9]},
  {"name": "k", "kind": "free", "dist": "HalfNormal", "params": {"sigma": 2}},
  {"name": "m", "kind": "free", "dist": "Normal", "params": {"mu": 0, "sigma": 2}, "truncated": {"lower": 0}},
  {"name": "u", "kind": "free", "dist": "Normal", "params": {"mu": 1, "sigma": 1}, "truncated": {"lower": -1, "upper": 2}},
  {"name": "z", "kind": "free", "dist": "Normal", "params": {"mu": 0, "sigma": 1}, "truncated": {"upper": {"ref": "m"}}},
  {"name": "y", "kind": "observed", "dist": "Weibull", "params": {"alpha": {"ref": "k"}, "beta": {"ref": "m"}},
   "censored": {"upper": {"ref": "cens"}}, "observed": {"ref": "t"}},
  {"name": "w", "kind": "observed", "dist": "Normal", "params": {"mu": {"ref": "u"}, "sigma": 1},
   "truncated": {"lower": 0, "upper": 3}, "observed": {"ref": "yt"}}
 ]
}`

var censBounds = []float64{math.Inf(1), 1.5, math.Inf(1), 0.7}

func wrappedByHand(t *testing.T, c *Model, x []float64) float64 {
	get := func(name string) float64 {
		for _, p := range c.Params() {
			if p.Name == name {
				return x[p.Offset]
			}
		}
		t.Fatalf("no parameter %q", name)
		return 0
	}
	v := func(name string, params map[string]float64) *dist.Variant {
		d, _ := dist.Lookup(name)
		var given []string
		for k := range params {
			given = append(given, k)
		}
		vr, err := d.Variant(given)
		if err != nil {
			t.Fatal(err)
		}
		return vr
	}
	normal := v("Normal", map[string]float64{"mu": 0, "sigma": 1})
	weibull := v("Weibull", map[string]float64{"alpha": 1, "beta": 1})
	lpN := func(x, mu, s float64) float64 { l, _ := normal.Logp(x, []float64{mu, s}, nil); return l }
	cdfN := func(x, mu, s float64) float64 { l, _ := normal.LogCDF(x, []float64{mu, s}, nil); return l }
	sfN := func(x, mu, s float64) float64 { l, _ := normal.LogSF(x, []float64{mu, s}, nil); return l }

	ky, my, uy, zy := get("k"), get("m"), get("u"), get("z")
	k := math.Exp(ky)
	m := math.Exp(my) // 0 + e^y
	su := 1 / (1 + math.Exp(-uy))
	u := -1 + 3*su
	z := m - math.Exp(zy)
	lp := math.Log(2) + lpN(k, 0, 2) + ky
	lp += lpN(m, 0, 2) - sfN(0, 0, 2) + my
	lp += lpN(u, 1, 1) - math.Log(math.Exp(cdfN(2, 1, 1))-math.Exp(cdfN(-1, 1, 1))) + math.Log(3) + math.Log(su) + math.Log(1-su)
	lp += lpN(z, 0, 1) - cdfN(m, 0, 1) + zy
	for i, ti := range []float64{0.5, 1.5, 2.0, 0.7} {
		if ti == censBounds[i] {
			l, _ := weibull.LogSF(ti, []float64{k, m}, nil)
			lp += l
		} else {
			l, _ := weibull.Logp(ti, []float64{k, m}, nil)
			lp += l
		}
	}
	for _, yi := range []float64{0.2, 1.1, 2.9} {
		lp += lpN(yi, u, 1) - math.Log(math.Exp(cdfN(3, u, 1))-math.Exp(cdfN(0, u, 1)))
	}
	return lp
}

func TestCensoredTruncatedModel(t *testing.T) {
	m, err := model.Parse([]byte(wrappedModel))
	if err != nil {
		t.Fatal(err)
	}
	for _, plain := range []bool{false, true} {
		c, err := compile(m, map[string][]float64{"cens": censBounds}, Options{}, plain)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{"k": "log", "m": "lowerbound", "u": "interval", "z": "upperbound"}
		for _, p := range c.Params() {
			if p.Transform.String() != want[p.Name] {
				t.Errorf("%s: transform %v, want %s", p.Name, p.Transform, want[p.Name])
			}
		}
		r := rand.New(rand.NewPCG(11, 12))
		grad := make([]float64, c.Dim())
		for range 20 {
			x := randPoint(r, c.Dim())
			for i := range x {
				// within +-1: beyond, the censored Weibull's terms reach
				// 1e6, and a difference quotient's rounding 1e-4
				x[i] /= 2
			}
			lp, err := c.LogpGrad(x, grad)
			if err != nil {
				t.Fatal(err)
			}
			want := wrappedByHand(t, c, x)
			if math.Abs(lp-want) > 1e-10*math.Max(1, math.Abs(want)) {
				t.Fatalf("plain=%v at %v: logp %.15g, by hand %.15g", plain, x, lp, want)
			}
			for i := range x {
				h := 1e-6
				xp := append([]float64(nil), x...)
				xp[i] += h
				up := wrappedByHand(t, c, xp)
				xp[i] -= 2 * h
				down := wrappedByHand(t, c, xp)
				fd := (up - down) / (2 * h)
				if math.Abs(grad[i]-fd) > 1e-6*math.Max(1, math.Abs(fd)) {
					t.Errorf("plain=%v at %v: gradient[%d] %.12g, finite difference %.12g", plain, x, i, grad[i], fd)
				}
			}
		}
	}
}

func TestCensoredTruncatedRefusals(t *testing.T) {
	for _, c := range []struct {
		from, to, want string
	}{
		{`"dist": "HalfNormal", "params": {"sigma": 2}}`, `"dist": "HalfNormal", "params": {"sigma": 2}, "censored": {"upper": 3}}`, "a censored node must be observed"},
		{`"truncated": {"lower": -1, "upper": 2}`, `"truncated": {"lower": 2, "upper": -1}`, "lower must be at most upper"},
		{`"truncated": {"lower": -1, "upper": 2}`, `"truncated": {}`, "needs a lower bound, an upper bound, or both"},
		{`"truncated": {"lower": 0, "upper": 3}`, `"truncated": {"lower": 0, "upper": 2}`, "outside the support"},
		{`"observed": {"ref": "yt"}`, `"observed": {"ref": "cens"}`, "infinite data can only be a censoring or truncation bound"},
		{`"dist": "Weibull", "params": {"alpha": {"ref": "k"}, "beta": {"ref": "m"}}`,
			`"dist": "HalfStudentT", "params": {"nu": {"ref": "k"}, "sigma": {"ref": "m"}}`, "HalfStudentT has no log-CDF"},
		{`"truncated": {"upper": {"ref": "m"}}`, `"truncated": {"upper": {"ref": "m"}}, "censored": {"lower": 0}`, "censored or truncated, not both"},
	} {
		doc := strings.Replace(wrappedModel, c.from, c.to, 1)
		if doc == wrappedModel {
			t.Fatalf("edit %q found nothing", c.from)
		}
		m, err := model.Parse([]byte(doc))
		if err == nil {
			_, err = Compile(m, map[string][]float64{"cens": censBounds})
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one saying %q", c.to, err, c.want)
		}
	}
}
