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
}{
	{"one simplex", "Dirichlet", []string{"a"}, []int{4}, [][]int{{4}}, genDirichlet},
	{"batch of simplexes, one a", "Dirichlet", []string{"a"}, []int{3, 2}, [][]int{{2}}, genDirichlet},
	{"batch of simplexes, a per row", "Dirichlet", []string{"a"}, []int{2, 3, 3}, [][]int{{1, 3, 3}}, genDirichlet},
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
		term, err := NewTerm(v, c.value, c.pshape)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		for range 4 {
			in := [][]float64{make([]float64, shape.Size(c.value))}
			for _, ps := range c.pshape {
				in = append(in, make([]float64, shape.Size(ps)))
			}
			c.gen(r, c.value, in[0], in[1:])
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
				for j := range in[a] {
					if gb[a][j] != 2*gin[a][j] {
						t.Errorf("%s: Backward with adjoint 2 gave %v at in[%d][%d], ForwardGrad %v", c.name, gb[a][j], a, j, gin[a][j])
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
					if math.Abs(gin[a][j]-fd) > 1e-6*math.Max(1, math.Abs(fd)) {
						t.Errorf("%s: d/d in[%d][%d] = %.10g, finite differences %.10g", c.name, a, j, gin[a][j], fd)
					}
				}
			}
		}
	}
}

// eventLogpCases are log-densities of one event, from scipy.stats
// (dirichlet.logpdf) or closed forms.
var eventLogpCases = []struct {
	dist   string
	params map[string][]float64
	x      []float64
	want   float64
}{
	{"Dirichlet", map[string][]float64{"a": {0.5, 2, 3.5}}, []float64{0.2, 0.3, 0.5}, 0.8820313980015224},
	{"Dirichlet", map[string][]float64{"a": {1, 1}}, []float64{0.25, 0.75}, 0},
	{"Dirichlet", map[string][]float64{"a": {10, 0.3, 1, 4}}, []float64{0.4, 0.01, 0.09, 0.5}, 3.2047822994810193},
}

func TestEventLogp(t *testing.T) {
	for _, c := range eventLogpCases {
		d, _ := Lookup(c.dist)
		v, err := d.Variant(eventKeys(c.params))
		if err != nil {
			t.Fatal(err)
		}
		shapes := make([][]int, len(v.Params))
		in := [][]float64{c.x}
		for i, name := range v.Params {
			in = append(in, c.params[name])
			shapes[i] = []int{len(c.params[name])}
		}
		term, err := NewTerm(v, []int{len(c.x)}, shapes)
		if err != nil {
			t.Fatal(err)
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
