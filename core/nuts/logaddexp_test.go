package nuts

import (
	"math"
	"math/rand/v2"
	"testing"
)

// logAddExp agrees with the textbook form to an ulp or two wherever that
// form is exact enough to compare with, and handles -Inf.
func TestLogAddExp(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 100000 {
		a, b := 50*r.NormFloat64(), 50*r.NormFloat64()
		if r.Float64() < 0.2 {
			b = a + 1e-3*r.NormFloat64()
		}
		hi, lo := math.Max(a, b), math.Min(a, b)
		want := hi + math.Log1p(math.Exp(lo-hi))
		got := logAddExp(a, b)
		if math.Abs(got-want) > 2*math.Max(ulpOf(want), ulpOf(hi)) {
			t.Fatalf("logAddExp(%v, %v) = %.17g, want %.17g", a, b, got, want)
		}
	}
	inf := math.Inf(-1)
	if logAddExp(inf, 2) != 2 || logAddExp(2, inf) != 2 || !math.IsInf(logAddExp(inf, inf), -1) {
		t.Fatal("-Inf not handled")
	}
	if log1pUnit(0) != 0 || log1pUnit(1) != math.Ln2 {
		t.Fatalf("log1pUnit(0) = %v, log1pUnit(1) = %v", log1pUnit(0), log1pUnit(1))
	}
}

func ulpOf(x float64) float64 {
	return math.Nextafter(math.Abs(x), math.Inf(1)) - math.Abs(x)
}
