package expr

import (
	"math"

	"github.com/exmc/exmc/core/shape"
	"github.com/exmc/exmc/core/special"
)

type binCode uint8

const (
	binAdd binCode = iota
	binSub
	binMul
	binDiv
	binPow
	binMax
	binMin
	binLogaddexp
	binBetaln
)

func binaryOp(c binCode) kernelDef {
	return kernelDef{build: func(_ *Program, _ Attrs, _ []Slot, shapes [][]int, out []int) (Kernel, error) {
		return newBinary(c, shapes[0], shapes[1], out)
	}}
}

// layout picks the loop of a binary kernel. The three fast layouts cover
// the shapes that dominate models (x*y, mu+sigma*z with scalar parameters);
// everything else reads its operands through index maps.
type layout uint8

const (
	sameShape   layout = iota // both operands have the result's shape
	rightScalar               // a has the result's shape, b has one element
	leftScalar                // a has one element, b has the result's shape
	mapped
)

type binary struct {
	op     binCode
	lay    layout
	ma, mb shape.Map
}

func newBinary(c binCode, sa, sb, out []int) (*binary, error) {
	ma, err := shape.NewMap(sa, out)
	if err != nil {
		return nil, err
	}
	mb, err := shape.NewMap(sb, out)
	if err != nil {
		return nil, err
	}
	k := &binary{op: c, lay: mapped, ma: ma, mb: mb}
	full := func(m shape.Map) bool { return m.Kind == shape.Full || shape.Size(out) <= 1 }
	switch {
	case full(ma) && full(mb):
		k.lay = sameShape
	case full(ma) && mb.Kind == shape.Scalar:
		k.lay = rightScalar
	case ma.Kind == shape.Scalar && full(mb):
		k.lay = leftScalar
	}
	return k, nil
}

func (c binCode) apply(x, y float64) float64 {
	switch c {
	case binAdd:
		return x + y
	case binSub:
		return x - y
	case binMul:
		return x * y
	case binDiv:
		return x / y
	case binPow:
		return math.Pow(x, y)
	case binMax:
		return max(x, y)
	case binMin:
		return min(x, y)
	case binLogaddexp:
		return logaddexp(x, y)
	default:
		return betaln(x, y)
	}
}

// logaddexp is log(exp(x) + exp(y)), from the larger operand so that
// nothing overflows; equal operands (two -Infs among them) give x + log 2.
func logaddexp(x, y float64) float64 {
	if x == y {
		return x + math.Ln2
	}
	m := max(x, y)
	return m + math.Log1p(math.Exp(-math.Abs(x-y)))
}

// betaln is log B(x, y) = log Gamma(x) + log Gamma(y) - log Gamma(x + y),
// of |Gamma| as PyMC's betaln. Where x or y is large the three terms
// cancel: at (1e4, 3) the result is good to about 6e-13 relative.
func betaln(x, y float64) float64 {
	a, _ := math.Lgamma(x)
	b, _ := math.Lgamma(y)
	c, _ := math.Lgamma(x + y)
	return a + b - c
}

// partials returns dz/dx and dz/dy at z = x op y. Only the derivatives asked
// for are computed, so that pow's log(x) cannot turn a negative base into a
// NaN gradient for an exponent that needs none.
func (c binCode) partials(x, y, z float64, wantX, wantY bool) (dx, dy float64) {
	switch c {
	case binAdd:
		return 1, 1
	case binSub:
		return 1, -1
	case binMul:
		return y, x
	case binDiv:
		return 1 / y, -z / y
	case binPow:
		if wantX && y != 0 { // d/dx x^0 is 0 even at x = 0, where y*x^(y-1) is 0*Inf
			dx = y * math.Pow(x, y-1)
		}
		if wantY && x != 0 { // x^y is flat in y at x = 0 (for y > 0); log(0) would give 0*Inf
			dy = z * math.Log(x)
		}
		return dx, dy
	case binMax:
		return tie(x, y)
	case binMin: // min(x, y) takes x where y is the larger
		return tie(y, x)
	case binLogaddexp:
		// exp(x - z) and exp(y - z), which sum to 1
		if x == y {
			return 0.5, 0.5
		}
		return math.Exp(x - z), math.Exp(y - z)
	default:
		s := special.Digamma(x + y)
		if wantX {
			dx = special.Digamma(x) - s
		}
		if wantY {
			dy = special.Digamma(y) - s
		}
		return dx, dy
	}
}

// tie is the derivative of max(x, y): the gradient goes to the larger
// operand and is split evenly on a tie, which keeps it symmetric.
func tie(x, y float64) (float64, float64) {
	switch {
	case x > y:
		return 1, 0
	case y > x:
		return 0, 1
	default:
		return 0.5, 0.5
	}
}

func (k *binary) Forward(in [][]float64, out []float64) {
	a, b := in[0], in[1]
	switch k.lay {
	case sameShape:
		forwardSame(k.op, a[:len(out)], b[:len(out)], out)
	case rightScalar:
		forwardRight(k.op, a[:len(out)], b[0], out)
	case leftScalar:
		forwardLeft(k.op, a[0], b[:len(out)], out)
	default:
		for i := range out {
			out[i] = k.op.apply(a[k.ma.At(i)], b[k.mb.At(i)])
		}
	}
}

func forwardSame(c binCode, a, b, out []float64) {
	switch c {
	case binAdd:
		for i := range out {
			out[i] = a[i] + b[i]
		}
	case binSub:
		for i := range out {
			out[i] = a[i] - b[i]
		}
	case binMul:
		for i := range out {
			out[i] = a[i] * b[i]
		}
	case binDiv:
		for i := range out {
			out[i] = a[i] / b[i]
		}
	case binMax:
		for i := range out {
			out[i] = max(a[i], b[i])
		}
	case binMin:
		for i := range out {
			out[i] = min(a[i], b[i])
		}
	default:
		for i := range out {
			out[i] = c.apply(a[i], b[i])
		}
	}
}

func forwardRight(c binCode, a []float64, y float64, out []float64) {
	switch c {
	case binAdd:
		for i := range out {
			out[i] = a[i] + y
		}
	case binSub:
		for i := range out {
			out[i] = a[i] - y
		}
	case binMul:
		for i := range out {
			out[i] = a[i] * y
		}
	case binDiv:
		for i := range out {
			out[i] = a[i] / y
		}
	default:
		for i := range out {
			out[i] = c.apply(a[i], y)
		}
	}
}

func forwardLeft(c binCode, x float64, b, out []float64) {
	switch c {
	case binAdd:
		for i := range out {
			out[i] = x + b[i]
		}
	case binSub:
		for i := range out {
			out[i] = x - b[i]
		}
	case binMul:
		for i := range out {
			out[i] = x * b[i]
		}
	case binDiv:
		for i := range out {
			out[i] = x / b[i]
		}
	default:
		for i := range out {
			out[i] = c.apply(x, b[i])
		}
	}
}

func (k *binary) Backward(in [][]float64, out, g []float64, gin [][]float64) {
	a, b := in[0], in[1]
	ga, gb := gin[0], gin[1]
	switch {
	case k.op == binAdd || k.op == binSub:
		if ga != nil {
			reduceInto(ga, g, &k.ma, 1)
		}
		if gb != nil {
			reduceInto(gb, g, &k.mb, k.op.sign())
		}
	case k.op == binMul && k.lay != mapped:
		k.backMul(a, b, g, ga, gb)
	case k.op == binDiv && k.lay != mapped:
		k.backDiv(a, b, out, g, ga, gb)
	default:
		for i, gi := range g {
			ia, ib := k.ma.At(i), k.mb.At(i)
			dx, dy := k.op.partials(a[ia], b[ib], out[i], ga != nil, gb != nil)
			if ga != nil {
				ga[ia] += gi * dx
			}
			if gb != nil {
				gb[ib] += gi * dy
			}
		}
	}
}

func (c binCode) sign() float64 {
	if c == binSub {
		return -1
	}
	return 1
}

// reduceInto adds s*g, summed over the axes the operand was broadcast along,
// into the operand's adjoint.
func reduceInto(dst, g []float64, m *shape.Map, s float64) {
	switch {
	case m.Kind == shape.Scalar || len(dst) == 1 && len(g) == 1:
		t := 0.0
		for _, v := range g {
			t += v
		}
		dst[0] += s * t
	case m.Kind == shape.Full:
		dst = dst[:len(g)]
		if s == 1 {
			for i, v := range g {
				dst[i] += v
			}
		} else {
			for i, v := range g {
				dst[i] += s * v
			}
		}
	default:
		for i, v := range g {
			dst[m.Index[i]] += s * v
		}
	}
}

func (k *binary) backMul(a, b, g, ga, gb []float64) {
	n := len(g)
	switch k.lay {
	case sameShape:
		a, b = a[:n], b[:n]
		if ga != nil {
			ga = ga[:n]
			for i, v := range g {
				ga[i] += v * b[i]
			}
		}
		if gb != nil {
			gb = gb[:n]
			for i, v := range g {
				gb[i] += v * a[i]
			}
		}
	case rightScalar:
		a, y := a[:n], b[0]
		if ga != nil {
			ga = ga[:n]
			for i, v := range g {
				ga[i] += v * y
			}
		}
		if gb != nil {
			gb[0] += dot(g, a)
		}
	case leftScalar:
		x, b := a[0], b[:n]
		if ga != nil {
			ga[0] += dot(g, b)
		}
		if gb != nil {
			gb = gb[:n]
			for i, v := range g {
				gb[i] += v * x
			}
		}
	}
}

func (k *binary) backDiv(a, b, z, g, ga, gb []float64) {
	n := len(g)
	z = z[:n]
	switch k.lay {
	case sameShape:
		b = b[:n]
		if ga != nil {
			ga = ga[:n]
			for i, v := range g {
				ga[i] += v / b[i]
			}
		}
		if gb != nil {
			gb = gb[:n]
			for i, v := range g {
				gb[i] -= v * z[i] / b[i]
			}
		}
	case rightScalar:
		y := b[0]
		if ga != nil {
			ga = ga[:n]
			for i, v := range g {
				ga[i] += v / y
			}
		}
		if gb != nil {
			gb[0] -= dot(g, z) / y
		}
	case leftScalar:
		b = b[:n]
		if ga != nil {
			t := 0.0
			for i, v := range g {
				t += v / b[i]
			}
			ga[0] += t
		}
		if gb != nil {
			gb = gb[:n]
			for i, v := range g {
				gb[i] -= v * z[i] / b[i]
			}
		}
	}
}

func dot(x, y []float64) float64 {
	y = y[:len(x)]
	t := 0.0
	for i, v := range x {
		t += v * y[i]
	}
	return t
}
