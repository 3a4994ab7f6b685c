package expr

import (
	"math"
	"math/rand/v2"
	"testing"
)

func bp(b bool) *bool { return &b }

// posdef makes each n×n matrix of argument i positive definite: M Mᵀ + n I.
func posdef(i, n int) func([][]float64) {
	return func(vals [][]float64) {
		v := vals[i]
		for b := 0; b < len(v); b += n * n {
			m := append([]float64(nil), v[b:b+n*n]...)
			for r := range n {
				for c := range n {
					s := 0.0
					for k := range n {
						s += m[r*n+k] * m[c*n+k]
					}
					if r == c {
						s += float64(n)
					}
					v[b+r*n+c] = s
				}
			}
		}
	}
}

// wellPosed puts a diagonal of 2 to 3 on each n×n matrix of argument i.
func wellPosed(i, n int) func([][]float64) {
	return func(vals [][]float64) {
		v := vals[i]
		for b := 0; b < len(v); b += n * n {
			for r := range n {
				v[b+r*n+r] = 2 + math.Abs(v[b+r*n+r])/2
			}
		}
	}
}

// zeroAt sets elements of argument i to zero: prod's gradient must be
// exact there.
func zeroAt(i int, at ...int) func([][]float64) {
	return func(vals [][]float64) {
		for _, j := range at {
			vals[i][j] = 0
		}
	}
}

func linalgGradCases() []gradCase {
	off := func(k int) Attrs { return Attrs{Offset: &k} }
	tri := func(lower, trans bool) Attrs { return Attrs{Lower: bp(lower), Trans: bp(trans)} }
	return []gradCase{
		{name: "matmul batch-matrix", op: "matmul", shapes: [][]int{{2, 2, 3}, {3, 4}}},
		{name: "matmul matrix-batch", op: "matmul", shapes: [][]int{{2, 3}, {2, 3, 4}}},
		{name: "matmul broadcast batches", op: "matmul", shapes: [][]int{{2, 1, 2, 3}, {3, 3, 2}}},
		{name: "matmul vector-batch", op: "matmul", shapes: [][]int{{3}, {2, 3, 4}}},
		{name: "matmul batch-vector", op: "matmul", shapes: [][]int{{2, 2, 3}, {3}}},

		{name: "cholesky", op: "cholesky", shapes: [][]int{{3, 3}}, prep: posdef(0, 3)},
		{name: "cholesky batch", op: "cholesky", shapes: [][]int{{2, 4, 4}}, prep: posdef(0, 4)},
		{name: "cholesky 1x1", op: "cholesky", shapes: [][]int{{1, 1}}, dom: []domain{uniform(0.5, 2)}},

		{name: "solve_triangular lower", op: "solve_triangular", attrs: tri(true, false), shapes: [][]int{{3, 3}, v3}, prep: wellPosed(0, 3)},
		{name: "solve_triangular upper", op: "solve_triangular", attrs: tri(false, false), shapes: [][]int{{3, 3}, {3, 2}}, prep: wellPosed(0, 3)},
		{name: "solve_triangular lower trans", op: "solve_triangular", attrs: tri(true, true), shapes: [][]int{{3, 3}, {3, 2}}, prep: wellPosed(0, 3)},
		{name: "solve_triangular default", op: "solve_triangular", attrs: Attrs{Trans: bp(true)}, shapes: [][]int{{3, 3}, v3}, prep: wellPosed(0, 3)},
		{name: "solve_triangular batch", op: "solve_triangular", attrs: tri(true, false), shapes: [][]int{{2, 3, 3}, {3, 2}}, prep: wellPosed(0, 3)},
		{name: "solve_triangular broadcast", op: "solve_triangular", attrs: tri(false, true), shapes: [][]int{{3, 3}, {2, 3, 1}}, prep: wellPosed(0, 3)},

		{name: "diag", op: "diag", shapes: [][]int{v3}},
		{name: "diag above", op: "diag", attrs: off(1), shapes: [][]int{v3}},
		{name: "diag batch below", op: "diag", attrs: off(-2), shapes: [][]int{{2, 3}}},
		{name: "extract_diag", op: "extract_diag", shapes: [][]int{{3, 3}}},
		{name: "extract_diag wide", op: "extract_diag", attrs: off(1), shapes: [][]int{{3, 5}}},
		{name: "prod all", op: "prod", shapes: [][]int{m23}},
		{name: "prod axis", op: "prod", attrs: ax(1), shapes: [][]int{{2, 3, 2}}},
		{name: "prod one zero", op: "prod", attrs: ax(0), shapes: [][]int{{3, 2}}, fixed: map[int][]float64{}, prep: zeroAt(0, 2)},
		{name: "prod two zeros", op: "prod", shapes: [][]int{{4}}, prep: zeroAt(0, 1, 3)},
		{name: "solve", op: "solve", shapes: [][]int{{3, 3}, v3}, prep: wellPosed(0, 3)},
		{name: "solve matrix", op: "solve", shapes: [][]int{{3, 3}, {3, 2}}, prep: wellPosed(0, 3)},
		{name: "solve broadcast", op: "solve", shapes: [][]int{{2, 1, 3, 3}, {2, 3, 1}}, prep: wellPosed(0, 3)},
		{name: "inv", op: "inv", shapes: [][]int{{3, 3}}, prep: wellPosed(0, 3)},
		{name: "inv batch", op: "inv", shapes: [][]int{{2, 2, 2}}, prep: wellPosed(0, 2)},
		{name: "det", op: "det", shapes: [][]int{{3, 3}}},
		{name: "det batch", op: "det", shapes: [][]int{{2, 2, 2}}, prep: wellPosed(0, 2)},
		{name: "logabsdet", op: "logabsdet", shapes: [][]int{{3, 3}}, prep: wellPosed(0, 3)},
		{name: "logabsdet batch", op: "logabsdet", shapes: [][]int{{2, 3, 3}}, prep: posdef(0, 3)},
		{name: "scatter", op: "scatter", shapes: [][]int{{5}, {3}, {3}}, fixed: map[int][]float64{1: {4, 0, -2}}},
		{name: "scatter repeated", op: "scatter", shapes: [][]int{{2, 3}, {2, 2}, {2}}, fixed: map[int][]float64{1: {1, 5, 1, 0}}},
		{name: "scatter_add repeated", op: "scatter_add", shapes: [][]int{{2, 3}, {4}, s0}, fixed: map[int][]float64{1: {1, 5, 1, -6}}},
		{name: "scatter_add rows", op: "scatter_add", shapes: [][]int{{2, 3}, {2, 3}, {3}}, fixed: map[int][]float64{1: {3, 4, 5, 0, 1, 2}}},
		{name: "extract_diag tall below", op: "extract_diag", attrs: off(-2), shapes: [][]int{{2, 4, 3}}},
	}
}

// linalgFwdCases are the linear-algebra ops' values, worked by hand.
var linalgFwdCases = []fwdCase{
	{"cholesky", "cholesky", Attrs{}, [][]float64{{4, 99, 2, 5}}, [][]int{{2, 2}}, []float64{2, 0, 1, 2}, []int{2, 2}},
	{"cholesky batch", "cholesky", Attrs{}, [][]float64{{1, 0, 0, 1, 9, 0, 3, 17}}, [][]int{{2, 2, 2}},
		[]float64{1, 0, 0, 1, 3, 0, 1, 4}, []int{2, 2, 2}},
	// [[2, 0], [1, 4]] x = [2, 9]: x = [1, 2]
	{"solve_triangular lower", "solve_triangular", Attrs{Lower: bp(true)}, [][]float64{{2, 7, 1, 4}, {2, 9}},
		[][]int{{2, 2}, {2}}, []float64{1, 2}, []int{2}},
	// upper [[2, 7], [_, 4]] x = [16, 8]: x = [1, 2]
	{"solve_triangular upper", "solve_triangular", Attrs{}, [][]float64{{2, 7, 1, 4}, {16, 8}},
		[][]int{{2, 2}, {2}}, []float64{1, 2}, []int{2}},
	// lower, transposed: [[2, 1], [0, 4]] x = [4, 8]: x = [1, 2]
	{"solve_triangular trans", "solve_triangular", Attrs{Lower: bp(true), Trans: bp(true)}, [][]float64{{2, 7, 1, 4}, {4, 8}},
		[][]int{{2, 2}, {2}}, []float64{1, 2}, []int{2}},
	{"diag", "diag", Attrs{}, [][]float64{{1, 2}}, [][]int{{2}}, []float64{1, 0, 0, 2}, []int{2, 2}},
	{"diag above", "diag", Attrs{Offset: ip(1)}, [][]float64{{1, 2}}, [][]int{{2}}, []float64{0, 1, 0, 0, 0, 2, 0, 0, 0}, []int{3, 3}},
	{"diag below", "diag", Attrs{Offset: ip(-1)}, [][]float64{{5}}, [][]int{{1}}, []float64{0, 0, 5, 0}, []int{2, 2}},
	{"extract_diag", "extract_diag", Attrs{}, [][]float64{{1, 2, 3, 4, 5, 6}}, [][]int{{2, 3}}, []float64{1, 5}, []int{2}},
	{"extract_diag above", "extract_diag", Attrs{Offset: ip(1)}, [][]float64{{1, 2, 3, 4, 5, 6}}, [][]int{{2, 3}}, []float64{2, 6}, []int{2}},
	{"extract_diag below", "extract_diag", Attrs{Offset: ip(-1)}, [][]float64{{1, 2, 3, 4, 5, 6}}, [][]int{{3, 2}}, []float64{3, 6}, []int{2}},
	{"extract_diag outside", "extract_diag", Attrs{Offset: ip(3)}, [][]float64{{1, 2, 3, 4, 5, 6}}, [][]int{{3, 2}}, []float64{}, []int{0}},
	{"prod", "prod", Attrs{}, [][]float64{{1, 2, 3, 4, 5, 6}}, [][]int{{2, 3}}, []float64{720}, []int{}},
	{"prod axis", "prod", ax(0), [][]float64{{1, 2, 3, 4, 0, 6}}, [][]int{{2, 3}}, []float64{4, 0, 18}, []int{3}},
	{"prod empty", "prod", ax(1), [][]float64{{}}, [][]int{{2, 0}}, []float64{1, 1}, []int{2}},
	// [[0, 2], [4, 1]] x = [2, 6]: x = [1.25, 1]
	{"solve", "solve", Attrs{}, [][]float64{{0, 2, 4, 1}, {2, 6}}, [][]int{{2, 2}, {2}}, []float64{1.25, 1}, []int{2}},
	{"inv", "inv", Attrs{}, [][]float64{{0, 2, 4, 1}}, [][]int{{2, 2}}, []float64{-0.125, 0.25, 0.5, 0}, []int{2, 2}},
	{"det", "det", Attrs{}, [][]float64{{0, 2, 4, 1, 2, 0, 0, 3}}, [][]int{{2, 2, 2}}, []float64{-8, 6}, []int{2}},
	{"logabsdet", "logabsdet", Attrs{}, [][]float64{{0, 2, 4, 1}}, [][]int{{2, 2}}, []float64{math.Log(8)}, []int{}},
	{"singular solve", "solve", Attrs{}, [][]float64{{1, 2, 2, 4}, {1, 1}}, [][]int{{2, 2}, {2}},
		[]float64{math.NaN(), math.NaN()}, []int{2}},
	{"singular logabsdet", "logabsdet", Attrs{}, [][]float64{{1, 2, 2, 4}}, [][]int{{2, 2}}, []float64{math.Inf(-1)}, []int{}},
	{"scatter", "scatter", Attrs{}, [][]float64{{1, 2, 3, 4}, {3, 0, 3}, {7, 8, 9}}, [][]int{{2, 2}, {3}, {3}},
		[]float64{8, 2, 3, 9}, []int{2, 2}},
	{"scatter_add", "scatter_add", Attrs{}, [][]float64{{1, 2, 3}, {-1, 0, 2}, {10}}, [][]int{{3}, {3}, {}},
		[]float64{11, 2, 23}, []int{3}},
	{"matmul batch-vector", "matmul", Attrs{}, [][]float64{{1, 2, 3, 4}, {1, 1}}, [][]int{{2, 1, 2}, {2}}, []float64{3, 7}, []int{2, 1}},
	{"matmul batch-matrix", "matmul", Attrs{}, [][]float64{{1, 0, 0, 1, 2, 0, 0, 2}, {1, 2, 3, 4}}, [][]int{{2, 2, 2}, {2, 2}},
		[]float64{1, 2, 3, 4, 2, 4, 6, 8}, []int{2, 2, 2}},
}

// A matrix that is not positive definite gives a NaN factor (a rejected
// point, docs/DECISIONS.md 9), not an error or a panic.
func TestCholeskyNotPositiveDefinite(t *testing.T) {
	got, _, err := Eval("cholesky", Attrs{}, [][]float64{{1, 0, 2, 1}}, [][]int{{2, 2}})
	if err != nil || !math.IsNaN(got[0]) {
		t.Fatalf("cholesky of an indefinite matrix: %v, %v", got, err)
	}
}

// The linear-algebra kernels allocate nothing when evaluated.
func TestLinalgDoesNotAllocate(t *testing.T) {
	skipAllocsUnderRace(t)
	r := rand.New(rand.NewPCG(5, 5))
	for _, c := range linalgGradCases() {
		b := c.build(t, r, 1<<len(c.shapes)-1)
		if n := testing.AllocsPerRun(10, func() { b.backward(0) }); n != 0 {
			t.Errorf("%s: %v allocations per evaluation", c.name, n)
		}
	}
}
