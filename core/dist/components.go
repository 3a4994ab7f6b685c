package dist

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/exmc/exmc/core/shape"
)

// The Components layout: each parameter marked Param.PerElement broadcasts
// to the value's shape, as an elementwise one does; every other parameter
// carries one more axis, last, beyond the value's shape: K mixture
// components (NormalMixture's weights, means and scales), K categories
// (Categorical's p) or K cutpoints (OrderedLogistic's). The parameters
// with that axis must agree on K. An element's density reads them
// through its Term (Term.at) in a vecDensity of its variant.

// vecDensity is the log-density of one element k of a Components variant.
type vecDensity interface {
	// logp is element k's log-density: -Inf outside the support or with
	// invalid parameters, never NaN for valid ones.
	logp(t *Term, in [][]float64, k int) float64
	// grad adds g times the gradient of element k's log-density lp (finite)
	// into gin: gin[0] for the value, gin[1+i] for parameter i, skipping
	// nil entries (Term.add).
	grad(t *Term, in [][]float64, k int, lp, g float64, gin [][]float64)
	// random draws element k, or says that its parameters are invalid.
	random(t *Term, in [][]float64, k int, r *rand.Rand) (float64, error)
}

// ComponentShape returns the shape value+[K] that v's parameters with the
// component axis broadcast to, or an error saying what does not fit. The
// parameters without it must broadcast to value.
func (v *Variant) ComponentShape(value []int, params [][]int) ([]int, error) {
	name := v.Dist.Name
	var axis [][]int
	for i, ps := range params {
		if !v.perElement[i] {
			axis = append(axis, ps)
		}
	}
	full, err := shape.Broadcast(axis...)
	if err != nil {
		return nil, fmt.Errorf("%s: parameters: %w", name, err)
	}
	what := v.axisName()
	if len(full) == 0 {
		return nil, fmt.Errorf("%s: %s need a last axis of %s, but all are scalars", name, v.axisParams(), what)
	}
	k := full[len(full)-1]
	if k < 1 {
		return nil, fmt.Errorf("%s: needs at least one of its %s", name, what)
	}
	target := append(append([]int{}, value...), k)
	for i, ps := range params {
		if v.perElement[i] {
			if !shape.BroadcastsTo(ps, value) {
				return nil, fmt.Errorf("%s: parameter %q of shape %s does not broadcast to the value's shape %s",
					name, v.Params[i], shape.String(ps), shape.String(value))
			}
		} else if !shape.BroadcastsTo(ps, target) {
			return nil, fmt.Errorf("%s: parameter %q of shape %s does not broadcast to the value's shape %s plus %d %s",
				name, v.Params[i], shape.String(ps), shape.String(value), k, what)
		}
	}
	return target, nil
}

// FreeShape is the value's shape that v's parameters imply when no shape
// is given: the broadcast of the per-element parameters' shapes and of the
// others' without their last axis.
func (v *Variant) FreeShape(params [][]int) ([]int, error) {
	var shapes [][]int
	for i, ps := range params {
		switch {
		case v.perElement[i]:
			shapes = append(shapes, ps)
		case len(ps) == 0: // the same for every element and component
		default:
			shapes = append(shapes, ps[:len(ps)-1])
		}
	}
	return shape.Broadcast(shapes...)
}

// PerElement reports whether parameter i of a Components variant
// broadcasts to the value's shape, with no component axis.
func (v *Variant) PerElement(i int) bool { return v.perElement[i] }

func (v *Variant) axisName() string {
	if v.axis != "" {
		return v.axis
	}
	return "components"
}

func (v *Variant) axisParams() string {
	var names []string
	for i, p := range v.Params {
		if !v.perElement[i] {
			names = append(names, p)
		}
	}
	if len(names) == 1 {
		return names[0]
	}
	return "the parameters"
}

func (t *Term) initComponents(params [][]int) error {
	target, err := t.v.ComponentShape(t.value, params)
	if err != nil {
		return err
	}
	t.comps = target[len(target)-1]
	for i, ps := range params {
		to := target
		if t.v.perElement[i] {
			to = t.value
		}
		m, err := shape.NewMap(ps, to)
		if err != nil {
			return err
		}
		t.maps = append(t.maps, m)
	}
	return nil
}

// at reads parameter i of element k: component j of it, for a parameter
// with the component axis.
func (t *Term) at(in [][]float64, i, k, j int) float64 {
	if t.v.perElement[i] {
		return in[1+i][t.maps[i].At(k)]
	}
	return in[1+i][t.maps[i].At(k*t.comps+j)]
}

// add adds d to the gradient of parameter i of element k (component j),
// when gin asks for it.
func (t *Term) add(gin [][]float64, i, k, j int, d float64) {
	g := gin[1+i]
	if g == nil {
		return
	}
	if t.v.perElement[i] {
		g[t.maps[i].At(k)] += d
		return
	}
	g[t.maps[i].At(k*t.comps+j)] += d
}

// compForward returns the summed log-density; when point is non-nil it
// also writes each element's own.
func (t *Term) compForward(in [][]float64, point []float64) float64 {
	total := 0.0
	for k := range t.n {
		lp := vecLogp(t, in, k)
		if point != nil {
			point[k] = lp
		}
		total += lp
	}
	return total
}

// compBackward adds g times the gradient of the summed log-density.
func (t *Term) compBackward(in [][]float64, g float64, gin [][]float64) {
	for k := range t.n {
		lp := vecLogp(t, in, k)
		if lp > negInf && !math.IsInf(lp, 1) {
			vecGrad(t, in, k, lp, g, gin)
		}
	}
}

// vecLogp and vecGrad call the variant's density on its concrete type:
// through the interface in and gin would escape to the heap, and with
// them the buffers of every caller of a Term.
func vecLogp(t *Term, in [][]float64, k int) float64 {
	switch d := t.v.vec.(type) {
	case normalMixture:
		return d.logp(t, in, k)
	case categoricalP:
		return d.logp(t, in, k)
	case categoricalLogit:
		return d.logp(t, in, k)
	case orderedLogistic:
		return d.logp(t, in, k)
	case orderedProbit:
		return d.logp(t, in, k)
	}
	panic(fmt.Sprintf("dist: %s: vecLogp lacks its density %T", t.v.Dist.Name, t.v.vec))
}

func vecGrad(t *Term, in [][]float64, k int, lp, g float64, gin [][]float64) {
	switch d := t.v.vec.(type) {
	case normalMixture:
		d.grad(t, in, k, lp, g, gin)
	case categoricalP:
		d.grad(t, in, k, lp, g, gin)
	case categoricalLogit:
		d.grad(t, in, k, lp, g, gin)
	case orderedLogistic:
		d.grad(t, in, k, lp, g, gin)
	case orderedProbit:
		d.grad(t, in, k, lp, g, gin)
	default:
		panic(fmt.Sprintf("dist: %s: vecGrad lacks its density %T", t.v.Dist.Name, d))
	}
}

// drawComponents fills out (of shape value) with one draw per element.
func drawComponents(v *Variant, params [][]float64, paramShapes [][]int, value []int, r *rand.Rand, out []float64) error {
	t, err := NewTerm(v, value, paramShapes)
	if err != nil {
		return err
	}
	in := append([][]float64{out}, params...)
	for k := range out {
		x, err := v.vec.random(t, in, k, r)
		if err != nil {
			return fmt.Errorf("%s: %w", v.Dist.Name, err)
		}
		out[k] = x
	}
	return nil
}
