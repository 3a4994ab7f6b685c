package ops

import "sync/atomic"

// An Evaluator runs one op on constant arrays, args[i] of shape shapes[i],
// and returns the result's values and shape. core/expr's Eval is the one
// exmc uses.
type Evaluator func(op string, a Attrs, args [][]float64, shapes [][]int) ([]float64, []int, error)

var evaluator atomic.Pointer[Evaluator]

// SetEvaluator makes e the evaluator Eval uses and returns the one it
// replaces (nil if none). core/expr calls it when it is initialised, so a
// program that links core/expr folds constants with it; a test may wrap
// it, to count evaluations.
func SetEvaluator(e Evaluator) Evaluator {
	old := evaluator.Swap(&e)
	if old == nil {
		return nil
	}
	return *old
}

// Eval runs op on constant arrays with the registered evaluator. It panics
// when there is none: a program that folds constants must link core/expr,
// by importing it, if only for that (import _ "github.com/exmc/exmc/core/expr").
func Eval(op string, a Attrs, args [][]float64, shapes [][]int) ([]float64, []int, error) {
	e := evaluator.Load()
	if e == nil || *e == nil {
		panic("ops.Eval: no evaluator is registered; import github.com/exmc/exmc/core/expr")
	}
	return (*e)(op, a, args, shapes)
}
