package dist

import (
	"math"
	"math/rand/v2"
)

func init() {
	register(Spec{
		Name: "AsymmetricLaplace", Doc: "The asymmetric Laplace distribution.",
		Params: []Param{
			{Name: "kappa", Domain: positive, Doc: "symmetry"},
			{Name: "mu", Domain: anyReal, Doc: "location"},
			{Name: "b", Domain: positive, Doc: "scale"},
		},
		// the kernel reads b, kappa, mu: the order of PyMC's random variable
		Variants: []VariantSpec{{Params: []string{"b", "kappa", "mu"}, Kernel: asymLaplaceKernel{}, Support: Real}},
		Notes:    "`AsymmetricLaplace` takes `kappa`, not PyMC's alternative `q`: give `kappa = sqrt(q/(1-q))`.",
	})
}

type asymLaplaceKernel struct{}

// AsymmetricLaplace(b, kappa, mu): with d = x - mu, log p = log(b/(kappa +
// 1/kappa)) - b kappa d for d >= 0 and + b d/kappa for d < 0. At x = mu
// the derivative in x (and mu) is taken as 0, as for Laplace.
func (asymLaplaceKernel) Logp(x float64, p Args, need uint8) (float64, float64, Args) {
	var dp Args
	b, k, mu := p[0], p[1], p[2]
	if !(b > 0) || !(k > 0) {
		return negInf, 0, dp
	}
	d := x - mu
	// the slope of the exponent in d on d's side of mu
	var slope float64
	switch {
	case d > 0:
		slope = -b * k
	case d < 0:
		slope = b / k
	}
	lp := math.Log(b) - math.Log(k+1/k) + slope*d
	if need != 0 {
		dp[0] = 1/b + slope*d/b
		// d/dkappa of -log(kappa + 1/kappa) is -(kappa^2-1)/(kappa(kappa^2+1))
		dk := -(k - 1/k) / (k*k + 1)
		switch {
		case d > 0:
			dk -= b * d
		case d < 0:
			dk -= b * d / (k * k)
		}
		dp[1] = dk
		dp[2] = -slope
	}
	return lp, slope, dp
}

// Random: x > mu with probability 1/(1+kappa^2), and then d is exponential
// with rate b kappa; otherwise -d is exponential with rate b/kappa.
func (asymLaplaceKernel) Random(p Args, r *rand.Rand) float64 {
	b, k, mu := p[0], p[1], p[2]
	e := r.ExpFloat64()
	if r.Float64()*(1+k*k) < 1 {
		return mu + e/(b*k)
	}
	return mu - e*k/b
}
