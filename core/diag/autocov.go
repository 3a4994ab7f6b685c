package diag

import "gonum.org/v1/gonum/dsp/fourier"

// autocov returns the biased autocovariance of every chain at every lag,
// acov[c][t] = 1/n * sum_i (x[i]-m)(x[i+t]-m), computed with a zero-padded
// FFT as ArviZ does so that the rounding behaviour is of the same kind.
// Padding to at least 2n makes the circular correlation linear.
func autocov(chains [][]float64) [][]float64 {
	n := len(chains[0])
	m := 1
	for m < 2*n {
		m <<= 1
	}
	fft := fourier.NewFFT(m)
	buf := make([]float64, m)
	coef := make([]complex128, m/2+1)
	out := make([][]float64, len(chains))
	for c, x := range chains {
		mean := 0.0
		for _, v := range x {
			mean += v
		}
		mean /= float64(n)
		for i, v := range x {
			buf[i] = v - mean
		}
		clear(buf[n:])
		fft.Coefficients(coef, buf)
		for i, z := range coef {
			coef[i] = complex(real(z)*real(z)+imag(z)*imag(z), 0)
		}
		fft.Sequence(buf, coef)
		// gonum's inverse is unnormalised: divide by m, then by n.
		a := make([]float64, n)
		scale := 1 / (float64(m) * float64(n))
		for t := range a {
			a[t] = buf[t] * scale
		}
		out[c] = a
	}
	return out
}
