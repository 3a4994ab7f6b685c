package model

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/exmc/exmc/core/expr"
	"github.com/exmc/exmc/core/limits"
)

// doc wraps nodes, given as JSON objects, in a model document.
func doc(nodes ...string) string {
	return `{"format": "exmc.model/v1", "nodes": [` + strings.Join(nodes, ",") + `]}`
}

const freeMu = `{"name": "mu", "kind": "free", "dist": "Normal"}`

// TestRefusedWhenBuilt holds sizes, shapes and names that once compiled
// and failed later (or ended the process) to an error when the model is
// validated, naming the node.
func TestRefusedWhenBuilt(t *testing.T) {
	limits.SetMemoryLimit(1 << 30)
	defer limits.SetMemoryLimit(0)
	for _, tc := range []struct {
		name string
		doc  string
		want []string
	}{
		{"a trillion elements", doc(`{"name": "x", "kind": "free", "dist": "Normal", "shape": [1000000000000]}`),
			[]string{`node "x"`, "(1000000000000,) has more than 2147483647 elements"}},
		{"one more than an array may hold", doc(`{"name": "x", "kind": "free", "dist": "Flat", "shape": [2147483648]}`),
			[]string{`node "x"`, "more than 2147483647 elements"}},
		{"a product that wraps to zero", doc(`{"name": "x", "kind": "free", "dist": "Normal", "shape": [4294967296, 4294967296, 16]}`),
			[]string{`node "x"`, "(4294967296, 4294967296, 16) has more than"}},
		{"data whose size wraps to zero", doc(freeMu, `{"name": "y", "kind": "data", "shape": [4294967296, 4294967296], "values": []}`),
			[]string{`node "y"`, "has more than"}},
		{"a constant whose size wraps to zero", doc(`{"name": "x", "kind": "free", "dist": "Normal", "params": {"mu": {"const": [], "shape": [4294967296, 4294967296]}}}`),
			[]string{`node "x"`, "constant", "has more than"}},
		{"a constant of negative dimensions", doc(`{"name": "x", "kind": "free", "dist": "Normal", "params": {"mu": {"const": [1], "shape": [-1, -1]}}}`),
			[]string{`node "x"`, "negative dimension"}},
		{"a declared deterministic shape that wraps", doc(freeMu, `{"name": "d", "kind": "deterministic", "shape": [4294967296, 4294967296], "expr": {"ref": "mu"}}`),
			[]string{`node "d"`, "has more than"}},
		{"a reshape that wraps", doc(`{"name": "x", "kind": "free", "dist": "Normal", "shape": [16]}`,
			`{"name": "d", "kind": "deterministic", "expr": {"op": "reshape", "args": [{"ref": "x"}], "shape": [4294967296, 4294967296, 16]}}`),
			[]string{`node "d"`}},
		{"parameters broadcast past an array's size", doc(
			`{"name": "a", "kind": "free", "dist": "Normal", "shape": [65536, 1]}`,
			`{"name": "b", "kind": "free", "dist": "Normal", "shape": [1, 65536]}`,
			`{"name": "x", "kind": "free", "dist": "Normal", "params": {"mu": {"ref": "a"}, "sigma": {"op": "exp", "args": [{"ref": "b"}]}}}`),
			[]string{`node "x"`, "(65536, 65536) has more than"}},
		{"an op whose result is too large for memory", doc(
			`{"name": "a", "kind": "free", "dist": "Normal", "shape": [20000, 1]}`,
			`{"name": "b", "kind": "free", "dist": "Normal", "shape": [1, 20000]}`,
			`{"name": "d", "kind": "deterministic", "expr": {"op": "add", "args": [{"ref": "a"}, {"ref": "b"}]}}`),
			[]string{`node "d"`, "compiling the model needs about", "bytes", "1073741824 bytes (1.0 GiB) available", "EXMC_MEMORY_LIMIT"}},
		{"a free variable too large for memory", doc(`{"name": "x", "kind": "free", "dist": "Flat", "shape": [10000000]}`),
			[]string{`node "x"`, "compiling the model needs about 1280000000 bytes"}},
		{"a deterministic of no elements", doc(`{"name": "x", "kind": "free", "dist": "Normal", "shape": [3]}`,
			`{"name": "s", "kind": "deterministic", "expr": {"op": "slice", "args": [{"ref": "x"}], "start": 2, "stop": 2}}`),
			[]string{`node "s"`, "shape (0,), no elements"}},
		{"an observed node of no elements", doc(freeMu,
			`{"name": "y", "kind": "observed", "dist": "Normal", "params": {"mu": {"ref": "mu"}}, "observed": {"const": [], "shape": [0]}}`),
			[]string{`node "y"`, "no elements"}},
		{"Uniform with lower equal to upper", doc(`{"name": "u", "kind": "free", "dist": "Uniform", "params": {"lower": 1, "upper": 1}}`),
			[]string{`node "u"`, "lower must be less than upper, got 1 and 1"}},
		{"Uniform with lower above upper", doc(`{"name": "u", "kind": "free", "dist": "Uniform", "params": {"lower": 2, "upper": 1}}`),
			[]string{`node "u"`, "lower must be less than upper"}},
		{"Uniform with one element's bounds equal", doc(`{"name": "u", "kind": "free", "dist": "Uniform", "params": {"lower": {"const": [0, 1], "shape": [2]}, "upper": 1}}`),
			[]string{`node "u"`, "got 1 and 1 at element 1"}},
		{"observed Uniform with lower equal to upper", doc(`{"name": "u", "kind": "observed", "dist": "Uniform", "params": {"lower": 0, "upper": 0}, "observed": 0}`, freeMu),
			[]string{`node "u"`, "lower must be less than upper"}},
		{"a comma in a name", doc(`{"name": "a,b", "kind": "free", "dist": "Normal"}`),
			[]string{`node "a,b"`, "comma"}},
		{"a newline in a name", doc(`{"name": "a\nb", "kind": "free", "dist": "Normal"}`),
			[]string{`node "a\nb"`, "control character U+000A"}},
		{"a NUL in a name", doc(`{"name": "a\u0000", "kind": "free", "dist": "Normal"}`),
			[]string{"control character U+0000"}},
		{"an empty name", doc(`{"name": "", "kind": "free", "dist": "Normal"}`),
			[]string{"has no name"}},
		{"an attribute on a reference", doc(freeMu, `{"name": "d", "kind": "deterministic", "expr": {"ref": "mu", "axis": 0}}`),
			[]string{`node "d"`, `the reference to "mu" has arguments or op attributes`}},
		{"arguments on a constant", doc(freeMu, `{"name": "d", "kind": "deterministic", "expr": {"const": [1], "args": [{"ref": "mu"}]}}`),
			[]string{`node "d"`, "a constant has arguments or op attributes"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Parse([]byte(tc.doc))
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			_, err = Validate(m, nil)
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
}

// TestFoldRefusedBeforeEvaluation: a constant expression of data too large
// for memory is refused from its shape, before it is evaluated.
func TestFoldRefusedBeforeEvaluation(t *testing.T) {
	limits.SetMemoryLimit(1 << 30)
	defer limits.SetMemoryLimit(0)
	b := NewBuilder()
	b.Data("a", make([]float64, 30000), Shape(30000, 1))
	// add(a, transpose(a)) has 9e8 elements: 7.2 GB to fold
	b.RV("x", "Normal", P{"mu": Add("a", Call("transpose", expr.Attrs{}, "a")), "sigma": 1})
	m, err := b.Model()
	if err != nil {
		t.Fatal(err)
	}
	_, err = Validate(m, nil)
	if err == nil || !strings.Contains(err.Error(), `node "x"`) || !strings.Contains(err.Error(), "compiling the model needs about") {
		t.Fatalf("error %v", err)
	}
}

// TestMemoryErrorIsTyped lets a caller tell a model too large for memory
// from an invalid one.
func TestMemoryErrorIsTyped(t *testing.T) {
	limits.SetMemoryLimit(1 << 20)
	defer limits.SetMemoryLimit(0)
	m, err := Parse([]byte(doc(`{"name": "x", "kind": "free", "dist": "Flat", "shape": [100000]}`)))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Validate(m, nil)
	var me *limits.MemoryError
	if !errors.As(err, &me) || me.Need != 100000*BytesPerElement || me.Available != 1<<20 {
		t.Fatalf("error %v (%T) is not the memory error expected", err, err)
	}
	limits.SetMemoryLimit(100000 * BytesPerElement)
	if _, err := Validate(m, nil); err != nil {
		t.Fatalf("refused under a limit that holds it: %v", err)
	}
}

// TestNamesThatWork are names a user may give: only what would corrupt the
// flattened names is refused.
func TestNamesThatWork(t *testing.T) {
	for _, name := range []string{"my var", "a.b", "θ_1", "x[0]", "step_size", "lp", "αβγ δ", "[", "a]"} {
		m, err := Parse([]byte(doc(fmt.Sprintf(`{"name": %q, "kind": "free", "dist": "Normal", "shape": [2]}`, name))))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Validate(m, nil); err != nil {
			t.Errorf("name %q refused: %v", name, err)
		}
	}
	// Text that is not UTF-8 only comes from Go: JSON replaces it.
	b := NewBuilder()
	b.RV("a\xffb", "Normal", P{})
	m, _ := b.Model()
	if _, err := Validate(m, nil); err == nil || !strings.Contains(err.Error(), "not valid UTF-8") {
		t.Errorf("a name that is not UTF-8: %v", err)
	}
}

// TestConstantsEvaluatedOnce: a chain of deterministics that each read the
// one before twice is folded in linear time, not 2^depth evaluations.
func TestConstantsEvaluatedOnce(t *testing.T) {
	b := NewBuilder()
	b.Data("d0", []float64{1, 2})
	const depth = 60
	for i := 1; i <= depth; i++ {
		prev := fmt.Sprintf("d%d", i-1)
		b.Det(fmt.Sprintf("d%d", i), Mul(Add(prev, prev), 0.5))
	}
	b.RV("x", "Normal", P{"mu": fmt.Sprintf("d%d", depth), "sigma": 1})
	m, err := b.Model()
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	g, err := Validate(m, nil)
	if err != nil {
		t.Fatal(err)
	}
	v, _, ok := g.Constant(Ref(fmt.Sprintf("d%d", depth)))
	if !ok || v[0] != 1 || v[1] != 2 {
		t.Fatalf("folded %v, %v", v, ok)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("validation took %v", d)
	}
	g.ForgetConstants()
	if v, _, ok := g.Constant(Ref("d3")); !ok || v[1] != 2 {
		t.Fatalf("after ForgetConstants: %v, %v", v, ok)
	}
}

// TestElementsCounted: Graph.Elements counts every node's value and every
// expression's result.
func TestElementsCounted(t *testing.T) {
	m, err := Parse([]byte(doc(
		`{"name": "y", "kind": "data", "shape": [3], "values": [1, 2, 3]}`,
		`{"name": "x", "kind": "free", "dist": "Normal", "shape": [4]}`,
		`{"name": "d", "kind": "deterministic", "expr": {"op": "exp", "args": [{"ref": "x"}]}}`,
		`{"name": "o", "kind": "observed", "dist": "Normal", "params": {"mu": {"op": "sum", "args": [{"ref": "x"}]}}, "observed": {"ref": "y"}}`)))
	if err != nil {
		t.Fatal(err)
	}
	g, err := Validate(m, nil)
	if err != nil {
		t.Fatal(err)
	}
	// y 3, x 4 and its default mu and sigma, exp 4, sum 1, o's default sigma
	if g.Elements != 3+4+2+4+1+1 {
		t.Fatalf("Elements = %d", g.Elements)
	}
}
