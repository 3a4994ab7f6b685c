package dist

import (
	"math"
	"math/rand/v2"
)

func init() {
	register(Spec{
		Name: "Rice", Doc: "The Rice distribution: the length of a bivariate normal vector centred off the origin.",
		Params: []Param{
			{Name: "nu", Domain: nonNegative, Doc: "distance of the centre from the origin"},
			{Name: "sigma", Domain: positive, Doc: "scale", Default: def(1)},
			{Name: "b", Domain: nonNegative, Doc: "nu / sigma"},
		},
		Variants: []VariantSpec{
			{Params: []string{"b", "sigma"}, Kernel: riceKernel{}, Support: Positive, Transform: LogTransform},
			{Params: []string{"nu", "sigma"}, Kernel: riceKernel{nu: true}, Support: Positive, Transform: LogTransform},
		},
	})
}

// riceKernel reads (b, sigma), PyMC's random variable's parameters, or
// (nu, sigma) with b = nu/sigma.
type riceKernel struct{ nu bool }

// Rice(b, sigma): with z = x/sigma, log p = log z - log sigma - (z-b)^2/2 +
// log(e^-zb I0(zb)), as PyMC writes it. With R = I1/I0 at zb, the
// derivatives are 1/z - z + b R in z and z R - b in b.
func (k riceKernel) Logp(x float64, p Args, need uint8) (float64, float64, Args) {
	var dp Args
	b, s := p[0], p[1]
	if k.nu {
		b = p[0] / s
	}
	if !(b >= 0) || !(s > 0) || !(x > 0) {
		return negInf, 0, dp
	}
	z := x / s
	i0e, i1e := besselI01e(z * b)
	lp := math.Log(z) - math.Log(s) - 0.5*(z-b)*(z-b) + math.Log(i0e)
	r := i1e / i0e
	dz := 1/z - z + b*r
	if need != 0 {
		db := z*r - b
		ds := -(z*dz + 1) / s
		if k.nu {
			ds -= db * b / s
			db /= s
		}
		dp[0] = db
		dp[1] = ds
	}
	return lp, dz / s, dp
}

// Random: the length of (nu + sigma N1, sigma N2).
func (k riceKernel) Random(p Args, r *rand.Rand) float64 {
	nu, s := p[0]*p[1], p[1]
	if k.nu {
		nu = p[0]
	}
	return math.Hypot(nu+s*r.NormFloat64(), s*r.NormFloat64())
}
