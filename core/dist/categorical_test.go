package dist

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/exmc/exmc/core/shape"
)

// compTerm builds the Term of a Components variant for the given value and
// parameter shapes.
func compTerm(t *testing.T, dist string, params []string, value []int, shapes [][]int) *Term {
	t.Helper()
	term, err := NewTerm(variantByParams(t, dist, params), value, shapes)
	if err != nil {
		t.Fatal(err)
	}
	return term
}

func forward(term *Term, in [][]float64) float64 {
	out := []float64{0}
	term.Forward(in, out)
	return out[0]
}

var categoricalVariants = map[string]struct {
	dist   string
	params []string
}{
	"p":        {"Categorical", []string{"p"}},
	"logit_p":  {"Categorical", []string{"logit_p"}},
	"logistic": {"OrderedLogistic", []string{"eta", "cutpoints"}},
	"probit":   {"OrderedProbit", []string{"eta", "cutpoints", "sigma"}},
}

// Reference values from the comment on each row (scipy 1.17.1; the far
// tail of the logistic from Python's decimal module at 50 digits, as
// log(sigmoid(b) - sigmoid(a)) in float64 loses digits there).
func TestCategoricalLogp(t *testing.T) {
	cases := []struct {
		variant string
		params  [][]float64
		x, want float64
	}{
		{"p", [][]float64{{0.2, 0.5, 0.3}}, 0.0, -1.6094379124341003},                     // np.log(p[x])
		{"p", [][]float64{{0.2, 0.5, 0.3}}, 2.0, -1.2039728043259361},                     // np.log(p[x])
		{"logit_p", [][]float64{{0.3, -1.2, 2.0, 0.1}}, 1.0, -3.5170085762969596},         // scipy.special.log_softmax(l)[x]
		{"logit_p", [][]float64{{0.3, -1.2, 2.0, 0.1}}, 2.0, -0.3170085762969594},         // scipy.special.log_softmax(l)[x]
		{"logistic", [][]float64{{0.4}, {-1.0, 0.5, 2.0}}, 0.0, -1.620417409918451},       // log of differences of scipy.special.expit(c - eta)
		{"logistic", [][]float64{{0.4}, {-1.0, 0.5, 2.0}}, 1.0, -1.117296528917476},       // log of differences of scipy.special.expit(c - eta)
		{"logistic", [][]float64{{0.4}, {-1.0, 0.5, 2.0}}, 2.0, -1.1807798598873636},      // log of differences of scipy.special.expit(c - eta)
		{"logistic", [][]float64{{0.4}, {-1.0, 0.5, 2.0}}, 3.0, -1.7839007408883387},      // log of differences of scipy.special.expit(c - eta)
		{"logistic", [][]float64{{-12.0}, {-1.0, 0.5}}, 2.0, -12.500003726646229},         // decimal: ln(1 - sigmoid(12.5))
		{"logistic", [][]float64{{-12.0}, {-1.0, 0.5}}, 1.0, -11.252502887133},            // decimal: ln(sigmoid(12.5) - sigmoid(11))
		{"probit", [][]float64{{0.4}, {-1.0, 0.5, 2.0}, {1.5}}, 0.0, -1.7411199028163742}, // log of differences of scipy.stats.norm.cdf((c - eta)/sigma)
		{"probit", [][]float64{{0.4}, {-1.0, 0.5, 2.0}, {1.5}}, 1.0, -1.046249885553826},  // log of differences of scipy.stats.norm.cdf((c - eta)/sigma)
		{"probit", [][]float64{{0.4}, {-1.0, 0.5, 2.0}, {1.5}}, 3.0, -1.9444828228016784}, // log of differences of scipy.stats.norm.cdf((c - eta)/sigma)
		{"probit", [][]float64{{9.0}, {-1.0, 0.5}, {1.0}}, 1.0, -39.19739723203941},       // log(norm.cdf(-8.5) - norm.cdf(-10))
		{"probit", [][]float64{{-9.0}, {-1.0, 0.5}, {1.0}}, 1.0, -35.01343884687653},      // log(norm.sf(8) - norm.sf(9.5))
	}
	for _, c := range cases {
		cv := categoricalVariants[c.variant]
		shapes := make([][]int, len(c.params))
		for i, p := range c.params {
			shapes[i] = []int{len(p)}
			if i != 1 && c.variant != "p" && c.variant != "logit_p" {
				shapes[i] = []int{} // eta, sigma: per element
			}
		}
		term := compTerm(t, cv.dist, cv.params, []int{}, shapes)
		got := forward(term, append([][]float64{{c.x}}, c.params...))
		if math.Abs(got-c.want) > 1e-12*math.Abs(c.want) {
			t.Errorf("%s %v at %v: %.17g, want %.17g", c.variant, c.params, c.x, got, c.want)
		}
	}
}

// -Inf where PyMC's Categorical check fails or the value is no category.
func TestCategoricalInvalid(t *testing.T) {
	cases := []struct {
		variant string
		params  [][]float64
		x       float64
	}{
		{"p", [][]float64{{0.2, 0.5, 0.2}}, 0},   // sums to 0.9
		{"p", [][]float64{{-0.1, 0.8, 0.3}}, 1},  // a negative probability
		{"p", [][]float64{{0.2, 0.5, 0.3}}, 3},   // beyond the last category
		{"p", [][]float64{{0.2, 0.5, 0.3}}, 0.5}, // not an integer
		{"logit_p", [][]float64{{0, 1}}, -1},
		{"logistic", [][]float64{{0}, {1, -1}}, 0},  // cutpoints descend
		{"logistic", [][]float64{{0}, {-1, 1}}, 3},  // two cutpoints, three categories
		{"logistic", [][]float64{{0}, {-1, -1}}, 1}, // an empty category
		{"probit", [][]float64{{0}, {1, -1}, {1}}, 2},
		{"probit", [][]float64{{0}, {-1, 1}, {0}}, 1}, // sigma 0
	}
	for _, c := range cases {
		cv := categoricalVariants[c.variant]
		shapes := [][]int{{len(c.params[0])}}
		if len(c.params) > 1 {
			shapes = [][]int{{}, {len(c.params[1])}, {}}[:len(c.params)]
		}
		term := compTerm(t, cv.dist, cv.params, []int{}, shapes)
		if got := forward(term, append([][]float64{{c.x}}, c.params...)); got != math.Inf(-1) {
			t.Errorf("%s %v at %v: %v, want -Inf", c.variant, c.params, c.x, got)
		}
	}
}

// Analytic gradients of every parameter against central differences, the
// parameters broadcast: a value of shape (2, 3), p or the cutpoints of
// shape (3, K) or (K), eta of shape (2, 3) and sigma of shape (3).
func TestCategoricalGradients(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	value := []int{2, 3}
	for name, cv := range categoricalVariants {
		var shapes [][]int
		switch name {
		case "p", "logit_p":
			shapes = [][]int{{3, 4}}
		case "logistic":
			shapes = [][]int{{2, 3}, {3}}
		case "probit":
			shapes = [][]int{{2, 3}, {3, 3}, {3}}
		}
		term := compTerm(t, cv.dist, cv.params, value, shapes)
		for trial := range 10 {
			in := [][]float64{make([]float64, 6)}
			for _, s := range shapes {
				in = append(in, make([]float64, shape.Size(s)))
			}
			k := term.comps
			cats := term.v.CategoryCount(k)
			for i := range in[0] {
				in[0][i] = float64(r.IntN(cats))
			}
			switch name {
			case "p":
				for row := 0; row < 3; row++ {
					sum := 0.0
					for j := range k {
						in[1][row*k+j] = 0.1 + r.Float64()
						sum += in[1][row*k+j]
					}
					for j := range k {
						in[1][row*k+j] /= sum
					}
				}
			case "logit_p":
				for i := range in[1] {
					in[1][i] = 2 * r.NormFloat64()
				}
			default:
				for i := range in[1] {
					in[1][i] = 2 * r.NormFloat64()
				}
				// ascending cutpoints, per row of the cutpoints' array
				for row := 0; row < len(in[2])/k; row++ {
					c := -2 + r.NormFloat64()
					for j := range k {
						c += 0.2 + 2*r.Float64()
						in[2][row*k+j] = c
					}
				}
				if name == "probit" {
					for i := range in[3] {
						in[3][i] = math.Exp(0.5 * r.NormFloat64())
					}
				}
			}
			if trial == 0 && name == "logistic" {
				in[1][0] = 30 // far in the tail
			}
			gin := make([][]float64, len(in))
			for i := 1; i < len(in); i++ {
				gin[i] = make([]float64, len(in[i]))
			}
			const g = 1.3
			if lp := forward(term, in); !(lp > math.Inf(-1)) {
				t.Fatalf("%s: log-density %v at %v", name, lp, in)
			}
			term.Backward(in, nil, []float64{g}, gin)
			for i := 1; i < len(in); i++ {
				for j := range in[i] {
					x0 := in[i][j]
					h := 1e-6 * math.Max(1, math.Abs(x0))
					in[i][j] = x0 + h
					up := forward(term, in)
					in[i][j] = x0 - h
					down := forward(term, in)
					in[i][j] = x0
					fd := g * (up - down) / (2 * h)
					if math.Abs(fd-gin[i][j]) > 1e-6*math.Max(1, math.Abs(fd)) {
						t.Errorf("%s: parameter %d element %d: analytic %.10g, finite difference %.10g", name, i-1, j, gin[i][j], fd)
					}
				}
			}
		}
	}
}

// Each category's frequency among 100000 draws is within five standard
// errors (sqrt(p(1-p)/n)) of its probability: a spurious failure is
// improbable (below 1e-5) with the fixed seed making it deterministic.
func TestCategoricalDraws(t *testing.T) {
	const n = 100000
	cases := []struct {
		variant string
		params  [][]float64
		shapes  [][]int
		probs   []float64
	}{
		{"p", [][]float64{{0.2, 0.5, 0.3}}, [][]int{{3}}, []float64{0.2, 0.5, 0.3}},
		// softmax(0, 1, -1)
		{"logit_p", [][]float64{{0, 1, -1}}, [][]int{{3}}, []float64{0.24472847105479764, 0.6652409557748219, 0.09003057317038046}},
		// differences of expit(c - 0.4), c = -1, 0.5
		{"logistic", [][]float64{{0.4}, {-1, 0.5}}, [][]int{{}, {2}}, []float64{0.19781611144141825, 0.3271811432408104, 0.47500274531777135}},
		// differences of norm.cdf((c - 0.4)/1.5), c = -1, 0.5
		{"probit", [][]float64{{0.4}, {-1, 0.5}, {1.5}}, [][]int{{}, {2}, {}}, []float64{0.17507210062139905, 0.3514820513226346, 0.4734458480559664}},
	}
	for ci, c := range cases {
		cv := categoricalVariants[c.variant]
		v := variantByParams(t, cv.dist, cv.params)
		out := make([]float64, n)
		if err := v.Draw(c.params, c.shapes, []int{n}, rand.New(rand.NewPCG(uint64(ci), 3)), out); err != nil {
			t.Fatal(err)
		}
		counts := make([]float64, len(c.probs))
		for _, x := range out {
			counts[int(x)]++
		}
		for j, p := range c.probs {
			if se := math.Sqrt(p * (1 - p) / n); math.Abs(counts[j]/n-p) > 5*se {
				t.Errorf("%s: category %d drawn %v of the time, want %v (se %.2g)", c.variant, j, counts[j]/n, p, se)
			}
		}
	}
	v := variantByParams(t, "OrderedLogistic", []string{"eta", "cutpoints"})
	err := v.Draw([][]float64{{0}, {1, -1}}, [][]int{{}, {2}}, []int{2}, rand.New(rand.NewPCG(1, 1)), make([]float64, 2))
	if err == nil || !strings.Contains(err.Error(), "ascending") {
		t.Errorf("descending cutpoints: %v", err)
	}
}

// The component axis's shapes: eta broadcasts to the value, the cutpoints
// to the value plus their own axis.
func TestCategoricalShapes(t *testing.T) {
	v := variantByParams(t, "OrderedLogistic", []string{"eta", "cutpoints"})
	for _, c := range []struct {
		value  []int
		shapes [][]int
		err    string
	}{
		{[]int{4}, [][]int{{4}, {3}}, ""},
		{[]int{4}, [][]int{{}, {4, 3}}, ""},
		{[]int{4}, [][]int{{4}, {}}, "cutpoints need a last axis of cutpoints"},
		{[]int{4}, [][]int{{4, 3}, {3}}, `"eta" of shape (4, 3) does not broadcast to the value's shape (4,)`},
		{[]int{4}, [][]int{{4}, {5, 3}}, "plus 3 cutpoints"},
	} {
		_, err := NewTerm(v, c.value, c.shapes)
		if c.err == "" && err != nil || c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)) {
			t.Errorf("value %v shapes %v: %v, want %q", c.value, c.shapes, err, c.err)
		}
	}
	if got, err := v.FreeShape([][]int{{4}, {2, 1, 3}}); err != nil || !shape.Equal(got, []int{2, 4}) {
		t.Errorf("free shape %v, %v", got, err)
	}
	if got := v.SupportString(); got != "0, ..., K (K: the last axis of cutpoints)" {
		t.Errorf("support %q", got)
	}
}
