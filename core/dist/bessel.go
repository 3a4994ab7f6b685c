package dist

import "math"

// besselI01e returns the exponentially scaled modified Bessel functions
// e^-t I0(t) and e^-t I1(t) for t >= 0, as Rice and VonMises need them
// (log I0 and the ratio I1/I0, the derivative of log I0).
//
// Below t = 30 both come from their power series, sum over k of
// (t/2)^(2k) / (k!)^2 and (t/2)^(2k+1) / (k! (k+1)!): every term is
// positive, so the sums are accurate to rounding, and at t = 30 they end
// within about 80 terms. From 30 on, the asymptotic series e^t /
// sqrt(2 pi t) * sum of (-1)^k a_k(nu) / t^k, a_k(nu) = prod over j <= k
// of (4 nu^2 - (2j-1)^2) / (8 j), whose terms fall below 1e-17 of the
// first well before they start to grow again (near k = 2t).
func besselI01e(t float64) (i0e, i1e float64) {
	if t < 30 {
		q := 0.25 * t * t
		term0, term1 := 1.0, 0.5*t
		s0, s1 := term0, term1
		for k := 1.0; k < 500; k++ {
			term0 *= q / (k * k)
			term1 *= q / (k * (k + 1))
			s0 += term0
			s1 += term1
			if term0 < 1e-17*s0 && term1 < 1e-17*s1 {
				break
			}
		}
		e := math.Exp(-t)
		return s0 * e, s1 * e
	}
	f := 1 / math.Sqrt(2*math.Pi*t)
	return f * besselAsymptotic(0, t), f * besselAsymptotic(1, t)
}

// besselAsymptotic is the sum of the asymptotic series of I_nu(t) e^-t
// sqrt(2 pi t), to the smallest term or 1e-17.
func besselAsymptotic(nu, t float64) float64 {
	m := 4 * nu * nu
	s, term := 1.0, 1.0
	for j := 1.0; j < 100; j++ {
		next := -term * (m - (2*j-1)*(2*j-1)) / (8 * j * t)
		if math.Abs(next) >= math.Abs(term) {
			break
		}
		term = next
		s += term
		if math.Abs(term) < 1e-17*math.Abs(s) {
			break
		}
	}
	return s
}
