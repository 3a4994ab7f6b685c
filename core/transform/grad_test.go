package transform

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/exmc/exmc/core/expr"
	"github.com/exmc/exmc/core/shape"
)

// Gradients are checked against central differences of the scalar
// objective sum_i w_i out_i with random weights w, in every element of y
// and of every bound array. With h = 1e-6 the truncation error is ~1e-12
// and the rounding error ~1e-16 * |objective| / h ~ 1e-9 at the scales used
// here, so the bound |analytic - numeric| <= 1e-6 * max(1, |numeric|) is
// loose enough never to flake and tight enough to catch any wrong term.
const (
	gradStep = 1e-6
	gradTol  = 1e-6
)

// gradSentinel pre-fills gradient buffers to check that Backward adds.
const gradSentinel = 0.375

func TestConstrainGradients(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, c := range kernelCases {
		k, err := NewConstrainAxes(c.kind, c.y, c.axes, c.bounds...)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		for range 3 {
			in := c.inputs(r)
			checkForwardMatchesScalar(t, c, k, in)
			checkGradients(t, c.name, k, in, shape.Size(c.kind.Constrained(c.y, c.axes)), r)
		}
	}
}

func TestLogJacGradients(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, c := range kernelCases {
		k, err := NewLogJacAxes(c.kind, c.y, c.axes, c.bounds...)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		for range 3 {
			checkGradients(t, c.name+"/logjac", k, c.inputs(r), 1, r)
		}
	}
}

// checkForwardMatchesScalar compares the kernel with the element-wise
// reference (reference_test.go), broadcasting the bounds by hand.
func checkForwardMatchesScalar(t *testing.T, c kernelCase, k expr.Kernel, in [][]float64) {
	t.Helper()
	n := shape.Size(c.kind.Constrained(c.y, c.axes))
	out := make([]float64, n)
	k.Forward(in, out)
	want := make([]float64, n)
	if c.kind == ZeroSum {
		zeroSumRef(in[0], want, c.y, c.axes)
		for i := range out {
			if !near(out[i], want[i], 1e-14) {
				t.Errorf("%s: Forward[%d] = %.17g, reference %.17g", c.name, i, out[i], want[i])
			}
		}
		return
	}
	if c.kind == Simplex {
		simplexRef(in[0], want, c.y)
		for i := range out {
			if !near(out[i], want[i], 1e-14) {
				t.Errorf("%s: Forward[%d] = %.17g, reference %.17g", c.name, i, out[i], want[i])
			}
		}
		return
	}
	if c.kind == Ordered {
		orderedRef(in[0], want, c.y)
	} else if c.kind == CholeskyCovPacked {
		packedRef(in[0], want, c.y)
	} else {
		lo, hi := boundReaders(c, in)
		for i := range n {
			want[i] = constrainRef(c.kind, in[0][i], lo(i), hi(i))
		}
	}
	for i := range out {
		if out[i] != want[i] {
			t.Errorf("%s: Forward[%d] = %.17g, reference %.17g", c.name, i, out[i], want[i])
		}
	}
}

func boundReaders(c kernelCase, in [][]float64) (lo, hi func(int) float64) {
	none := func(int) float64 { return math.NaN() }
	read := func(b int) func(int) float64 {
		m, err := shape.NewMap(c.bounds[b], c.y)
		if err != nil {
			panic(err)
		}
		v := in[b+1]
		return func(i int) float64 { return v[m.At(i)] }
	}
	switch c.kind {
	case Interval:
		return read(0), read(1)
	case LowerBound:
		return read(0), none
	case UpperBound:
		return none, read(0)
	}
	return none, none
}

func checkGradients(t *testing.T, name string, k expr.Kernel, in [][]float64, nout int, r *rand.Rand) {
	t.Helper()
	w := normals(r, nout, 1)
	out := make([]float64, nout)
	k.Forward(in, out)
	gin := gradBuffers(in)
	k.Backward(in, out, w, gin)

	// Backward adds: a second pass onto pre-filled buffers lands on
	// sentinel + gradient.
	acc := gradBuffers(in)
	for a := range acc {
		for j := range acc[a] {
			acc[a][j] = gradSentinel
		}
	}
	k.Backward(in, out, w, acc)
	for a := range acc {
		for j := range acc[a] {
			if want := gradSentinel + gin[a][j]; math.Abs(acc[a][j]-want) > 1e-14 {
				t.Errorf("%s: Backward onto %v gave in[%d][%d] gradient %v, want %v", name, gradSentinel, a, j, acc[a][j], want)
			}
		}
	}

	tmp := make([]float64, nout)
	objective := func() float64 {
		k.Forward(in, tmp)
		s := 0.0
		for i, v := range tmp {
			s += w[i] * v
		}
		return s
	}
	for a := range in {
		for j := range in[a] {
			v := in[a][j]
			in[a][j] = v + gradStep
			fp := objective()
			in[a][j] = v - gradStep
			fm := objective()
			in[a][j] = v
			fd := (fp - fm) / (2 * gradStep)
			got := gin[a][j]
			if math.Abs(got-fd) > gradTol*math.Max(1, math.Abs(fd)) {
				t.Errorf("%s: d/d in[%d][%d] = %.10g, finite differences %.10g", name, a, j, got, fd)
			}
		}
	}

	// Backward must skip the inputs whose gradient is not wanted and leave
	// the others as before.
	for skip := range in {
		partial := make([][]float64, len(in))
		for a := range in {
			if a != skip {
				partial[a] = make([]float64, len(in[a]))
			}
		}
		k.Backward(in, out, w, partial)
		for a := range in {
			for j := range partial[a] {
				if partial[a][j] != gin[a][j] {
					t.Errorf("%s: with gin[%d] nil, gin[%d][%d] = %v, want %v", name, skip, a, j, partial[a][j], gin[a][j])
				}
			}
		}
	}
}

// The Interval gradients stay finite and exact far in the tails, where a
// naive sigmoid would overflow or cancel.
func TestIntervalTailGradients(t *testing.T) {
	for _, y := range []float64{-800, -40, 40, 800} {
		ck, _ := NewConstrain(Interval, []int{}, []int{}, []int{})
		lk, _ := NewLogJac(Interval, []int{}, []int{}, []int{})
		in := [][]float64{{y}, {-1}, {3}}
		for _, k := range []expr.Kernel{ck, lk} {
			out := []float64{0}
			k.Forward(in, out)
			gin := [][]float64{{0}, {0}, {0}}
			k.Backward(in, out, []float64{1}, gin)
			for a, g := range gin {
				if math.IsNaN(g[0]) || math.IsInf(g[0], 0) || math.IsNaN(out[0]) || math.IsInf(out[0], 0) {
					t.Errorf("y=%g: out %v, gradient %d = %v", y, out[0], a, g[0])
				}
			}
		}
		// d log|J| / dy = sigmoid(-y) - sigmoid(y) -> -sign(y).
		in = [][]float64{{y}, {-1}, {3}}
		gin := [][]float64{{0}, nil, nil}
		lk.Backward(in, []float64{0}, []float64{1}, gin)
		if want := -math.Copysign(1, y); math.Abs(gin[0][0]-want) > 1e-15 {
			t.Errorf("y=%g: d log|J|/dy = %v, want %v", y, gin[0][0], want)
		}
	}
}
