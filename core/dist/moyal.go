package dist

import (
	"math"
	"math/rand/v2"
)

func init() {
	register(Spec{
		Name: "Moyal", Doc: "The Moyal distribution.",
		Params: []Param{
			{Name: "mu", Domain: anyReal, Doc: "location", Default: def(0)},
			{Name: "sigma", Domain: positive, Doc: "scale", Default: def(1)},
		},
		Variants: []VariantSpec{{Params: []string{"mu", "sigma"}, Kernel: moyalKernel{}, Support: Real}},
	})
}

type moyalKernel struct{}

// Moyal(mu, sigma): with z = (x-mu)/sigma, log p = -(z + exp(-z))/2 -
// log sigma - log(2 pi)/2. Far below mu, exp(-z) overflows to +Inf and lp
// to -Inf, where the density itself is below the smallest float. Its
// derivative in z is (exp(-z) - 1)/2.
func (moyalKernel) Logp(x float64, p Args, need uint8) (float64, float64, Args) {
	var dp Args
	mu, s := p[0], p[1]
	if !(s > 0) {
		return negInf, 0, dp
	}
	z := (x - mu) / s
	e := math.Exp(-z)
	lp := -(z+e)/2 - math.Log(s) - lnSqrt2Pi
	g := (e - 1) / (2 * s)
	if need != 0 {
		dp[0] = -g
		dp[1] = -(z*g + 1/s)
	}
	return lp, g, dp
}

// Random: exp(-z) is chi-squared with one degree of freedom, so x = mu -
// 2 sigma log|N|, N a standard normal.
func (moyalKernel) Random(p Args, r *rand.Rand) float64 {
	n := r.NormFloat64()
	for n == 0 {
		n = r.NormFloat64()
	}
	return p[0] - 2*p[1]*math.Log(math.Abs(n))
}

// Moyal's CDF is erfc(y/sqrt 2) = 2 Phi(-y), y = exp(-z/2), and its
// survival function erf(y/sqrt 2) = P(|N| < y): the log-CDF by
// logNormCDF, accurate far below mu where erfc underflows; the survival
// function by erf where y is small (far above mu) and by log1p(-erfc)
// where it is near 1. Either's derivative in y is +-2 phi(y) over it, and
// y moves with z as -y/2.
func (moyalKernel) LogCDF(x float64, p Args, need uint8) (float64, float64, Args) {
	return moyalCDF(x, p, need, false)
}

func (moyalKernel) LogSF(x float64, p Args, need uint8) (float64, float64, Args) {
	return moyalCDF(x, p, need, true)
}

func moyalCDF(x float64, p Args, need uint8, sf bool) (float64, float64, Args) {
	var dp Args
	mu, s := p[0], p[1]
	if !(s > 0) {
		return negInf, 0, dp
	}
	z := (x - mu) / s
	y := math.Exp(-z / 2)
	if math.IsInf(x, 0) || math.IsInf(y, 1) {
		return edgeCDF(sf == (z < 0))
	}
	var l, gy float64 // gy: the derivative in y
	if sf {
		if y < 1 {
			l = math.Log(math.Erf(y / math.Sqrt2))
		} else {
			l = math.Log1p(-math.Erfc(y / math.Sqrt2))
		}
		gy = math.Exp(math.Ln2 - 0.5*y*y - lnSqrt2Pi - l)
	} else {
		if y < 1 {
			// near 1: log erfc = log1p(-erf)
			l = math.Log1p(-math.Erf(y / math.Sqrt2))
			gy = -math.Exp(math.Ln2 - 0.5*y*y - lnSqrt2Pi - l)
		} else {
			var r float64
			l, r = logNormCDF(-y)
			l += math.Ln2
			gy = -r
		}
	}
	g := gy * (-y / 2) / s // the derivative in x
	if need != 0 {
		dp[0] = -g
		dp[1] = -g * z
	}
	return l, g, dp
}
