// Package special holds the special functions the op vocabulary's kernels
// need beyond Go's math and gonum's mathext: the scaled complementary error
// function, log Phi in a form that keeps its precision in both tails, and
// the trigamma function (digamma's derivative). Each is checked against
// scipy.special in its test.
package special

import (
	"math"

	"gonum.org/v1/gonum/mathext"
)

const (
	invSqrtPi   = 1 / math.SqrtPi
	sqrt2OverPi = 0.797884560802865355879892119869 // sqrt(2/pi)
	// erfcxAsymptotic is where Erfcx switches from exp(x^2)*erfc(x) to its
	// asymptotic series: erfc(x) underflows just above 26.5, and at 26 the
	// series' ninth term is under 1e-19 of the first.
	erfcxAsymptotic = 26
	erfcxTerms      = 9
)

// Erfcx is exp(x^2) * erfc(x), without the overflow and underflow of that
// product for large x. For x < 26 the product is taken with x^2 split into
// its rounded value and its rounding error (math.FMA), so exp's argument is
// exact and erfc's relative accuracy carries over; above, the asymptotic
// series 1/(x sqrt(pi)) * sum_k (-1)^k (2k-1)!! / (2x^2)^k. Below about
// -26.6 the result overflows to +Inf, as 2 exp(x^2) does.
func Erfcx(x float64) float64 {
	if math.IsNaN(x) {
		return x
	}
	if x >= erfcxAsymptotic {
		if math.IsInf(x, 1) {
			return 0
		}
		s, _ := erfcxSeries(x)
		return s
	}
	return expSquare(x) * math.Erfc(x)
}

// ErfcxDeriv is the derivative of Erfcx: 2x erfcx(x) - 2/sqrt(pi). In the
// asymptotic range it is the series' own derivative, which avoids the
// cancellation of the two terms (they agree to about 1/(2x^2) there).
func ErfcxDeriv(x float64) float64 {
	if x >= erfcxAsymptotic {
		if math.IsInf(x, 1) {
			return 0
		}
		_, d := erfcxSeries(x)
		return d
	}
	return 2*x*Erfcx(x) - 2*invSqrtPi
}

// expSquare is exp(x*x) with the rounding error of x*x taken into account.
func expSquare(x float64) float64 {
	hi := x * x
	lo := math.FMA(x, x, -hi)
	return math.Exp(hi) * (1 + lo)
}

// erfcxSeries is the asymptotic series of erfcx at x >= 26 and its
// derivative: erfcx(x) = sum_k c_k x^(-2k-1) / sqrt(pi) with
// c_k = (-1)^k (2k-1)!! / 2^k.
func erfcxSeries(x float64) (value, deriv float64) {
	u := 1 / (x * x)
	c, p := 1.0, 1/x // c_k and x^(-2k-1)
	for k := range erfcxTerms {
		value += c * p
		deriv -= float64(2*k+1) * c * p / x
		c *= -float64(2*k+1) / 2
		p *= u
	}
	return value * invSqrtPi, deriv * invSqrtPi
}

// LogNdtr is log Phi(x), Phi the standard normal distribution function,
// and its derivative phi(x)/Phi(x). Above -1 it is log1p(-erfc(x/sqrt2)/2),
// which keeps the digits of Phi near 1; below, log(erfcx(-x/sqrt2)/2) -
// x^2/2, which neither underflows nor loses relative accuracy however far
// into the left tail x is. The derivative is sqrt(2/pi) / erfcx(-x/sqrt2)
// everywhere: exp(-x^2/2) cancels from phi and Phi.
func LogNdtr(x float64) (value, deriv float64) {
	if math.IsNaN(x) {
		return x, x
	}
	t := -x / math.Sqrt2
	e := Erfcx(t)
	if x > -1 {
		value = math.Log1p(-0.5 * math.Erfc(x/math.Sqrt2))
	} else {
		value = math.Log(0.5*e) - 0.5*x*x
	}
	return value, sqrt2OverPi / e
}

// Digamma is the derivative of log Gamma. Above 10 it is the asymptotic
// series log x - 1/(2x) - sum_k B_2k / (2k x^2k), whose eighth term is under
// 1e-17 there; below, the recurrence psi(x) = psi(x+1) - 1/x carries x up
// to 10, and below 0 the reflection psi(x) = psi(1-x) - pi/tan(pi x). (gonum's
// Digamma stops its series at x = 7 with four terms, which leaves errors of
// 5e-11 and a jump at the integers.) At 0 and the negative integers it is
// NaN, as scipy's.
func Digamma(x float64) float64 {
	switch {
	case math.IsNaN(x) || math.IsInf(x, 1):
		return x
	case x <= 0 && x == math.Floor(x):
		return math.NaN()
	case x < 0:
		return Digamma(1-x) - math.Pi/math.Tan(math.Pi*x)
	}
	r := 0.0
	for ; x < 10; x++ {
		r -= 1 / x
	}
	u := 1 / (x * x)
	// B_2k / (2k) for k = 1..8
	s := u * (1.0/12 - u*(1.0/120-u*(1.0/252-u*(1.0/240-u*(1.0/132-u*(691.0/32760-u*(1.0/12-u*3617.0/8160)))))))
	return r + math.Log(x) - 0.5/x - s
}

// Trigamma is the derivative of the digamma function: the Hurwitz zeta
// function zeta(2, x) for x > 0, and by the reflection formula
// psi1(x) = pi^2 / sin^2(pi x) - psi1(1 - x) below. At 0 and the negative
// integers, its poles, it is +Inf.
func Trigamma(x float64) float64 {
	switch {
	case math.IsNaN(x):
		return x
	case x > 0:
		if math.IsInf(x, 1) {
			return 0
		}
		return mathext.Zeta(2, x)
	case x == math.Floor(x):
		return math.Inf(1)
	}
	s := math.Sin(math.Pi * x)
	return math.Pi*math.Pi/(s*s) - mathext.Zeta(2, 1-x)
}
