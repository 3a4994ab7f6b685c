package compile

import (
	"math"
	"testing"

	"github.com/exmc/exmc/core/model"
	"github.com/exmc/exmc/core/ops"
)

// countFolds counts the ops that constant folding evaluates while f runs,
// by wrapping the evaluator core/expr registers (the tests of this
// package do not run in parallel).
func countFolds(t *testing.T, f func()) int {
	t.Helper()
	n := 0
	var prev ops.Evaluator
	prev = ops.SetEvaluator(func(op string, a ops.Attrs, args [][]float64, shapes [][]int) ([]float64, []int, error) {
		n++
		return prev(op, a, args, shapes)
	})
	defer ops.SetEvaluator(prev)
	f()
	return n
}

// Compiling asks whether an expression is constant at every node it lays
// out, in both programs, besides what validation asks. Each constant op
// must still be folded once: a chain of depth thousands with a constant
// beside every link (y's mu), and a constant chain as deep (its sigma),
// fold in as many evaluations as they have constant ops. Asking from
// scratch at every node would take depth²/2, twelve million here.
func TestFoldingIsLinearInDepth(t *testing.T) {
	const depth = 5000
	mu := model.Ref("x")
	for k := range depth {
		mu = model.Add(model.Call("neg", ops.Attrs{}, float64(k)), mu)
	}
	sigma := model.Const(1)
	for range depth {
		sigma = model.Add(sigma, 1)
	}
	b := model.NewBuilder()
	b.RV("x", "Normal", model.P{"mu": 0, "sigma": 1})
	b.Det("mu", mu)
	b.Det("sigma", sigma)
	b.Obs("y", "Normal", model.P{"mu": "mu", "sigma": "sigma"}, []float64{0.5})
	m, err := b.Model()
	if err != nil {
		t.Fatal(err)
	}
	var c *Model
	folds := countFolds(t, func() {
		if c, err = Compile(m, nil); err != nil {
			t.Fatal(err)
		}
	})
	if folds != 2*depth {
		t.Errorf("compiling folded %d ops, want each of the %d constant ops once", folds, 2*depth)
	}

	// and the folded values are the ones written
	x := 0.3
	mv, s := x-float64(depth*(depth-1)/2), float64(1+depth)
	want := normLogpdf(x, 0, 1) + normLogpdf(0.5, mv, s)
	got, err := c.NewDensity().LogpGrad([]float64{x}, make([]float64, 1))
	if err != nil || math.Abs(got-want) > 1e-9*math.Abs(want) {
		t.Errorf("logp %v (%v), want %v", got, err, want)
	}
}
