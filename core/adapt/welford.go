package adapt

// WelfordVar accumulates per-coordinate means and variances in one pass
// with Welford's update, which stays accurate when the variance is small
// relative to the mean, unlike the textbook Σx² - n·x̄².
type WelfordVar struct {
	n    int
	mean []float64
	m2   []float64
}

// NewWelfordVar returns an empty accumulator of dimension d.
func NewWelfordVar(d int) *WelfordVar {
	return &WelfordVar{mean: make([]float64, d), m2: make([]float64, d)}
}

// Add records one draw.
func (w *WelfordVar) Add(x []float64) {
	w.n++
	n := float64(w.n)
	for i, v := range x[:len(w.mean)] {
		delta := v - w.mean[i]
		w.mean[i] += delta / n
		w.m2[i] += delta * (v - w.mean[i])
	}
}

// N is the number of draws recorded.
func (w *WelfordVar) N() int { return w.n }

// Mean writes the sample mean into out.
func (w *WelfordVar) Mean(out []float64) { copy(out, w.mean) }

// Variance writes the unbiased sample variance (divisor n-1, numpy's
// ddof=1) into out. With fewer than two draws it leaves out alone.
func (w *WelfordVar) Variance(out []float64) {
	if w.n < 2 {
		return
	}
	for i, m := range w.m2 {
		out[i] = m / float64(w.n-1)
	}
}

// Reset forgets every draw.
func (w *WelfordVar) Reset() {
	w.n = 0
	clear(w.mean)
	clear(w.m2)
}

// WelfordCov accumulates a mean vector and a covariance matrix in one
// pass: the outer-product form of Welford's update.
type WelfordCov struct {
	n     int
	mean  []float64
	m2    []float64 // row-major d×d
	delta []float64
}

// NewWelfordCov returns an empty accumulator of dimension d.
func NewWelfordCov(d int) *WelfordCov {
	return &WelfordCov{mean: make([]float64, d), m2: make([]float64, d*d), delta: make([]float64, d)}
}

// Add records one draw.
func (w *WelfordCov) Add(x []float64) {
	w.n++
	n := float64(w.n)
	d := len(w.mean)
	for i := range w.mean {
		w.delta[i] = x[i] - w.mean[i]
		w.mean[i] += w.delta[i] / n
	}
	for i := 0; i < d; i++ {
		ai := x[i] - w.mean[i]
		row := w.m2[i*d : (i+1)*d]
		for j, dj := range w.delta {
			row[j] += ai * dj
		}
	}
}

// N is the number of draws recorded.
func (w *WelfordCov) N() int { return w.n }

// Mean writes the sample mean into out.
func (w *WelfordCov) Mean(out []float64) { copy(out, w.mean) }

// Covariance writes the unbiased sample covariance (divisor n-1),
// row-major, into out. With fewer than two draws it leaves out alone.
func (w *WelfordCov) Covariance(out []float64) {
	if w.n < 2 {
		return
	}
	d := len(w.mean)
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			// The update is symmetric only up to rounding; average so that
			// the Cholesky factorisation sees an exactly symmetric matrix.
			out[i*d+j] = 0.5 * (w.m2[i*d+j] + w.m2[j*d+i]) / float64(w.n-1)
		}
	}
}

// Reset forgets every draw.
func (w *WelfordCov) Reset() {
	w.n = 0
	clear(w.mean)
	clear(w.m2)
}
