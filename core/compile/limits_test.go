package compile

import (
	"strings"
	"testing"

	"github.com/exmc/exmc/core/model"
)

// TestFlatNamesUnambiguous: a model whose flattened names
// (exmc_model_param_names) would name one element twice is refused when
// compiled, naming the nodes; any other name, brackets and all, compiles.
func TestFlatNamesUnambiguous(t *testing.T) {
	for _, tc := range []struct {
		name  string
		build func(b *model.Builder)
		want  string // "" when the model must compile
	}{
		{"a scalar named like a vector's element", func(b *model.Builder) {
			b.RV("x", "Normal", model.P{}, model.Shape(3))
			b.RV("x[1]", "Normal", model.P{})
		}, `node "x[1]": its name is also the name of an element of node "x"`},
		{"a deterministic named like a deterministic's element", func(b *model.Builder) {
			b.RV("beta", "Normal", model.P{}, model.Shape(2))
			b.Det("d", model.Exp("beta"))
			b.Det("d[0]", model.Sum("beta"))
		}, `node "d[0]": its name is also the name of an element of node "d"`},
		{"a transformed value's name taken", func(b *model.Builder) {
			b.RV("sigma", "HalfNormal", model.P{})
			b.RV("sigma_log__", "Normal", model.P{})
		}, `flattened name "sigma_log__" is also node "sigma"'s`},
		{"an element outside the vector", func(b *model.Builder) {
			b.RV("x", "Normal", model.P{}, model.Shape(3))
			b.RV("x[3]", "Normal", model.P{})
		}, ""},
		{"an index of another rank", func(b *model.Builder) {
			b.RV("x", "Normal", model.P{}, model.Shape(3, 1))
			b.RV("x[0]", "Normal", model.P{})
		}, ""},
		{"a leading zero is no index", func(b *model.Builder) {
			b.RV("x", "Normal", model.P{}, model.Shape(3))
			b.RV("x[01]", "Normal", model.P{})
		}, ""},
		{"a bracketed vector", func(b *model.Builder) {
			b.RV("x", "Normal", model.P{}, model.Shape(3))
			b.RV("x[0]", "Normal", model.P{}, model.Shape(2))
		}, ""},
		{"spaces, dots and unicode", func(b *model.Builder) {
			b.RV("my var", "Normal", model.P{}, model.Shape(2))
			b.RV("a.b", "HalfNormal", model.P{})
			b.Det("θ σ", model.Mul("a.b", "my var"))
		}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := model.NewBuilder()
			tc.build(b)
			m, err := b.Model()
			if err != nil {
				t.Fatal(err)
			}
			_, err = Compile(m, nil)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("error %v, want one saying %q", err, tc.want)
			}
		})
	}
}

func TestElementName(t *testing.T) {
	for _, tc := range []struct {
		in   string
		stem string
		idx  []int
	}{
		{"x[0]", "x", []int{0}},
		{"b[2,10]", "b", []int{2, 10}},
		{"a[0][1]", "a[0]", []int{1}},
		{"x", "", nil},
		{"[0]", "", nil},
		{"x[]", "", nil},
		{"x[1,]", "", nil},
		{"x[-1]", "", nil},
		{"x[00]", "", nil},
		{"x[ 1]", "", nil},
		{"x[99999999999999999999]", "", nil},
	} {
		stem, idx, ok := elementName(tc.in)
		if ok != (tc.idx != nil) || stem != tc.stem || len(idx) != len(tc.idx) {
			t.Errorf("elementName(%q) = %q, %v, %v", tc.in, stem, idx, ok)
			continue
		}
		for i := range idx {
			if idx[i] != tc.idx[i] {
				t.Errorf("elementName(%q) index %v, want %v", tc.in, idx, tc.idx)
			}
		}
	}
}

// TestDensityBytes: the estimate covers a density's values and adjoints.
func TestDensityBytes(t *testing.T) {
	b := model.NewBuilder()
	b.RV("x", "HalfNormal", model.P{}, model.Shape(1000))
	m, _ := b.Model()
	c, err := Compile(m, nil)
	if err != nil {
		t.Fatal(err)
	}
	// x's block of the point, its exponential, and the output program's
	// copy: values and adjoints of each
	if got := c.DensityBytes(); got < 3*1000*16 || got > 1<<20 {
		t.Fatalf("DensityBytes() = %d", got)
	}
}
