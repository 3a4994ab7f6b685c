package dist

import (
	"math"

	"github.com/exmc/exmc/core/fastmath"
	"github.com/exmc/exmc/core/shape"
)

// Normal is the commonest term in most models, so it gets its own loops
// (the value in fused.go): no per-element dispatch, and log(sigma) is taken
// only when sigma changes from one element to the next (once in all for a
// scalar sigma), or not at all where it is given or constant. The results
// are those of the generic loop up to rounding.

func (t *Term) normalBackward(in [][]float64, g float64, gin [][]float64) {
	mu, sg := in[1], in[2]
	mm, sm := &t.maps[0], &t.maps[1]
	gx, gmu, gsg := gin[0], gin[1], gin[2]
	var accMu, accSg float64
	alone := t.logOnly&2 != 0
	for k, x := range in[0][:t.n] {
		sigma := sg[sm.At(k)]
		if alone {
			sigma = fastmath.Exp(sigma)
		}
		if !(sigma > 0) {
			continue
		}
		z := (x - mu[mm.At(k)]) / sigma
		d := z / sigma // d/dmu, and -d/dx
		if math.IsInf(d, 0) || math.IsNaN(d) {
			continue
		}
		if gx != nil {
			gx[k] -= g * d
		}
		if gmu != nil {
			switch mm.Kind {
			case shape.Scalar:
				accMu += d
			case shape.Full:
				gmu[k] += g * d
			default:
				gmu[mm.Index[k]] += g * d
			}
		}
		if gsg != nil {
			ds := (z*z - 1) / sigma
			if alone {
				ds = z*z - 1 // in log(sigma)
			}
			switch sm.Kind {
			case shape.Scalar:
				accSg += ds
			case shape.Full:
				gsg[k] += g * ds
			default:
				gsg[sm.Index[k]] += g * ds
			}
		}
	}
	if gmu != nil && mm.Kind == shape.Scalar {
		gmu[0] += g * accMu
	}
	if gsg != nil && sm.Kind == shape.Scalar {
		gsg[0] += g * accSg
	}
}
