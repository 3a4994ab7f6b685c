package dist

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/exmc/exmc/core/shape"
)

// NormalMixture(w, mu, sigma): each element of the value is drawn from one
// of K Normal components, component j with probability w[..., j]. Every
// parameter carries the component axis last, beyond the value's shape:
// log p(x) = logsumexp_j(log w_j + Normal(x | mu_j, sigma_j)). The weights
// must lie in [0, 1] and sum to one along the component axis (to within
// numpy's isclose tolerance, as PyMC checks); otherwise the density is -Inf.

const (
	mixSumAtol = 1e-8
	mixSumRtol = 1e-5
)

// ComponentShape returns the shape value+[K] that the parameters of a
// Components distribution broadcast to, with K the length of their
// broadcast trailing axis, or an error saying what does not fit.
func ComponentShape(name string, value []int, params [][]int) ([]int, error) {
	full, err := shape.Broadcast(params...)
	if err != nil {
		return nil, fmt.Errorf("%s: parameters: %w", name, err)
	}
	if len(full) == 0 {
		return nil, fmt.Errorf("%s: the parameters need a last axis of components, but all are scalars", name)
	}
	k := full[len(full)-1]
	if k < 1 {
		return nil, fmt.Errorf("%s: needs at least one component", name)
	}
	target := append(append([]int{}, value...), k)
	for _, ps := range params {
		if !shape.BroadcastsTo(ps, target) {
			return nil, fmt.Errorf("%s: parameter of shape %s does not broadcast to the value's shape %s plus %d components",
				name, shape.String(ps), shape.String(value), k)
		}
	}
	return target, nil
}

func (t *Term) initMixture(params [][]int) error {
	target, err := ComponentShape(t.v.Dist.Name, t.value, params)
	if err != nil {
		return err
	}
	t.comps = target[len(target)-1]
	for _, ps := range params {
		m, err := shape.NewMap(ps, target)
		if err != nil {
			return err
		}
		t.maps = append(t.maps, m)
	}
	return nil
}

// mixParams reads component j of element k.
func (t *Term) mixParams(in [][]float64, k, j int) (w, mu, sigma float64) {
	e := k*t.comps + j
	return in[1][t.maps[0].At(e)], in[2][t.maps[1].At(e)], in[3][t.maps[2].At(e)]
}

// mixLogp is the log-density of element k. The log-sum-exp runs in one
// pass, rescaling the running sum whenever a larger term turns up.
func (t *Term) mixLogp(in [][]float64, k int) float64 {
	x := in[0][k]
	m, s, wsum := negInf, 0.0, 0.0
	for j := range t.comps {
		w, mu, sigma := t.mixParams(in, k, j)
		if !(w >= 0 && w <= 1) || !(sigma > 0) {
			return negInf
		}
		wsum += w
		if w == 0 {
			continue
		}
		z := (x - mu) / sigma
		l := math.Log(w) - 0.5*z*z - lnSqrt2Pi - math.Log(sigma)
		switch {
		case math.IsNaN(l):
			return nan
		case l == negInf:
		case l > m:
			s = s*math.Exp(m-l) + 1
			m = l
		default:
			s += math.Exp(l - m)
		}
	}
	if !(math.Abs(wsum-1) <= mixSumAtol+mixSumRtol) || s == 0 {
		return negInf
	}
	return m + math.Log(s)
}

// mixForward returns the summed log-density; when point is non-nil it also
// writes each element's own.
func (t *Term) mixForward(in [][]float64, point []float64) float64 {
	total := 0.0
	for k := range t.n {
		lp := t.mixLogp(in, k)
		if point != nil {
			point[k] = lp
		}
		total += lp
	}
	return total
}

// mixBackward adds g times the gradient of the summed log-density. With
// q_j = Normal(x | mu_j, sigma_j) / p(x) and r_j = w_j q_j (the posterior
// weight of component j): d/dx = -sum_j r_j z_j / sigma_j, d/dw_j = q_j,
// d/dmu_j = r_j z_j / sigma_j, d/dsigma_j = r_j (z_j^2 - 1) / sigma_j.
func (t *Term) mixBackward(in [][]float64, g float64, gin [][]float64) {
	gx, gw, gmu, gsig := gin[0], gin[1], gin[2], gin[3]
	for k := range t.n {
		lp := t.mixLogp(in, k)
		if !(lp > negInf) || math.IsInf(lp, 1) {
			continue
		}
		x := in[0][k]
		dx := 0.0
		for j := range t.comps {
			w, mu, sigma := t.mixParams(in, k, j)
			z := (x - mu) / sigma
			q := math.Exp(-0.5*z*z - lnSqrt2Pi - math.Log(sigma) - lp)
			r := w * q
			dx -= r * z / sigma
			e := k*t.comps + j
			if gw != nil {
				gw[t.maps[0].At(e)] += g * q
			}
			if gmu != nil {
				gmu[t.maps[1].At(e)] += g * r * z / sigma
			}
			if gsig != nil {
				gsig[t.maps[2].At(e)] += g * r * (z*z - 1) / sigma
			}
		}
		if gx != nil {
			gx[k] += g * dx
		}
	}
}

// drawMixture fills out (of shape value) by picking a component for each
// element with probability w and drawing from that Normal.
func drawMixture(v *Variant, params [][]float64, paramShapes [][]int, value []int, r *rand.Rand, out []float64) error {
	target, err := ComponentShape(v.Dist.Name, value, paramShapes)
	if err != nil {
		return err
	}
	k := target[len(target)-1]
	maps := make([]shape.Map, len(params))
	for i, ps := range paramShapes {
		if maps[i], err = shape.NewMap(ps, target); err != nil {
			return err
		}
	}
	p := make([]float64, 3)
	for e := range out {
		u := r.Float64()
		acc, pick := 0.0, -1
		for j := range k {
			for i := range p {
				p[i] = params[i][maps[i].At(e*k+j)]
			}
			if err := v.CheckParams(p); err != nil {
				return fmt.Errorf("%s: %w", v.Dist.Name, err)
			}
			acc += p[0]
			if pick < 0 && u < acc {
				pick = j
			}
		}
		if math.Abs(acc-1) > mixSumAtol+mixSumRtol {
			return fmt.Errorf("%s: the weights sum to %g, not 1", v.Dist.Name, acc)
		}
		if pick < 0 {
			pick = k - 1
		}
		mu := params[1][maps[1].At(e*k+pick)]
		sigma := params[2][maps[2].At(e*k+pick)]
		out[e] = mu + sigma*r.NormFloat64()
	}
	return nil
}

func init() {
	register(Spec{
		Name: "NormalMixture", Doc: "A weighted sum of normal densities.", Layout: Components,
		Params: []Param{
			{Name: "w", Domain: probability, Doc: "weights"},
			{Name: "mu", Domain: anyReal, Doc: "means"},
			{Name: "sigma", Domain: positive, Doc: "standard deviations"},
		},
		Variants: []VariantSpec{{Params: []string{"w", "mu", "sigma"}, Support: Real, loop: fNormalMix}},
		Notes: "`NormalMixture` is `sum_k w[k] Normal(x | mu[k], sigma[k])`, the components along the last " +
			"axis of its parameters.",
	})
}
