package diag

import (
	"math"
	"math/rand/v2"
	"testing"
)

func ar1Chains(seed uint64, nChain, nDraw int, phi float64) [][]float64 {
	r := rand.New(rand.NewPCG(seed, 7))
	out := make([][]float64, nChain)
	s := math.Sqrt(1 - phi*phi)
	for c := range out {
		x := r.NormFloat64()
		out[c] = make([]float64, nDraw)
		for i := range out[c] {
			x = phi*x + s*r.NormFloat64()
			out[c][i] = x
		}
	}
	return out
}

// Rank normalisation makes R-hat and the bulk and tail ESS depend on the
// draws only through their order.
func TestMonotoneInvariance(t *testing.T) {
	x := ar1Chains(3, 4, 300, 0.6)
	y := mapChains(x, func(v float64) float64 { return math.Exp(3*v) + 1 })
	for _, f := range []struct {
		name string
		fn   func([][]float64) float64
	}{{"RHat", RHat}, {"ESSBulk", ESSBulk}, {"ESSTail", ESSTail}} {
		a, b := f.fn(x), f.fn(y)
		if math.Abs(a-b) > 1e-9*math.Abs(a) {
			t.Errorf("%s changed under a monotone transform: %v vs %v", f.name, a, b)
		}
	}
}

func TestNaNAndShapeRules(t *testing.T) {
	x := ar1Chains(4, 3, 50, 0.2)
	x[1][7] = math.NaN()
	one := ar1Chains(5, 1, 50, 0.2)
	short := ar1Chains(6, 3, 3, 0.2)
	for _, c := range []struct {
		name string
		got  float64
	}{
		{"RHat(NaN)", RHat(x)},
		{"ESSBulk(NaN)", ESSBulk(x)},
		{"ESSTail(NaN)", ESSTail(x)},
		{"ESSMean(NaN)", ESSMean(x)},
		{"MCSEMean(NaN)", MCSEMean(x)},
		{"MCSESD(NaN)", MCSESD(x)},
		{"RHat(one chain)", RHat(one)},
		{"ESSBulk(3 draws)", ESSBulk(short)},
		{"RHat(no chains)", RHat(nil)},
		{"ESSBulk(no chains)", ESSBulk(nil)},
	} {
		if !math.IsNaN(c.got) {
			t.Errorf("%s = %v, want NaN", c.name, c.got)
		}
	}
	if v := ESSBulk(one); math.IsNaN(v) || v <= 0 {
		t.Errorf("ESSBulk of one chain = %v, want a positive number", v)
	}
}

func TestAverageRanks(t *testing.T) {
	got := averageRanks([]float64{3, 1, 3, 2, 3})
	want := []float64{4, 1, 4, 2, 4}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("averageRanks = %v, want %v", got, want)
		}
	}
}

func TestAutocovDirect(t *testing.T) {
	x := ar1Chains(8, 2, 37, 0.5)
	acov := autocov(x)
	for c, xc := range x {
		m := mean(xc)
		n := len(xc)
		for lag := 0; lag < n; lag++ {
			s := 0.0
			for i := 0; i+lag < n; i++ {
				s += (xc[i] - m) * (xc[i+lag] - m)
			}
			s /= float64(n)
			if math.Abs(acov[c][lag]-s) > 1e-13 {
				t.Fatalf("autocov chain %d lag %d = %v, direct sum %v", c, lag, acov[c][lag], s)
			}
		}
	}
}
