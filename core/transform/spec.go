package transform

import (
	"fmt"

	"github.com/exmc/exmc/core/shape"
)

// spec is what both kernels of a transform know about their operands,
// fixed at construction so that Forward and Backward only index.
type spec struct {
	kind Kind
	n    int // elements of y
	nx   int // elements of x (n but for Simplex)
	row  int // Ordered, Simplex, CholeskyCovPacked: length of y's last axis
	// Where element i of y reads its bounds: Interval's lo is in[1], its
	// hi in[2]; LowerBound's lo and UpperBound's hi are in[1].
	lo, hi shape.Map
	// ZeroSum's geometry
	zs zeroSum
}

func newSpec(k Kind, y []int, axes int, bounds [][]int) (spec, error) {
	s := spec{kind: k, n: shape.Size(y), nx: shape.Size(k.Constrained(y, axes))}
	if !k.valid() {
		return s, fmt.Errorf("transform: unknown kind %v", k)
	}
	if k == ZeroSum {
		if axes < 1 || axes > len(y) || axes > maxZeroSumAxes {
			return s, fmt.Errorf("transform: zerosum over %d axes of a value of shape %s (1 to %d axes)",
				axes, shape.String(y), maxZeroSumAxes)
		}
		x := k.Constrained(y, axes)
		z := &s.zs
		z.axes, z.event = axes, 1
		for i := axes - 1; i >= 0; i-- {
			z.len[i] = x[len(x)-axes+i]
			z.stride[i] = z.event
			z.event *= z.len[i]
		}
		z.events = shape.Size(x[:len(x)-axes])
	}
	if len(bounds) != k.NumBounds() {
		return s, fmt.Errorf("transform: %v takes %d bound arrays, got %d", k, k.NumBounds(), len(bounds))
	}
	if k == Ordered || k == Simplex || k == CholeskyCovPacked {
		if len(y) == 0 {
			return s, fmt.Errorf("transform: %v needs at least one axis, got shape %s", k, shape.String(y))
		}
		s.row = y[len(y)-1]
	}
	if k == CholeskyCovPacked {
		if _, ok := PackedSide(s.row); !ok {
			return s, fmt.Errorf("transform: %v needs a last axis of n(n+1)/2 elements (a packed triangle), got %d", k, s.row)
		}
	}
	mapOf := func(name string, b []int) (shape.Map, error) {
		m, err := shape.NewMap(b, y)
		if err != nil {
			return m, fmt.Errorf("transform: %v bound %s: %w", k, name, err)
		}
		return m, nil
	}
	var err error
	switch k {
	case Interval:
		if s.lo, err = mapOf("lo", bounds[0]); err != nil {
			return s, err
		}
		s.hi, err = mapOf("hi", bounds[1])
	case LowerBound:
		s.lo, err = mapOf("lo", bounds[0])
	case UpperBound:
		s.hi, err = mapOf("hi", bounds[0])
	}
	return s, err
}

// bounds returns the lo and hi operands (nil where the kind has none) and
// their gradient buffers.
func (s *spec) bounds(in, gin [][]float64) (lo, hi, glo, ghi []float64) {
	switch s.kind {
	case Interval:
		lo, hi = in[1], in[2]
		if gin != nil {
			glo, ghi = gin[1], gin[2]
		}
	case LowerBound:
		lo = in[1]
		if gin != nil {
			glo = gin[1]
		}
	case UpperBound:
		hi = in[1]
		if gin != nil {
			ghi = gin[1]
		}
	}
	return
}
