package dist

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/exmc/exmc/core/shape"
)

// logCase is a Term whose parameters logs (and, with logValue, its value)
// are given by their logarithms (GiveLog, GiveLogValue), and whose
// parameters consts are declared constant.
type logCase struct {
	termCase
	logs     []int
	alone    bool
	logValue bool
	consts   []int
}

func lc(name, dist string, params []string, value []int, shapes [][]int) logCase {
	return logCase{termCase: termCase{name: name, dist: dist, params: params, value: value, shapes: shapes}}
}

func (c logCase) given(logs []int, alone bool) logCase {
	c.logs, c.alone = logs, alone
	return c
}

func (c logCase) onLogScale() logCase {
	c.logValue = true
	return c
}

func (c logCase) constant(i ...int) logCase {
	c.consts = i
	return c
}

var (
	normalPs  = []string{"mu", "sigma"}
	studentPs = []string{"nu", "mu", "sigma"}
	lamPs     = []string{"lam"}
	sigmaPs   = []string{"sigma"}
)

// Every loop that takes a logarithm, for each way it may come: alone or
// beside the parameter, scalar, full and broadcast, next to constants; and
// the generic loop, with parameters alone and values on the log scale.
var logCases = []logCase{
	lc("normal scalar sigma", "Normal", normalPs, []int{7}, [][]int{{}, {}}).given([]int{1}, true),
	lc("normal scalar sigma beside", "Normal", normalPs, []int{7}, [][]int{{}, {}}).given([]int{1}, false),
	lc("normal scalar value and sigma", "Normal", normalPs, []int{}, [][]int{{}, {}}).given([]int{1}, true),
	lc("normal full mu, scalar sigma", "Normal", normalPs, []int{5}, [][]int{{5}, {}}).given([]int{1}, true),
	lc("normal column mu, scalar sigma", "Normal", normalPs, []int{3, 4}, [][]int{{3, 1}, {}}).given([]int{1}, true),
	lc("normal constant mu, scalar sigma", "Normal", normalPs, []int{4}, [][]int{{}, {}}).given([]int{1}, true).constant(0),
	lc("normal column sigma", "Normal", normalPs, []int{3, 4}, [][]int{{}, {3, 1}}).given([]int{1}, true),
	lc("normal column sigma beside", "Normal", normalPs, []int{3, 4}, [][]int{{4}, {3, 1}}).given([]int{1}, false),
	lc("normal full sigma", "Normal", normalPs, []int{6}, [][]int{{6}, {6}}).given([]int{1}, true),
	lc("normal constant sigmas, scalar mu", "Normal", normalPs, []int{6}, [][]int{{}, {6}}).constant(1),
	lc("normal constant sigmas, full mu", "Normal", normalPs, []int{6}, [][]int{{6}, {6}}).constant(1),
	lc("normal constant sigma column", "Normal", normalPs, []int{3, 2}, [][]int{{2}, {3, 1}}).constant(1),
	lc("normal constants", "Normal", normalPs, []int{5}, [][]int{{}, {5}}).constant(0, 1),
	lc("studentt scalar sigma", "StudentT", studentPs, []int{6}, [][]int{{}, {}, {}}).given([]int{2}, true),
	lc("studentt scalar sigma beside", "StudentT", studentPs, []int{6}, [][]int{{}, {}, {}}).given([]int{2}, false),
	lc("studentt nu and sigma", "StudentT", studentPs, []int{}, [][]int{{}, {}, {}}).given([]int{0, 2}, true),
	lc("studentt full sigma", "StudentT", studentPs, []int{6}, [][]int{{}, {6}, {6}}).given([]int{2}, true),
	lc("studentt full sigma beside", "StudentT", studentPs, []int{6}, [][]int{{}, {}, {6}}).given([]int{2}, false),
	lc("studentt column sigma", "StudentT", studentPs, []int{2, 3}, [][]int{{}, {3}, {2, 1}}).given([]int{2}, true),
	lc("studentt sigma over chunks", "StudentT", studentPs, []int{2*chunk + 5}, [][]int{{}, {}, {2*chunk + 5}}).given([]int{0, 2}, true),
	lc("studentt constant sigmas", "StudentT", studentPs, []int{5}, [][]int{{}, {}, {5}}).constant(2),
	lc("exponential lam and value", "Exponential", lamPs, []int{4}, [][]int{{}}).given([]int{0}, true).onLogScale(),
	lc("exponential lam beside", "Exponential", lamPs, []int{4}, [][]int{{}}).given([]int{0}, false),
	lc("exponential constant lam, value", "Exponential", lamPs, []int{}, [][]int{{}}).constant(0).onLogScale(),
	lc("exponential full lam and value", "Exponential", lamPs, []int{4}, [][]int{{4}}).given([]int{0}, true).onLogScale(),
	lc("exponential full lam beside", "Exponential", lamPs, []int{4}, [][]int{{4}}).given([]int{0}, false),
	lc("exponential constant lams, value", "Exponential", lamPs, []int{3}, [][]int{{3}}).constant(0).onLogScale(),
	lc("halfnormal sigma and value", "HalfNormal", sigmaPs, []int{3}, [][]int{{}}).given([]int{0}, true).onLogScale(),
	lc("halfnormal sigma beside", "HalfNormal", sigmaPs, []int{3}, [][]int{{}}).given([]int{0}, false),
	lc("halfnormal constant sigma, value", "HalfNormal", sigmaPs, []int{}, [][]int{{}}).constant(0).onLogScale(),
	lc("halfnormal full sigma, value", "HalfNormal", sigmaPs, []int{4}, [][]int{{4}}).given([]int{0}, true).onLogScale(),
	lc("gamma", "Gamma", []string{"alpha", "beta"}, []int{3}, [][]int{{3}, {}}).given([]int{0, 1}, true).onLogScale(),
	lc("inverse gamma", "InverseGamma", []string{"alpha", "beta"}, []int{2}, [][]int{{}, {2}}).given([]int{1}, true).onLogScale(),
	lc("lognormal", "LogNormal", normalPs, []int{3}, [][]int{{}, {3}}).given([]int{1}, true).onLogScale(),
	lc("halfcauchy", "HalfCauchy", []string{"beta"}, []int{3}, [][]int{{}}).given([]int{0}, true).onLogScale(),
	lc("halfstudentt", "HalfStudentT", []string{"nu", "sigma"}, []int{2}, [][]int{{2}, {}}).given([]int{0, 1}, true).onLogScale(),
	lc("poisson", "Poisson", []string{"mu"}, []int{4}, [][]int{{4}}).given([]int{0}, true),
	lc("cauchy", "Cauchy", []string{"alpha", "beta"}, []int{3}, [][]int{{}, {}}).given([]int{1}, true),
}

// logInputs is what a Term set up as c reads in place of the plain
// inputs in: logarithms alone in place of their parameters, beside them
// after the parameters, and the value's logarithm.
func logInputs(c logCase, in [][]float64) [][]float64 {
	logOf := func(v []float64) []float64 {
		l := make([]float64, len(v))
		for k, x := range v {
			l[k] = math.Log(x)
		}
		return l
	}
	out := make([][]float64, len(in))
	for i := range in {
		out[i] = append([]float64(nil), in[i]...)
	}
	if c.logValue {
		out[0] = logOf(in[0])
	}
	for _, i := range c.logs {
		if c.alone {
			out[1+i] = logOf(in[1+i])
		} else {
			out = append(out, logOf(in[1+i]))
		}
	}
	return out
}

// logTerm sets up c's Term next to the plain Term of the same inputs.
func logTerm(t *testing.T, c logCase, r *rand.Rand) (plain, term *Term, in, lin [][]float64) {
	t.Helper()
	plain, v, in := setup(t, c.termCase, r)
	term, err := NewTerm(v, c.value, c.shapes)
	if err != nil {
		t.Fatal(err)
	}
	if c.consts != nil {
		consts := make([][]float64, len(c.params))
		for _, i := range c.consts {
			consts[i] = in[1+i]
		}
		plain.SetConstants(consts)
		term.SetConstants(consts)
	}
	for _, i := range c.logs {
		if !term.GiveLog(i, c.alone) {
			t.Fatalf("%s: GiveLog(%d, %v) refused", c.name, i, c.alone)
		}
	}
	if c.logValue && !term.GiveLogValue() {
		t.Fatalf("%s: GiveLogValue refused", c.name)
	}
	lin = logInputs(c, in)
	if term.Inputs() != len(lin) {
		t.Fatalf("%s: %d inputs, want %d", c.name, term.Inputs(), len(lin))
	}
	return plain, term, in, lin
}

// A Term given logarithms is the plain Term's density (plus the
// log-Jacobian, for a value on the log scale), with the gradient carried
// to the logarithms by the chain rule; Forward, ForwardGrad, Backward and
// Pointwise agree, ForwardGrad's value to the last bit whatever gradients
// are asked for.
func TestGiveLog(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	for _, c := range logCases {
		for trial := range 3 {
			plain, term, in, lin := logTerm(t, c, r)
			n := shape.Size(c.value)
			jac := 0.0
			if c.logValue {
				for _, y := range lin[0] {
					jac += y
				}
			}
			pv, lv := []float64{0}, []float64{0}
			plain.Forward(in, pv)
			term.Forward(lin, lv)
			if !closeRel(lv[0], pv[0]+jac, 1e-11) {
				t.Errorf("%s: value %.17g, plain %.17g + log-Jacobian %.17g", c.name, lv[0], pv[0], jac)
			}
			pg := make([][]float64, len(in))
			for i := range in {
				pg[i] = make([]float64, len(in[i]))
			}
			plain.Backward(in, pv, []float64{1}, pg)
			// the plain gradient carried to the Term's inputs
			want := make([][]float64, len(lin))
			for i := range lin {
				want[i] = make([]float64, len(lin[i]))
			}
			for k := range n {
				want[0][k] = pg[0][k]
				if c.logValue {
					want[0][k] = pg[0][k]*in[0][k] + 1
				}
			}
			for i := range c.params {
				for j := range in[1+i] {
					want[1+i][j] = pg[1+i][j]
					if c.alone && slices.Contains(c.logs, i) {
						want[1+i][j] *= in[1+i][j]
					}
				}
			}
			full := make([]bool, len(lin))
			for i := range full {
				full[i] = true
			}
			// every input, all but one, and only the logarithms'
			for skip := -2; skip < len(lin); skip++ {
				w := append([]bool(nil), full...)
				switch {
				case skip == -2:
					clear(w)
					w[0] = c.logValue
					for _, i := range c.logs {
						w[1+i] = true
					}
				case skip >= 0:
					w[skip] = false
				}
				fv, gin := fusedOf(term, lin, w)
				if fv != lv[0] {
					t.Errorf("%s (skip %d): ForwardGrad %.17g, Forward %.17g", c.name, skip, fv, lv[0])
				}
				bg := make([][]float64, len(lin))
				for i := range lin {
					if w[i] {
						bg[i] = make([]float64, len(lin[i]))
					}
				}
				term.Backward(lin, lv, []float64{1}, bg)
				for i := range lin {
					for j := range gin[i] {
						if !closeRel(gin[i][j], want[i][j], 1e-9) || !closeRel(bg[i][j], want[i][j], 1e-9) {
							t.Errorf("%s (trial %d, skip %d): gradient of input %d element %d: fused %.17g, Backward %.17g, want %.17g",
								c.name, trial, skip, i, j, gin[i][j], bg[i][j], want[i][j])
						}
					}
				}
			}
			pp, lp := make([]float64, n), make([]float64, n)
			plain.Pointwise(in, pp)
			term.Pointwise(lin, lp)
			for k := range n {
				j := 0.0
				if c.logValue {
					j = lin[0][k]
				}
				if !closeRel(lp[k], pp[k]+j, 1e-12) {
					t.Errorf("%s: Pointwise[%d] %.17g, plain %.17g + %.17g", c.name, k, lp[k], pp[k], j)
				}
			}
		}
	}
}

// The gradients of a Term given logarithms alone agree with central
// differences in the logarithms. (A logarithm given beside its parameter
// restates it: the two cannot move apart, so they are left out here and
// checked against the plain Term above.)
func TestGiveLogFiniteDifferences(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 24))
	for _, c := range logCases {
		_, term, _, lin := logTerm(t, c, r)
		want := make([]bool, len(lin))
		want[0] = true
		for i := range c.params {
			want[1+i] = c.alone || !slices.Contains(c.logs, i)
		}
		for i := 1 + len(c.params); i < len(lin); i++ {
			want[i] = false
		}
		if !c.alone {
			for _, i := range c.logs {
				want[1+i] = false
			}
		}
		// a constant's logarithm and reciprocal are taken once, when it
		// is declared, and do not follow a change
		for _, i := range c.consts {
			want[1+i] = false
		}
		if shape.Size(c.value) > 50 {
			continue // the sum is too long for differences this fine
		}
		checkBackward(t, c.name, term, lin, want)
	}
}

// The random walk takes its scales by their logarithms, alone or beside,
// the same scale for both steps (one free variable) or two.
func TestWalkGiveLog(t *testing.T) {
	v := variantByParams(t, "GaussianRandomWalk", []string{"mu", "sigma", "init_mu", "init_sigma"})
	r := rand.New(rand.NewPCG(25, 26))
	for _, alone := range []bool{true, false} {
		for _, shared := range []bool{true, false} {
			const steps = 7
			value := []int{2, steps}
			shapes := [][]int{{}, {}, {}, {}}
			plain, err := NewTerm(v, value, shapes)
			if err != nil {
				t.Fatal(err)
			}
			term, _ := NewTerm(v, value, shapes)
			if !term.GiveLog(1, alone) || !term.GiveLog(3, alone) {
				t.Fatal("GiveLog refused")
			}
			if term.GiveLogValue() {
				t.Fatal("a walk's value on the log scale accepted")
			}
			s, s0 := math.Exp(r.Float64()-0.5), math.Exp(r.Float64())
			if shared {
				s0 = s
			}
			in := [][]float64{make([]float64, 2*steps), {0.3}, {s}, {-0.2}, {s0}}
			for k := range in[0] {
				in[0][k] = r.NormFloat64()
			}
			c := logCase{termCase: termCase{name: "walk", params: v.Params}, logs: []int{1, 3}, alone: alone}
			lin := logInputs(c, in)
			pv, lv := []float64{0}, []float64{0}
			plain.Forward(in, pv)
			term.Forward(lin, lv)
			if !closeRel(lv[0], pv[0], 1e-12) {
				t.Errorf("alone %v: value %.17g, plain %.17g", alone, lv[0], pv[0])
			}
			pg := [][]float64{make([]float64, 2*steps), {0}, {0}, {0}, {0}}
			plain.Backward(in, pv, []float64{1}, pg)
			all := make([]bool, len(lin))
			for i := range all {
				all[i] = true
			}
			fv, gin := fusedOf(term, lin, all)
			if fv != lv[0] {
				t.Errorf("alone %v: ForwardGrad %.17g, Forward %.17g", alone, fv, lv[0])
			}
			for i := range pg {
				for j := range pg[i] {
					w := pg[i][j]
					if alone && (i == 2 || i == 4) {
						w *= in[i][j]
					}
					if !closeRel(gin[i][j], w, 1e-10) {
						t.Errorf("alone %v: gradient of input %d element %d: %.17g, want %.17g", alone, i, j, gin[i][j], w)
					}
				}
			}
			pp, lp := make([]float64, 2*steps), make([]float64, 2*steps)
			plain.Pointwise(in, pp)
			term.Pointwise(lin, lp)
			for k := range pp {
				if !closeRel(lp[k], pp[k], 1e-12) {
					t.Errorf("alone %v: Pointwise[%d] %.17g, plain %.17g", alone, k, lp[k], pp[k])
				}
			}
			if alone {
				checkBackward(t, "walk", term, lin, []bool{true, true, true, true, true})
			}
		}
	}
}

// A Term takes a logarithm only where one of its loops can use it, and
// never for a constant, a parameter already given, or a mixture.
func TestGiveLogRefusals(t *testing.T) {
	mk := func(dist string, params []string, value []int, shapes [][]int) *Term {
		term, err := NewTerm(variantByParams(t, dist, params), value, shapes)
		if err != nil {
			t.Fatal(err)
		}
		return term
	}
	cases := []struct {
		name  string
		term  func() *Term
		i     int
		alone bool
		want  bool
	}{
		{"normal mu", func() *Term { return mk("Normal", normalPs, []int{3}, [][]int{{}, {}}) }, 0, true, false},
		{"normal sigma", func() *Term { return mk("Normal", normalPs, []int{3}, [][]int{{}, {}}) }, 1, false, true},
		{"out of range", func() *Term { return mk("Normal", normalPs, []int{3}, [][]int{{}, {}}) }, 2, true, false},
		{"negative", func() *Term { return mk("Normal", normalPs, []int{3}, [][]int{{}, {}}) }, -1, true, false},
		{"constant", func() *Term {
			term := mk("Normal", normalPs, []int{3}, [][]int{{}, {}})
			term.SetConstants([][]float64{nil, {2}})
			return term
		}, 1, true, false},
		{"constant array", func() *Term {
			term := mk("Normal", normalPs, []int{3}, [][]int{{}, {3}})
			term.SetConstants([][]float64{nil, {2, 3, 4}})
			return term
		}, 1, true, false},
		{"given twice", func() *Term {
			term := mk("Normal", normalPs, []int{3}, [][]int{{}, {}})
			term.GiveLog(1, true)
			return term
		}, 1, false, false},
		{"studentt nu beside", func() *Term { return mk("StudentT", studentPs, []int{3}, [][]int{{}, {}, {}}) }, 0, false, false},
		{"studentt mu", func() *Term { return mk("StudentT", studentPs, []int{3}, [][]int{{}, {}, {}}) }, 1, true, false},
		{"studentt full nu", func() *Term { return mk("StudentT", studentPs, []int{3}, [][]int{{3}, {}, {}}) }, 2, false, false},
		{"generic beside", func() *Term { return mk("Gamma", []string{"alpha", "beta"}, []int{3}, [][]int{{}, {}}) }, 1, false, false},
		{"generic alone", func() *Term { return mk("Gamma", []string{"alpha", "beta"}, []int{3}, [][]int{{}, {}}) }, 1, true, true},
		{"bernoulli logit", func() *Term { return mk("Bernoulli", []string{"logit_p"}, []int{3}, [][]int{{}}) }, 0, true, false},
		{"walk mu", func() *Term {
			return mk("GaussianRandomWalk", []string{"mu", "sigma", "init_mu", "init_sigma"}, []int{4}, [][]int{{}, {}, {}, {}})
		}, 0, true, false},
		{"mixture", func() *Term {
			return mk("NormalMixture", []string{"w", "mu", "sigma"}, []int{3}, [][]int{{2}, {2}, {2}})
		}, 2, true, false},
	}
	for _, c := range cases {
		term := c.term()
		nin := term.Inputs()
		if got := term.GiveLog(c.i, c.alone); got != c.want {
			t.Errorf("%s: GiveLog(%d, %v) = %v, want %v", c.name, c.i, c.alone, got, c.want)
		}
		if grew := term.Inputs() - nin; grew != 0 && (c.alone || !c.want) || grew != 1 && c.want && !c.alone {
			t.Errorf("%s: inputs %d, were %d", c.name, term.Inputs(), nin)
		}
	}
	values := []struct {
		dist   string
		params []string
		shapes [][]int
		want   bool
	}{
		{"Normal", normalPs, [][]int{{}, {}}, false},
		{"Exponential", lamPs, [][]int{{}}, true},
		{"Gamma", []string{"alpha", "beta"}, [][]int{{}, {}}, true},
		{"Poisson", []string{"mu"}, [][]int{{}}, false},
		{"Beta", []string{"alpha", "beta"}, [][]int{{}, {}}, false},
		{"NormalMixture", []string{"w", "mu", "sigma"}, [][]int{{2}, {2}, {2}}, false},
	}
	for _, c := range values {
		if got := mk(c.dist, c.params, []int{3}, c.shapes).GiveLogValue(); got != c.want {
			t.Errorf("%s: GiveLogValue = %v, want %v", c.dist, got, c.want)
		}
	}
}

// Where a logarithm given alone is out of range (exp of it, or of its
// negative, is not a finite positive number) the density is -Inf, as the
// exponential the caller would otherwise have taken makes it.
func TestGiveLogOutOfRange(t *testing.T) {
	for _, c := range logCases {
		if !c.alone || c.logs == nil {
			continue
		}
		for _, y := range []float64{800, -800, math.Inf(1), math.NaN()} {
			r := rand.New(rand.NewPCG(27, 28))
			_, term, _, lin := logTerm(t, c, r)
			i := c.logs[len(c.logs)-1]
			lin[1+i][0] = y
			out := []float64{0}
			term.Forward(lin, out)
			gin := make([][]float64, len(lin))
			fg := []float64{0}
			term.ForwardGrad(lin, fg, gin)
			if v := out[0]; !math.IsInf(v, -1) {
				t.Errorf("%s: log-parameter %v gives %v", c.name, y, v)
			}
			if fg[0] != out[0] && !(math.IsNaN(fg[0]) && math.IsNaN(out[0])) {
				t.Errorf("%s: log-parameter %v: ForwardGrad %v, Forward %v", c.name, y, fg[0], out[0])
			}
		}
	}
}

// The new loops allocate nothing either.
func TestGiveLogAllocs(t *testing.T) {
	r := rand.New(rand.NewPCG(29, 30))
	for _, c := range logCases {
		_, term, _, lin := logTerm(t, c, r)
		gin := make([][]float64, len(lin))
		for i := range lin {
			gin[i] = make([]float64, len(lin[i]))
		}
		out := []float64{0}
		if a := testing.AllocsPerRun(20, func() { term.ForwardGrad(lin, out, gin) }); a != 0 {
			t.Errorf("%s: %v allocations per ForwardGrad", c.name, a)
		}
	}
}
