package adapt

import (
	"errors"
	"math"
)

// Probe takes one leapfrog step of size eps from the chain's current
// position with a freshly drawn momentum, without moving the chain, and
// returns H0 - H, the log Metropolis ratio (-Inf when the step failed).
type Probe func(eps float64) (float64, error)

// initStepLogAccept is the crossing point of Stan's heuristic, log(0.8):
// one leapfrog step should have acceptance near the usual NUTS target.
var initStepLogAccept = math.Log(0.8)

// ErrImproper and ErrNoStepSize are the two ways InitStepSize gives up.
var (
	ErrImproper   = errors.New("step size initialisation: step size grew past 1e7 with no loss of accuracy; the posterior is probably improper")
	ErrNoStepSize = errors.New("step size initialisation: no step size is small enough; the log-density is probably not continuous")
)

// InitStepSize is Stan's step-size heuristic: from eps, double (or halve)
// the step until the acceptance of a single leapfrog step crosses 0.8 from
// above (or below). Each trial draws a new momentum, so the result is a
// rough scale, refined afterwards by dual averaging; its purpose is to
// start that averaging at the right order of magnitude, above all after a
// metric update changes the scale of the dynamics.
func InitStepSize(eps float64, probe Probe) (float64, error) {
	if eps == 0 || eps > 1e7 || math.IsNaN(eps) {
		return eps, nil
	}
	dh, err := probe(eps)
	if err != nil {
		return eps, err
	}
	up := dh > initStepLogAccept
	for {
		dh, err := probe(eps)
		if err != nil {
			return eps, err
		}
		if up && !(dh > initStepLogAccept) || !up && !(dh < initStepLogAccept) {
			return eps, nil
		}
		if up {
			eps *= 2
		} else {
			eps /= 2
		}
		if eps > 1e7 {
			return eps, ErrImproper
		}
		if eps == 0 {
			return eps, ErrNoStepSize
		}
	}
}
