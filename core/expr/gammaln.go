package expr

import (
	"math"

	"github.com/exmc/exmc/core/special"
)

// gammaln is log|Gamma(x)| elementwise; its derivative is the digamma
// function.
type gammaln struct{}

func gammalnOp() kernelDef {
	return kernelDef{build: func(*Program, Attrs, []Slot, [][]int, []int) (Kernel, error) { return gammaln{}, nil }}
}

func (gammaln) Forward(in [][]float64, out []float64) {
	for i, x := range in[0][:len(out)] {
		out[i], _ = math.Lgamma(x)
	}
}

func (gammaln) Backward(in [][]float64, _, g []float64, gin [][]float64) {
	ga := gin[0]
	if ga == nil {
		return
	}
	a := in[0][:len(g)]
	for i, v := range g {
		ga[i] += v * special.Digamma(a[i])
	}
}
