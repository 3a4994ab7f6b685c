package dist

import (
	"fmt"
	"math/rand/v2"

	"github.com/exmc/exmc/core/shape"
)

// Draw fills out (of shape value) with random draws, parameter i being
// params[i] of shape paramShapes[i] broadcast to value. Every element's
// parameters are validated, so an invalid one is an error
// rather than a silent NaN. The improper Flat and HalfFlat cannot be drawn.
func (v *Variant) Draw(params [][]float64, paramShapes [][]int, value []int, r *rand.Rand, out []float64) error {
	name := v.Dist.Name
	if len(params) != len(v.Params) || len(paramShapes) != len(v.Params) {
		return fmt.Errorf("%s: %d parameters given, want %d", name, len(params), len(v.Params))
	}
	n := shape.Size(value)
	if len(out) != n {
		return fmt.Errorf("%s: output has %d elements, shape %s needs %d", name, len(out), shape.String(value), n)
	}
	for i, ps := range paramShapes {
		if len(params[i]) != shape.Size(ps) {
			return fmt.Errorf("%s: parameter %q has %d values for shape %s",
				name, v.Params[i], len(params[i]), shape.String(ps))
		}
	}
	if v.Dist.Components {
		return drawComponents(v, params, paramShapes, value, r, out)
	}
	if v.Dist.Layout == Event {
		return drawEvents(v, params, paramShapes, value, r, out)
	}
	maps := make([]shape.Map, len(params))
	for i, ps := range paramShapes {
		m, err := shape.NewMap(ps, value)
		if err != nil {
			return fmt.Errorf("%s: parameter %q of shape %s does not broadcast to %s",
				name, v.Params[i], shape.String(ps), shape.String(value))
		}
		maps[i] = m
	}
	p := make([]float64, len(params))
	if v.Dist.Vector {
		if len(value) == 0 {
			return fmt.Errorf("%s: the value must have at least one axis, got shape ()", name)
		}
		for i := range params {
			if len(params[i]) != 1 {
				return fmt.Errorf("%s: parameter %q must be a scalar, got shape %s",
					name, v.Params[i], shape.String(paramShapes[i]))
			}
			p[i] = params[i][0]
		}
		if err := v.CheckParams(p); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		steps := value[len(value)-1]
		for r0 := 0; steps > 0 && r0 < n; r0 += steps {
			RandomWalk(p, r, out[r0:r0+steps])
		}
		return nil
	}
	if v.Random == nil {
		return fmt.Errorf("%s: cannot draw from an improper distribution", name)
	}
	for k := range out {
		for i := range params {
			p[i] = params[i][maps[i].At(k)]
		}
		if err := v.CheckParams(p); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		out[k] = v.Random(p, r)
	}
	return nil
}
