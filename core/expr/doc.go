// Package expr is exmc's small reverse-mode differentiation machine.
//
// A Program is an immutable list of instructions over array slots, built once
// when a model is compiled. Each instruction is a Kernel: a fused forward
// computation and its hand-written backward pass. A Machine holds one chain's
// buffers for a Program, so many chains share one Program and allocate
// nothing per gradient evaluation.
//
// The ops themselves, their names, arguments, attributes and shape rules,
// are the vocabulary of core/ops; this package has a kernel for each
// (Apply), and registers Eval as the evaluator that folds constant
// expressions (ops.Eval).
package expr
