package dist

import (
	"math"
	"math/rand/v2"
)

// Geometric(p): the number of trials up to and including the first
// success, log p + (x-1) log(1-p) on x = 1, 2, ...
func (geometricKernel) Logp(x float64, p Args, need uint8) (float64, float64, Args) {
	var dp Args
	q := p[0]
	if !(q >= 0 && q <= 1) || !isCount(x) || x < 1 {
		return negInf, 0, dp
	}
	lp := math.Log(q)
	if x > 1 {
		lp += (x - 1) * math.Log1p(-q)
	}
	if need != 0 {
		d := 1 / q
		if x > 1 {
			d -= (x - 1) / (1 - q)
		}
		dp[0] = d
	}
	return lp, 0, dp
}

// Random inverts the distribution function: 1 + floor(log U / log(1-p)),
// U uniform on (0, 1]; at p = 1 that is 1.
func (geometricKernel) Random(p Args, r *rand.Rand) float64 {
	u := 1 - r.Float64()
	return 1 + math.Floor(math.Log(u)/math.Log1p(-p[0]))
}

func init() {
	register(Spec{
		Name: "Geometric", Doc: "The number of trials up to and including the first success.", Discrete: true,
		Params: []Param{
			{Name: "p", Domain: probability, Doc: "probability of success"},
		},
		Variants: []VariantSpec{
			{Params: []string{"p"}, Kernel: geometricKernel{}, Support: PositiveCount},
		},
	})
}

type geometricKernel struct{}
