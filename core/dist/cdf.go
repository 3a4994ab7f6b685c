package dist

import "math"

// CDF is the optional part of an Elementwise kernel: its log cumulative
// distribution function and log survival function, on which Censored and
// Truncated are built (wrap.go). A kernel that implements it declares, in
// its catalogue row, that the distribution has a log-CDF; the catalogue's
// JSON says so per variant ("cdf": true), and only such variants may be
// censored or truncated.
//
// LogCDF returns log P(X <= x | p) and LogSF log P(X > x | p), each with
// its derivative in x and, in dp, the derivative in p[i] for each bit i
// set in need (with need == 0, dp is not read). For a discrete
// distribution the derivative in x is 0, as in Logp. Both take any x,
// infinities included: below the support LogCDF is -Inf and LogSF 0,
// above it LogCDF is 0 and LogSF -Inf, with zero derivatives. With
// invalid parameters both return -Inf, as Logp does. Both are accurate
// in the far tails: LogCDF where the CDF is tiny, LogSF where the CDF is
// within rounding of 1, so neither is ever log1p(-exp(the other)) where
// that loses digits.
type CDF interface {
	LogCDF(x float64, p Args, need uint8) (lc, dx float64, dp Args)
	LogSF(x float64, p Args, need uint8) (ls, dx float64, dp Args)
}

// HasCDF reports whether the variant has a log-CDF and log-survival
// function, and so may be censored or truncated.
func (v *Variant) HasCDF() bool { return v.cdf != nil }

// LogCDF evaluates the variant's log-CDF at x, with its derivatives in x
// and, when dp is not nil, in each parameter. It panics on a variant
// without one (HasCDF): a caller's mistake.
func (v *Variant) LogCDF(x float64, p, dp []float64) (float64, float64) {
	return v.evalCDF(v.cdf.LogCDF, x, p, dp)
}

// LogSF is LogCDF's counterpart, log P(X > x).
func (v *Variant) LogSF(x float64, p, dp []float64) (float64, float64) {
	return v.evalCDF(v.cdf.LogSF, x, p, dp)
}

func (v *Variant) evalCDF(f func(float64, Args, uint8) (float64, float64, Args), x float64, p, dp []float64) (float64, float64) {
	var a Args
	copy(a[:], p)
	var need uint8
	if dp != nil {
		need = uint8(1)<<len(v.Params) - 1
	}
	l, dx, g := cleanCDF(f(x, a, need))
	if dp != nil {
		copy(dp, g[:len(dp)])
	}
	return l, dx
}

// cleanCDF makes a log-CDF's value at -Inf (or NaN, from invalid
// parameters) -Inf with zero derivatives, and its derivatives at 0 (the
// CDF is 1: nothing moves it) zero.
func cleanCDF(l, dx float64, dp Args) (float64, float64, Args) {
	if !(l > negInf) {
		return negInf, 0, Args{}
	}
	return l, dx, dp
}

// Helpers for writing log-CDFs.

// logDiffExp is log(exp(a) - exp(b)) for a >= b, with its derivatives in
// a and b. a == b gives -Inf.
func logDiffExp(a, b float64) (l, da, db float64) {
	if b == negInf {
		return a, 1, 0
	}
	d := b - a // <= 0
	l = a + log1mexp(d)
	// d/da = 1/(1-e^d), d/db = -e^d/(1-e^d) = 1 - d/da
	da = -1 / math.Expm1(d)
	return l, da, 1 - da
}

// logNormSF is log(1 - Phi(z)) = log Phi(-z), with its derivative in z.
func logNormSF(z float64) (float64, float64) {
	l, r := logNormCDF(-z)
	return l, -r
}

// edgeCDF is a log-CDF (or log-survival function) beyond the support, or
// at an infinite x: 0 where the probability is 1, -Inf where it is 0,
// with zero derivatives.
func edgeCDF(one bool) (float64, float64, Args) {
	if one {
		return 0, 0, Args{}
	}
	return negInf, 0, Args{}
}
