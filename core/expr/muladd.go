package expr

import (
	"fmt"

	"github.com/exmc/exmc/core/ops"
	"github.com/exmc/exmc/core/shape"
)

// MulAdd appends a + b*c as one instruction: add(a, mul(b, c)) with the
// same broadcasting, the same values to the last bit, and no intermediate
// array. It is the shape of every non-centred variable, mu + sigma*z, and
// of most linear predictors, where the separate mul and add would each
// cost a pass over the data forward and another backward.
func MulAdd(p *Program, a, b, c Slot) (Slot, error) {
	for i, s := range []Slot{a, b, c} {
		if s < 0 || int(s) >= len(p.slots) {
			return -1, fmt.Errorf("muladd: argument %d is not a slot of this program", i+1)
		}
	}
	sa, sb, sc := p.Shape(a), p.Shape(b), p.Shape(c)
	prod, err := ops.InferShape("mul", Attrs{}, [][]int{sb, sc})
	if err != nil {
		return -1, err
	}
	out, err := ops.InferShape("add", Attrs{}, [][]int{sa, prod})
	if err != nil {
		return -1, err
	}
	if p.frozen {
		return -1, fmt.Errorf("muladd: the program is frozen")
	}
	k := &muladd{lay: mapped}
	// b*c rounds the same either way round, so the operand that is a
	// single element, if any, goes first.
	if shape.Size(sc) == 1 && shape.Size(sb) != 1 {
		b, c, sb, sc = c, b, sc, sb
		k.swapped = true
	}
	maps := [3]*shape.Map{&k.ma, &k.mb, &k.mc}
	for i, s := range [][]int{sa, sb, sc} {
		if *maps[i], err = shape.NewMap(s, out); err != nil {
			return -1, err
		}
	}
	full := func(m shape.Map) bool { return m.Kind == shape.Full || shape.Size(out) <= 1 }
	switch {
	case k.ma.Kind == shape.Scalar && k.mb.Kind == shape.Scalar && full(k.mc):
		k.lay = leftScalar
	case full(k.ma) && k.mb.Kind == shape.Scalar && full(k.mc):
		k.lay = rightScalar
	case full(k.ma) && full(k.mb) && full(k.mc):
		k.lay = sameShape
	}
	args := []Slot{a, b, c}
	if k.swapped {
		// the arguments stay in the order the caller gave
		args = []Slot{a, c, b}
	}
	return p.Apply(k, out, args...), nil
}

// muladd is out = a + b*c. lay names the loop: leftScalar for scalar a and
// b (mu + sigma*z), rightScalar for scalar b only, sameShape for none,
// mapped for anything else.
type muladd struct {
	lay        layout
	swapped    bool // in[1] is c and in[2] is b
	ma, mb, mc shape.Map
}

func (k *muladd) operands(in [][]float64) (a, b, c []float64) {
	if k.swapped {
		return in[0], in[2], in[1]
	}
	return in[0], in[1], in[2]
}

func (k *muladd) grads(gin [][]float64) (ga, gb, gc []float64) {
	if k.swapped {
		return gin[0], gin[2], gin[1]
	}
	return gin[0], gin[1], gin[2]
}

// Forward rounds the product before the sum (the conversions forbid a
// fused multiply-add), as the separate mul and add would.
func (k *muladd) Forward(in [][]float64, out []float64) {
	a, b, c := k.operands(in)
	n := len(out)
	switch k.lay {
	case leftScalar:
		x, y, c := a[0], b[0], c[:n]
		for i, v := range c {
			out[i] = x + float64(y*v)
		}
	case rightScalar:
		a, y, c := a[:n], b[0], c[:n]
		for i, v := range c {
			out[i] = a[i] + float64(y*v)
		}
	case sameShape:
		a, b, c := a[:n], b[:n], c[:n]
		for i, v := range c {
			out[i] = a[i] + float64(b[i]*v)
		}
	default:
		for i := range out {
			out[i] = a[k.ma.At(i)] + float64(b[k.mb.At(i)]*c[k.mc.At(i)])
		}
	}
}

func (k *muladd) Backward(in [][]float64, _, g []float64, gin [][]float64) {
	_, b, c := k.operands(in)
	ga, gb, gc := k.grads(gin)
	n := len(g)
	if k.lay == leftScalar && ga != nil && gb != nil && gc != nil {
		// mu + sigma*z with every operand differentiated: one pass
		// instead of three.
		y, c, gc := b[0], c[:n], gc[:n]
		var sa, sb float64
		for i, v := range g {
			sa += v
			sb += v * c[i]
			gc[i] += v * y
		}
		ga[0] += sa
		gb[0] += sb
		return
	}
	if ga != nil {
		reduceInto(ga, g, &k.ma, 1)
	}
	switch k.lay {
	case leftScalar, rightScalar:
		y, c := b[0], c[:n]
		if gb != nil {
			gb[0] += dot(g, c)
		}
		if gc != nil {
			gc = gc[:n]
			for i, v := range g {
				gc[i] += v * y
			}
		}
	case sameShape:
		b, c := b[:n], c[:n]
		if gb != nil {
			gb = gb[:n]
			for i, v := range g {
				gb[i] += v * c[i]
			}
		}
		if gc != nil {
			gc = gc[:n]
			for i, v := range g {
				gc[i] += v * b[i]
			}
		}
	default:
		for i, v := range g {
			ib, ic := k.mb.At(i), k.mc.At(i)
			if gb != nil {
				gb[ib] += v * c[ic]
			}
			if gc != nil {
				gc[ic] += v * b[ib]
			}
		}
	}
}
