package dist

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/exmc/exmc/core/shape"
)

// ZeroSumNormal(sigma, n_zerosum_axes): a Normal(0, sigma) whose value
// sums to zero along each of its last n_zerosum_axes axes, as PyMC
// defines it: log p(x) = sum(-x^2 / (2 sigma^2)) - N r (log sqrt(2 pi) +
// log sigma) over one event of N values, r = prod((s_i - 1) / s_i) the
// share of its degrees of freedom (s_i the zero-sum axes' lengths), and
// -Inf unless the mean along every zero-sum axis is within 1e-9 of zero
// (PyMC's check). sigma has no event axes: it broadcasts over the batch
// axes only (PyMC's sigma has length one along the zero-sum axes).
type zeroSumNormalKernel struct{}

// zeroSumAtol is PyMC's tolerance on the means along the zero-sum axes
// (for float64 values).
const zeroSumAtol = 1e-9

func (zeroSumNormalKernel) Shape(value []int, _ [][]int, static Args) ([]int, error) {
	if value == nil {
		return nil, fmt.Errorf("needs the value's shape (shape= or dims=): its parameters do not say it")
	}
	for _, s := range value {
		if s < 2 {
			return nil, fmt.Errorf("each zero-sum axis needs a length of at least 2, got the event shape %s", shape.String(value))
		}
	}
	return append([]int{}, value...), nil
}

func (zeroSumNormalKernel) Scratch(*Geometry) int { return 0 }

// dofShare is r = prod((s_i - 1) / s_i).
func dofShare(e *Geometry) float64 {
	r := 1.0
	for _, s := range e.Value {
		r *= float64(s-1) / float64(s)
	}
	return r
}

// zeroSums reports whether x has mean zero (within zeroSumAtol) along
// each of its axes (x of shape e.Value, row-major).
func zeroSums(e *Geometry, x []float64) bool {
	stride := len(x)
	for _, s := range e.Value {
		inner := stride / s
		// lines along this axis: outer blocks of stride values, inner
		// offsets below inner
		for o := 0; o < len(x); o += stride {
			for i := range inner {
				sum := 0.0
				for j := range s {
					sum += x[o+i+j*inner]
				}
				if !(math.Abs(sum/float64(s)) <= zeroSumAtol) {
					return false
				}
			}
		}
		stride = inner
	}
	return true
}

func (zeroSumNormalKernel) Logp(e *Geometry, x []float64, p EventArgs, g float64, gx []float64, gp EventArgs, _ []float64) float64 {
	sigma := p[0][0]
	if !(sigma > 0) || math.IsInf(sigma, 1) || !zeroSums(e, x) {
		return negInf
	}
	inv := 1 / sigma
	ss := 0.0
	for _, v := range x {
		ss += v * v
	}
	nr := float64(len(x)) * dofShare(e)
	lp := -0.5*ss*inv*inv - nr*(lnSqrt2Pi+math.Log(sigma))
	if gx != nil {
		c := g * inv * inv
		for i, v := range x {
			gx[i] -= c * v
		}
	}
	if gs := gp[0]; gs != nil {
		gs[0] += g * (ss*inv*inv - nr) * inv
	}
	return lp
}

// Random draws Normal(0, sigma) values and takes away their mean along
// each zero-sum axis in turn, as PyMC draws.
func (zeroSumNormalKernel) Random(e *Geometry, p EventArgs, r *rand.Rand, out []float64) error {
	sigma := p[0][0]
	if err := positive.check("sigma", sigma); err != nil {
		return err
	}
	for i := range out {
		out[i] = sigma * r.NormFloat64()
	}
	stride := len(out)
	for _, s := range e.Value {
		inner := stride / s
		for o := 0; o < len(out); o += stride {
			for i := range inner {
				sum := 0.0
				for j := range s {
					sum += out[o+i+j*inner]
				}
				m := sum / float64(s)
				for j := range s {
					out[o+i+j*inner] -= m
				}
			}
		}
		stride = inner
	}
	return nil
}

func (zeroSumNormalKernel) InSupport(e *Geometry, x []float64, _ EventArgs) bool {
	return zeroSums(e, x)
}

func init() {
	register(Spec{
		Name: "ZeroSumNormal", Doc: "A normal distribution whose value sums to zero along its last axes.", Layout: Event,
		Params: []Param{
			{Name: "sigma", Domain: positive, Doc: "scale", Default: def(1)},
			{Name: "n_zerosum_axes", Domain: countParam, Doc: "zero-sum axes", Default: def(1), Static: true},
		},
		Variants:       []VariantSpec{{Params: []string{"sigma", "n_zerosum_axes"}, Support: ZeroSum, Transform: ZeroSumTransform}},
		Event:          zeroSumNormalKernel{},
		ValueDimsParam: "n_zerosum_axes",
		Notes: "`ZeroSumNormal`'s value sums to zero along its last `n_zerosum_axes` axes (each of length 2 at least), " +
			"which need a shape; `sigma` broadcasts over the axes before them. A free one is sampled through PyMC's " +
			"zerosum transform, on one coordinate fewer along each of those axes, and its log-density is PyMC's.",
	})
}
