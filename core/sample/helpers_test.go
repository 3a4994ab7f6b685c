package sample_test

import (
	"math"
	"testing"

	"github.com/exmc/exmc/core/diag"
	"github.com/exmc/exmc/core/nuts"
	"github.com/exmc/exmc/core/sample"
)

// gaussModel is N(mu, diag(sd²)), or N(mu, Σ) given the precision when
// prec is set.
type gaussModel struct {
	mu, sd []float64
	prec   []float64
	// hook, when set, is called at the start of every LogpGrad; it may
	// return a replacement result.
	hook func(x, grad []float64) (float64, error, bool)
}

func (m *gaussModel) Dim() int { return len(m.mu) }

func (m *gaussModel) NewDensity() nuts.Density {
	return &gaussDensity{m: m, r: make([]float64, len(m.mu))}
}

type gaussDensity struct {
	m *gaussModel
	r []float64
}

func (g *gaussDensity) Dim() int { return len(g.m.mu) }

func (g *gaussDensity) LogpGrad(x, grad []float64) (float64, error) {
	if g.m.hook != nil {
		if lp, err, ok := g.m.hook(x, grad); ok {
			return lp, err
		}
	}
	d := len(g.m.mu)
	if g.m.prec == nil {
		lp := 0.0
		for i, s := range g.m.sd {
			z := (x[i] - g.m.mu[i]) / s
			lp -= 0.5 * z * z
			grad[i] = -z / s
		}
		return lp, nil
	}
	for i := range g.r {
		g.r[i] = x[i] - g.m.mu[i]
	}
	lp := 0.0
	for i := 0; i < d; i++ {
		s := 0.0
		for j := 0; j < d; j++ {
			s += g.m.prec[i*d+j] * g.r[j]
		}
		grad[i] = -s
		lp -= 0.5 * g.r[i] * s
	}
	return lp, nil
}

func diagModel(sd ...float64) *gaussModel {
	mu := make([]float64, len(sd))
	for i := range mu {
		mu[i] = float64(i%5) - 2
	}
	return &gaussModel{mu: mu, sd: sd}
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

// checkMoments compares the pooled mean and variance of each coordinate
// over all chains with the truth. Standard errors are sd/sqrt(ESS) for
// the mean and sqrt(2)σ²/sqrt(ESS₂) for the variance (ESS₂: of the squared
// deviations), the ESS of all chains together as core/diag computes it
// (ArviZ's ess(method="mean")); five of them make a false alarm a
// one-in-a-million event per check.
func checkMoments(t *testing.T, res *sample.Result, mu, v []float64) {
	t.Helper()
	d := res.Dim
	for i := 0; i < d; i++ {
		var sum, sumSq float64
		var cols, sqs [][]float64
		n := 0
		for _, c := range res.Chains {
			k := len(c.Draws) / d
			col, sq := make([]float64, k), make([]float64, k)
			for j := 0; j < k; j++ {
				col[j] = c.Draws[j*d+i]
				sq[j] = (col[j] - mu[i]) * (col[j] - mu[i])
				sum += col[j]
				sumSq += sq[j]
			}
			cols, sqs = append(cols, col), append(sqs, sq)
			n += k
		}
		essM, essV := diag.ESSMean(cols), diag.ESSMean(sqs)
		m, vv := sum/float64(n), sumSq/float64(n)
		if se := math.Sqrt(v[i] / essM); math.Abs(m-mu[i]) > 5*se {
			t.Errorf("coordinate %d: mean %.4f, want %.4f ± %.4f", i, m, mu[i], 5*se)
		}
		if se := math.Sqrt2 * v[i] / math.Sqrt(essV); math.Abs(vv-v[i]) > 5*se {
			t.Errorf("coordinate %d: variance %.4f, want %.4f ± %.4f", i, vv, v[i], 5*se)
		}
	}
}

func opts(chains, tune, draws int, seed uint64) sample.Options {
	o := sample.DefaultOptions()
	o.Chains, o.Tune, o.Draws, o.Seed = chains, tune, draws, seed
	return o
}
