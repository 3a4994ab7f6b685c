package sample

import "math/rand/v2"

// splitmix64 is the finaliser of Steele, Lea and Flood's SplitMix64: a
// bijection on 64 bits whose outputs for consecutive inputs look
// independent, so nearby (seed, chain) pairs give unrelated streams.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// chainRNG is chain's random stream. It depends on (seed, chain) only, and
// only that chain consumes it: that is what makes draws independent of
// the number of cores.
func chainRNG(seed uint64, chain int) *rand.Rand {
	hi := splitmix64(splitmix64(seed) ^ uint64(chain))
	lo := splitmix64(hi ^ 0x6a09e667f3bcc909)
	return rand.New(rand.NewPCG(hi, lo))
}
