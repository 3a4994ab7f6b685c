package nuts_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/exmc/exmc/core/diag"
	"github.com/exmc/exmc/core/nuts"
)

// diagGauss is N(mu, diag(sd²)).
type diagGauss struct{ mu, sd []float64 }

func (g *diagGauss) Dim() int { return len(g.mu) }

func (g *diagGauss) LogpGrad(x, grad []float64) (float64, error) {
	lp := 0.0
	for i, m := range g.mu {
		z := (x[i] - m) / g.sd[i]
		lp -= 0.5 * z * z
		grad[i] = -z / g.sd[i]
	}
	return lp, nil
}

func newDiagGauss(sd []float64) *diagGauss {
	mu := make([]float64, len(sd))
	for i := range mu {
		mu[i] = float64(i%3) - 1 // means -1, 0, 1 so a sign error in the drift shows
	}
	return &diagGauss{mu: mu, sd: sd}
}

// denseGauss is N(mu, Σ) given the precision Σ⁻¹.
type denseGauss struct {
	mu   []float64
	prec []float64
	r    []float64
}

func (g *denseGauss) Dim() int { return len(g.mu) }

func (g *denseGauss) LogpGrad(x, grad []float64) (float64, error) {
	d := len(g.mu)
	for i := range g.r {
		g.r[i] = x[i] - g.mu[i]
	}
	lp := 0.0
	for i := 0; i < d; i++ {
		s := 0.0
		for j := 0; j < d; j++ {
			s += g.prec[i*d+j] * g.r[j]
		}
		grad[i] = -s
		lp -= 0.5 * g.r[i] * s
	}
	return lp, nil
}

// corr2 returns a 2-d Gaussian with sds 1 and 3 and correlation rho, and
// its covariance.
func corr2(rho float64) (*denseGauss, []float64) {
	s1, s2 := 1.0, 3.0
	cov := []float64{s1 * s1, rho * s1 * s2, rho * s1 * s2, s2 * s2}
	det := cov[0]*cov[3] - cov[1]*cov[2]
	prec := []float64{cov[3] / det, -cov[1] / det, -cov[2] / det, cov[0] / det}
	return &denseGauss{mu: []float64{1, -2}, prec: prec, r: make([]float64, 2)}, cov
}

func logspace(n int, lo, hi float64) []float64 {
	out := make([]float64, n)
	for i := range out {
		t := 0.0
		if n > 1 {
			t = float64(i) / float64(n-1)
		}
		out[i] = math.Exp(math.Log(lo) + t*(math.Log(hi)-math.Log(lo)))
	}
	return out
}

// ess is the effective sample size of the mean of one chain, ArviZ's
// ess(method="mean") as core/diag computes it.
func ess(x []float64) float64 { return diag.ESSMean([][]float64{x}) }

// checkMoments checks the marginal mean and variance of every coordinate
// of draws (n × d, flat) against a Gaussian with means mu and variances v.
// The Monte Carlo standard error of a mean is sd/sqrt(ESS); that of a
// variance estimate is sqrt(Var((x-μ)²)/ESS₂) = sqrt(2)·σ²/sqrt(ESS₂) for a
// Gaussian, with ESS₂ the ESS of the squared deviations. Five standard
// errors give a false-alarm rate near 6e-7 per check, so a failure means a
// bias, not bad luck, even over a hundred coordinates.
func checkMoments(t *testing.T, draws []float64, d int, mu, v []float64) {
	t.Helper()
	n := len(draws) / d
	col := make([]float64, n)
	sq := make([]float64, n)
	for i := 0; i < d; i++ {
		m := 0.0
		for k := 0; k < n; k++ {
			col[k] = draws[k*d+i]
			m += col[k]
		}
		m /= float64(n)
		vv := 0.0
		for k := 0; k < n; k++ {
			sq[k] = (col[k] - mu[i]) * (col[k] - mu[i])
			vv += sq[k]
		}
		vv /= float64(n)
		sd := math.Sqrt(v[i])
		if se := sd / math.Sqrt(ess(col)); math.Abs(m-mu[i]) > 5*se {
			t.Errorf("coordinate %d: mean %.4f, want %.4f ± %.4f (5 s.e.)", i, m, mu[i], 5*se)
		}
		if se := math.Sqrt2 * v[i] / math.Sqrt(ess(sq)); math.Abs(vv-v[i]) > 5*se {
			t.Errorf("coordinate %d: variance %.4f, want %.4f ± %.4f (5 s.e.)", i, vv, v[i], 5*se)
		}
	}
}

// checkMomentsAny is checkMoments for any target: the standard error of a
// variance estimate is sd((x-μ)²)/sqrt(ESS₂) from the draws themselves,
// with no Gaussian fourth moment assumed.
func checkMomentsAny(t *testing.T, draws []float64, d int, mu, v []float64) {
	t.Helper()
	n := len(draws) / d
	col := make([]float64, n)
	sq := make([]float64, n)
	for i := 0; i < d; i++ {
		m, vv := 0.0, 0.0
		for k := 0; k < n; k++ {
			col[k] = draws[k*d+i]
			sq[k] = (col[k] - mu[i]) * (col[k] - mu[i])
			m += col[k]
			vv += sq[k]
		}
		m /= float64(n)
		vv /= float64(n)
		ss := 0.0
		for _, x := range sq {
			ss += (x - vv) * (x - vv)
		}
		sdSq := math.Sqrt(ss / float64(n-1))
		if se := math.Sqrt(v[i] / ess(col)); math.Abs(m-mu[i]) > 5*se {
			t.Errorf("coordinate %d: mean %.4f, want %.4f ± %.4f (5 s.e.)", i, m, mu[i], 5*se)
		}
		if se := sdSq / math.Sqrt(ess(sq)); math.Abs(vv-v[i]) > 5*se {
			t.Errorf("coordinate %d: variance %.4f, want %.4f ± %.4f (5 s.e.)", i, vv, v[i], 5*se)
		}
	}
}

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x5eed)) }

// run draws n transitions from s and returns the positions and stats.
func run(t testing.TB, s *nuts.Sampler, r *rand.Rand, n int) ([]float64, []nuts.Stats) {
	d := s.Dim()
	draws := make([]float64, 0, n*d)
	stats := make([]nuts.Stats, 0, n)
	for i := 0; i < n; i++ {
		st, err := s.Transition(r)
		if err != nil {
			t.Fatalf("transition %d: %v", i, err)
		}
		draws = append(draws, s.Position()...)
		stats = append(stats, st)
	}
	return draws, stats
}

func mustSampler(t testing.TB, d nuts.Density, m nuts.Metric, o nuts.Options, eps float64, x0 []float64) *nuts.Sampler {
	s, err := nuts.New(d, m, o)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetStepSize(eps); err != nil {
		t.Fatal(err)
	}
	if x0 == nil {
		x0 = make([]float64, d.Dim())
	}
	if err := s.SetPosition(x0); err != nil {
		t.Fatal(err)
	}
	return s
}

type recoverableErr struct{}

func (recoverableErr) Error() string     { return "outside the domain" }
func (recoverableErr) Recoverable() bool { return true }

var errBroken = errors.New("model is broken")

func asPanic(err error, target **nuts.PanicError) bool { return errors.As(err, target) }
