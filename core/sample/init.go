package sample

import (
	"fmt"
	"math/rand/v2"

	"github.com/exmc/exmc/core/nuts"
)

// initialise moves s to the chain's initial point: the user's, or the
// first jittered point around the centre where the log-density and its
// gradient are finite. The jitter comes from the chain's own stream.
func initialise(s *nuts.Sampler, rng *rand.Rand, o Options, chain int) error {
	if o.Init != nil {
		if err := s.SetPosition(o.Init[chain]); err != nil {
			return fmt.Errorf("initial point Init[%d] is not usable: %w", chain, err)
		}
		return nil
	}
	x := make([]float64, s.Dim())
	tries := o.InitRetries
	if o.InitJitter == 0 {
		tries = 1 // every try would be the same point
	}
	var last error
	for range tries {
		for i := range x {
			c := 0.0
			if o.InitCenter != nil {
				c = o.InitCenter[i]
			}
			x[i] = c + o.InitJitter*(2*rng.Float64()-1)
		}
		err := s.SetPosition(x)
		if err == nil {
			return nil
		}
		if !nuts.IsRecoverable(err) {
			return fmt.Errorf("initialisation: %w", err)
		}
		last = err
	}
	return fmt.Errorf("no finite initial point: the log-density or its gradient was not finite at %d initial points drawn uniformly within ±%g of the centre; last failure: %w",
		tries, o.InitJitter, last)
}
