package simplify

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	_ "github.com/exmc/exmc/core/expr" // folds constants (ops.Eval)
	"github.com/exmc/exmc/core/model"
	"github.com/exmc/exmc/core/ops"
	"github.com/exmc/exmc/core/shape"
)

// call builds an expression: numbers are constants, strings references.
func call(op string, args ...any) *model.Expr { return model.Call(op, ops.Attrs{}, args...) }

func vec(v ...float64) *model.Expr { return model.Array(v, len(v)) }

// format writes an expression the way the tests spell them:
// exp(mul(-2, v)), constants as numbers or [a b c].
func format(e *model.Expr) string {
	switch {
	case e == nil:
		return "<nil>"
	case e.Ref != "":
		return e.Ref
	case e.Op == "":
		if len(e.Shape) == 0 && len(e.Const) == 1 {
			return strconv.FormatFloat(e.Const[0], 'g', -1, 64)
		}
		parts := make([]string, len(e.Const))
		for i, x := range e.Const {
			parts[i] = strconv.FormatFloat(x, 'g', -1, 64)
		}
		return "[" + strings.Join(parts, " ") + "]"
	}
	parts := make([]string, len(e.Args))
	for i, a := range e.Args {
		parts[i] = format(a)
	}
	return e.Op + "(" + strings.Join(parts, ", ") + ")"
}

// testGraph is a small validated model whose variables have every kind of
// sign the analysis knows:
//
//	x, v: real (Normal), x a scalar, v of shape (3)
//	s: positive (HalfNormal, log transform)
//	p: in (0, 1) (Beta, interval transform)
//	u: in (-1, 0) (Uniform(-1, 0), interval transform)
//	h: HalfNormal sampled untransformed: any real
//	d: data (1, 2, 3); dn: data (-1, 0, 2)
//	e: deterministic exp(x); y: observed Normal(v, s)
func testGraph(t testing.TB) *model.Graph {
	t.Helper()
	b := model.NewBuilder()
	b.Data("d", []float64{1, 2, 3})
	b.Data("dn", []float64{-1, 0, 2})
	b.RV("x", "Normal", model.P{"mu": 0, "sigma": 1})
	b.RV("v", "Normal", model.P{"mu": 0, "sigma": 1}, model.Shape(3))
	b.RV("s", "HalfNormal", model.P{"sigma": 1})
	b.RV("p", "Beta", model.P{"alpha": 2, "beta": 2})
	b.RV("u", "Uniform", model.P{"lower": -1, "upper": 0})
	b.RV("h", "HalfNormal", model.P{"sigma": 1}, model.NoTransform())
	b.Det("e", model.Exp("x"))
	b.Obs("y", "Normal", model.P{"mu": "v", "sigma": "s"}, []float64{0.5, 1, 1.5})
	m, err := b.Model()
	if err != nil {
		t.Fatal(err)
	}
	g, err := model.Validate(m, nil)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// randomPoint sets every free variable of g to a value inside its support
// (a real in [-2, 2], a positive e^[-2, 2], a value of an interval inside
// it).
func randomPoint(g *model.Graph, r *rand.Rand) map[string][]float64 {
	at := map[string][]float64{}
	for _, n := range g.Order {
		if n.Kind != model.Free {
			continue
		}
		vals := make([]float64, shape.Size(g.Shapes[n.Name]))
		for i := range vals {
			y := r.Float64()*4 - 2
			switch n.Name {
			case "s":
				y = math.Exp(y)
			case "p":
				y = 1 / (1 + math.Exp(-y))
			case "u":
				y = -1 / (1 + math.Exp(-y))
			}
			vals[i] = y
		}
		at[n.Name] = vals
	}
	return at
}

// sameValues checks that two expressions have the same values at random
// points of g, to tol relative, wherever the first is defined.
func sameValues(t *testing.T, g *model.Graph, a, b *model.Expr, tol float64) {
	t.Helper()
	r := rand.New(rand.NewPCG(5, 6))
	for range 20 {
		at := randomPoint(g, r)
		va, sa, ok1 := g.Evaluate(a, at)
		vb, sb, ok2 := g.Evaluate(b, at)
		if !ok1 || !ok2 {
			t.Fatalf("%s or %s cannot be evaluated", format(a), format(b))
		}
		if !shape.Equal(sa, sb) {
			t.Fatalf("%s has shape %v, %s %v", format(a), sa, format(b), sb)
		}
		for i := range va {
			x, y := va[i], vb[i]
			if math.IsNaN(x) || math.IsInf(x, 0) {
				continue
			}
			if math.Abs(x-y) > tol*math.Max(1, math.Abs(x)) {
				t.Fatalf("%s = %.17g, %s = %.17g at %v", format(a), x, format(b), y, at)
			}
		}
	}
}

func (s Sign) GoString() string { return fmt.Sprintf("Sign(%s)", s) }
