package expr

import (
	"math"
	"testing"
)

// The ops of compare.go, logsumexp.go and gammaln.go join the shared
// forward and gradient tables, which check that every op of the vocabulary
// has a case.
func init() {
	inf := math.Inf(1)
	fwdCases = append(fwdCases,
		fwdCase{"gt", "gt", Attrs{}, [][]float64{{1, 2, 3}, {2}}, [][]int{v3, s0}, []float64{0, 0, 1}, v3},
		fwdCase{"ge", "ge", Attrs{}, [][]float64{{1, 2, 3}, {2}}, [][]int{v3, s0}, []float64{0, 1, 1}, v3},
		fwdCase{"lt broadcast", "lt", Attrs{}, [][]float64{{1, 2}, {0, 1.5, 3}}, [][]int{{2, 1}, v3},
			[]float64{0, 1, 1, 0, 0, 1}, m23},
		fwdCase{"le", "le", Attrs{}, [][]float64{{1, 2, 3}, {2}}, [][]int{v3, s0}, []float64{1, 1, 0}, v3},
		fwdCase{"eq", "eq", Attrs{}, [][]float64{{1, 2, 3}, {3, 2, 1}}, [][]int{v3, v3}, []float64{0, 1, 0}, v3},
		fwdCase{"neq", "neq", Attrs{}, [][]float64{{1, 2, math.NaN()}, {3, 2, math.NaN()}}, [][]int{v3, v3},
			[]float64{1, 0, 1}, v3},
		fwdCase{"switch", "switch", Attrs{}, [][]float64{{1, 0, 2}, {10, 20, 30}, {-1}}, [][]int{v3, v3, s0},
			[]float64{10, -1, 30}, v3},
		fwdCase{"switch broadcast", "switch", Attrs{}, [][]float64{{1, 0}, {1, 2, 3}, {-1, -2, -3}},
			[][]int{{2, 1}, v3, v3}, []float64{1, 2, 3, -1, -2, -3}, m23},
		fwdCase{"switch NaN condition", "switch", Attrs{}, [][]float64{{math.NaN()}, {1}, {2}}, [][]int{s0, s0, s0},
			[]float64{1}, s0},
		fwdCase{"logsumexp all", "logsumexp", Attrs{}, [][]float64{{0, math.Log(2), math.Log(3), math.Log(4)}},
			[][]int{{2, 2}}, []float64{math.Log(10)}, s0},
		fwdCase{"logsumexp axis 0", "logsumexp", ax(0), [][]float64{{0, 1000, 0, 1000}}, [][]int{{2, 2}},
			[]float64{math.Ln2, 1000 + math.Ln2}, v2},
		fwdCase{"logsumexp axis -1", "logsumexp", ax(-1), [][]float64{{-1000, -1000, 5, math.Inf(-1)}}, [][]int{{2, 2}},
			[]float64{-1000 + math.Ln2, 5}, v2},
		fwdCase{"logsumexp infinite", "logsumexp", ax(1), [][]float64{{math.Inf(-1), math.Inf(-1), 1, inf}}, [][]int{{2, 2}},
			[]float64{math.Inf(-1), inf}, v2},
		fwdCase{"logsumexp middle", "logsumexp", ax(1), [][]float64{{0, 0, 0, 0, 0, 0, 0, 0}}, [][]int{{2, 2, 2}},
			[]float64{math.Ln2, math.Ln2, math.Ln2, math.Ln2}, []int{2, 2}},
		fwdCase{"gammaln", "gammaln", Attrs{}, [][]float64{{1, 2, 5, 0.5}}, [][]int{{4}},
			[]float64{0, 0, math.Log(24), math.Log(math.Sqrt(math.Pi))}, []int{4}},
	)
	structuralGradCases = append(structuralGradCases,
		gradCase{name: "gt", op: "gt", shapes: [][]int{m23, s0}},
		gradCase{name: "ge", op: "ge", shapes: [][]int{m23, v3}},
		gradCase{name: "lt", op: "lt", shapes: [][]int{v3, m23}},
		gradCase{name: "le", op: "le", shapes: [][]int{m23, m23}},
		gradCase{name: "eq", op: "eq", shapes: [][]int{v3, v3}},
		gradCase{name: "neq", op: "neq", shapes: [][]int{s0, v3}},
		gradCase{name: "switch", op: "switch", shapes: [][]int{m23, m23, m23},
			fixed: map[int][]float64{0: {1, 0, 0, 1, 1, 0}}},
		gradCase{name: "switch broadcast", op: "switch", shapes: [][]int{{2, 1}, v3, s0},
			fixed: map[int][]float64{0: {0, 1}}},
		gradCase{name: "switch input condition", op: "switch", shapes: [][]int{v3, v3, v3},
			dom: []domain{awayFromZero(0.5, 1)}},
		gradCase{name: "logsumexp all", op: "logsumexp", shapes: [][]int{m23}},
		gradCase{name: "logsumexp axis 0", op: "logsumexp", attrs: ax(0), shapes: [][]int{m23}},
		gradCase{name: "logsumexp axis -1", op: "logsumexp", attrs: ax(-1), shapes: [][]int{m23}},
		gradCase{name: "logsumexp middle", op: "logsumexp", attrs: ax(1), shapes: [][]int{{2, 3, 2}}},
		gradCase{name: "gammaln", op: "gammaln", shapes: [][]int{m23}, dom: []domain{uniform(0.2, 6)}},
	)
}

// A slice of logsumexp that is -Inf throughout passes no NaN back.
func TestLogsumexpInfiniteGradient(t *testing.T) {
	var p Program
	x := p.Input([]int{2, 2})
	y, err := Apply(&p, "logsumexp", ax(1), x)
	if err != nil {
		t.Fatal(err)
	}
	p.Freeze()
	m := p.NewMachine()
	copy(m.Value(x), []float64{math.Inf(-1), math.Inf(-1), 0, 0})
	m.Forward()
	m.ZeroGrad()
	copy(m.Gradient(y), []float64{1, 1})
	m.Backward()
	want := []float64{0, 0, 0.5, 0.5}
	for i, g := range m.Gradient(x) {
		if g != want[i] {
			t.Fatalf("gradient %v, want %v", m.Gradient(x), want)
		}
	}
}
