package compile

// segment reads one free variable's elements out of the flat unconstrained
// vector.
type segment struct{ off, n int }

func (s segment) Forward(in [][]float64, out []float64) {
	copy(out, in[0][s.off:s.off+s.n])
}

func (s segment) Backward(in [][]float64, out, gout []float64, gin [][]float64) {
	g := gin[0][s.off : s.off+s.n]
	for i, v := range gout {
		g[i] += v
	}
}
