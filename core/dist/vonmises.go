package dist

import (
	"math"
	"math/rand/v2"
)

func init() {
	register(Spec{
		Name: "VonMises", Doc: "The von Mises distribution of an angle in [-pi, pi].",
		Params: []Param{
			{Name: "mu", Domain: anyReal, Doc: "mean direction", Default: def(0)},
			{Name: "kappa", Domain: positive, Doc: "concentration", Default: def(1)},
		},
		Variants: []VariantSpec{{Params: []string{"mu", "kappa"}, Kernel: vonMisesKernel{}, Support: Circle, Transform: CircularTransform}},
	})
}

type vonMisesKernel struct{}

// VonMises(mu, kappa) on [-pi, pi]: kappa (cos(mu - x) - 1) - log(2 pi) -
// log(e^-kappa I0(kappa)), as PyMC writes it; the derivative in kappa is
// cos(mu - x) - I1(kappa)/I0(kappa).
func (vonMisesKernel) Logp(x float64, p Args, need uint8) (float64, float64, Args) {
	var dp Args
	mu, k := p[0], p[1]
	if !(k > 0) || !(x >= -math.Pi && x <= math.Pi) {
		return negInf, 0, dp
	}
	sn, cs := math.Sincos(mu - x)
	i0e, i1e := besselI01e(k)
	lp := k*(cs-1) - math.Log(2*math.Pi) - math.Log(i0e)
	if need != 0 {
		dp[0] = -k * sn
		dp[1] = cs - i1e/i0e
	}
	return lp, k * sn, dp
}

// Random is Best and Fisher's rejection sampler of the angle from mu
// (a wrapped Cauchy envelope), wrapped into [-pi, pi]. For a
// concentration below 1e-5 the envelope's constant is taken from its
// series, 1/kappa + kappa, where the closed form cancels; below 1e-8 the
// angle is uniform to within rounding, and above 1e6 normal with variance
// 1/kappa.
func (vonMisesKernel) Random(p Args, r *rand.Rand) float64 {
	mu, k := p[0], p[1]
	var th float64
	switch {
	case k < 1e-8:
		th = math.Pi * (2*r.Float64() - 1)
	case k > 1e6:
		th = r.NormFloat64() / math.Sqrt(k)
	default:
		var s float64
		if k < 1e-5 {
			s = 1/k + k
		} else {
			t := 1 + math.Sqrt(1+4*k*k)
			rho := (t - math.Sqrt(2*t)) / (2 * k)
			s = (1 + rho*rho) / (2 * rho)
		}
		var f float64
		for {
			z := math.Cos(math.Pi * r.Float64())
			f = (1 + s*z) / (s + z)
			c := k * (s - f)
			u := r.Float64()
			if c*(2-c) > u || math.Log(c/u)+1-c >= 0 {
				break
			}
		}
		th = math.Acos(math.Max(-1, math.Min(1, f)))
		if r.Float64() < 0.5 {
			th = -th
		}
	}
	x := math.Mod(mu+th+math.Pi, 2*math.Pi)
	if x < 0 {
		x += 2 * math.Pi
	}
	return x - math.Pi
}
