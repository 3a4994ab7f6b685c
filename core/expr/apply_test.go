package expr

import (
	"strings"
	"testing"

	"github.com/exmc/exmc/core/ops"
)

// Errors that depend on values or on how the program is built surface in Apply.
func TestApplyErrors(t *testing.T) {
	var p Program
	a := p.Input([]int{3})
	idxIn := p.Input([]int{2})
	for _, c := range []struct {
		name string
		idx  []float64
		want string
	}{
		{"out of range", []float64{0, 3}, "gather: index 3 is out of bounds for axis 0 with size 3"},
		{"too negative", []float64{-4, 0}, "out of bounds"},
		{"fractional", []float64{0.5, 1}, "not an integer"},
	} {
		idx := p.Const([]int{2}, c.idx)
		if _, err := Apply(&p, "gather", Attrs{}, a, idx); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %q", c.name, err, c.want)
		}
	}
	if _, err := Apply(&p, "gather", Attrs{}, a, idxIn); err == nil || !strings.Contains(err.Error(), "constant") {
		t.Errorf("gather with an input index: %v", err)
	}
	if _, err := Apply(&p, "add", Attrs{}, a, Slot(99)); err == nil {
		t.Error("Apply accepted a slot that does not exist")
	}
	p.Freeze()
	if _, err := Apply(&p, "exp", Attrs{}, a); err == nil {
		t.Error("Apply on a frozen program succeeded")
	}
}

func TestEvalErrors(t *testing.T) {
	if _, _, err := Eval("add", Attrs{}, [][]float64{{1}}, [][]int{{1}, {1}}); err == nil {
		t.Error("Eval accepted more shapes than arguments")
	}
	if _, _, err := Eval("exp", Attrs{}, [][]float64{{1, 2}}, [][]int{{3}}); err == nil {
		t.Error("Eval accepted values that do not fill the shape")
	}
	if _, _, err := Eval("exp", Attrs{}, [][]float64{{1}}, [][]int{{-1, -1}}); err == nil {
		t.Error("Eval accepted a negative shape")
	}
	if _, _, err := Eval("nope", Attrs{}, nil, nil); err == nil {
		t.Error("Eval accepted an unknown op")
	}
}

// The machine has a kernel for every op of the vocabulary and for nothing
// else.
func TestKernelsCoverTheVocabulary(t *testing.T) {
	for _, op := range ops.Names() {
		if _, ok := kernels[op]; !ok {
			t.Errorf("no kernel for the op %q", op)
		}
	}
	for op := range kernels {
		if !ops.Known(op) {
			t.Errorf("a kernel for %q, which is not an op of the vocabulary", op)
		}
	}
}

// Linking the machine registers its evaluator, which constant folding
// (ops.Eval) uses.
func TestEvaluatorIsRegistered(t *testing.T) {
	v, s, err := ops.Eval("add", Attrs{}, [][]float64{{1, 2}, {10}}, [][]int{{2}, {}})
	if err != nil || len(s) != 1 || s[0] != 2 || v[0] != 11 || v[1] != 12 {
		t.Errorf("ops.Eval(add) = %v, %v, %v", v, s, err)
	}
}
