package nuts

import (
	"errors"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/floats"
)

var errNoPosition = errors.New("nuts: SetPosition must succeed before the first transition")

// Transition runs one NUTS transition from the current position, moves the
// chain to the selected point and reports the transition. Randomness comes
// only from r. A non-nil error is an unrecoverable density error; the chain
// has not moved.
//
// The trajectory doubles in a random direction until the generalised
// U-turn criterion fails, a step diverges, or the depth limit is hit. The
// new subtree replaces the current sample with probability
// min(1, w_new/w_old) (biased progressive sampling), which favours
// points far from the start; within a subtree, points are picked with
// probability proportional to their weight exp(H0 - H) (multinomial).
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

	for _, v := range [][]float64{s.pFwdFwd, s.pFwdBck, s.pBckFwd, s.pBckBck, s.rho} {
		copy(v, f.p)
	}
	for _, v := range [][]float64{s.vFwdFwd, s.vFwdBck, s.vBckFwd, s.vBckBck} {
		copy(v, f.v)
	}
	s.nLeapfrog, s.sumMetroProb, s.divergent, s.maxErr, s.fatal = 0, 0, false, 0, nil

	logSumWeight := 0.0 // log(exp(H0 - H0))
	depth := 0
	turned := false
	for depth < s.opt.MaxTreeDepth {
		clear(s.rhoFwd)
		clear(s.rhoBck)
		lswSubtree := math.Inf(-1)
		var valid bool
		if r.Float64() > 0.5 {
			// The trajectory so far becomes the backward subtree.
			copy(s.rhoBck, s.rho)
			copy(s.pBckFwd, s.pFwdFwd)
			copy(s.vBckFwd, s.vFwdFwd)
			valid = s.buildTree(depth, &s.fwd, &s.propose, s.vFwdBck, s.vFwdFwd, s.rhoFwd,
				s.pFwdBck, s.pFwdFwd, 1, &lswSubtree)
		} else {
			copy(s.rhoFwd, s.rho)
			copy(s.pFwdBck, s.pBckBck)
			copy(s.vFwdBck, s.vBckBck)
			valid = s.buildTree(depth, &s.bck, &s.propose, s.vBckFwd, s.vBckBck, s.rhoBck,
				s.pBckFwd, s.pBckBck, -1, &lswSubtree)
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

		floats.AddTo(s.rho, s.rhoBck, s.rhoFwd)
		persist := uTurnFree(s.vBckBck, s.vFwdFwd, s.rho)
		// The two checks across the merge catch a U-turn that only shows
		// when one subtree is extended by the first point of the other.
		floats.AddTo(s.rhoExt, s.rhoBck, s.pFwdBck)
		persist = uTurnFree(s.vBckBck, s.vFwdBck, s.rhoExt) && persist
		floats.AddTo(s.rhoExt, s.rhoFwd, s.pBckFwd)
		persist = uTurnFree(s.vBckFwd, s.vFwdFwd, s.rhoExt) && persist
		if !persist {
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
// draw, rho has been incremented by the subtree's summed momentum,
// pBeg/vBeg and pEnd/vEnd hold the momentum and velocity at its first and
// last point (in integration order), and logSumWeight has absorbed the
// subtree's weights.
func (s *Sampler) buildTree(depth int, z *point, propose *draw,
	vBeg, vEnd, rho, pBeg, pEnd []float64, sign float64, logSumWeight *float64) bool {
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
		copy(vBeg, z.v)
		copy(vEnd, z.v)
		floats.Add(rho, z.p)
		copy(pBeg, z.p)
		copy(pEnd, z.p)
		return true
	}

	lv := &s.levels[depth]

	lswInit := math.Inf(-1)
	clear(lv.rhoInit)
	if !s.buildTree(depth-1, z, propose, vBeg, lv.vInitEnd, lv.rhoInit, pBeg, lv.pInitEnd, sign, &lswInit) {
		return false
	}

	lswFinal := math.Inf(-1)
	clear(lv.rhoFinal)
	if !s.buildTree(depth-1, z, &lv.proposeFinal, lv.vFinalBeg, vEnd, lv.rhoFinal, lv.pFinalBeg, pEnd, sign, &lswFinal) {
		return false
	}

	lswSubtree := logAddExp(lswInit, lswFinal)
	*logSumWeight = logAddExp(*logSumWeight, lswSubtree)
	if lswFinal > lswSubtree || s.rng.Float64() < math.Exp(lswFinal-lswSubtree) {
		*propose, lv.proposeFinal = lv.proposeFinal, *propose
	}

	sub := lv.rhoSubset
	floats.AddTo(sub, lv.rhoInit, lv.rhoFinal)
	floats.Add(rho, sub)
	persist := uTurnFree(vBeg, vEnd, sub)
	floats.AddTo(sub, lv.rhoInit, lv.pFinalBeg)
	persist = uTurnFree(vBeg, lv.vFinalBeg, sub) && persist
	floats.AddTo(sub, lv.rhoFinal, lv.pInitEnd)
	persist = uTurnFree(lv.vInitEnd, vEnd, sub) && persist
	return persist
}

// uTurnFree is the generalised no-U-turn criterion: the summed momentum rho
// of a stretch of trajectory still points forward at both of its ends,
// measured with the velocities (M⁻¹p) there.
func uTurnFree(vMinus, vPlus, rho []float64) bool {
	return floats.Dot(vPlus, rho) > 0 && floats.Dot(vMinus, rho) > 0
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
