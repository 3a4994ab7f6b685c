package compile

import (
	"math"
	"strings"
	"testing"

	"github.com/exmc/exmc/core/model"
	"github.com/exmc/exmc/core/transform"
)

// dirichletLogpdf is the Dirichlet log-density written out.
func dirichletLogpdf(x, a []float64) float64 {
	s, lp := 0.0, 0.0
	for i := range x {
		la, _ := math.Lgamma(a[i])
		lp += (a[i]-1)*math.Log(x[i]) - la
		s += a[i]
	}
	ls, _ := math.Lgamma(s)
	return lp + ls
}

// softmaxLast is PyMC's simplex map of one row: x = softmax(y, -sum(y)),
// with its log-Jacobian log K + sum(log x).
func softmaxLast(y []float64) (x []float64, logJac float64) {
	z := append(append([]float64{}, y...), 0)
	for _, v := range y {
		z[len(y)] -= v
	}
	tot := 0.0
	for _, v := range z {
		tot += math.Exp(v)
	}
	logJac = math.Log(float64(len(z)))
	for _, v := range z {
		x = append(x, math.Exp(v)/tot)
		logJac += math.Log(math.Exp(v) / tot)
	}
	return x, logJac
}

// A batch of two Dirichlet simplexes of three categories, a concentration
// that is a free variable, and an observed Dirichlet: the unconstrained
// block has two coordinates per simplex (PyMC's simplex transform), the
// constrained value three, and the observed node one log-likelihood per
// event.
func TestDirichletModel(t *testing.T) {
	obs := []float64{0.2, 0.5, 0.3, 0.6, 0.1, 0.3}
	c := compileBuilt(t, func(b *model.Builder) {
		b.RV("c", "HalfNormal", model.P{"sigma": 2})
		b.RV("w", "Dirichlet", model.P{"a": model.Mul("c", model.Array([]float64{1, 2, 3}, 3))}, model.Shape(2, 3))
		b.Obs("y", "Dirichlet", model.P{"a": model.Mul("c", model.Array([]float64{1, 2, 3}, 3))}, model.Array(obs, 2, 3))
	})
	ps := c.Params()
	if c.Dim() != 5 || len(ps) != 2 || ps[1].Transform != transform.Simplex || ps[1].ValueName != "w_simplex__" ||
		ps[1].Size != 4 || len(ps[1].Shape) != 2 || ps[1].Shape[1] != 2 {
		t.Fatalf("dim %d, params %+v", c.Dim(), ps)
	}
	x := []float64{0.3, 0.4, -1.1, 0.7, 0.2}
	cc := math.Exp(x[0])
	a := []float64{cc, 2 * cc, 3 * cc}
	want := math.Log(2) + normLogpdf(cc, 0, 2) + x[0]
	var ws []float64
	for r := range 2 {
		w, lj := softmaxLast(x[1+2*r : 3+2*r])
		ws = append(ws, w...)
		want += dirichletLogpdf(w, a) + lj
	}
	ll := []float64{dirichletLogpdf(obs[:3], a), dirichletLogpdf(obs[3:], a)}
	want += ll[0] + ll[1]
	grad := make([]float64, 5)
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
	for i, v := range ws {
		if math.Abs(out[1+i]-v) > 1e-15 {
			t.Fatalf("constrained %v, want c then %v", out, ws)
		}
	}
	if o := c.Observed(); len(o) != 1 || o[0].Size != 2 || len(o[0].Shape) != 1 {
		t.Fatalf("observed %+v, want one log-likelihood per event", o)
	}
	got := make([]float64, c.LogLikelihoodSize())
	if err := c.LogLikelihood(x, got); err != nil {
		t.Fatal(err)
	}
	for i := range ll {
		if math.Abs(got[i]-ll[i]) > 1e-12*math.Abs(ll[i]) {
			t.Errorf("log-likelihood %v, want %v", got, ll)
		}
	}
	checkGradient(t, c, 10)
}

func TestDirichletModelErrors(t *testing.T) {
	for _, c := range []struct {
		name  string
		build func(b *model.Builder)
		want  string
	}{
		{"scalar a", func(b *model.Builder) { b.RV("x", "Dirichlet", model.P{"a": 2}) }, `"a" needs 1 event axis`},
		{"shape against a", func(b *model.Builder) {
			b.RV("x", "Dirichlet", model.P{"a": model.Array([]float64{1, 2}, 2)}, model.Shape(3))
		}, "3 categories"},
		{"one category", func(b *model.Builder) {
			b.RV("x", "Dirichlet", model.P{"a": model.Array([]float64{1}, 1)})
		}, "at least two categories"},
		{"observed off the simplex", func(b *model.Builder) {
			b.Obs("x", "Dirichlet", model.P{"a": model.Array([]float64{1, 2}, 2)}, model.Array([]float64{0.5, 0.6}, 2))
		}, "outside the support"},
		{"ordered", func(b *model.Builder) {
			b.RV("x", "Dirichlet", model.P{"a": model.Array([]float64{1, 2}, 2)}, ordered())
		}, "real line"},
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
