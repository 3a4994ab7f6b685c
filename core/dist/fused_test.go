package dist

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/exmc/exmc/core/expr"
	"github.com/exmc/exmc/core/shape"
)

var _ expr.GradKernel = (*Term)(nil)

// The shapes each fused loop specialises on: scalar, full and broadcast
// parameters, for the forms that have their own loops.
var fusedCases = append([]termCase{
	{name: "normal scalar mu and sigma", dist: "Normal", params: []string{"mu", "sigma"},
		value: []int{7}, shapes: [][]int{{}, {}}},
	{name: "normal full mu, scalar sigma", dist: "Normal", params: []string{"mu", "sigma"},
		value: []int{5}, shapes: [][]int{{5}, {}}},
	{name: "normal column mu, scalar sigma", dist: "Normal", params: []string{"mu", "sigma"},
		value: []int{3, 4}, shapes: [][]int{{3, 1}, {}}},
	{name: "normal scalar mu, full sigma", dist: "Normal", params: []string{"mu", "sigma"},
		value: []int{6}, shapes: [][]int{{}, {6}}},
	{name: "normal scalar value", dist: "Normal", params: []string{"mu", "sigma"},
		value: []int{}, shapes: [][]int{{}, {}}},
	{name: "exponential scalar lam", dist: "Exponential", params: []string{"lam"},
		value: []int{4}, shapes: [][]int{{}}},
	{name: "exponential full lam", dist: "Exponential", params: []string{"lam"},
		value: []int{4}, shapes: [][]int{{4}}},
	{name: "halfnormal scalar sigma", dist: "HalfNormal", params: []string{"sigma"},
		value: []int{3}, shapes: [][]int{{}}},
	{name: "studentt scalar nu, scalar sigma", dist: "StudentT", params: []string{"nu", "mu", "sigma"},
		value: []int{6}, shapes: [][]int{{}, {}, {}}},
	{name: "studentt scalar nu, full mu and sigma", dist: "StudentT", params: []string{"nu", "mu", "sigma"},
		value: []int{6}, shapes: [][]int{{}, {6}, {6}}},
	{name: "studentt full nu", dist: "StudentT", params: []string{"nu", "mu", "sigma"},
		value: []int{4}, shapes: [][]int{{4}, {}, {}}},
	{name: "bernoulli logit scalar", dist: "Bernoulli", params: []string{"logit_p"},
		value: []int{5}, shapes: [][]int{{}}},
	{name: "bernoulli logit column", dist: "Bernoulli", params: []string{"logit_p"},
		value: []int{2, 3}, shapes: [][]int{{2, 1}}},
	{name: "gamma", dist: "Gamma", params: []string{"alpha", "beta"},
		value: []int{3}, shapes: [][]int{{3}, {}}},
}, termCases...)

// fusedOf runs ForwardGrad with gin starting at 0.5 (it must add) and
// returns the value and the added gradients.
func fusedOf(term *Term, in [][]float64, want []bool) (float64, [][]float64) {
	gin := make([][]float64, len(in))
	for i := range in {
		if want[i] {
			gin[i] = make([]float64, len(in[i]))
			for j := range gin[i] {
				gin[i][j] = 0.5
			}
		}
	}
	out := []float64{math.NaN()}
	term.ForwardGrad(in, out, gin)
	for i := range gin {
		for j := range gin[i] {
			gin[i][j] -= 0.5
		}
	}
	return out[0], gin
}

// ForwardGrad gives Forward's value and Backward's gradient (adjoint 1), for
// every subset of inputs asked for, with and without constants declared.
func TestTermForwardGrad(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for _, c := range fusedCases {
		for _, withConst := range []bool{false, true} {
			term, v, in := setup(t, c, r)
			if withConst {
				term.SetConstants(in[1:])
			}
			want := make([]bool, len(in))
			want[0] = !v.Dist.Discrete
			for i := range c.params {
				want[1+i] = !v.domains[i].integral()
			}
			for skip := -1; skip < len(in); skip++ {
				w := append([]bool(nil), want...)
				if skip >= 0 {
					w[skip] = false
				}
				ref := []float64{0}
				term.Forward(in, ref)
				refGin := make([][]float64, len(in))
				for i := range in {
					if w[i] {
						refGin[i] = make([]float64, len(in[i]))
					}
				}
				term.Backward(in, ref, []float64{1}, refGin)
				lp, gin := fusedOf(term, in, w)
				// the same value to the last bit: a density's value must not
				// depend on whether its gradient was asked for
				if lp != ref[0] {
					t.Errorf("%s (constants %v): ForwardGrad %.17g, Forward %.17g", c.name, withConst, lp, ref[0])
				}
				for i := range in {
					if (gin[i] == nil) != (refGin[i] == nil) {
						t.Fatalf("%s: gradient %d requested inconsistently", c.name, i)
					}
					for j := range gin[i] {
						if !closeRel(gin[i][j], refGin[i][j], 1e-10) {
							t.Errorf("%s (constants %v, skip %d): gradient of input %d element %d: fused %.17g, Backward %.17g",
								c.name, withConst, skip, i, j, gin[i][j], refGin[i][j])
						}
					}
				}
			}
		}
	}
}

func closeRel(a, b, tol float64) bool {
	if a == b {
		return true
	}
	return math.Abs(a-b) <= tol*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

// Outside the support or the parameter domain the fused value is -Inf, as
// Forward's is.
func TestTermForwardGradInvalid(t *testing.T) {
	cases := []struct {
		dist   string
		params []string
		value  []int
		shapes [][]int
		in     [][]float64
	}{
		{"Normal", []string{"mu", "sigma"}, []int{2}, [][]int{{}, {}}, [][]float64{{1, 2}, {0}, {0}}},
		{"Normal", []string{"mu", "sigma"}, []int{2}, [][]int{{}, {2}}, [][]float64{{1, 2}, {0}, {1, -1}}},
		{"Exponential", []string{"lam"}, []int{2}, [][]int{{}}, [][]float64{{1, -2}, {1}}},
		{"Exponential", []string{"lam"}, []int{2}, [][]int{{}}, [][]float64{{1, 2}, {-1}}},
		{"HalfNormal", []string{"sigma"}, []int{2}, [][]int{{}}, [][]float64{{-1, 2}, {1}}},
		{"StudentT", []string{"nu", "mu", "sigma"}, []int{2}, [][]int{{}, {}, {}}, [][]float64{{1, 2}, {-3}, {0}, {1}}},
		{"StudentT", []string{"nu", "mu", "sigma"}, []int{2}, [][]int{{}, {}, {2}}, [][]float64{{1, 2}, {3}, {0}, {1, 0}}},
		{"Bernoulli", []string{"logit_p"}, []int{2}, [][]int{{}}, [][]float64{{1, 0.5}, {0.3}}},
		// past the first blocks of four, where the vector loop runs
		{"Bernoulli", []string{"logit_p"}, []int{9}, [][]int{{}}, [][]float64{{1, 0, 1, 0, 1, 0.5, 0, 1, 1}, {0.3}}},
		{"Bernoulli", []string{"logit_p"}, []int{9}, [][]int{{}}, [][]float64{{1, 0, 1, 0, 1, 0, 0, 1, -1}, {0.3}}},
	}
	for _, c := range cases {
		v := variantByParams(t, c.dist, c.params)
		term, err := NewTerm(v, c.value, c.shapes)
		if err != nil {
			t.Fatal(err)
		}
		gin := make([][]float64, len(c.in))
		for i := range gin {
			gin[i] = make([]float64, len(c.in[i]))
		}
		out := []float64{0}
		term.ForwardGrad(c.in, out, gin)
		ref := []float64{0}
		term.Forward(c.in, ref)
		if !math.IsInf(out[0], -1) || !math.IsInf(ref[0], -1) {
			t.Errorf("%s %v: ForwardGrad %v, Forward %v, want -Inf", c.dist, c.in, out[0], ref[0])
		}
	}
}

// The fused Bernoulli(logit_p) loop agrees with log-sigmoids taken with the
// math package, element by element, from logits near 0 to ones where
// sigmoid rounds to 0 or 1 and beyond exp's range, infinities included,
// over more elements than one chunk of the loop.
func TestBernoulliLogitFused(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	const n = 3*chunk + 7
	v := variantByParams(t, "Bernoulli", []string{"logit_p"})
	term, err := NewTerm(v, []int{n}, [][]int{{n}})
	if err != nil {
		t.Fatal(err)
	}
	mathSoftplus := func(x float64) float64 {
		if x > 0 {
			return x + math.Log1p(math.Exp(-x))
		}
		return math.Log1p(math.Exp(x))
	}
	mathSigmoid := func(x float64) float64 {
		if x >= 0 {
			return 1 / (1 + math.Exp(-x))
		}
		return math.Exp(x) / (1 + math.Exp(x))
	}
	for trial := range 200 {
		x, l := make([]float64, n), make([]float64, n)
		for k := range l {
			x[k] = float64(r.IntN(2))
			switch k % 4 {
			case 0:
				l[k] = 8 * (r.Float64() - 0.5)
			case 1:
				l[k] = 80 * (r.Float64() - 0.5)
			case 2:
				l[k] = math.Copysign(math.Exp(7*r.Float64()), r.Float64()-0.5) // to ±1100
			default:
				l[k] = math.Copysign(math.Exp(-40*r.Float64()), r.Float64()-0.5)
			}
		}
		if trial == 0 {
			l[0], l[1], x[0], x[1] = math.Inf(1), math.Inf(-1), 1, 0
		}
		gin := [][]float64{nil, make([]float64, n)}
		out := []float64{0}
		term.ForwardGrad([][]float64{x, l}, out, gin)
		var want float64
		for k := range x {
			a := l[k]
			if x[k] == 1 {
				a = -a
			}
			want -= mathSoftplus(a)
			// y - sigmoid(l) without cancellation: sigmoid(-l) for y = 1
			d := -mathSigmoid(l[k])
			if x[k] == 1 {
				d = mathSigmoid(-l[k])
			}
			if math.Abs(gin[1][k]-d) > 1e-15*math.Abs(d) {
				t.Fatalf("logit %v, y %v: derivative %.17g, want %.17g", l[k], x[k], gin[1][k], d)
			}
		}
		if !closeRel(out[0], want, 1e-14) {
			t.Fatalf("trial %d: value %.17g, want %.17g", trial, out[0], want)
		}
	}
}

// ForwardGrad allocates nothing: it runs at every leapfrog step.
func TestTermForwardGradAllocs(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for _, c := range fusedCases {
		term, _, in := setup(t, c, r)
		gin := make([][]float64, len(in))
		for i := range in {
			gin[i] = make([]float64, len(in[i]))
		}
		out := []float64{0}
		if a := testing.AllocsPerRun(50, func() { term.ForwardGrad(in, out, gin) }); a != 0 {
			t.Errorf("%s: %v allocations per ForwardGrad", c.name, a)
		}
		_ = shape.Size(c.value)
	}
}
