package expr

import "github.com/exmc/exmc/core/shape"

type cmpCode uint8

const (
	cmpGt cmpCode = iota
	cmpGe
	cmpLt
	cmpLe
	cmpEq
	cmpNeq
)

func compareOp(c cmpCode) kernelDef {
	return kernelDef{build: func(_ *Program, _ Attrs, _ []Slot, shapes [][]int, out []int) (Kernel, error) {
		return newCompare(c, shapes[0], shapes[1], out)
	}}
}

// compare is an elementwise comparison giving 1 where it holds and 0 where
// it does not. It is piecewise constant, so no gradient flows through it.
type compare struct {
	op     cmpCode
	ma, mb shape.Map
}

func newCompare(c cmpCode, sa, sb, out []int) (*compare, error) {
	ma, err := shape.NewMap(sa, out)
	if err != nil {
		return nil, err
	}
	mb, err := shape.NewMap(sb, out)
	if err != nil {
		return nil, err
	}
	return &compare{op: c, ma: ma, mb: mb}, nil
}

func (c cmpCode) holds(x, y float64) bool {
	switch c {
	case cmpGt:
		return x > y
	case cmpGe:
		return x >= y
	case cmpLt:
		return x < y
	case cmpLe:
		return x <= y
	case cmpEq:
		return x == y
	default:
		return x != y
	}
}

func (k *compare) Forward(in [][]float64, out []float64) {
	a, b := in[0], in[1]
	for i := range out {
		if k.op.holds(a[k.ma.At(i)], b[k.mb.At(i)]) {
			out[i] = 1
		} else {
			out[i] = 0
		}
	}
}

func (k *compare) Backward([][]float64, []float64, []float64, [][]float64) {}

// choose is switch(cond, a, b): a where cond is non-zero, b elsewhere (NaN
// counts as non-zero, as in numpy). The gradient goes to the branch taken;
// the condition gets none.
type choose struct {
	mc, ma, mb shape.Map
}

func buildSwitch(_ *Program, _ Attrs, _ []Slot, shapes [][]int, out []int) (Kernel, error) {
	var k choose
	var err error
	if k.mc, err = shape.NewMap(shapes[0], out); err != nil {
		return nil, err
	}
	if k.ma, err = shape.NewMap(shapes[1], out); err != nil {
		return nil, err
	}
	if k.mb, err = shape.NewMap(shapes[2], out); err != nil {
		return nil, err
	}
	return &k, nil
}

func (k *choose) Forward(in [][]float64, out []float64) {
	c, a, b := in[0], in[1], in[2]
	for i := range out {
		if c[k.mc.At(i)] != 0 {
			out[i] = a[k.ma.At(i)]
		} else {
			out[i] = b[k.mb.At(i)]
		}
	}
}

func (k *choose) Backward(in [][]float64, _, g []float64, gin [][]float64) {
	c, ga, gb := in[0], gin[1], gin[2]
	if ga == nil && gb == nil {
		return
	}
	for i, v := range g {
		if c[k.mc.At(i)] != 0 {
			if ga != nil {
				ga[k.ma.At(i)] += v
			}
		} else if gb != nil {
			gb[k.mb.At(i)] += v
		}
	}
}
