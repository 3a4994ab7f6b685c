package dist

import (
	"math"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/exmc/exmc/core/expr"
	"github.com/exmc/exmc/core/shape"
)

var _ expr.Kernel = (*Term)(nil)

// bcastIndex maps element k of an array of shape value to the element of a
// broadcast operand of shape from, written out independently of shape.Map.
func bcastIndex(k int, value, from []int) int {
	idx := make([]int, len(value))
	for ax := len(value) - 1; ax >= 0; ax-- {
		idx[ax] = k % value[ax]
		k /= value[ax]
	}
	off := len(value) - len(from)
	j := 0
	for ax, d := range from {
		i := idx[off+ax]
		if d == 1 {
			i = 0
		}
		j = j*d + i
	}
	return j
}

type termCase struct {
	name   string
	dist   string
	params []string
	value  []int
	shapes [][]int
}

func genFor(t *testing.T, dist string, params []string) func(r *rand.Rand) (float64, []float64) {
	t.Helper()
	for _, c := range gradCases {
		if c.dist == dist && len(c.params) == len(params) {
			same := true
			for i := range params {
				same = same && c.params[i] == params[i]
			}
			if same {
				return c.gen
			}
		}
	}
	t.Fatalf("no generator for %s%v", dist, params)
	return nil
}

var termCases = []termCase{
	{name: "normal scalar sigma, row mu", dist: "Normal", params: []string{"mu", "sigma"},
		value: []int{2, 3}, shapes: [][]int{{3}, {}}},
	{name: "normal column mu, full sigma", dist: "Normal", params: []string{"mu", "sigma"},
		value: []int{2, 3}, shapes: [][]int{{2, 1}, {2, 3}}},
	{name: "normal leading unit axis", dist: "Normal", params: []string{"mu", "sigma"},
		value: []int{1, 3}, shapes: [][]int{{3}, {1, 1}}},
	{name: "studentt three kinds", dist: "StudentT", params: []string{"nu", "mu", "sigma"},
		value: []int{2, 3, 2}, shapes: [][]int{{}, {3, 1}, {2, 1, 2}}},
	{name: "gamma scalar value", dist: "Gamma", params: []string{"alpha", "beta"},
		value: []int{}, shapes: [][]int{{}, {}}},
	{name: "beta", dist: "Beta", params: []string{"alpha", "beta"},
		value: []int{4}, shapes: [][]int{{4}, {}}},
	{name: "uniform", dist: "Uniform", params: []string{"lower", "upper"},
		value: []int{3, 2}, shapes: [][]int{{}, {}}},
	{name: "flat", dist: "Flat", value: []int{3}},
	{name: "binomial", dist: "Binomial", params: []string{"n", "p"},
		value: []int{5}, shapes: [][]int{{}, {5}}},
	{name: "negative binomial", dist: "NegativeBinomial", params: []string{"mu", "alpha"},
		value: []int{2, 3}, shapes: [][]int{{2, 3}, {}}},
	{name: "bernoulli logit", dist: "Bernoulli", params: []string{"logit_p"},
		value: []int{6}, shapes: [][]int{{6}}},
}

// setup draws the inputs of a Term: x in[0] and each parameter, keeping
// every element inside the support of the parameters it is read with.
func setup(t *testing.T, c termCase, r *rand.Rand) (*Term, *Variant, [][]float64) {
	t.Helper()
	v := variantByParams(t, c.dist, c.params)
	term, err := NewTerm(v, c.value, c.shapes)
	if err != nil {
		t.Fatal(err)
	}
	gen := genFor(t, c.dist, c.params)
	n := shape.Size(c.value)
	in := make([][]float64, 1+len(c.params))
	in[0] = make([]float64, n)
	for i, s := range c.shapes {
		in[1+i] = make([]float64, shape.Size(s))
	}
	// Each parameter element comes from its own draw of the generator.
	for i := range c.shapes {
		for j := range in[1+i] {
			_, p := gen(r)
			in[1+i][j] = p[i]
		}
	}
	// Parameters from different draws must still agree with each other.
	if c.dist == "Uniform" {
		for j := range in[2] {
			in[2][j] = in[1][bcastIndex(j, c.shapes[1], c.shapes[0])] + 4
		}
	}
	// Each x is drawn until it is in the support of its own parameters;
	// bounded supports are rescaled from the generator's to this element's.
	p := make([]float64, len(c.params))
	for k := range n {
		for i := range p {
			p[i] = in[1+i][bcastIndex(k, c.value, c.shapes[i])]
		}
		for {
			x, q := gen(r)
			switch c.dist {
			case "Uniform":
				x = p[0] + (p[1]-p[0])*(x-q[0])/(q[1]-q[0])
			case "Binomial":
				x = math.Floor(r.Float64() * (p[0] + 1))
			}
			if lp, _ := v.Logp(x, p, nil); !math.IsInf(lp, 0) {
				in[0][k] = x
				break
			}
		}
	}
	return term, v, in
}

func TestTermForwardPointwise(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, c := range termCases {
		term, v, in := setup(t, c, r)
		n := shape.Size(c.value)
		want := 0.0
		point := make([]float64, n)
		p := make([]float64, len(c.params))
		for k := range n {
			for i := range p {
				p[i] = in[1+i][bcastIndex(k, c.value, c.shapes[i])]
			}
			lp, _ := v.Logp(in[0][k], p, nil)
			point[k] = lp
			want += lp
		}
		out := []float64{math.NaN()}
		term.Forward(in, out)
		if math.Abs(out[0]-want) > 1e-12*math.Abs(want) || math.IsInf(want, 0) {
			t.Errorf("%s: Forward %v, sum of Logp %v", c.name, out[0], want)
		}
		pw := make([]float64, n)
		term.Pointwise(in, pw)
		sum := 0.0
		for k := range pw {
			sum += pw[k]
			if pw[k] != point[k] {
				t.Errorf("%s: Pointwise[%d] = %v, Logp %v", c.name, k, pw[k], point[k])
			}
		}
		if math.Abs(sum-out[0]) > 1e-12*math.Abs(out[0]) {
			t.Errorf("%s: Pointwise sums to %v, Forward %v", c.name, sum, out[0])
		}
	}
}

// checkBackward compares Backward with central differences of Forward in
// every element of every input whose gradient is asked for (gin[i] != nil),
// with the tolerance of TestGradients. gin starts at 0.5 to check that
// Backward adds rather than overwrites.
func checkBackward(t *testing.T, name string, term *Term, in [][]float64, want []bool) {
	t.Helper()
	const g = 0.7
	gin := make([][]float64, len(in))
	for i := range in {
		if want[i] {
			gin[i] = make([]float64, len(in[i]))
			for j := range gin[i] {
				gin[i][j] = 0.5
			}
		}
	}
	term.Backward(in, []float64{0}, []float64{g}, gin)
	f := func() float64 {
		out := []float64{0}
		term.Forward(in, out)
		return out[0]
	}
	for i := range in {
		if !want[i] {
			continue
		}
		for j := range in[i] {
			v := in[i][j]
			h := 1e-6 * math.Max(math.Abs(v), 0.1)
			in[i][j] = v + h
			up := f()
			in[i][j] = v - h
			down := f()
			in[i][j] = v
			fd := g * (up - down) / (2 * h)
			an := gin[i][j] - 0.5
			if math.Abs(an-fd) > 1e-6*math.Max(1, math.Abs(an)) {
				t.Errorf("%s: gradient of input %d element %d: Backward %.12g, finite difference %.12g", name, i, j, an, fd)
			}
		}
	}
}

func TestTermBackward(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, c := range termCases {
		term, v, in := setup(t, c, r)
		want := make([]bool, len(in))
		want[0] = !v.Dist.Discrete
		for i := range c.params {
			want[1+i] = !v.domains[i].integral()
		}
		checkBackward(t, c.name, term, in, want)
		// Leaving out any one input changes nothing for the others.
		for skip := range in {
			w := append([]bool(nil), want...)
			w[skip] = false
			checkBackward(t, c.name, term, in, w)
		}
	}
}

func TestTermErrors(t *testing.T) {
	normal := variantByParams(t, "Normal", []string{"mu", "sigma"})
	walk := variantByParams(t, "GaussianRandomWalk", []string{"mu", "sigma", "init_mu", "init_sigma"})
	cases := []struct {
		v      *Variant
		value  []int
		params [][]int
	}{
		{normal, []int{3}, [][]int{{2}, {}}},
		{normal, []int{3}, [][]int{{}, {3, 1}}},
		{normal, []int{3}, [][]int{{}}},
		{walk, []int{2, 5}, [][]int{{}, {}, {2}, {}}},
		{walk, []int{2, 5}, [][]int{{}, {}, {}, {2, 1}}},
		{walk, []int{}, [][]int{{}, {}, {}, {}}},
	}
	for _, c := range cases {
		if _, err := NewTerm(c.v, c.value, c.params); err == nil {
			t.Errorf("NewTerm(%s, %v, %v) accepted", c.v.Dist.Name, c.value, c.params)
		} else {
			t.Log(err)
		}
	}
	if _, err := NewTerm(walk, []int{2, 5}, [][]int{{}, {1}, {1, 1}, {}}); err != nil {
		t.Errorf("GaussianRandomWalk with size-1 parameters: %v", err)
	}
}

// scipy.stats values: for each row, stats.norm.logpdf(x[0], 0.2, 2.0), then
// stats.norm.logpdf(x[t], x[t-1] + 0.1, 0.5).
func TestWalk(t *testing.T) {
	v := variantByParams(t, "GaussianRandomWalk", []string{"mu", "sigma", "init_mu", "init_sigma"})
	term, err := NewTerm(v, []int{2, 3}, [][]int{{}, {}, {}, {}})
	if err != nil {
		t.Fatal(err)
	}
	in := [][]float64{{0.5, 1.0, 0.2, -1.0, -1.3, -0.4}, {0.1}, {0.5}, {0.2}, {2.0}}
	wantPoint := []float64{-1.623335713764618, -0.5457913526447274, -1.8457913526447278,
		-1.7920857137646178, -0.5457913526447274, -1.505791352644727}
	const wantSum = -7.8585868381081445
	out := []float64{0}
	term.Forward(in, out)
	if math.Abs(out[0]-wantSum) > 1e-12*math.Abs(wantSum) {
		t.Errorf("Forward %.17g, want %.17g", out[0], wantSum)
	}
	pw := make([]float64, 6)
	term.Pointwise(in, pw)
	for k := range pw {
		if math.Abs(pw[k]-wantPoint[k]) > 1e-12*math.Abs(wantPoint[k]) {
			t.Errorf("Pointwise[%d] %.17g, want %.17g", k, pw[k], wantPoint[k])
		}
	}
	checkBackward(t, "walk", term, in, []bool{true, true, true, true, true})
	checkBackward(t, "walk", term, in, []bool{false, true, false, true, false})
	// ForwardGrad: Forward's value to the last bit, Backward's gradient
	for _, want := range [][]bool{{true, true, true, true, true}, {true, false, true, false, true}} {
		lp, gin := fusedOf(term, in, want)
		if lp != out[0] {
			t.Errorf("ForwardGrad %.17g, Forward %.17g", lp, out[0])
		}
		ref := make([][]float64, len(in))
		for i := range in {
			if want[i] {
				ref[i] = make([]float64, len(in[i]))
			}
		}
		term.Backward(in, out, []float64{1}, ref)
		for i := range ref {
			for j := range ref[i] {
				if !closeRel(gin[i][j], ref[i][j], 1e-12) {
					t.Errorf("ForwardGrad gradient of input %d element %d: %.17g, Backward %.17g", i, j, gin[i][j], ref[i][j])
				}
			}
		}
	}

	// Defaults as PyMC's: init Normal(0, 100).
	if v.Defaults["init_sigma"] != 100 || v.Defaults["init_mu"] != 0 || v.Defaults["mu"] != 0 || v.Defaults["sigma"] != 1 {
		t.Errorf("defaults %v", v.Defaults)
	}
	// An invalid scale makes everything -Inf and the gradient zero.
	bad := [][]float64{in[0], {0.1}, {-0.5}, {0.2}, {2.0}}
	term.Forward(bad, out)
	term.Pointwise(bad, pw)
	if !math.IsInf(out[0], -1) || !math.IsInf(pw[3], -1) {
		t.Errorf("sigma < 0: Forward %v, Pointwise %v", out[0], pw)
	}
	gin := [][]float64{make([]float64, 6), {0}, {0}, {0}, {0}}
	term.Backward(bad, out, []float64{1}, gin)
	for i := range gin {
		for _, g := range gin[i] {
			if g != 0 {
				t.Errorf("sigma < 0: gradient %v", gin)
			}
		}
	}
	// A single step is the initial distribution alone.
	one, _ := NewTerm(v, []int{1}, [][]int{{}, {}, {}, {}})
	one.Forward([][]float64{{0.5}, {0.1}, {0.5}, {0.2}, {2.0}}, out)
	if out[0] != wantPoint[0] {
		t.Errorf("one step: %v, want %v", out[0], wantPoint[0])
	}
}

func TestTermInvalidParameters(t *testing.T) {
	v := variantByParams(t, "Normal", []string{"mu", "sigma"})
	term, _ := NewTerm(v, []int{3}, [][]int{{}, {3}})
	in := [][]float64{{0, 1, 2}, {0}, {1, -1, 1}}
	out := []float64{0}
	term.Forward(in, out)
	if !math.IsInf(out[0], -1) {
		t.Errorf("sigma = -1 in one element: Forward %v, want -Inf", out[0])
	}
	gin := [][]float64{make([]float64, 3), {0}, make([]float64, 3)}
	term.Backward(in, out, []float64{1}, gin)
	for i := range gin {
		for _, g := range gin[i] {
			if math.IsNaN(g) || math.IsInf(g, 0) {
				t.Errorf("gradient %v is not finite", gin)
			}
		}
	}
}

func TestTermAllocs(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, c := range termCases {
		term, v, in := setup(t, c, r)
		gin := make([][]float64, len(in))
		for i := range in {
			gin[i] = make([]float64, len(in[i]))
		}
		if v.Dist.Discrete {
			gin[0] = nil
		}
		out, gout, pw := []float64{0}, []float64{1}, make([]float64, len(in[0]))
		if a := testing.AllocsPerRun(50, func() { term.Forward(in, out) }); a != 0 {
			t.Errorf("%s: Forward allocates %v", c.name, a)
		}
		if a := testing.AllocsPerRun(50, func() { term.Backward(in, out, gout, gin) }); a != 0 {
			t.Errorf("%s: Backward allocates %v", c.name, a)
		}
		if a := testing.AllocsPerRun(50, func() { term.Pointwise(in, pw) }); a != 0 {
			t.Errorf("%s: Pointwise allocates %v", c.name, a)
		}
	}
	v := variantByParams(t, "GaussianRandomWalk", []string{"mu", "sigma", "init_mu", "init_sigma"})
	term, _ := NewTerm(v, []int{2, 3}, [][]int{{}, {}, {}, {}})
	in := [][]float64{{0.5, 1.0, 0.2, -1.0, -1.3, -0.4}, {0.1}, {0.5}, {0.2}, {2.0}}
	gin := [][]float64{make([]float64, 6), {0}, {0}, {0}, {0}}
	out, pw := []float64{0}, make([]float64, 6)
	if a := testing.AllocsPerRun(50, func() {
		term.Forward(in, out)
		term.Backward(in, out, []float64{1}, gin)
		term.Pointwise(in, pw)
	}); a != 0 {
		t.Errorf("GaussianRandomWalk allocates %v", a)
	}
}

// One Term shared by several goroutines, each with its own buffers.
func TestTermConcurrent(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	c := termCases[3]
	term, _, in := setup(t, c, r)
	out := []float64{0}
	term.Forward(in, out)
	want := out[0]
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out := []float64{0}
			gin := make([][]float64, len(in))
			for i := range in {
				gin[i] = make([]float64, len(in[i]))
			}
			for range 200 {
				term.Forward(in, out)
				term.Backward(in, out, []float64{1}, gin)
				if out[0] != want {
					t.Errorf("concurrent Forward %v, want %v", out[0], want)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// The Term runs as an instruction of an expr.Program.
func TestTermInProgram(t *testing.T) {
	v := variantByParams(t, "Normal", []string{"mu", "sigma"})
	term, err := NewTerm(v, []int{3}, [][]int{{}, {}})
	if err != nil {
		t.Fatal(err)
	}
	var prog expr.Program
	x := prog.Input([]int{3})
	mu := prog.Input(nil)
	sigma := prog.Const(nil, []float64{2})
	lp := prog.Apply(term, nil, x, mu, sigma)
	prog.Freeze()
	m := prog.NewMachine()
	copy(m.Value(x), []float64{1, 2, 3})
	m.Value(mu)[0] = 0.5
	m.Forward()
	want := 0.0
	for _, xv := range []float64{1, 2, 3} {
		l, _ := v.Logp(xv, []float64{0.5, 2}, nil)
		want += l
	}
	if got := m.Value(lp)[0]; math.Abs(got-want) > 1e-14 {
		t.Errorf("program logp %v, want %v", got, want)
	}
	m.ZeroGrad()
	m.Gradient(lp)[0] = 1
	m.Backward()
	// d/dmu = sum (x - mu)/sigma^2 = (0.5 + 1.5 + 2.5)/4
	if got := m.Gradient(mu)[0]; math.Abs(got-4.5/4) > 1e-14 {
		t.Errorf("program d/dmu %v, want %v", got, 4.5/4)
	}
}
