package transform

import "math"

// sigmoid is 1/(1+exp(-y)) without overflow for large |y| and with full
// relative precision in both tails, which the Interval transform needs for
// its two complementary weights sigmoid(y) and sigmoid(-y).
func sigmoid(y float64) float64 {
	if y >= 0 {
		return 1 / (1 + math.Exp(-y))
	}
	e := math.Exp(y)
	return e / (1 + e)
}

// logSigmoidPair is log(sigmoid(y)) + log(sigmoid(-y)), the y-dependent
// part of the Interval log-Jacobian, written so that it stays finite (about
// -|y|) where the naive form underflows to log(0).
func logSigmoidPair(y float64) float64 {
	a := math.Abs(y)
	return -a - 2*math.Log1p(math.Exp(-a))
}

// dLogSigmoidPair is the derivative of logSigmoidPair,
// sigmoid(-y) - sigmoid(y), in the form without cancellation.
func dLogSigmoidPair(y float64) float64 { return -math.Tanh(y / 2) }

// intervalValue is PyMC's sigmoid(y)*hi + (1-sigmoid(y))*lo, with 1-sigmoid(y)
// evaluated as sigmoid(-y) so that x approaches lo with full precision for
// very negative y.
func intervalValue(y, lo, hi float64) float64 {
	return sigmoid(y)*hi + sigmoid(-y)*lo
}
