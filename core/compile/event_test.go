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

// A ZeroSumNormal over two axes with a free scale, and one over the last
// axis of a batch: the unconstrained blocks are one shorter along each
// zero-sum axis (PyMC's zerosum transform, log-Jacobian 0), the values
// sum to zero, and the log-density is PyMC's.
func TestZeroSumNormalModel(t *testing.T) {
	c := compileBuilt(t, func(b *model.Builder) {
		b.RV("s", "HalfNormal", model.P{"sigma": 1})
		b.RV("z", "ZeroSumNormal", model.P{"sigma": "s", "n_zerosum_axes": 2}, model.Shape(2, 3))
		b.RV("u", "ZeroSumNormal", model.P{"sigma": model.Array([]float64{1, 2}, 2)}, model.Shape(2, 4))
	})
	ps := c.Params()
	if c.Dim() != 1+2+6 || ps[1].ValueName != "z_zerosum__" || ps[1].Size != 2 || ps[2].Size != 6 {
		t.Fatalf("dim %d, params %+v", c.Dim(), ps)
	}
	x := []float64{0.2, 0.5, -0.3, 0.1, 0.4, -0.2, 0.3, -0.6, 0.9}
	out := make([]float64, c.ConstrainedSize())
	if err := c.Constrain(x, out); err != nil {
		t.Fatal(err)
	}
	z, u := out[1:7], out[7:15]
	s := math.Exp(0.2)
	// z over both axes, (2, 3): 2 degrees of freedom of 6 values
	ssz, ssu := 0.0, [2]float64{}
	for _, v := range z {
		ssz += v * v
	}
	for r := range 2 {
		sum := 0.0
		for _, v := range u[4*r : 4*r+4] {
			sum += v
			ssu[r] += v * v
		}
		if math.Abs(sum) > 1e-14 {
			t.Fatalf("u's row %d sums to %v", r, sum)
		}
	}
	for j := range 3 {
		if v := z[j] + z[3+j]; math.Abs(v) > 1e-14 {
			t.Fatalf("z's column %d sums to %v", j, v)
		}
	}
	for r := range 2 {
		if v := z[3*r] + z[3*r+1] + z[3*r+2]; math.Abs(v) > 1e-14 {
			t.Fatalf("z's row %d sums to %v", r, v)
		}
	}
	// the norm is kept: |z|^2 = |y|^2 (an isometry)
	if math.Abs(ssz-(0.5*0.5+0.3*0.3)) > 1e-14 {
		t.Fatalf("|z|^2 = %v, |y|^2 = %v", ssz, 0.5*0.5+0.3*0.3)
	}
	want := math.Log(2) + normLogpdf(s, 0, 1) + 0.2 -
		0.5*ssz/(s*s) - 2*(0.5*math.Log(2*math.Pi)+math.Log(s)) -
		0.5*ssu[0] - 3*0.5*math.Log(2*math.Pi) -
		0.5*ssu[1]/4 - 3*(0.5*math.Log(2*math.Pi)+math.Log(2))
	grad := make([]float64, c.Dim())
	lp, err := c.LogpGrad(x, grad)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(lp-want) > 1e-12*math.Abs(want) {
		t.Fatalf("logp %v, want %v", lp, want)
	}
	checkGradient(t, c, 10)
}

func TestZeroSumNormalModelErrors(t *testing.T) {
	for _, c := range []struct {
		name  string
		build func(b *model.Builder)
		want  string
	}{
		{"no shape", func(b *model.Builder) { b.RV("x", "ZeroSumNormal", model.P{}) }, "needs the value's shape"},
		{"axes from a variable", func(b *model.Builder) {
			b.RV("k", "HalfNormal", model.P{})
			b.RV("x", "ZeroSumNormal", model.P{"n_zerosum_axes": "k"}, model.Shape(3))
		}, "must be one constant"},
		{"more axes than the value", func(b *model.Builder) {
			b.RV("x", "ZeroSumNormal", model.P{"n_zerosum_axes": 2}, model.Shape(3))
		}, "2 event axes"},
		{"sigma along the zero-sum axis", func(b *model.Builder) {
			b.RV("x", "ZeroSumNormal", model.P{"sigma": model.Array([]float64{1, 2, 3}, 3)}, model.Shape(3))
		}, "does not broadcast"},
		{"observed not summing to zero", func(b *model.Builder) {
			b.Obs("x", "ZeroSumNormal", model.P{}, model.Array([]float64{1, 2}, 2))
		}, "outside the support"},
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

// Observed multinomial counts with probabilities from a free simplex, and
// Dirichlet-multinomial counts: one log-likelihood per event.
func TestMultinomialModel(t *testing.T) {
	counts := []float64{3, 1, 2, 0, 4, 2}
	c := compileBuilt(t, func(b *model.Builder) {
		b.RV("p", "Dirichlet", model.P{"a": model.Array([]float64{1, 1, 1}, 3)})
		b.Obs("y", "Multinomial", model.P{"n": 6, "p": "p"}, model.Array(counts, 2, 3))
		b.RV("c", "HalfNormal", model.P{"sigma": 5})
		b.Obs("z", "DirichletMultinomial", model.P{"n": model.Array([]float64{6, 6}, 2), "a": model.Mul("c", "p")}, model.Array(counts, 2, 3))
	})
	x := []float64{0.3, -0.2, 0.4}
	p, lj := softmaxLast(x[:2])
	cc := math.Exp(0.4)
	lg := func(v float64) float64 { l, _ := math.Lgamma(v); return l }
	ll := make([]float64, 4)
	for r := range 2 {
		row := counts[3*r : 3*r+3]
		ll[r] = lg(7)
		ll[2+r] = lg(7) + lg(cc) - lg(6+cc)
		for i, v := range row {
			ll[r] += v*math.Log(p[i]) - lg(v+1)
			ll[2+r] += lg(v+cc*p[i]) - lg(v+1) - lg(cc*p[i])
		}
	}
	want := lg(3) + lj + math.Log(2) + normLogpdf(cc, 0, 5) + 0.4 + ll[0] + ll[1] + ll[2] + ll[3]
	grad := make([]float64, 3)
	lp, err := c.LogpGrad(x, grad)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(lp-want) > 1e-12*math.Abs(want) {
		t.Fatalf("logp %v, want %v", lp, want)
	}
	got := make([]float64, c.LogLikelihoodSize())
	if err := c.LogLikelihood(x, got); err != nil || len(got) != 4 {
		t.Fatalf("log-likelihood %v, %v", got, err)
	}
	for i := range ll {
		if math.Abs(got[i]-ll[i]) > 1e-12*math.Abs(ll[i]) {
			t.Errorf("log-likelihood %v, want %v", got, ll)
		}
	}
	checkGradient(t, c, 10)
	for _, bad := range [][]float64{{3, 1, 2, 0, 4, 1}, {3, 1, 2.5, 0, 4, 2}, {-1, 5, 2, 0, 4, 2}} {
		b := model.NewBuilder()
		b.Obs("y", "Multinomial", model.P{"n": 6, "p": model.Array([]float64{0.2, 0.3, 0.5}, 3)}, model.Array(bad, 2, 3))
		m, err := b.Model()
		if err == nil {
			_, err = Compile(m, nil)
		}
		if err == nil || !strings.Contains(err.Error(), "outside the support") {
			t.Errorf("counts %v: %v", bad, err)
		}
	}
}

// A scalar observed for a distribution over vectors is refused (the
// fuzzer's model: the scalar's shape was once taken for one to infer).
func TestEventScalarObservedIsRefused(t *testing.T) {
	b := model.NewBuilder()
	b.Obs("y", "Multinomial", model.P{"n": 3, "p": model.Array([]float64{0.5, 0.5}, 2)}, 3)
	m, err := b.Model()
	if err == nil {
		_, err = Compile(m, nil)
	}
	if err == nil || !strings.Contains(err.Error(), "needs 1 event axis") {
		t.Errorf("a scalar observed Multinomial: %v", err)
	}
}
