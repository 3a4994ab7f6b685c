package dist

import (
	"math"
	"math/rand/v2"
)

func init() {
	register(Spec{
		Name: "SkewStudentT", Doc: "Jones and Faddy's skewed Student's t distribution.",
		Params: []Param{
			{Name: "a", Domain: positive, Doc: "left tail"},
			{Name: "b", Domain: positive, Doc: "right tail"},
			{Name: "mu", Domain: anyReal, Doc: "location", Default: def(0)},
			{Name: "sigma", Domain: positive, Doc: "scale", Default: def(1)},
		},
		Variants: []VariantSpec{{Params: []string{"a", "b", "mu", "sigma"}, Kernel: skewStudentTKernel{}, Support: Real}},
		Aliases:  []Alias{{Name: "lam", Param: "sigma", Power: -0.5}},
	})
}

type skewStudentTKernel struct{}

// SkewStudentT(a, b, mu, sigma): with z = (x-mu)/sigma, c = a+b and s =
// sqrt(c + z^2), log p = (a+1/2) log(1 + z/s) + (b+1/2) log(1 - z/s) -
// (c-1) log 2 - log B(a, b) - log(c)/2 - log sigma. Since (s+z)(s-z) = c,
// the factor that cancels (1 - z/s for z > 0) is taken as c/(s(s+|z|)).
func (skewStudentTKernel) Logp(x float64, p Args, need uint8) (float64, float64, Args) {
	var dp Args
	a, b, mu, sg := p[0], p[1], p[2], p[3]
	if !(a > 0) || !(b > 0) || !(sg > 0) {
		return negInf, 0, dp
	}
	z := (x - mu) / sg
	c := a + b
	s := math.Sqrt(c + z*z)
	far := math.Log(s + math.Abs(z)) // log(s + |z|)
	near := math.Log(c) - far        // log(s - |z|)
	lplus, lminus := far, near       // log(s+z), log(s-z)
	if z < 0 {
		lplus, lminus = near, far
	}
	ls := math.Log(s)
	lplus -= ls
	lminus -= ls
	lb := lgamma(a) + lgamma(b) - lgamma(c)
	lp := (a+0.5)*lplus + (b+0.5)*lminus - (c-1)*math.Ln2 - lb - 0.5*math.Log(c) - math.Log(sg)
	// d/dz log(1 ± z/s) = ±(s ∓ z)/s^2; s ∓ z = c/(s ± z) keeps its digits
	sp, sm := s+z, s-z
	if z >= 0 {
		sm = c / sp
	} else {
		sp = c / sm
	}
	s2 := s * s
	dz := ((a+0.5)*sm - (b+0.5)*sp) / s2
	if need != 0 {
		// d/da log(1 ± z/s) = ∓z(s ∓ z)/(2 s^2 c), the same in b
		q := z * ((b+0.5)*sp - (a+0.5)*sm) / (2 * s2 * c)
		pc := digamma(c)
		dp[0] = lplus + q - math.Ln2 - digamma(a) + pc - 0.5/c
		dp[1] = lminus + q - math.Ln2 - digamma(b) + pc - 0.5/c
		dp[2] = -dz / sg
		dp[3] = -(z*dz + 1) / sg
	}
	return lp, dz / sg, dp
}

// Random: with y ~ Beta(a, b), (2y-1) sqrt(a+b) / (2 sqrt(y(1-y))) is a
// standard draw.
func (skewStudentTKernel) Random(p Args, r *rand.Rand) float64 {
	a, b := p[0], p[1]
	y := betaRandom(a, b, r)
	return p[2] + p[3]*(2*y-1)*math.Sqrt(a+b)/(2*math.Sqrt(y*(1-y)))
}
