package dist

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/exmc/exmc/core/shape"
)

func mixVariant(t *testing.T) *Variant {
	t.Helper()
	return variantByParams(t, "NormalMixture", []string{"w", "mu", "sigma"})
}

// mixTerm evaluates one Term of NormalMixture and returns its summed and
// pointwise log-densities.
func mixTerm(t *testing.T, value []int, shapes [][]int, in [][]float64) (float64, []float64) {
	t.Helper()
	term, err := NewTerm(mixVariant(t), value, shapes)
	if err != nil {
		t.Fatal(err)
	}
	out := []float64{0}
	term.Forward(in, out)
	pt := make([]float64, shape.Size(value))
	term.Pointwise(in, pt)
	return out[0], pt
}

// Reference values: scipy.special.logsumexp(np.log(w) + scipy.stats.norm.logpdf(x, mu, sigma)), scipy 1.18.1.
func TestNormalMixtureLogp(t *testing.T) {
	cases := []struct {
		x            float64
		w, mu, sigma []float64
		want         float64
	}{
		{0.3, []float64{0.2, 0.8}, []float64{-1, 1.5}, []float64{0.5, 2}, -1.975275931916397},
		{-4, []float64{0.5, 0.3, 0.2}, []float64{0, 1, -2}, []float64{1, 0.3, 3}, -3.846073816576592},
		{2, []float64{1}, []float64{0}, []float64{1}, -2.9189385332046727},
		{50, []float64{0.5, 0.5}, []float64{0, 1}, []float64{1, 0.1}, -1251.6120857137646},
		{1, []float64{0, 1}, []float64{0, 1}, []float64{1, 0.5}, -0.22579135264472738},
	}
	for _, c := range cases {
		k := len(c.w)
		got, pt := mixTerm(t, []int{}, [][]int{{k}, {k}, {k}}, [][]float64{{c.x}, c.w, c.mu, c.sigma})
		if math.Abs(got-c.want) > 1e-13*math.Abs(c.want) || pt[0] != got {
			t.Errorf("NormalMixture(%v, %v, %v) at %v: %.17g (pointwise %v), want %.17g", c.w, c.mu, c.sigma, c.x, got, pt, c.want)
		}
	}
}

func TestNormalMixtureInvalid(t *testing.T) {
	for _, c := range []struct {
		name         string
		w, mu, sigma []float64
	}{
		{"weights sum to 0.9", []float64{0.4, 0.5}, []float64{0, 1}, []float64{1, 1}},
		{"negative weight", []float64{-0.5, 1.5}, []float64{0, 1}, []float64{1, 1}},
		{"zero sigma", []float64{0.5, 0.5}, []float64{0, 1}, []float64{1, 0}},
	} {
		got, _ := mixTerm(t, []int{}, [][]int{{2}, {2}, {2}}, [][]float64{{0.5}, c.w, c.mu, c.sigma})
		if got != math.Inf(-1) {
			t.Errorf("%s: %v, want -Inf", c.name, got)
		}
	}
}

// A value with its own axes: the component axis comes after them, and the
// parameters broadcast to value+[K].
func TestNormalMixtureBroadcast(t *testing.T) {
	v := mixVariant(t)
	x := []float64{0.1, -0.7, 2.5}
	w := []float64{0.3, 0.7}
	mu := []float64{-1, 0, 1, 2, 0.5, 0.5} // (3, 2)
	sigma := []float64{1.5}
	got, pt := mixTerm(t, []int{3}, [][]int{{2}, {3, 2}, {1}}, [][]float64{x, w, mu, sigma})
	total := 0.0
	for k := range x {
		one, _ := mixTerm(t, []int{}, [][]int{{2}, {2}, {1}}, [][]float64{{x[k]}, w, mu[2*k : 2*k+2], sigma})
		if math.Abs(one-pt[k]) > 1e-14*math.Abs(one) {
			t.Errorf("element %d: %v, alone %v", k, pt[k], one)
		}
		total += one
	}
	if math.Abs(total-got) > 1e-14*math.Abs(total) {
		t.Errorf("sum %v, want %v", got, total)
	}
	for _, c := range []struct {
		value  []int
		shapes [][]int
		err    string
	}{
		{[]int{3}, [][]int{{}, {}, {}}, "all are scalars"},
		{[]int{3}, [][]int{{2}, {4, 2}, {2}}, "does not broadcast"},
		{[]int{3}, [][]int{{2}, {3}, {2}}, "broadcast"},
	} {
		if _, err := NewTerm(v, c.value, c.shapes); err == nil || !strings.Contains(err.Error(), c.err) {
			t.Errorf("value %v shapes %v: %v, want an error with %q", c.value, c.shapes, err, c.err)
		}
	}
}

// Analytic gradients of every input against central differences.
func TestNormalMixtureGradient(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	value := []int{2, 3}
	shapes := [][]int{{3}, {2, 1, 3}, {3, 3}}
	term, err := NewTerm(mixVariant(t), value, shapes)
	if err != nil {
		t.Fatal(err)
	}
	for range 10 {
		in := [][]float64{make([]float64, 6), make([]float64, 3), make([]float64, 6), make([]float64, 9)}
		for i := range in[0] {
			in[0][i] = 3 * r.NormFloat64()
		}
		// weights off the simplex would make the density -Inf; the weight
		// gradient is taken as if they were free, as the kernel does
		wsum := 0.0
		for j := range in[1] {
			in[1][j] = 0.2 + r.Float64()
			wsum += in[1][j]
		}
		for j := range in[1] {
			in[1][j] /= wsum
		}
		for i := range in[2] {
			in[2][i] = 2 * r.NormFloat64()
		}
		for i := range in[3] {
			in[3][i] = math.Exp(r.NormFloat64() * 0.5)
		}
		gin := make([][]float64, 4)
		for i := range in {
			gin[i] = make([]float64, len(in[i]))
		}
		const g = 1.7
		term.Backward(in, nil, []float64{g}, gin)
		f := func() float64 {
			out := []float64{0}
			term.Forward(in, out)
			return out[0]
		}
		for i := range in {
			for j := range in[i] {
				x0 := in[i][j]
				h := 1e-6 * math.Max(1, math.Abs(x0))
				var fd float64
				if i == 1 {
					// moving one weight leaves the simplex: scale the
					// density's terms by hand instead
					fd = mixWeightDerivative(t, in, value, shapes, j, h)
				} else {
					in[i][j] = x0 + h
					up := f()
					in[i][j] = x0 - h
					down := f()
					in[i][j] = x0
					fd = (up - down) / (2 * h)
				}
				if math.Abs(g*fd-gin[i][j]) > 1e-6*math.Max(1, math.Abs(gin[i][j])) {
					t.Errorf("input %d element %d: analytic %.10g, finite difference %.10g", i, j, gin[i][j], g*fd)
				}
			}
		}
	}
}

// mixWeightDerivative is d/dw_j of the summed log-density with the weights
// not renormalised, computed by differencing the same sum written out.
func mixWeightDerivative(t *testing.T, in [][]float64, value []int, shapes [][]int, j int, h float64) float64 {
	t.Helper()
	target := append(append([]int{}, value...), 3)
	mw, _ := shape.NewMap(shapes[0], target)
	mm, _ := shape.NewMap(shapes[1], target)
	ms, _ := shape.NewMap(shapes[2], target)
	sum := func(dw float64) float64 {
		total := 0.0
		for k := range shape.Size(value) {
			p := 0.0
			for c := range 3 {
				e := k*3 + c
				w := in[1][mw.At(e)]
				if mw.At(e) == j {
					w += dw
				}
				z := (in[0][k] - in[2][mm.At(e)]) / in[3][ms.At(e)]
				p += w * math.Exp(-0.5*z*z) / (in[3][ms.At(e)] * math.Sqrt(2*math.Pi))
			}
			total += math.Log(p)
		}
		return total
	}
	return (sum(h) - sum(-h)) / (2 * h)
}

func TestNormalMixtureDraw(t *testing.T) {
	v := mixVariant(t)
	r := rand.New(rand.NewPCG(5, 6))
	const n = 200000
	out := make([]float64, n)
	err := v.Draw([][]float64{{0.25, 0.75}, {-2, 2}, {0.5, 1}}, [][]int{{2}, {2}, {2}}, []int{n}, r, out)
	if err != nil {
		t.Fatal(err)
	}
	mean, sq := 0.0, 0.0
	for _, x := range out {
		mean += x
		sq += x * x
	}
	mean /= n
	variance := sq/n - mean*mean
	// mean 0.25*-2 + 0.75*2 = 1; variance E[x^2] - 1 = 0.25*4.25 + 0.75*5 - 1
	wantVar := 0.25*4.25 + 0.75*5 - 1
	if math.Abs(mean-1) > 5*math.Sqrt(wantVar/n) || math.Abs(variance-wantVar) > 0.05 {
		t.Errorf("mean %v variance %v, want 1 and %v", mean, variance, wantVar)
	}
	err = v.Draw([][]float64{{0.2, 0.7}, {0, 1}, {1, 1}}, [][]int{{2}, {2}, {2}}, []int{3}, r, make([]float64, 3))
	if err == nil || !strings.Contains(err.Error(), "sum") {
		t.Errorf("weights summing to 0.9: %v", err)
	}
}
