package diag

// splitChains halves every chain, so that within-chain drift shows up as
// between-chain disagreement. With an odd number of draws the middle draw
// is dropped, as ArviZ does.
func splitChains(chains [][]float64) [][]float64 {
	half := len(chains[0]) / 2
	out := make([][]float64, 0, 2*len(chains))
	for _, c := range chains {
		out = append(out, c[:half])
	}
	for _, c := range chains {
		out = append(out, c[len(c)-half:])
	}
	return out
}

// mapChains applies f to every draw, returning new chains.
func mapChains(chains [][]float64, f func(float64) float64) [][]float64 {
	out := make([][]float64, len(chains))
	for i, c := range chains {
		o := make([]float64, len(c))
		for j, v := range c {
			o[j] = f(v)
		}
		out[i] = o
	}
	return out
}

// flatten concatenates the chains in order.
func flatten(chains [][]float64) []float64 {
	n := 0
	for _, c := range chains {
		n += len(c)
	}
	out := make([]float64, 0, n)
	for _, c := range chains {
		out = append(out, c...)
	}
	return out
}
