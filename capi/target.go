package main

import (
	"sync"

	"github.com/exmc/exmc/core/compile"
	"github.com/exmc/exmc/core/sample"
)

// target is what a model handle evaluates and samples: a compiled model,
// or a log-density supplied by the user as a C function.
type target interface {
	Dim() int
	// ParamNames names the unconstrained coordinates.
	ParamNames() []string
	// Vars are the reported variables, located in the vector a
	// constrainer's Constrain writes; Observed those LogLikelihood writes.
	Vars() []compile.Var
	Observed() []compile.Var
	// newSampler returns what one run samples and a function, to be called
	// once the run has ended, that frees what the run's densities hold.
	newSampler() (sample.Model, func())
	// newConstrainer returns an evaluator for one goroutine.
	newConstrainer() constrainer
	// logDensity evaluates the log-density at x, and its gradient into
	// grad unless grad is nil. x, lp and grad point into the caller's C
	// memory.
	logDensity(x []float64, lp *float64, grad []float64) error
	// info describes the model for exmc_model_info.
	info() modelInfo
}

// constrainer maps unconstrained points to what a draw reports.
type constrainer interface {
	Constrain(x, out []float64) error
	LogLikelihood(x, out []float64) error
}

// sizeOf is the length of the vector that holds vars.
func sizeOf(vars []compile.Var) int {
	n := 0
	for _, v := range vars {
		n = max(n, v.Offset+v.Size)
	}
	return n
}

// compiledTarget is a model compiled from its JSON form.
type compiledTarget struct {
	c *compile.Model
	// densities serves calls from C, which may come from any thread; each
	// call takes a Density, so concurrent calls share nothing mutable.
	densities sync.Pool
}

func newCompiledTarget(c *compile.Model) *compiledTarget {
	t := &compiledTarget{c: c}
	t.densities.New = func() any { return c.NewDensity() }
	return t
}

func (t *compiledTarget) Dim() int                    { return t.c.Dim() }
func (t *compiledTarget) ParamNames() []string        { return paramNames(t.c.Params()) }
func (t *compiledTarget) Vars() []compile.Var         { return t.c.Vars() }
func (t *compiledTarget) Observed() []compile.Var     { return t.c.Observed() }
func (t *compiledTarget) newConstrainer() constrainer { return t.c.NewDensity() }

func (t *compiledTarget) newSampler() (sample.Model, func()) {
	return sample.Compiled(t.c), func() {}
}

func (t *compiledTarget) logDensity(x []float64, lp *float64, grad []float64) error {
	d := t.densities.Get().(*compile.Density)
	defer t.densities.Put(d)
	var v float64
	var err error
	if grad == nil {
		v, err = d.Logp(x)
	} else {
		v, err = d.LogpGrad(x, grad)
	}
	if err != nil {
		return wrap(codeNumeric, err)
	}
	*lp = v
	return nil
}
