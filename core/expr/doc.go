// Package expr is exmc's small reverse-mode differentiation machine.
//
// A Program is an immutable list of instructions over array slots, built once
// when a model is compiled. Each instruction is a Kernel: a fused forward
// computation and its hand-written backward pass. A Machine holds one chain's
// buffers for a Program, so many chains share one Program and allocate
// nothing per gradient evaluation.
//
// The op catalogue (add, exp, matmul, gather, sum, ...) lives here too, with
// the shape rule of each op, so that a model can be checked before it is
// compiled.
package expr
