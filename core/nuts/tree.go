package nuts

import (
	"errors"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/floats"
)

var errNoPosition = errors.New("nuts: SetPosition must succeed before the first transition")

// edge is what the U-turn criterion needs of a subtree's first or last
// point. CriterionDisplacement reads q and p, CriterionMomentumSum p and v.
type edge struct {
	q, p, v []float64
}

func newEdge(d int) edge {
	buf := make([]float64, 3*d)
	return edge{q: buf[:d:d], p: buf[d : 2*d : 2*d], v: buf[2*d:]}
}

func (e *edge) set(z *point) {
	copy(e.q, z.q)
	copy(e.p, z.p)
	copy(e.v, z.v)
}

func (e *edge) copyFrom(o *edge) {
	copy(e.q, o.q)
	copy(e.p, o.p)
	copy(e.v, o.v)
}

// Transition runs one NUTS transition from the current position, moves the
// chain to the selected point and reports the transition. Randomness comes
// only from r. A non-nil error is an unrecoverable density error; the chain
// has not moved.
//
// The trajectory doubles in a random direction until the U-turn criterion
// fails, a step diverges, or the depth limit is hit. The new subtree
// replaces the current sample with probability min(1, w_new/w_old) (biased
// progressive sampling), which favours points far from the start; within a
// subtree, points are picked with probability proportional to their weight
// exp(H0 - H) (multinomial).
func (s *Sampler) Transition(r *rand.Rand) (Stats, error) {
	if math.IsNaN(s.cur.logp) {
		return Stats{}, errNoPosition
	}
	s.rng = r
	defer func() { s.rng = nil }()
	if s.dim == 0 {
		return Stats{Lp: s.cur.logp, AcceptanceRate: 1, StepSize: s.eps, StepSizeNom: s.eps,
			Energy: -s.cur.logp}, nil
	}

	f := &s.fwd
	copy(f.q, s.cur.q)
	copy(f.grad, s.cur.grad)
	f.logp = s.cur.logp
	s.startMomentum(f)
	s.bck.copyFrom(f)
	s.sample.set(f)
	s.h0 = f.energy()

	for _, e := range []*edge{&s.fwdFwd, &s.fwdBck, &s.bckFwd, &s.bckBck} {
		e.set(f)
	}
	momentumSum := s.opt.Criterion == CriterionMomentumSum
	if momentumSum {
		copy(s.rho, f.p)
	}
	s.nLeapfrog, s.sumMetroProb, s.divergent, s.maxErr, s.fatal = 0, 0, false, 0, nil

	logSumWeight := 0.0 // log(exp(H0 - H0))
	depth := 0
	turned := false
	for depth < s.opt.MaxTreeDepth {
		if momentumSum {
			clear(s.rhoFwd)
			clear(s.rhoBck)
		}
		lswSubtree := math.Inf(-1)
		var valid bool
		if r.Float64() > 0.5 {
			// The trajectory so far becomes the backward subtree.
			if momentumSum {
				copy(s.rhoBck, s.rho)
			}
			s.bckFwd.copyFrom(&s.fwdFwd)
			valid = s.buildTree(depth, &s.fwd, &s.propose, &s.fwdBck, &s.fwdFwd, s.rhoFwd, 1, &lswSubtree)
		} else {
			if momentumSum {
				copy(s.rhoFwd, s.rho)
			}
			s.fwdBck.copyFrom(&s.bckBck)
			valid = s.buildTree(depth, &s.bck, &s.propose, &s.bckFwd, &s.bckBck, s.rhoBck, -1, &lswSubtree)
		}
		if s.fatal != nil {
			return Stats{}, s.fatal
		}
		if !valid {
			break
		}
		depth++

		if lswSubtree > logSumWeight || r.Float64() < math.Exp(lswSubtree-logSumWeight) {
			s.sample, s.propose = s.propose, s.sample
		}
		logSumWeight = logAddExp(logSumWeight, lswSubtree)

		if momentumSum {
			floats.AddTo(s.rho, s.rhoBck, s.rhoFwd)
		}
		if !s.mergeFree(&s.bckBck, &s.bckFwd, &s.fwdBck, &s.fwdFwd, s.rhoBck, s.rhoFwd, s.rho, s.rhoExt, 1) {
			turned = true
			break
		}
	}

	st := Stats{
		Lp:                  s.sample.logp,
		AcceptanceRate:      s.sumMetroProb / float64(s.nLeapfrog),
		StepSize:            s.eps,
		StepSizeNom:         s.eps,
		TreeDepth:           depth,
		NSteps:              s.nLeapfrog,
		Diverging:           s.divergent,
		Energy:              s.sample.energy,
		EnergyError:         s.sample.energy - s.h0,
		MaxEnergyError:      s.maxErr,
		ReachedMaxTreedepth: depth == s.opt.MaxTreeDepth && !turned && !s.divergent,
	}
	s.cur, s.sample = s.sample, s.cur
	return st, nil
}

// buildTree integrates 2^depth steps from z in direction sign, in place,
// and returns whether the new subtree is valid: no divergence and no
// U-turn inside it. On return propose holds the subtree's multinomial
// draw, beg and end describe its first and last point (in integration
// order), logSumWeight has absorbed the subtree's weights and, under
// CriterionMomentumSum, rho has been incremented by the subtree's summed
// momentum.
func (s *Sampler) buildTree(depth int, z *point, propose *draw, beg, end *edge,
	rho []float64, sign float64, logSumWeight *float64) bool {
	momentumSum := s.opt.Criterion == CriterionMomentumSum
	if depth == 0 {
		err := s.leapfrog(z, sign*s.eps)
		s.nLeapfrog++
		if s.fatal != nil {
			return false
		}
		h := math.Inf(1)
		if err == nil {
			if e := z.energy(); !math.IsNaN(e) {
				h = e
			}
		}
		dh := h - s.h0
		if math.Abs(dh) > math.Abs(s.maxErr) {
			s.maxErr = dh
		}
		if err != nil || dh > s.opt.MaxEnergyError {
			s.divergent = true
		}
		*logSumWeight = logAddExp(*logSumWeight, -dh)
		if -dh > 0 {
			s.sumMetroProb++
		} else {
			s.sumMetroProb += math.Exp(-dh)
		}
		if s.divergent {
			return false
		}
		propose.set(z)
		copy(beg.p, z.p)
		copy(end.p, z.p)
		if momentumSum {
			copy(beg.v, z.v)
			copy(end.v, z.v)
			floats.Add(rho, z.p)
		} else {
			copy(beg.q, z.q)
			copy(end.q, z.q)
		}
		return true
	}

	lv := &s.levels[depth]

	lswInit := math.Inf(-1)
	if momentumSum {
		clear(lv.rhoInit)
	}
	if !s.buildTree(depth-1, z, propose, beg, &lv.initEnd, lv.rhoInit, sign, &lswInit) {
		return false
	}

	lswFinal := math.Inf(-1)
	if momentumSum {
		clear(lv.rhoFinal)
	}
	if !s.buildTree(depth-1, z, &lv.proposeFinal, &lv.finalBeg, end, lv.rhoFinal, sign, &lswFinal) {
		return false
	}

	lswSubtree := logAddExp(lswInit, lswFinal)
	*logSumWeight = logAddExp(*logSumWeight, lswSubtree)
	if lswFinal > lswSubtree || s.rng.Float64() < math.Exp(lswFinal-lswSubtree) {
		*propose, lv.proposeFinal = lv.proposeFinal, *propose
	}

	sub := lv.rhoSubset
	if momentumSum {
		floats.AddTo(sub, lv.rhoInit, lv.rhoFinal)
		floats.Add(rho, sub)
	}
	return s.mergeFree(beg, &lv.initEnd, &lv.finalBeg, end, lv.rhoInit, lv.rhoFinal, sub, sub, sign)
}

// mergeFree applies the U-turn criterion to the merge of two adjacent
// subtrees, the first running from beg to initEnd and the second from
// finalBeg to end, both in the order of integration in direction sign. It
// checks the merged stretch and, because a U-turn can show only once one
// subtree is extended by the nearest point of the other, the first
// subtree with finalBeg and the second with initEnd. Under
// CriterionMomentumSum rhoInit, rhoFinal and rho are the summed momenta of
// the two subtrees and of their union, and scratch may alias rho.
func (s *Sampler) mergeFree(beg, initEnd, finalBeg, end *edge,
	rhoInit, rhoFinal, rho, scratch []float64, sign float64) bool {
	if s.opt.Criterion != CriterionMomentumSum {
		return displacementFree(beg, end, sign) &&
			displacementFree(beg, finalBeg, sign) &&
			displacementFree(initEnd, end, sign)
	}
	if !uTurnFree(beg.v, end.v, rho) {
		return false
	}
	floats.AddTo(scratch, rhoInit, finalBeg.p)
	if !uTurnFree(beg.v, finalBeg.v, scratch) {
		return false
	}
	floats.AddTo(scratch, rhoFinal, initEnd.p)
	return uTurnFree(initEnd.v, end.v, scratch)
}

// uTurnFree is the generalised no-U-turn criterion: the summed momentum rho
// of a stretch of trajectory still points forward at both of its ends,
// measured with the velocities (M⁻¹p) there. It does not depend on the
// direction of integration: reversing time negates rho and both
// velocities.
func uTurnFree(vMinus, vPlus, rho []float64) bool {
	return floats.Dot(vPlus, rho) > 0 && floats.Dot(vMinus, rho) > 0
}

// displacementFree is the no-U-turn criterion on positions: the
// displacement from the stretch's first point a to its last point b, a
// reached first when integrating in direction sign, still has a positive
// inner product with the momentum at both ends. Δq·p pairs a vector with
// a covector, so the test reads the same in every linear reparametrisation;
// with the metric's whitening it is the Euclidean criterion on whitened
// positions and velocities. sign orients Δq forward in time, which makes
// the test symmetric in the stretch's two ends.
func displacementFree(a, b *edge, sign float64) bool {
	qa, qb := a.q, b.q[:len(a.q)]
	pa, pb := a.p[:len(a.q)], b.p[:len(a.q)]
	var da, db float64
	for i, x := range qa {
		d := qb[i] - x
		da += d * pa[i]
		db += d * pb[i]
	}
	return sign*da > 0 && sign*db > 0
}

func logAddExp(a, b float64) float64 {
	if math.IsInf(a, -1) {
		return b
	}
	if math.IsInf(b, -1) {
		return a
	}
	if a < b {
		a, b = b, a
	}
	return a + log1pUnit(math.Exp(b-a))
}

// log1pUnit is log(1 + t) for t in [0, 1]. math.Log1p is a slow pure-Go
// function and this runs at every leapfrog step; log(u) for the rounded
// u = 1 + t, corrected by the rounding error to first order, is within an
// ulp of it.
func log1pUnit(t float64) float64 {
	u := 1 + t
	if u == 1 {
		return t
	}
	return math.Log(u) - ((u-1)-t)/u
}
