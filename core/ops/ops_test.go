package ops

import (
	"strings"
	"testing"

	"github.com/exmc/exmc/core/shape"
)

func TestInferShapeErrors(t *testing.T) {
	cases := []struct {
		op    string
		attrs Attrs
		args  [][]int
		want  string // the whole message when exact, else a fragment
		exact bool
	}{
		{"foo", Attrs{}, nil, `unknown op "foo"`, true},
		{"matmul", Attrs{}, [][]int{{3, 4}, {5}}, "matmul: shapes (3, 4) and (5,) do not align", true},
		{"matmul", Attrs{}, [][]int{{4}, {3, 2}}, "matmul: shapes (4,) and (3, 2) do not align", true},
		{"matmul", Attrs{}, [][]int{{2, 3}, {2, 3}}, "do not align", false},
		{"matmul", Attrs{}, [][]int{{}, {3}}, "scalar", false},
		{"matmul", Attrs{}, [][]int{{2, 2, 3}, {2, 2, 2}}, "matmul: shapes (2, 2, 3) and (2, 2, 2) do not align", true},
		{"matmul", Attrs{}, [][]int{{2, 2, 3}, {3, 3, 2}}, "matmul: the batch axes of shapes (2, 2, 3) and (3, 3, 2) do not broadcast together", true},
		{"cholesky", Attrs{}, [][]int{{2, 3}}, "cholesky: the argument must be a square matrix or a batch of them, got shape (2, 3)", true},
		{"cholesky", Attrs{}, [][]int{{3}}, "square", false},
		{"cholesky", Attrs{Lower: bp(true)}, [][]int{{3, 3}}, `cholesky does not take the attribute "lower"`, true},
		{"solve_triangular", Attrs{}, [][]int{{3, 2}, {3}}, "solve_triangular: the matrix must be square (or a batch of square matrices), got shape (3, 2)", true},
		{"solve_triangular", Attrs{}, [][]int{{3, 3}, {2}}, "solve_triangular: a matrix of shape (3, 3) and a right-hand side of shape (2,) do not align", true},
		{"solve_triangular", Attrs{}, [][]int{{3, 3}, {}}, "scalar", false},
		{"solve_triangular", Attrs{}, [][]int{{2, 3, 3}, {3}}, "batch", false},
		{"solve_triangular", Attrs{}, [][]int{{2, 3, 3}, {3, 3, 1}}, "do not broadcast", false},
		{"solve_triangular", Attrs{Offset: ip(1)}, [][]int{{3, 3}, {3}}, `"offset"`, false},
		{"scatter", Attrs{}, [][]int{{4}, {2}, {3}}, "scatter: values of shape (3,) do not broadcast to the index's shape (2,)", true},
		{"scatter_add", Attrs{}, [][]int{{0}, {2}, {}}, "empty", false},
		{"det", Attrs{}, [][]int{{3, 2}}, "det: the argument must be a square matrix or a batch of them, got shape (3, 2)", true},
		{"inv", Attrs{}, [][]int{{}}, "square", false},
		{"solve", Attrs{}, [][]int{{2, 2}, {3, 1}}, "do not align", false},
		{"diag", Attrs{}, [][]int{{}}, "diag: the argument must be a vector (or a batch of them), got a scalar", true},
		{"extract_diag", Attrs{}, [][]int{{3}}, "extract_diag: the argument must be a matrix (or a batch of them), got shape (3,)", true},
		{"add", Attrs{}, [][]int{{2}, {3}}, "add: shapes (2,) and (3,) cannot be broadcast together", true},
		{"mul", Attrs{}, [][]int{{2}, {3, 4}}, "mul: shapes (2,) and (3, 4) cannot be broadcast together", true},
		{"exp", Attrs{}, [][]int{{2}, {2}}, "exp takes 1 argument, got 2", true},
		{"add", Attrs{}, [][]int{{2}}, "add takes 2 arguments, got 1", true},
		{"stack", Attrs{}, nil, "stack takes at least 1 argument, got 0", true},
		{"exp", ax(0), [][]int{{2}}, `exp does not take the attribute "axis"`, true},
		{"sum", Attrs{Perm: []int{0}}, [][]int{{2}}, `"perm"`, false},
		{"slice", Attrs{Shape: []int{2}}, [][]int{{2}}, `"shape"`, false},
		{"add", Attrs{}, [][]int{{-1}, {2}}, "invalid shape", false},
		{"sum", ax(2), [][]int{{2, 3}}, "sum: axis 2 is out of bounds for an array of rank 2", true},
		{"mean", ax(-3), [][]int{{2, 3}}, "out of bounds", false},
		{"sum", ax(0), [][]int{{}}, "out of bounds", false},
		{"cumsum", Attrs{}, [][]int{{}}, "scalar", false},
		{"cumsum", ax(1), [][]int{{3}}, "out of bounds", false},
		{"gather", Attrs{}, [][]int{{}, {2}}, "scalar", false},
		{"gather", ax(1), [][]int{{3}, {2}}, "out of bounds", false},
		{"slice", Attrs{Step: ip(0)}, [][]int{{3}}, "step cannot be zero", false},
		{"slice", Attrs{}, [][]int{{}}, "scalar", false},
		{"slice", ax(-2), [][]int{{3}}, "out of bounds", false},
		{"stack", Attrs{}, [][]int{{2}, {3}}, "same shape", false},
		{"stack", ax(2), [][]int{{2}, {2}}, "out of bounds", false},
		{"concatenate", Attrs{}, [][]int{{}, {}}, "scalars", false},
		{"concatenate", ax(1), [][]int{{2, 1}, {3, 1}}, "differ", false},
		{"concatenate", Attrs{}, [][]int{{2, 1}, {3}}, "differ", false},
		{"reshape", Attrs{Shape: []int{4}}, [][]int{{2, 3}}, "cannot reshape an array of shape (2, 3) into shape (4,)", false},
		{"reshape", Attrs{Shape: []int{-1, -1}}, [][]int{{4}}, "only one", false},
		{"reshape", Attrs{Shape: []int{4, -1}}, [][]int{{6}}, "cannot reshape", false},
		{"reshape", Attrs{Shape: []int{0, -1}}, [][]int{{0}}, "cannot reshape", false},
		{"reshape", Attrs{Shape: []int{-2, 3}}, [][]int{{6}}, "invalid dimension", false},
		{"reshape", Attrs{}, [][]int{{2}}, "into shape ()", false},
		{"transpose", Attrs{Perm: []int{0}}, [][]int{{2, 3}}, "rank", false},
		{"transpose", Attrs{Perm: []int{1, 1}}, [][]int{{2, 3}}, "repeats", false},
		{"transpose", Attrs{Perm: []int{0, 2}}, [][]int{{2, 3}}, "out of bounds", false},
	}
	for _, c := range cases {
		_, err := InferShape(c.op, c.attrs, c.args)
		switch {
		case err == nil:
			t.Errorf("InferShape(%s, %v) accepted bad input", c.op, c.args)
		case c.exact && err.Error() != c.want:
			t.Errorf("InferShape(%s, %v): %q, want %q", c.op, c.args, err, c.want)
		case !c.exact && !strings.Contains(err.Error(), c.want):
			t.Errorf("InferShape(%s, %v): %q, want it to mention %q", c.op, c.args, err, c.want)
		}
	}
}

func TestInferShapeResults(t *testing.T) {
	cases := []struct {
		op    string
		attrs Attrs
		args  [][]int
		want  []int
	}{
		{"add", Attrs{}, [][]int{{4, 1, 5}, {3, 1}}, []int{4, 3, 5}},
		{"gather", ax(1), [][]int{{2, 7, 3}, {4, 5}}, []int{2, 4, 5, 3}},
		{"gather", Attrs{}, [][]int{{7}, {}}, []int{}},
		{"slice", Attrs{Start: ip(-3), Step: ip(2)}, [][]int{{10, 2}}, []int{2, 2}},
		{"sum", ax(-1), [][]int{{2, 3}}, []int{2}},
		{"stack", ax(-1), [][]int{{2, 3}, {2, 3}}, []int{2, 3, 2}},
		{"concatenate", ax(-1), [][]int{{2, 3}, {2, 1}}, []int{2, 4}},
		{"reshape", Attrs{Shape: []int{2, -1, 2}}, [][]int{{12}}, []int{2, 3, 2}},
		{"reshape", Attrs{Shape: []int{0, 3}}, [][]int{{0}}, []int{0, 3}},
		{"transpose", Attrs{}, [][]int{{2, 3, 4}}, []int{4, 3, 2}},
		{"matmul", Attrs{}, [][]int{{5}, {5, 2}}, []int{2}},
		{"matmul", Attrs{}, [][]int{{2, 1, 4, 5}, {3, 5, 2}}, []int{2, 3, 4, 2}},
		{"matmul", Attrs{}, [][]int{{5}, {3, 5, 2}}, []int{3, 2}},
		{"matmul", Attrs{}, [][]int{{3, 4, 5}, {5}}, []int{3, 4}},
		{"cholesky", Attrs{}, [][]int{{2, 3, 3}}, []int{2, 3, 3}},
		{"det", Attrs{}, [][]int{{4, 3, 3}}, []int{4}},
		{"logabsdet", Attrs{}, [][]int{{3, 3}}, []int{}},
		{"solve_triangular", Attrs{}, [][]int{{3, 3}, {3}}, []int{3}},
		{"solve_triangular", Attrs{}, [][]int{{2, 1, 3, 3}, {4, 3, 2}}, []int{2, 4, 3, 2}},
		{"diag", Attrs{Offset: ip(-2)}, [][]int{{4, 3}}, []int{4, 5, 5}},
		{"extract_diag", Attrs{Offset: ip(2)}, [][]int{{4, 3, 5}}, []int{4, 3}},
		{"extract_diag", Attrs{Offset: ip(-4)}, [][]int{{3, 5}}, []int{0}},
	}
	for _, c := range cases {
		got, err := InferShape(c.op, c.attrs, c.args)
		if err != nil || !shape.Equal(got, c.want) {
			t.Errorf("InferShape(%s, %v) = %v, %v; want %v", c.op, c.args, got, err, c.want)
		}
	}
}

func TestNames(t *testing.T) {
	names := Names()
	for _, want := range []string{"add", "sub", "mul", "div", "pow", "maximum", "minimum", "neg", "exp", "log",
		"log1p", "expm1", "sqrt", "square", "abs", "sigmoid", "softplus", "logit", "tanh", "erf", "matmul",
		"gather", "slice", "sum", "mean", "cumsum", "stack", "concatenate", "reshape", "transpose", "gammaln", "logsumexp",
		"gt", "ge", "lt", "le", "eq", "neq", "switch"} {
		if !Known(want) {
			t.Errorf("Known(%q) is false", want)
		}
	}
	if Known("foo") || Known("") {
		t.Error("Known accepts unknown names")
	}
	for i := 1; i < len(names); i++ {
		if names[i-1] >= names[i] {
			t.Fatalf("Names not sorted: %v", names)
		}
	}
}

func TestCompareShapeErrors(t *testing.T) {
	if _, err := InferShape("switch", Attrs{}, [][]int{{2}, {3}, {3}}); err == nil {
		t.Error("switch with shapes (2,), (3,), (3,): no error")
	}
	if _, err := InferShape("gt", Attrs{}, [][]int{{2}, {3}}); err == nil {
		t.Error("gt with shapes (2,), (3,): no error")
	}
	if _, err := InferShape("logsumexp", ax(2), [][]int{{2, 3}}); err == nil {
		t.Error("logsumexp with axis 2 of a matrix: no error")
	}
	if _, err := InferShape("switch", Attrs{}, [][]int{{2}, {2}}); err == nil {
		t.Error("switch with two arguments: no error")
	}
}

func ip(i int) *int { return &i }

func bp(b bool) *bool { return &b }

func ax(i int) Attrs { return Attrs{Axis: &i} }
