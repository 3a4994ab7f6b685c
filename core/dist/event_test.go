package dist

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/exmc/exmc/core/shape"
)

// eventCases are the Event layout's gradient cases: a value shape and
// parameter shapes (batch axes broadcasting among them), and a random
// point inside the support and the parameter domain.
var eventCases = []struct {
	name   string
	dist   string
	params []string
	value  []int
	pshape [][]int
	gen    func(r *rand.Rand, value []int, x []float64, p [][]float64)
	// static parameters' values, by index; gen leaves them alone
	static map[int]float64
}{
	{"one simplex", "Dirichlet", []string{"a"}, []int{4}, [][]int{{4}}, genDirichlet, nil},
	{"batch of simplexes, one a", "Dirichlet", []string{"a"}, []int{3, 2}, [][]int{{2}}, genDirichlet, nil},
	{"batch of simplexes, a per row", "Dirichlet", []string{"a"}, []int{2, 3, 3}, [][]int{{1, 3, 3}}, genDirichlet, nil},
	{"zero-sum vector", "ZeroSumNormal", []string{"sigma", "n_zerosum_axes"}, []int{5}, [][]int{{}, {}}, genZeroSum(1), map[int]float64{1: 1}},
	{"zero-sum rows, sigma per row", "ZeroSumNormal", []string{"sigma", "n_zerosum_axes"}, []int{3, 4}, [][]int{{3}, {}}, genZeroSum(1), map[int]float64{1: 1}},
	{"multinomial", "Multinomial", []string{"n", "p"}, []int{4}, [][]int{{}, {4}}, genCounts(false), nil},
	{"multinomials, n per row", "Multinomial", []string{"n", "p"}, []int{3, 2}, [][]int{{3}, {2}}, genCounts(false), nil},
	{"Dirichlet-multinomial", "DirichletMultinomial", []string{"n", "a"}, []int{4}, [][]int{{}, {4}}, genCounts(true), nil},
	{"Dirichlet-multinomials, a per row", "DirichletMultinomial", []string{"n", "a"}, []int{2, 3}, [][]int{{}, {2, 3}}, genCounts(true), nil},
	{"zero-sum matrices", "ZeroSumNormal", []string{"sigma", "n_zerosum_axes"}, []int{2, 3, 4}, [][]int{{2}, {}}, genZeroSum(2), map[int]float64{1: 2}},
	{"rows sharing a covariance", "MvNormal", []string{"mu", "cov"}, []int{4, 3}, [][]int{{3}, {3, 3}}, genMv, nil},
	{"rows with their own factors", "MvNormal", []string{"mu", "chol"}, []int{2, 3}, [][]int{{2, 3}, {2, 3, 3}}, genMv, nil},
	{"one vector by its precision", "MvNormal", []string{"mu", "tau"}, []int{3}, [][]int{{3}, {3, 3}}, genMv, nil},
	{"t rows sharing a scale", "MvStudentT", []string{"nu", "mu", "scale"}, []int{4, 3}, [][]int{{}, {3}, {3, 3}}, genMv, nil},
	{"t rows, nu per row", "MvStudentT", []string{"nu", "mu", "chol"}, []int{4, 2}, [][]int{{4}, {2}, {2, 2}}, genMv, nil},
	{"t by its precision", "MvStudentT", []string{"nu", "mu", "tau"}, []int{2, 3}, [][]int{{}, {2, 3}, {2, 3, 3}}, genMv, nil},
	{"LKJ factor of three", "LKJCholeskyCov", []string{"n", "eta"}, []int{6}, [][]int{{}, {}}, genLKJ, map[int]float64{0: 3}},
	{"LKJ factors of four, a batch", "LKJCholeskyCov", []string{"n", "eta"}, []int{2, 10}, [][]int{{}, {}}, genLKJ, map[int]float64{0: 4}},
	{"LKJ factor of one", "LKJCholeskyCov", []string{"n", "eta"}, []int{1}, [][]int{{}, {}}, genLKJ, map[int]float64{0: 1}},
}

// genCounts draws concentrations a (conc) or probabilities p summing to
// one, and counts of every event summing to the n they read (one n, or
// one per row).
func genCounts(conc bool) func(r *rand.Rand, value []int, x []float64, p [][]float64) {
	return func(r *rand.Rand, value []int, x []float64, p [][]float64) {
		k := value[len(value)-1]
		for _, row := range simplexRows(p[1], k) {
			s := 0.0
			for i := range row {
				row[i] = logU(r, -1.5, 1.5)
				s += row[i]
			}
			for i := range row {
				if !conc {
					row[i] /= s
				}
			}
		}
		for i := range p[0] {
			p[0][i] = 0
		}
		for b, row := range simplexRows(x, k) {
			n := 0.0
			for i := range row {
				row[i] = float64(r.IntN(5))
				n += row[i]
			}
			if len(p[0]) == 1 {
				// one n for every row: the first row's total, the others
				// made to match
				if b == 0 {
					p[0][0] = n
					continue
				}
				left := int(p[0][0])
				for i := range row[:len(row)-1] {
					row[i] = float64(r.IntN(left + 1))
					left -= int(row[i])
				}
				row[len(row)-1] = float64(left)
				continue
			}
			p[0][b] = n
		}
	}
}

// genZeroSum draws sigma in exp(U(-1, 1)) and a value that sums to zero
// along each of its last axes axes.
func genZeroSum(axes int) func(r *rand.Rand, value []int, x []float64, p [][]float64) {
	return func(r *rand.Rand, value []int, x []float64, p [][]float64) {
		for i := range p[0] {
			p[0][i] = logU(r, -1, 1)
		}
		for i := range x {
			x[i] = r.NormFloat64()
		}
		e := &Geometry{Value: value[len(value)-axes:]}
		n := shape.Size(e.Value)
		for b := 0; b < len(x); b += n {
			centre(e, x[b:b+n])
		}
	}
}

// centre takes away the mean along each axis of one event.
func centre(e *Geometry, x []float64) {
	stride := len(x)
	for _, s := range e.Value {
		inner := stride / s
		for o := 0; o < len(x); o += stride {
			for i := range inner {
				m := 0.0
				for j := range s {
					m += x[o+i+j*inner]
				}
				m /= float64(s)
				for j := range s {
					x[o+i+j*inner] -= m
				}
			}
		}
		stride = inner
	}
}

// genDirichlet draws a in exp(U(-1.5, 2)) and x from Dirichlet(1 + a)
// away from the simplex's edges.
func genDirichlet(r *rand.Rand, value []int, x []float64, p [][]float64) {
	for i := range p[0] {
		p[0][i] = logU(r, -1.5, 2)
	}
	rows := simplexRows(x, value[len(value)-1])
	for _, row := range rows {
		s := 0.0
		for i := range row {
			row[i] = 0.05 + r.Float64()
			s += row[i]
		}
		for i := range row {
			row[i] /= s
		}
	}
}

// simplexRows cuts x into rows of the last axis; k is its length.
func simplexRows(x []float64, k int) [][]float64 {
	var rows [][]float64
	for r := 0; r < len(x); r += k {
		rows = append(rows, x[r:r+k])
	}
	return rows
}

// The gradient of the summed log-density in every element of the value
// and of each parameter, against central differences; Forward, Backward
// and ForwardGrad agree. Step 1e-6 relative; the tolerance, 1e-6 of the
// larger of 1 and the derivative, leaves room for the rounding error
// ~1e-16 * |logp| / h of the differences.
func TestEventGradients(t *testing.T) {
	r := rand.New(rand.NewPCG(42, 7))
	for _, c := range eventCases {
		d, _ := Lookup(c.dist)
		v, err := d.Variant(c.params)
		if err != nil {
			t.Fatal(err)
		}
		consts := make([][]float64, len(c.params))
		for i, x := range c.static {
			consts[i] = []float64{x}
		}
		term, err := NewTermConst(v, c.value, c.pshape, consts)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		for range 4 {
			in := [][]float64{make([]float64, shape.Size(c.value))}
			for _, ps := range c.pshape {
				in = append(in, make([]float64, shape.Size(ps)))
			}
			c.gen(r, c.value, in[0], in[1:])
			for i, x := range c.static {
				in[1+i][0] = x
			}
			if term.Scratch() > 0 {
				in = append(in, make([]float64, term.Scratch()))
			}
			var fwd, fg [1]float64
			term.Forward(in, fwd[:])
			gin := make([][]float64, len(in))
			gb := make([][]float64, len(in))
			for i := range 1 + len(c.pshape) {
				gin[i] = make([]float64, len(in[i]))
				gb[i] = make([]float64, len(in[i]))
			}
			term.ForwardGrad(in, fg[:], gin)
			if fwd[0] != fg[0] || math.IsInf(fwd[0], 0) || math.IsNaN(fwd[0]) {
				t.Fatalf("%s: Forward %v, ForwardGrad %v", c.name, fwd[0], fg[0])
			}
			term.Backward(in, fwd[:], []float64{2}, gb)
			point := make([]float64, shape.Size(term.PointShape()))
			term.Pointwise(in, point)
			sum := 0.0
			for _, lp := range point {
				sum += lp
			}
			if math.Abs(sum-fwd[0]) > 1e-12*math.Max(1, math.Abs(fwd[0])) {
				t.Errorf("%s: the pointwise log-densities sum to %v, the term is %v", c.name, sum, fwd[0])
			}
			for a := range 1 + len(c.pshape) {
				if a == 0 && d.Discrete || a > 0 && v.domains[a-1].integral() {
					// counts: no derivative, reported as 0
					for j := range in[a] {
						if a > 0 && gin[a][j] != 0 {
							t.Errorf("%s: a derivative %v in the counting parameter %d", c.name, gin[a][j], a-1)
						}
					}
					continue
				}
				if _, static := c.static[a-1]; a > 0 && static {
					if gin[a][0] != 0 {
						t.Errorf("%s: a gradient %v in the static parameter %d", c.name, gin[a][0], a-1)
					}
					continue
				}
				for j := range in[a] {
					if gb[a][j] != 2*gin[a][j] {
						t.Errorf("%s: Backward with adjoint 2 gave %v at in[%d][%d], ForwardGrad %v", c.name, gb[a][j], a, j, gin[a][j])
					}
					if a == 0 && c.static != nil {
						// a zero-sum value moves only within the zero sums
						checkZeroSumDirection(t, c.name, term, in, gin[0], j, c.value[len(c.value)-int(c.static[1]):])
						continue
					}
					x0 := in[a][j]
					h := 1e-6 * math.Max(math.Abs(x0), 0.1)
					in[a][j] = x0 + h
					var fp, fm [1]float64
					term.Forward(in, fp[:])
					in[a][j] = x0 - h
					term.Forward(in, fm[:])
					in[a][j] = x0
					fd := (fp[0] - fm[0]) / (2 * h)
					if !(math.Abs(gin[a][j]-fd) <= 1e-6*math.Max(1, math.Abs(fd))) {
						t.Errorf("%s: d/d in[%d][%d] = %.10g, finite differences %.10g", c.name, a, j, gin[a][j], fd)
					}
				}
			}
		}
	}
}

// checkZeroSumDirection checks the value's gradient g along the
// direction d, element j's unit vector with its means along the event's
// axes taken away (a zero-sum direction): g . d against central
// differences of the term along d.
func checkZeroSumDirection(t *testing.T, name string, term *Term, in [][]float64, g []float64, j int, event []int) {
	t.Helper()
	n := shape.Size(event)
	b := j / n * n
	d := make([]float64, n)
	d[j-b] = 1
	centre(&Geometry{Value: event}, d)
	x0 := append([]float64(nil), in[0][b:b+n]...)
	want := 0.0
	for i, v := range d {
		want += g[b+i] * v
	}
	const h = 1e-6
	var fp, fm [1]float64
	for i := range d {
		in[0][b+i] = x0[i] + h*d[i]
	}
	term.Forward(in, fp[:])
	for i := range d {
		in[0][b+i] = x0[i] - h*d[i]
	}
	term.Forward(in, fm[:])
	copy(in[0][b:b+n], x0)
	fd := (fp[0] - fm[0]) / (2 * h)
	if !(math.Abs(want-fd) <= 1e-6*math.Max(1, math.Abs(fd))) {
		t.Errorf("%s: the value's gradient along zero-sum direction %d: %.10g, finite differences %.10g", name, j, want, fd)
	}
}

// eventLogpCases are log-densities of one event, from scipy.stats
// (dirichlet.logpdf) or closed forms.
var eventLogpCases = []struct {
	dist   string
	params map[string][]float64
	x      []float64
	want   float64
	value  []int // the value's shape; nil: (len(x))
}{
	// the density of the coordinates of x in an orthonormal basis of the
	// zero-sum vectors, iid Normal(0, sigma): scipy.stats.multivariate_normal
	// with covariance sigma^2 I
	{"ZeroSumNormal", map[string][]float64{"sigma": {2}, "n_zerosum_axes": {1}}, []float64{1, -0.5, -0.5}, -3.411671427529236, nil},
	{"ZeroSumNormal", map[string][]float64{"sigma": {1.3}, "n_zerosum_axes": {1}}, []float64{0.25, -1.5, 0.75, 0.5}, -4.468464606034242, nil},
	{"ZeroSumNormal", map[string][]float64{"sigma": {0.7}, "n_zerosum_axes": {2}},
		[]float64{0.3, -0.1, 0.2, -0.4, -0.5, 0.6, 0.1, -0.2, 0.2, -0.5, -0.3, 0.6}, -5.108275413146663, []int{3, 4}},
	// scipy.stats.multinomial.logpmf, dirichlet_multinomial.logpmf
	{"Multinomial", map[string][]float64{"n": {5}, "p": {0.2, 0.3, 0.5}}, []float64{2, 0, 3}, -2.9957322735539913, nil},
	{"Multinomial", map[string][]float64{"n": {10}, "p": {0.1, 0.4, 0.25, 0.25}}, []float64{1, 4, 2, 3}, -3.4577677331505488, nil},
	{"Multinomial", map[string][]float64{"n": {3}, "p": {0, 1}}, []float64{0, 3}, 0, nil},
	{"DirichletMultinomial", map[string][]float64{"n": {5}, "a": {0.5, 2, 3.5}}, []float64{2, 0, 3}, -3.840429352241139, nil},
	{"DirichletMultinomial", map[string][]float64{"n": {10}, "a": {10, 0.3, 1, 4}}, []float64{1, 4, 2, 3}, -11.43967578079571, nil},
	{"Dirichlet", map[string][]float64{"a": {0.5, 2, 3.5}}, []float64{0.2, 0.3, 0.5}, 0.8820313980015224, nil},
	{"Dirichlet", map[string][]float64{"a": {1, 1}}, []float64{0.25, 0.75}, 0, nil},
	{"Dirichlet", map[string][]float64{"a": {10, 0.3, 1, 4}}, []float64{0.4, 0.01, 0.09, 0.5}, 3.2047822994810193, nil},
	// scipy.stats.multivariate_normal(mu, cov).logpdf(x) and
	// multivariate_t(mu, cov, df=4.5).logpdf(x); the factor and the
	// precision of the same cov, from numpy
	{"MvNormal", map[string][]float64{"mu": mvMu, "cov": mvCov3}, mvX, -3.9588053213668655, nil},
	{"MvNormal", map[string][]float64{"mu": mvMu, "chol": mvChol3}, mvX, -3.9588053213668655, nil},
	{"MvNormal", map[string][]float64{"mu": mvMu, "tau": mvTau3}, mvX, -3.9588053213668655, nil},
	{"MvStudentT", map[string][]float64{"nu": {4.5}, "mu": mvMu, "scale": mvCov3}, mvX, -4.1366385662486955, nil},
	{"MvStudentT", map[string][]float64{"nu": {4.5}, "mu": mvMu, "chol": mvChol3}, mvX, -4.1366385662486955, nil},
	{"MvStudentT", map[string][]float64{"nu": {4.5}, "mu": mvMu, "tau": mvTau3}, mvX, -4.1366385662486955, nil},
	// PyMC's pm.logp of LKJCholeskyCov.dist(n, eta, sd_dist=HalfFlat.dist(shape=n)),
	// whose sd_dist adds nothing
	{"LKJCholeskyCov", map[string][]float64{"n": {3}, "eta": {1.7}}, []float64{1.2, 0.3, 0.9, -0.4, 0.2, 1.1}, -1.5021790277646447, nil},
	{"LKJCholeskyCov", map[string][]float64{"n": {2}, "eta": {0.6}}, []float64{0.5, -1.5, 2.0}, -1.9813906843907718, nil},
	{"LKJCholeskyCov", map[string][]float64{"n": {4}, "eta": {3}}, []float64{1.0, 0.2, 0.8, -0.3, 0.5, 1.3, 0.1, -0.2, 0.4, 0.7}, -1.3928476624560517, nil},
}

var (
	mvX    = []float64{0.3, -1.2, 2.0}
	mvMu   = []float64{0.5, -0.5, 1.0}
	mvCov3 = []float64{2.0, 0.3, -0.4, 0.3, 1.0, 0.2, -0.4, 0.2, 1.5}
	// numpy.linalg.cholesky(cov) and numpy.linalg.inv(cov)
	mvChol3 = []float64{1.4142135623730951, 0, 0, 0.21213203435596423, 0.9772410142846032, 0,
		-0.282842712474619, 0.2660551452502585, 1.1615569980357674}
	mvTau3 = []float64{0.5665502522312766, -0.2056655025223128, 0.1785021342646488, -0.20566550252231275,
		1.1020566550252233, -0.20178502134264648, 0.1785021342646488, -0.2017850213426465, 0.7411719053162592}
)

func TestEventLogp(t *testing.T) {
	for _, c := range eventLogpCases {
		d, _ := Lookup(c.dist)
		v, err := d.Variant(eventKeys(c.params))
		if err != nil {
			t.Fatal(err)
		}
		shapes := make([][]int, len(v.Params))
		consts := make([][]float64, len(v.Params))
		in := [][]float64{c.x}
		for i, name := range v.Params {
			in = append(in, c.params[name])
			shapes[i] = []int{len(c.params[name])}
			if v.EventDims(i) == 2 {
				n := int(math.Sqrt(float64(len(c.params[name]))))
				shapes[i] = []int{n, n}
			}
			if v.IsStatic(i) || v.EventDims(i) == 0 {
				shapes[i] = []int{}
			}
			if v.IsStatic(i) {
				consts[i] = c.params[name]
			}
		}
		value := c.value
		if value == nil {
			value = []int{len(c.x)}
		}
		term, err := NewTermConst(v, value, shapes, consts)
		if err != nil {
			t.Fatal(err)
		}
		if n := term.Scratch(); n > 0 {
			in = append(in, make([]float64, n))
		}
		var out [1]float64
		term.Forward(in, out[:])
		if math.Abs(out[0]-c.want) > 1e-12*math.Max(1, math.Abs(c.want)) {
			t.Errorf("%s%v at %v: %.17g, want %.17g", c.dist, c.params, c.x, out[0], c.want)
		}
	}
}

// Outside the support or the parameter domain the log-density is -Inf.
func TestEventLogpEdges(t *testing.T) {
	d, _ := Lookup("Dirichlet")
	v := d.Variants[0]
	term, _ := NewTerm(v, []int{3}, [][]int{{3}})
	for _, c := range []struct {
		x, a []float64
		want float64
	}{
		{[]float64{-0.1, 0.6, 0.5}, []float64{1, 2, 3}, math.Inf(-1)},
		{[]float64{0.2, 0.3, 0.5}, []float64{1, 0, 3}, math.Inf(-1)},
		{[]float64{0, 0.5, 0.5}, []float64{1, 2, 3}, lgamma(6) - lgamma(2) - lgamma(3) + math.Log(0.5) + 2*math.Log(0.5)},
		{[]float64{0, 0.5, 0.5}, []float64{2, 2, 3}, math.Inf(-1)},
	} {
		var out [1]float64
		term.Forward([][]float64{c.x, c.a}, out[:])
		if !(out[0] == c.want || math.Abs(out[0]-c.want) < 1e-12) {
			t.Errorf("Dirichlet(%v) at %v: %v, want %v", c.a, c.x, out[0], c.want)
		}
	}
}

// Draws have the moments of the distribution: Dirichlet's mean a_i/A and
// variance a_i (A - a_i) / (A^2 (A + 1)). With 20,000 draws (seeded) the
// mean's standard error is sd/141; 5 standard errors never flake, and a
// wrong draw moves the mean by far more. The variance is held to 10%,
// about 7 of its standard errors at these sizes.
func TestEventDrawMoments(t *testing.T) {
	d, _ := Lookup("Dirichlet")
	v := d.Variants[0]
	a := []float64{0.3, 1.5, 4}
	const n = 20000
	out := make([]float64, n*3)
	if err := v.Draw([][]float64{a}, [][]int{{3}}, []int{n, 3}, rand.New(rand.NewPCG(5, 6)), out); err != nil {
		t.Fatal(err)
	}
	A := 0.3 + 1.5 + 4
	for i, ai := range a {
		var s, ss float64
		for k := range n {
			x := out[k*3+i]
			s += x
			ss += x * x
		}
		mean := s / n
		variance := ss/n - mean*mean
		wantM, wantV := ai/A, ai*(A-ai)/(A*A*(A+1))
		if math.Abs(mean-wantM) > 5*math.Sqrt(wantV/n) {
			t.Errorf("Dirichlet(%v) component %d: mean %v, want %v", a, i, mean, wantM)
		}
		if math.Abs(variance-wantV) > 0.1*wantV {
			t.Errorf("Dirichlet(%v) component %d: variance %v, want %v", a, i, variance, wantV)
		}
	}
	for k := range n {
		if s := out[3*k] + out[3*k+1] + out[3*k+2]; math.Abs(s-1) > 1e-12 {
			t.Fatalf("draw %d sums to %v", k, s)
		}
	}
	if err := v.Draw([][]float64{{1, -1}}, [][]int{{2}}, []int{2}, rand.New(rand.NewPCG(1, 1)), out[:2]); err == nil ||
		!strings.Contains(err.Error(), "a must be positive") {
		t.Errorf("Dirichlet(1, -1): %v", err)
	}
}

// Shapes that do not fit are refused with what is wrong.
func TestEventShapeErrors(t *testing.T) {
	d, _ := Lookup("Dirichlet")
	v := d.Variants[0]
	for _, c := range []struct {
		value  []int
		params [][]int
		want   string
	}{
		{[]int{3}, [][]int{{}}, `parameter "a" needs 1 event axis, got shape ()`},
		{[]int{3}, [][]int{{4}}, "the value has 3 categories along its last axis but a has 4"},
		{[]int{2, 3}, [][]int{{4, 3}}, "does not broadcast to the value's (2,)"},
		{[]int{}, [][]int{{3}}, "the value needs 1 event axis, got shape ()"},
	} {
		_, err := NewTerm(v, c.value, c.params)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("value %v, a %v: %v, want %q", c.value, c.params, err, c.want)
		}
	}
	l, err := v.SplitEvents(nil, [][]int{{5, 1, 3}}, Args{})
	if err != nil || !shape.Equal(l.Shape(), []int{5, 1, 3}) {
		t.Errorf("inferred shape %v, %v", l.Shape(), err)
	}
}

// Every Event distribution has gradient and reference cases.
func TestEventCoverage(t *testing.T) {
	for _, name := range Names() {
		d, _ := Lookup(name)
		if d.Layout != Event {
			continue
		}
		for _, v := range d.Variants {
			grad, ref := false, false
			for _, c := range eventCases {
				grad = grad || c.dist == name && strings.Join(c.params, ",") == strings.Join(v.Params, ",")
			}
			for _, c := range eventLogpCases {
				ref = ref || c.dist == name && v.accepts(eventKeys(c.params)) && len(c.params) == len(v.Params)
			}
			if !grad || !ref {
				t.Errorf("%s%v: gradient case %v, reference values %v", name, v.Params, grad, ref)
			}
		}
	}
}

func eventKeys(m map[string][]float64) []string {
	var k []string
	for n := range m {
		k = append(k, n)
	}
	return k
}

// ZeroSumNormal's draws sum to zero along each zero-sum axis, have mean
// zero and variance sigma^2 prod((s_i - 1) / s_i) per element; 20,000
// draws, the mean held to 5 standard errors and the variance to 5%
// (about 7 of its standard errors).
func TestZeroSumNormalDrawMoments(t *testing.T) {
	d, _ := Lookup("ZeroSumNormal")
	v := d.Variants[0]
	const n = 20000
	out := make([]float64, n*6)
	err := v.Draw([][]float64{{1.5}, {2}}, [][]int{{}, {}}, []int{n, 2, 3}, rand.New(rand.NewPCG(8, 9)), out)
	if err != nil {
		t.Fatal(err)
	}
	wantV := 1.5 * 1.5 * 0.5 * (2.0 / 3)
	for i := range 6 {
		var s, ss float64
		for k := range n {
			x := out[k*6+i]
			s += x
			ss += x * x
		}
		mean, variance := s/n, ss/n-(s/n)*(s/n)
		if math.Abs(mean) > 5*math.Sqrt(wantV/n) || math.Abs(variance-wantV) > 0.05*wantV {
			t.Errorf("element %d: mean %v, variance %v, want 0 and %v", i, mean, variance, wantV)
		}
	}
	e := &Geometry{Value: []int{2, 3}}
	for k := range n {
		if !zeroSums(e, out[k*6:(k+1)*6]) {
			t.Fatalf("draw %d, %v, does not sum to zero", k, out[k*6:(k+1)*6])
		}
	}
}

func TestZeroSumNormalEdges(t *testing.T) {
	d, _ := Lookup("ZeroSumNormal")
	v := d.Variants[0]
	term, err := NewTermConst(v, []int{3}, [][]int{{}, {}}, [][]float64{nil, {1}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		x     []float64
		sigma float64
		inf   bool
	}{
		{[]float64{1, -0.5, -0.5}, 1, false},
		{[]float64{1, -0.5, -0.4}, 1, true},
		{[]float64{1, -0.5, -0.5 + 2e-9}, 1, false}, // within PyMC's atol of 1e-9 on the mean
		{[]float64{1, -0.5, -0.5}, 0, true},
	} {
		var out [1]float64
		term.Forward([][]float64{c.x, {c.sigma}, {1}}, out[:])
		if math.IsInf(out[0], -1) != c.inf {
			t.Errorf("x %v, sigma %v: %v", c.x, c.sigma, out[0])
		}
	}
	for _, c := range []struct {
		value  []int
		static float64
		want   string
	}{
		{[]int{3}, 0, "n_zerosum_axes must be at least 1"},
		{[]int{3}, 2, "the value needs 2 event axes"},
		{[]int{4, 1}, 1, "length of at least 2"},
	} {
		_, err := NewTermConst(v, c.value, [][]int{{}, {}}, [][]float64{nil, {c.static}})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("value %v over %v axes: %v, want %q", c.value, c.static, err, c.want)
		}
	}
	if _, err := NewTerm(v, []int{3}, [][]int{{}, {}}); err == nil || !strings.Contains(err.Error(), "must be one constant") {
		t.Errorf("n_zerosum_axes not a constant: %v", err)
	}
}

// Counts' draws: each event sums to n; the means n p_i (Dirichlet-
// multinomial: p_i = a_i / A) within 5 standard errors of 20,000 draws,
// the variances n p_i (1 - p_i), times (n + A) / (1 + A) for the
// Dirichlet-multinomial, within 7%.
func TestCountsDrawMoments(t *testing.T) {
	const n = 20000
	for _, c := range []struct {
		dist   string
		second []float64
		disp   func(A float64) float64
	}{
		{"Multinomial", []float64{0.2, 0.5, 0.3}, func(float64) float64 { return 1 }},
		{"DirichletMultinomial", []float64{0.6, 1.5, 3}, func(A float64) float64 { return (7 + A) / (1 + A) }},
	} {
		d, _ := Lookup(c.dist)
		v := d.Variants[0]
		out := make([]float64, 3*n)
		if err := v.Draw([][]float64{{7}, c.second}, [][]int{{}, {3}}, []int{n, 3}, rand.New(rand.NewPCG(10, 11)), out); err != nil {
			t.Fatal(err)
		}
		A := c.second[0] + c.second[1] + c.second[2]
		for i, s := range c.second {
			q := s / A
			wantM, wantV := 7*q, 7*q*(1-q)*c.disp(A)
			var sum, ss float64
			for k := range n {
				x := out[3*k+i]
				sum += x
				ss += x * x
			}
			mean, variance := sum/n, ss/n-(sum/n)*(sum/n)
			if math.Abs(mean-wantM) > 5*math.Sqrt(wantV/n) || math.Abs(variance-wantV) > 0.07*wantV {
				t.Errorf("%s: category %d: mean %v, variance %v, want %v and %v", c.dist, i, mean, variance, wantM, wantV)
			}
		}
		for k := range n {
			if out[3*k]+out[3*k+1]+out[3*k+2] != 7 || !isCount(out[3*k]) {
				t.Fatalf("%s: draw %v", c.dist, out[3*k:3*k+3])
			}
		}
	}
}

// genMv draws a point of MvNormal or MvStudentT: a random mean, a
// well-conditioned covariance (or factor, or precision), nu in
// exp(U(0, 3)) and the value near the mean (mvCase.inputs).
func genMv(r *rand.Rand, value []int, x []float64, p [][]float64) {
	shapes := make([][]int, len(p))
	for i := range p {
		shapes[i] = []int{len(p[i])}
	}
	var names []string
	switch len(p) {
	case 2:
		names = []string{"mu", "cov"}
	default:
		names = []string{"nu", "mu", "cov"}
	}
	// a factor reads as any matrix with a positive diagonal; a symmetric
	// positive-definite one serves every kind
	for i, name := range names {
		switch name {
		case "mu":
			for j := range p[i] {
				p[i][j] = r.NormFloat64()
			}
		case "nu":
			for j := range p[i] {
				p[i][j] = logU(r, 0, 3)
			}
		default:
			k := value[len(value)-1]
			for j := 0; j < len(p[i]); j += k * k {
				spd(r, k, p[i][j:j+k*k])
			}
		}
	}
	for i := range x {
		x[i] = 1.5 * r.NormFloat64()
	}
}

// genLKJ draws packed factors with a positive diagonal, eta in
// exp(U(-1, 2)), and n from the value's last axis.
func genLKJ(r *rand.Rand, value []int, x []float64, p [][]float64) {
	m := value[len(value)-1]
	n := 0
	for n*(n+1)/2 < m {
		n++
	}
	p[0][0], p[1][0] = float64(n), logU(r, -1, 2)
	for b := 0; b < len(x); b += m {
		for i, d := 0, 0; i < n; i, d = i+1, d+i+2 {
			for j := d - i; j < d; j++ {
				x[b+j] = r.NormFloat64()
			}
			x[b+d] = logU(r, -1, 1)
		}
	}
}
