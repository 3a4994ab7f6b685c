package dist

import (
	"math"
	"math/bits"

	"github.com/exmc/exmc/core/fastmath"
)

// maxLogScale bounds |log p| for a parameter given by its logarithm alone:
// beyond it p or 1/p is not a finite double, where the exponential the
// caller would otherwise have taken makes the density -Inf.
const maxLogScale = 709.78

// GiveLog offers the Term log(p) for its parameter i, a positive p that is
// the exponential of something the caller computes anyway: the
// unconstrained value of a log-transformed variable, or the argument of
// exp in exp(expr). The loops that would take log(p) then read it instead.
// With alone the caller need not compute p at all: the Term works from
// log(p) alone, and 1/p becomes exp(-log p), which neither divides nor
// waits on p.
//
// With alone, in[1+i] holds log(p) in place of p, and the gradient of
// parameter i is taken with respect to log(p). Otherwise log(p) is one more
// input, after the parameters and the logarithms given before it, with p's
// shape; it takes no gradient (p takes all of it), since p = exp(log p) is
// an identity the caller guarantees.
//
// GiveLog reports whether the Term takes the logarithm: alone, wherever
// its loop can work from it (the generic loop, with any parameter, takes
// the exponential itself); otherwise, where its loop would take log(p).
// Where it does not, nothing changes. Call it, like SetConstants (for
// other parameters) and GiveLogValue, before the Term is shared.
func (t *Term) GiveLog(i int, alone bool) bool {
	if i < 0 || i >= len(t.maps) || t.logIn[i] != 0 || t.isConst(i) || !t.takesLog(i, alone) {
		return false
	}
	if alone {
		t.logIn[i] = uint8(1 + i)
		t.logOnly |= 1 << i
		return true
	}
	t.logIn[i] = uint8(t.nin)
	t.nin++
	return true
}

// GiveLogValue tells the Term that in[0] holds y = log(x) in place of the
// value x, a positive variable the caller has on the log scale (a free
// variable's unconstrained value): the Term is then the log-density of y,
// log p(e^y) + y, the log-Jacobian included, and its value's gradient is
// in y. The Term takes the exponential itself, so that the caller need
// not. It reports whether the Term takes y: it does for the distributions
// on positive values, other than a random walk or a mixture. Call it
// before the Term is shared.
func (t *Term) GiveLogValue() bool {
	switch {
	case t.valueLog:
		return true
	case t.loop == lWalk || t.loop == lMixture || t.loop == lEvent:
		return false
	}
	switch t.v.Support {
	case Positive, NonNegative:
		t.valueLog = true
		return true
	}
	return false
}

// Inputs is the number of inputs the Term reads: the value, the
// parameters, and the logarithms given with GiveLog.
func (t *Term) Inputs() int { return t.nin }

// takesLog reports whether the Term's loop can take parameter i, which
// must then be positive, by its logarithm: alone, or next to the parameter.
func (t *Term) takesLog(i int, alone bool) bool {
	switch t.loop {
	case lNormal, lNormalVarying:
		return i == 1
	case lStudentT:
		return i == 2 || i == 0 && alone
	case lExponential, lHalfNormal:
		return true
	case lWalk:
		return i == 1 || i == 3
	case lGeneric:
		return alone
	}
	return false
}

func (t *Term) isConst(i int) bool {
	return t.constLogOK&(1<<i) != 0 || t.constLogs[i] != nil
}

// scale is a positive scalar parameter as the loops use it: its reciprocal
// and logarithm, and gf, which turns a derivative in log(p) into the one
// its input takes (1/p for p itself, 1 for log(p) given alone).
type scale struct{ inv, log, gf float64 }

// scaleOf reads the positive scalar parameter i, by whichever route it
// comes; ok is false when it is not a positive, finite number. A constant's
// is ready, and small enough to be inlined.
func (t *Term) scaleOf(in [][]float64, i int) (scale, bool) {
	if t.constLogOK>>i&1 != 0 {
		return t.constScale[i], true
	}
	return t.scaleIn(in, i)
}

func (t *Term) scaleIn(in [][]float64, i int) (s scale, ok bool) {
	if t.logOnly&(1<<i) != 0 {
		y := in[1+i][0]
		if !(math.Abs(y) < maxLogScale) {
			return s, false
		}
		return scale{fastmath.Exp(-y), y, 1}, true
	}
	p := in[1+i][0]
	if !(p > 0 && p <= math.MaxFloat64) {
		return s, false
	}
	inv := 1 / p
	if j := t.logIn[i]; j != 0 {
		return scale{inv, in[j][0], inv}, true
	}
	return scale{inv, fastmath.Log(p), inv}, true
}

// logOf is log(p) for the scalar parameter i with value p > 0 (not given
// alone).
func (t *Term) logOf(in [][]float64, i int, p float64) float64 {
	switch {
	case t.constLogOK&(1<<i) != 0:
		return t.constScale[i].log
	case t.logIn[i] != 0:
		return in[t.logIn[i]][0]
	}
	return fastmath.Log(p)
}

// fromLogs turns the parameters of mask given by their logarithm alone,
// as the generic loops read them, into the parameters themselves.
func (t *Term) fromLogs(p []float64, mask uint8) {
	for m := mask & t.logOnly; m != 0; m &= m - 1 {
		i := bits.TrailingZeros8(m)
		p[i] = fastmath.Exp(p[i])
	}
}

// toLogScale turns the derivatives dp of the parameters of need given by
// their logarithm alone into derivatives in that logarithm.
func (t *Term) toLogScale(p, dp []float64, need uint8) {
	for m := need & t.logOnly; m != 0; m &= m - 1 {
		i := bits.TrailingZeros8(m)
		dp[i] *= p[i]
	}
}
