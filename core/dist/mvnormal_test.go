package dist

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/exmc/exmc/core/shape"
)

// mvCase is one shape of a multivariate term: its variant's parameter
// names and each parameter's shape, in the variant's order.
type mvCase struct {
	dist   string
	params []string
	value  []int
	shapes [][]int
}

var mvCases = []mvCase{
	{"MvNormal", []string{"mu", "cov"}, []int{3}, [][]int{{3}, {3, 3}}},
	{"MvNormal", []string{"mu", "cov"}, []int{4, 3}, [][]int{{3}, {3, 3}}},
	{"MvNormal", []string{"mu", "cov"}, []int{2, 3}, [][]int{{2, 3}, {2, 3, 3}}},
	{"MvNormal", []string{"mu", "chol"}, []int{4, 3}, [][]int{{4, 3}, {3, 3}}},
	{"MvNormal", []string{"mu", "chol"}, []int{2, 2, 3}, [][]int{{3}, {2, 1, 3, 3}}},
	{"MvNormal", []string{"mu", "tau"}, []int{4, 3}, [][]int{{3}, {3, 3}}},
	{"MvNormal", []string{"mu", "tau"}, []int{1}, [][]int{{1}, {1, 1}}},
	{"MvStudentT", []string{"nu", "mu", "scale"}, []int{4, 3}, [][]int{{}, {3}, {3, 3}}},
	{"MvStudentT", []string{"nu", "mu", "chol"}, []int{4, 3}, [][]int{{4}, {4, 3}, {3, 3}}},
	{"MvStudentT", []string{"nu", "mu", "tau"}, []int{2, 3}, [][]int{{2}, {3}, {2, 3, 3}}},
}

// spd fills m (k*k) with a random symmetric positive-definite matrix:
// A A' + k/2 I for a standard normal A, well conditioned at these sizes.
func spd(r *rand.Rand, k int, m []float64) {
	a := make([]float64, k*k)
	for i := range a {
		a[i] = r.NormFloat64()
	}
	for i := range k {
		for j := range k {
			s := 0.0
			for l := range k {
				s += a[i*k+l] * a[j*k+l]
			}
			if i == j {
				s += float64(k) / 2
			}
			m[i*k+j] = s
		}
	}
}

// lowerFactor fills m (k*k) with a random lower-triangular matrix with a
// positive diagonal and a random upper triangle, which must be ignored.
func lowerFactor(r *rand.Rand, k int, m []float64) {
	for i := range k {
		for j := range k {
			switch {
			case j < i:
				m[i*k+j] = 0.5 * r.NormFloat64()
			case j == i:
				m[i*k+j] = logU(r, -0.7, 0.7)
			default:
				m[i*k+j] = r.NormFloat64()
			}
		}
	}
}

// inputs draws a point of the case: the value, then the parameters.
func (c mvCase) inputs(r *rand.Rand) [][]float64 {
	in := [][]float64{make([]float64, shape.Size(c.value))}
	for i := range in[0] {
		in[0][i] = 1.5 * r.NormFloat64()
	}
	for i, p := range c.params {
		s := c.shapes[i]
		v := make([]float64, shape.Size(s))
		switch p {
		case "mu":
			for j := range v {
				v[j] = r.NormFloat64()
			}
		case "nu":
			for j := range v {
				v[j] = logU(r, 0, 3)
			}
		case "chol":
			k := s[len(s)-1]
			for j := 0; j < len(v); j += k * k {
				lowerFactor(r, k, v[j:j+k*k])
			}
		default:
			k := s[len(s)-1]
			for j := 0; j < len(v); j += k * k {
				spd(r, k, v[j:j+k*k])
			}
		}
		in = append(in, v)
	}
	return in
}

func (c mvCase) term(t *testing.T) *Term {
	t.Helper()
	d, err := Lookup(c.dist)
	if err != nil {
		t.Fatal(err)
	}
	v, err := d.Variant(c.params)
	if err != nil {
		t.Fatal(err)
	}
	term, err := NewTerm(v, c.value, c.shapes)
	if err != nil {
		t.Fatal(err)
	}
	return term
}

// withScratch appends the term's scratch space to its inputs.
func withScratch(term *Term, in [][]float64) [][]float64 {
	if n := term.Scratch(); n > 0 {
		in = append(in, make([]float64, n))
	}
	return in
}

// The gradient in every element of the value and of every parameter,
// against central differences (h = 1e-6: truncation ~1e-12, rounding
// ~1e-16 |logp| / h ~ 1e-9 here, so 1e-6 relative cannot flake and
// catches any wrong term). The upper triangle of a matrix is perturbed
// like any other element: LAPACK does not read it, so its derivative is
// zero, as the kernel says.
func TestMvGradients(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for _, c := range mvCases {
		term := c.term(t)
		for range 3 {
			in := withScratch(term, c.inputs(r))
			out := []float64{0}
			gin := make([][]float64, len(in))
			for a := range len(in) - 1 {
				gin[a] = make([]float64, len(in[a]))
			}
			term.ForwardGrad(in, out, gin)
			lp := out[0]
			checkConstMatrix(t, c, in, lp, gin)
			if math.IsInf(lp, 0) || math.IsNaN(lp) {
				t.Fatalf("%s %v: log-density %v at a valid point", c.dist, c.params, lp)
			}
			fwd := []float64{0}
			term.Forward(in, fwd)
			if fwd[0] != lp {
				t.Errorf("%s %v: Forward %v, ForwardGrad %v", c.dist, c.params, fwd[0], lp)
			}
			// Backward with an adjoint of 2 adds twice the gradient
			gb := make([][]float64, len(in))
			for a := range len(in) - 1 {
				gb[a] = make([]float64, len(in[a]))
			}
			term.Backward(in, fwd, []float64{2}, gb)
			for a := range gb {
				for j := range gb[a] {
					if math.Abs(gb[a][j]-2*gin[a][j]) > 1e-12*math.Max(1, math.Abs(gin[a][j])) {
						t.Errorf("%s %v: Backward(2) in[%d][%d] = %v, twice ForwardGrad's is %v", c.dist, c.params, a, j, gb[a][j], 2*gin[a][j])
					}
				}
			}
			for a := range len(in) - 1 {
				for j := range in[a] {
					v := in[a][j]
					in[a][j] = v + gradStepMv
					term.Forward(in, fwd)
					fp := fwd[0]
					in[a][j] = v - gradStepMv
					term.Forward(in, fwd)
					fm := fwd[0]
					in[a][j] = v
					fd := (fp - fm) / (2 * gradStepMv)
					if math.Abs(gin[a][j]-fd) > 1e-6*math.Max(1, math.Abs(fd)) {
						t.Errorf("%s %v shape %v: d/d in[%d][%d] = %.10g, finite differences %.10g",
							c.dist, c.params, c.value, a, j, gin[a][j], fd)
					}
				}
			}
		}
	}
}

const gradStepMv = 1e-6

// The log-density against scipy.stats.multivariate_normal and
// multivariate_t (values printed by scipy 1.x for this point), for each
// way of giving the matrix.
func TestMvLogpScipy(t *testing.T) {
	x := []float64{0.3, -1.2, 2.0, 1.5, 0.1, -0.7}
	mu := []float64{0.5, -0.5, 1.0}
	cov := []float64{2.0, 0.3, -0.4, 0.3, 1.0, 0.2, -0.4, 0.2, 1.5}
	normal := []float64{-3.9588053213668655, -4.5617350846575135}
	student := []float64{-4.1366385662486955, -4.827884645776604} // df = 4.5
	chol := make([]float64, 9)
	if _, ok := mvCov.factor(cov, 3, chol); !ok {
		t.Fatal("the test's covariance is not positive definite")
	}
	for i := range 3 {
		for j := i + 1; j < 3; j++ {
			chol[i*3+j] = 0
		}
	}
	tau := inverse3(cov)
	mats := map[string][]float64{"cov": cov, "scale": cov, "chol": chol, "tau": tau}
	for _, c := range []struct {
		dist string
		m    string
		want []float64
	}{
		{"MvNormal", "cov", normal}, {"MvNormal", "chol", normal}, {"MvNormal", "tau", normal},
		{"MvStudentT", "scale", student}, {"MvStudentT", "chol", student}, {"MvStudentT", "tau", student},
	} {
		params := []string{"mu", c.m}
		shapes := [][]int{{3}, {3, 3}}
		in := [][]float64{x, mu, mats[c.m]}
		if c.dist == "MvStudentT" {
			params = []string{"nu", "mu", c.m}
			shapes = [][]int{{}, {3}, {3, 3}}
			in = [][]float64{x, {4.5}, mu, mats[c.m]}
		}
		mc := mvCase{c.dist, params, []int{2, 3}, shapes}
		term := mc.term(t)
		in = withScratch(term, in)
		point := make([]float64, 2)
		term.Pointwise(in, point)
		out := []float64{0}
		term.Forward(in, out)
		if want := c.want[0] + c.want[1]; math.Abs(out[0]-want) > 1e-12*math.Abs(want) {
			t.Errorf("%s with %s: log-density %.17g, scipy %.17g", c.dist, c.m, out[0], want)
		}
		for r := range 2 {
			if math.Abs(point[r]-c.want[r]) > 1e-12*math.Abs(c.want[r]) {
				t.Errorf("%s with %s: row %d pointwise %v, scipy %.17g", c.dist, c.m, r, point[r], c.want[r])
			}
		}
		// the same with the matrix a constant, factored once
		term = mc.term(t)
		consts := make([][]float64, len(in)-2)
		consts[len(consts)-1] = mats[c.m]
		term.SetConstants(consts)
		term.Forward(in, out)
		if want := c.want[0] + c.want[1]; math.Abs(out[0]-want) > 1e-12*math.Abs(want) {
			t.Errorf("%s with a constant %s: log-density %.17g, scipy %.17g", c.dist, c.m, out[0], want)
		}
	}
}

func inverse3(m []float64) []float64 {
	a, b, c := m[0], m[1], m[2]
	d, e, f := m[3], m[4], m[5]
	g, h, i := m[6], m[7], m[8]
	det := a*(e*i-f*h) - b*(d*i-f*g) + c*(d*h-e*g)
	return []float64{
		(e*i - f*h) / det, (c*h - b*i) / det, (b*f - c*e) / det,
		(f*g - d*i) / det, (a*i - c*g) / det, (c*d - a*f) / det,
		(d*h - e*g) / det, (b*g - a*h) / det, (a*e - b*d) / det,
	}
}

// A matrix that is not positive definite, a factor with a non-positive
// diagonal, a non-positive nu: -Inf, a rejected point, with no panic.
func TestMvRejects(t *testing.T) {
	bad := []float64{1, 2, 2, 1} // eigenvalues 3 and -1
	negChol := []float64{1, 0, 0.5, -1}
	for _, c := range []struct {
		dist   string
		params []string
		in     [][]float64
	}{
		{"MvNormal", []string{"mu", "cov"}, [][]float64{{0, 0}, {0, 0}, bad}},
		{"MvNormal", []string{"mu", "tau"}, [][]float64{{0, 0}, {0, 0}, bad}},
		{"MvNormal", []string{"mu", "chol"}, [][]float64{{0, 0}, {0, 0}, negChol}},
		{"MvNormal", []string{"mu", "cov"}, [][]float64{{0, 0}, {0, 0}, {1, 0, 0, math.NaN()}}},
		{"MvStudentT", []string{"nu", "mu", "scale"}, [][]float64{{0, 0}, {0}, {0, 0}, {1, 0, 0, 1}}},
	} {
		shapes := [][]int{{2}, {2, 2}}
		if c.dist == "MvStudentT" {
			shapes = [][]int{{}, {2}, {2, 2}}
		}
		mc := mvCase{c.dist, c.params, []int{2}, shapes}
		term := mc.term(t)
		in := withScratch(term, c.in)
		out := []float64{0}
		term.Forward(in, out)
		if !math.IsInf(out[0], -1) {
			t.Errorf("%s %v at %v: %v, want -Inf", c.dist, c.params, c.in, out[0])
		}
		gin := make([][]float64, len(in))
		gin[0] = make([]float64, 2)
		term.ForwardGrad(in, out, gin)
		if !math.IsInf(out[0], -1) {
			t.Errorf("%s %v at %v: ForwardGrad %v, want -Inf", c.dist, c.params, c.in, out[0])
		}
	}
}

// Evaluating with a matrix factored per evaluation allocates nothing: its
// workspace is the term's scratch input.
func TestMvDoesNotAllocate(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	for _, c := range mvCases {
		term := c.term(t)
		in := withScratch(term, c.inputs(r))
		out := []float64{0}
		gin := make([][]float64, len(in))
		for a := range len(in) - 1 {
			gin[a] = make([]float64, len(in[a]))
		}
		if n := testing.AllocsPerRun(20, func() {
			term.Forward(in, out)
			term.ForwardGrad(in, out, gin)
		}); n != 0 {
			t.Errorf("%s %v: %v allocations per evaluation", c.dist, c.params, n)
		}
	}
}

// The event kernel's one-event log-density and gradient (what a Term does
// not use, but draws and other callers of the Event layout may) equal the
// Term's for a single row.
func TestMvKernelOneEvent(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	for _, c := range mvCases {
		if len(c.value) != 1 {
			continue
		}
		term := c.term(t)
		in := withScratch(term, c.inputs(r))
		out := []float64{0}
		gin := make([][]float64, len(in))
		for a := range len(in) - 1 {
			gin[a] = make([]float64, len(in[a]))
		}
		term.ForwardGrad(in, out, gin)
		v := term.Variant()
		l, err := v.SplitEvents(c.value, c.shapes, Args{})
		if err != nil {
			t.Fatal(err)
		}
		var p, gp EventArgs
		for i := range c.params {
			p[i] = in[1+i]
			gp[i] = make([]float64, len(in[1+i]))
		}
		gx := make([]float64, len(in[0]))
		lp := v.Dist.event.Logp(&l.Event, in[0], p, 1, gx, gp, in[len(in)-1])
		if lp != out[0] {
			t.Errorf("%s %v: kernel %v, term %v", c.dist, c.params, lp, out[0])
		}
		for i := range c.params {
			for j := range gp[i] {
				if gp[i][j] != gin[1+i][j] {
					t.Errorf("%s %v: kernel's gradient in %s[%d] %v, term's %v", c.dist, c.params, c.params[i], j, gp[i][j], gin[1+i][j])
				}
			}
		}
		for j := range gx {
			if gx[j] != gin[0][j] {
				t.Errorf("%s %v: kernel's gradient in x[%d] %v, term's %v", c.dist, c.params, j, gx[j], gin[0][j])
			}
		}
	}
}

// Draws have the distribution's moments: mean mu and covariance S (S
// nu/(nu-2) for Student's t), S given each way. 20,000 draws (seeded):
// the mean's standard error is below 0.02 here, held to 5 of them; the
// covariance's elements to 0.1 (about 7 standard errors for the Normal's,
// 4 for the t's heavier tails at nu = 9).
func TestMvDrawMoments(t *testing.T) {
	mu := []float64{0.5, -0.5, 1.0}
	mats := map[string][]float64{"cov": mvCov3, "scale": mvCov3, "chol": mvChol3, "tau": mvTau3}
	for _, c := range []struct {
		dist, m string
	}{{"MvNormal", "cov"}, {"MvNormal", "chol"}, {"MvNormal", "tau"}, {"MvStudentT", "scale"}, {"MvStudentT", "tau"}} {
		d, _ := Lookup(c.dist)
		params := [][]float64{mu, mats[c.m]}
		shapes := [][]int{{3}, {3, 3}}
		names := []string{"mu", c.m}
		factor := 1.0
		if c.dist == "MvStudentT" {
			params = append([][]float64{{9}}, params...)
			shapes = append([][]int{{}}, shapes...)
			names = append([]string{"nu"}, names...)
			factor = 9.0 / 7
		}
		v, err := d.Variant(names)
		if err != nil {
			t.Fatal(err)
		}
		const n = 20000
		out := make([]float64, n*3)
		if err := v.Draw(params, shapes, []int{n, 3}, rand.New(rand.NewPCG(17, 18)), out); err != nil {
			t.Fatal(err)
		}
		var mean [3]float64
		for k := range n {
			for i := range 3 {
				mean[i] += out[3*k+i] / n
			}
		}
		for i := range 3 {
			if se := math.Sqrt(factor * mvCov3[4*i] / n); math.Abs(mean[i]-mu[i]) > 5*se {
				t.Errorf("%s by %s: mean[%d] %v, want %v", c.dist, c.m, i, mean[i], mu[i])
			}
			for j := range 3 {
				s := 0.0
				for k := range n {
					s += (out[3*k+i] - mean[i]) * (out[3*k+j] - mean[j])
				}
				if got, want := s/n, factor*mvCov3[3*i+j]; math.Abs(got-want) > 0.1 {
					t.Errorf("%s by %s: covariance[%d][%d] %v, want %v", c.dist, c.m, i, j, got, want)
				}
			}
		}
	}
}

// BenchmarkMvNormal100 is one gradient of a free MvNormal of 100
// dimensions with a dense constant covariance (factored at compile
// time), and with a covariance that is a parameter (factored per
// evaluation).
func BenchmarkMvNormal100(b *testing.B) {
	const k = 100
	r := rand.New(rand.NewPCG(1, 2))
	cov := make([]float64, k*k)
	spd(r, k, cov)
	for _, constant := range []bool{true, false} {
		name := "parameter"
		if constant {
			name = "constant"
		}
		b.Run(name, func(b *testing.B) {
			c := mvCase{"MvNormal", []string{"mu", "cov"}, []int{k}, [][]int{{k}, {k, k}}}
			d, _ := Lookup(c.dist)
			v, _ := d.Variant(c.params)
			var consts [][]float64
			if constant {
				consts = [][]float64{nil, cov}
			}
			term, err := NewTermConst(v, c.value, c.shapes, consts)
			if err != nil {
				b.Fatal(err)
			}
			x, mu := make([]float64, k), make([]float64, k)
			for i := range x {
				x[i] = r.NormFloat64()
			}
			in := withScratch(term, [][]float64{x, mu, cov})
			gin := [][]float64{make([]float64, k), nil, nil, nil}
			if !constant {
				gin[2] = make([]float64, k*k)
			}
			out := []float64{0}
			b.ResetTimer()
			for range b.N {
				term.ForwardGrad(in, out, gin)
			}
		})
	}
}

// checkConstMatrix: the same case with its matrix a constant (factored and
// inverted once, read by a matrix-vector product) gives the same value and
// gradient in the value, mu and nu, to rounding.
func checkConstMatrix(t *testing.T, c mvCase, in [][]float64, lp float64, gin [][]float64) {
	t.Helper()
	d, _ := Lookup(c.dist)
	v, _ := d.Variant(c.params)
	consts := make([][]float64, len(c.params))
	m := len(c.params) - 1
	consts[m] = in[1+m]
	term, err := NewTermConst(v, c.value, c.shapes, consts)
	if err != nil {
		t.Fatal(err)
	}
	out := []float64{0}
	g := make([][]float64, len(in))
	for a := range len(in) - 1 {
		if a != 1+m {
			g[a] = make([]float64, len(in[a]))
		}
	}
	term.ForwardGrad(in, out, g)
	if math.Abs(out[0]-lp) > 1e-12*math.Max(1, math.Abs(lp)) {
		t.Errorf("%s %v with a constant matrix: %v, with a parameter %v", c.dist, c.params, out[0], lp)
	}
	for a := range g {
		for j := range g[a] {
			if math.Abs(g[a][j]-gin[a][j]) > 1e-10*math.Max(1, math.Abs(gin[a][j])) {
				t.Errorf("%s %v with a constant matrix: gradient in[%d][%d] %v, with a parameter %v", c.dist, c.params, a, j, g[a][j], gin[a][j])
			}
		}
	}
}
