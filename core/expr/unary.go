package expr

import (
	"math"

	"github.com/exmc/exmc/core/fastmath"
	"github.com/exmc/exmc/core/special"
)

type unCode uint8

const (
	unNeg unCode = iota
	unExp
	unLog
	unLog1p
	unExpm1
	unSqrt
	unSquare
	unAbs
	unSigmoid
	unSoftplus
	unLogit
	unTanh
	unErf
	unErfc
	unErfcx
	unLogNdtr
	unDigamma
	unSin
	unCos
	unFloor
	unCeil
	unRound
	unLast = unRound
)

func unaryOp(c unCode) kernelDef {
	return kernelDef{build: func(*Program, Attrs, []Slot, [][]int, []int) (Kernel, error) { return &unaries[c], nil }}
}

// unary is an elementwise function of one array; the code is all the state
// it needs.
type unary unCode

// unaries holds one kernel per code. A kernel is handed out as a pointer
// to its entry: an interface holding a pointer calls the methods directly,
// where one holding the value itself goes through a wrapper that copies it.
var unaries = func() (u [unLast + 1]unary) {
	for c := range u {
		u[c] = unary(c)
	}
	return u
}()

// sigmoid avoids exp overflow by only ever exponentiating a non-positive
// number.
func sigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + fastmath.Exp(-x))
	}
	e := fastmath.Exp(x)
	return e / (1 + e)
}

// softplus is log(1+exp(x)) written so that neither large nor very negative
// x overflows or loses the small tail.
func softplus(x float64) float64 {
	return fastmath.Log1p(fastmath.Exp(-math.Abs(x))) + max(x, 0)
}

const twoOverSqrtPi = 2 / math.SqrtPi

func (k *unary) Forward(in [][]float64, out []float64) {
	a := in[0][:len(out)]
	switch unCode(*k) {
	case unNeg:
		for i, x := range a {
			out[i] = -x
		}
	case unExp:
		fastmath.ExpInto(out, a)
	case unLog:
		fastmath.LogInto(out, a)
	case unLog1p:
		fastmath.Log1pInto(out, a)
	case unExpm1:
		for i, x := range a {
			out[i] = math.Expm1(x)
		}
	case unSqrt:
		for i, x := range a {
			out[i] = math.Sqrt(x)
		}
	case unSquare:
		for i, x := range a {
			out[i] = x * x
		}
	case unAbs:
		for i, x := range a {
			out[i] = math.Abs(x)
		}
	case unSigmoid:
		for i, x := range a {
			out[i] = sigmoid(x)
		}
	case unSoftplus:
		for i, x := range a {
			out[i] = softplus(x)
		}
	case unLogit:
		// log1p(-x) keeps precision for x near 1, where 1-x would round.
		for i, x := range a {
			out[i] = fastmath.Log(x) - fastmath.Log1p(-x)
		}
	case unTanh:
		for i, x := range a {
			out[i] = math.Tanh(x)
		}
	case unErf:
		for i, x := range a {
			out[i] = math.Erf(x)
		}
	case unErfc:
		for i, x := range a {
			out[i] = math.Erfc(x)
		}
	case unErfcx:
		for i, x := range a {
			out[i] = special.Erfcx(x)
		}
	case unLogNdtr:
		for i, x := range a {
			out[i], _ = special.LogNdtr(x)
		}
	case unDigamma:
		for i, x := range a {
			out[i] = special.Digamma(x)
		}
	case unSin:
		for i, x := range a {
			out[i] = math.Sin(x)
		}
	case unCos:
		for i, x := range a {
			out[i] = math.Cos(x)
		}
	case unFloor:
		for i, x := range a {
			out[i] = math.Floor(x)
		}
	case unCeil:
		for i, x := range a {
			out[i] = math.Ceil(x)
		}
	case unRound:
		for i, x := range a {
			out[i] = math.RoundToEven(x)
		}
	}
}

func (k *unary) Backward(in [][]float64, out, g []float64, gin [][]float64) {
	ga := gin[0]
	if ga == nil {
		return
	}
	n := len(g)
	a, z, ga := in[0][:n], out[:n], ga[:n]
	switch unCode(*k) {
	case unNeg:
		for i, v := range g {
			ga[i] -= v
		}
	case unExp:
		for i, v := range g {
			ga[i] += v * z[i]
		}
	case unLog:
		for i, v := range g {
			ga[i] += v / a[i]
		}
	case unLog1p:
		for i, v := range g {
			ga[i] += v / (1 + a[i])
		}
	case unExpm1:
		for i, v := range g {
			ga[i] += v * (z[i] + 1)
		}
	case unSqrt:
		for i, v := range g {
			ga[i] += 0.5 * v / z[i]
		}
	case unSquare:
		for i, v := range g {
			ga[i] += 2 * v * a[i]
		}
	case unAbs:
		for i, v := range g {
			switch x := a[i]; {
			case x > 0:
				ga[i] += v
			case x < 0:
				ga[i] -= v
			}
		}
	case unSigmoid:
		for i, v := range g {
			ga[i] += v * z[i] * (1 - z[i])
		}
	case unSoftplus:
		for i, v := range g {
			ga[i] += v * sigmoid(a[i])
		}
	case unLogit:
		for i, v := range g {
			x := a[i]
			ga[i] += v / (x * (1 - x))
		}
	case unTanh:
		for i, v := range g {
			ga[i] += v * (1 - z[i]*z[i])
		}
	case unErf:
		for i, v := range g {
			x := a[i]
			ga[i] += v * twoOverSqrtPi * fastmath.Exp(-x*x)
		}
	case unErfc:
		for i, v := range g {
			x := a[i]
			ga[i] -= v * twoOverSqrtPi * fastmath.Exp(-x*x)
		}
	case unErfcx:
		for i, v := range g {
			ga[i] += v * special.ErfcxDeriv(a[i])
		}
	case unLogNdtr:
		for i, v := range g {
			_, d := special.LogNdtr(a[i])
			ga[i] += v * d
		}
	case unDigamma:
		for i, v := range g {
			ga[i] += v * special.Trigamma(a[i])
		}
	case unSin:
		for i, v := range g {
			ga[i] += v * math.Cos(a[i])
		}
	case unCos:
		for i, v := range g {
			ga[i] -= v * math.Sin(a[i])
		}
	case unFloor, unCeil, unRound:
		// Piecewise constant: the derivative is 0 wherever it exists, which
		// is PyTensor's gradient for these ops too (its L_op returns
		// zeros), so a model that rounds a parameter has the gradient PyMC
		// gives it. Nothing is added.
	}
}
