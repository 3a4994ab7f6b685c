//go:build race

package fastmath

// The race detector slows the arithmetic tenfold and has nothing to find
// in it: under it the accuracy tests sample a tenth as many points.
func init() { raceEnabled = true }
