package dist

import (
	"fmt"

	"github.com/exmc/exmc/core/shape"
)

// Term is the fused log-density of one node: a single loop over the
// elements of the value, reading each parameter broadcast to the value's
// shape. It implements expr.Kernel with one output, the summed log-density.
// in[0] is the value, in[1+i] parameter i in Variant.Params order.
//
// A Term is immutable after NewTerm and holds no scratch space, so one Term
// may serve any number of goroutines at once.
type Term struct {
	v       *Variant
	f       form
	value   []int
	n       int         // elements in the value
	maps    []shape.Map // one per parameter
	scalars []int       // parameters read once per call
	varying []int       // parameters read per element
	steps   int         // random walk: length of the last axis
	comps   int         // mixture: number of components (maps then index value+[comps])
	// constLog[i] is log(p[i]) for a parameter that is a positive scalar
	// constant (constLogOK bit i), so that a hot loop need not take it
	constLog   [maxParams]float64
	constLogOK uint8
	// constLogs[i] is log(p[i]) element by element for a parameter that is
	// a constant array of positive values, nil otherwise
	constLogs [maxParams][]float64
}

// NewTerm builds the Term of variant v for a value of shape value and
// parameters of the given shapes, which must broadcast to value. The
// parameters of a Vector distribution must be scalars.
func NewTerm(v *Variant, value []int, params [][]int) (*Term, error) {
	name := v.Dist.Name
	if len(params) != len(v.Params) {
		return nil, fmt.Errorf("%s: %d parameter shapes given, want %d", name, len(params), len(v.Params))
	}
	t := &Term{v: v, f: v.form, value: append([]int{}, value...), n: shape.Size(value)}
	if v.Dist.Components {
		if err := t.initMixture(params); err != nil {
			return nil, err
		}
		return t, nil
	}
	if v.Dist.Vector {
		if len(value) == 0 {
			return nil, fmt.Errorf("%s: the value must have at least one axis, got shape ()", name)
		}
		t.steps = value[len(value)-1]
		for i, ps := range params {
			if shape.Size(ps) != 1 {
				return nil, fmt.Errorf("%s: parameter %q must be a scalar, got shape %s",
					name, v.Params[i], shape.String(ps))
			}
		}
	}
	for i, ps := range params {
		m, err := shape.NewMap(ps, value)
		if err != nil {
			return nil, fmt.Errorf("%s: parameter %q of shape %s does not broadcast to the value's shape %s",
				name, v.Params[i], shape.String(ps), shape.String(value))
		}
		t.maps = append(t.maps, m)
		if m.Kind == shape.Scalar {
			t.scalars = append(t.scalars, i)
		} else {
			t.varying = append(t.varying, i)
		}
	}
	return t, nil
}

// Variant is the parameter set the Term evaluates.
func (t *Term) Variant() *Variant { return t.v }

// Shape is the value's shape.
func (t *Term) Shape() []int { return t.value }

// Forward writes the summed log-density into out[0].
func (t *Term) Forward(in [][]float64, out []float64) {
	var none [1 + maxParams][]float64
	if v, ok := t.special(in, none[:len(in)]); ok {
		out[0] = v
		return
	}
	switch t.f {
	case fWalk:
		out[0] = walk(in, t.steps, nil, nil, 0)
		return
	case fNormalMix:
		out[0] = t.mixForward(in, nil)
		return
	}
	var pb [maxParams]float64
	p := pb[:len(t.maps)]
	for _, i := range t.scalars {
		p[i] = in[1+i][0]
	}
	s := 0.0
	for k, x := range in[0][:t.n] {
		for _, i := range t.varying {
			p[i] = in[1+i][t.maps[i].At(k)]
		}
		lp, _ := t.f.logp(x, p, nil, 0)
		s += lp
	}
	out[0] = s
}

// Pointwise writes the log-density of each element: out[k] for element k
// (the per-observation log-likelihood).
func (t *Term) Pointwise(in [][]float64, out []float64) {
	switch t.f {
	case fWalk:
		walk(in, t.steps, out[:t.n], nil, 0)
		return
	case fNormalMix:
		t.mixForward(in, out[:t.n])
		return
	}
	var pb [maxParams]float64
	p := pb[:len(t.maps)]
	for _, i := range t.scalars {
		p[i] = in[1+i][0]
	}
	for k, x := range in[0][:t.n] {
		for _, i := range t.varying {
			p[i] = in[1+i][t.maps[i].At(k)]
		}
		out[k], _ = t.f.logp(x, p, nil, 0)
	}
}

// Backward adds gout[0] times the gradient of the summed log-density into
// gin[0] (the value) and gin[1+i] (parameter i), skipping nil entries.
func (t *Term) Backward(in [][]float64, out, gout []float64, gin [][]float64) {
	g := gout[0]
	switch t.f {
	case fWalk:
		walk(in, t.steps, nil, gin, g)
		return
	case fNormal:
		t.normalBackward(in, g, gin)
		return
	case fNormalMix:
		t.mixBackward(in, g, gin)
		return
	}
	var need uint8
	for i := range t.maps {
		if gin[1+i] != nil {
			need |= 1 << i
		}
	}
	gx := gin[0]
	if need == 0 && gx == nil {
		return
	}
	var pb, db, acc [maxParams]float64
	p, dp := pb[:len(t.maps)], db[:len(t.maps)]
	for _, i := range t.scalars {
		p[i] = in[1+i][0]
	}
	for k, x := range in[0][:t.n] {
		for _, i := range t.varying {
			p[i] = in[1+i][t.maps[i].At(k)]
		}
		_, dx := t.f.logp(x, p, dp, need)
		if gx != nil {
			gx[k] += g * dx
		}
		if need == 0 {
			continue
		}
		for i := range t.maps {
			if need&(1<<i) == 0 {
				continue
			}
			switch m := &t.maps[i]; m.Kind {
			case shape.Scalar:
				acc[i] += dp[i]
			case shape.Full:
				gin[1+i][k] += g * dp[i]
			default:
				gin[1+i][m.Index[k]] += g * dp[i]
			}
		}
	}
	for _, i := range t.scalars {
		if need&(1<<i) != 0 {
			gin[1+i][0] += g * acc[i]
		}
	}
}
