package nuts

import (
	"math/rand/v2"
	"testing"
)

func edgeOf(q, p []float64) *edge { return &edge{q: q, p: p, v: p} }

// The displacement criterion on stretches whose answer is plain geometry.
// Each case is also checked after a linear change of coordinates
// q → Aq, p → A⁻ᵀp, which a metric's whitening is: Δq·p must not change,
// so the answer must not either.
func TestDisplacementFreeCases(t *testing.T) {
	tests := []struct {
		name           string
		qa, pa, qb, pb []float64
		free           bool
	}{
		{"straight run", []float64{0, 0}, []float64{1, 0}, []float64{2, 0}, []float64{1, 0}, true},
		{"bent but still outward", []float64{0, 0}, []float64{1, 1}, []float64{2, 0}, []float64{1, -1}, true},
		{"far end heading back", []float64{0, 0}, []float64{1, 0}, []float64{2, 0}, []float64{-1, 0.5}, false},
		{"near end heading away", []float64{0, 0}, []float64{-1, 3}, []float64{2, 0}, []float64{1, 0}, false},
		{"both ends reversed", []float64{0, 0}, []float64{-1, 0}, []float64{2, 0}, []float64{-1, 0}, false},
		{"no displacement", []float64{1, 1}, []float64{1, 0}, []float64{1, 1}, []float64{1, 0}, false},
	}
	// A and A⁻ᵀ for A = [[2, 1], [0, 0.5]] (det 1).
	a := [2][2]float64{{2, 1}, {0, 0.5}}
	aInvT := [2][2]float64{{0.5, 0}, {-1, 2}}
	apply := func(m [2][2]float64, x []float64) []float64 {
		return []float64{m[0][0]*x[0] + m[0][1]*x[1], m[1][0]*x[0] + m[1][1]*x[1]}
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := displacementFree(edgeOf(tc.qa, tc.pa), edgeOf(tc.qb, tc.pb), 1); got != tc.free {
				t.Errorf("free = %v, want %v", got, tc.free)
			}
			ea := edgeOf(apply(a, tc.qa), apply(aInvT, tc.pa))
			eb := edgeOf(apply(a, tc.qb), apply(aInvT, tc.pb))
			if got := displacementFree(ea, eb, 1); got != tc.free {
				t.Errorf("after a linear change of coordinates: free = %v, want %v", got, tc.free)
			}
		})
	}
}

// A valid NUTS criterion must give the same answer for a stretch of
// trajectory whichever way it was integrated, and for its time reversal
// (ends swapped, momenta negated): otherwise the tree built from a point
// depends on where in it the chain started and detailed balance fails.
// mergeFree is checked as a whole, the two cross-merge checks included,
// for both criteria, on random stretches of which many have turned.
func TestCriterionSymmetric(t *testing.T) {
	const d = 4
	r := rand.New(rand.NewPCG(7, 8))
	vec := func() []float64 {
		v := make([]float64, d)
		for i := range v {
			v[i] = r.NormFloat64()
		}
		return v
	}
	neg := func(x []float64) []float64 {
		y := make([]float64, len(x))
		for i, v := range x {
			y[i] = -v
		}
		return y
	}
	// Momenta and velocities must be related by one metric for the
	// momentum sum to be meaningful; a diagonal one suffices.
	invMass := []float64{0.5, 1, 2, 4}
	mk := func(q, p []float64) *edge {
		v := make([]float64, d)
		for i := range v {
			v[i] = invMass[i] * p[i]
		}
		return &edge{q: q, p: p, v: v}
	}
	sum := func(xs ...[]float64) []float64 {
		out := make([]float64, d)
		for _, x := range xs {
			for i := range out {
				out[i] += x[i]
			}
		}
		return out
	}
	for _, c := range []Criterion{CriterionDisplacement, CriterionMomentumSum} {
		t.Run(c.String(), func(t *testing.T) {
			s := &Sampler{opt: Options{Criterion: c}}
			scratch := make([]float64, d)
			counts := [2]int{}
			for range 2000 {
				// Four ends in trajectory order drifting along dir, with
				// noise of random size so that some stretches have turned
				// and some not, and two interior momenta that complete
				// each subtree's momentum sum.
				dir, noise := vec(), 2*r.Float64()
				var q, p [4][]float64
				for k := range q {
					q[k], p[k] = vec(), vec()
					for i := range d {
						q[k][i] = float64(k)*dir[i] + noise*q[k][i]
						p[k][i] = dir[i]/invMass[i] + noise*p[k][i]
					}
				}
				inner1, inner2 := vec(), vec()
				e := [4]*edge{mk(q[0], p[0]), mk(q[1], p[1]), mk(q[2], p[2]), mk(q[3], p[3])}
				rhoInit, rhoFinal := sum(p[0], inner1, p[1]), sum(p[2], inner2, p[3])
				rho := sum(rhoInit, rhoFinal)

				fwd := s.mergeFree(e[0], e[1], e[2], e[3], rhoInit, rhoFinal, rho, scratch, 1)
				// The same stretch integrated backwards: ends in the other
				// order, subtrees swapped.
				bck := s.mergeFree(e[3], e[2], e[1], e[0], rhoFinal, rhoInit, rho, scratch, -1)
				// Its time reversal integrated forwards.
				re := [4]*edge{mk(q[3], neg(p[3])), mk(q[2], neg(p[2])), mk(q[1], neg(p[1])), mk(q[0], neg(p[0]))}
				rev := s.mergeFree(re[0], re[1], re[2], re[3], neg(rhoFinal), neg(rhoInit), neg(rho), scratch, 1)
				if fwd != bck || fwd != rev {
					t.Fatalf("forward %v, backward %v, reversed %v", fwd, bck, rev)
				}
				if fwd {
					counts[1]++
				} else {
					counts[0]++
				}
			}
			if counts[0] < 100 || counts[1] < 100 {
				t.Fatalf("turned/free counts %v: the random stretches do not exercise both answers", counts)
			}
		})
	}
}
