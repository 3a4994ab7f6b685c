// Package fuse evaluates a likelihood term together with the elementwise
// expressions that compute its parameters, in one pass over the data with
// the gradient in the same pass.
//
// A model written as PyMC users write it, mu = a[g] + b[g] * x with
// y ~ Normal(mu, sigma), would otherwise run as separate instructions of
// core/expr, each a loop over all N elements with an N-element result:
// two gathers, a multiply-add, the Normal term, and in the backward pass
// the adjoint of each, the gathers' being scatter-adds. A fused Kernel
// runs the same arithmetic block by block (Block elements at a time, in
// buffers of the program's scratch space, expr.Program.Scratch, so that
// an evaluation allocates nothing): for each block it evaluates the
// expression (Chain) forward, hands the block to the term
// (dist.Term.Block, the term's own loops, hand-fused ones included), and
// takes the term's adjoint of the parameter back through the expression.
// The expression is a tree, so each node's adjoint comes from its one
// reader: a sum hands its own adjoint on without a pass, and a leaf's goes
// straight into the gradient of the input it reads, a gathered vector's
// scatter-added at the indices the block reads. Nothing of length N is
// written but the gradients themselves.
//
// core/compile decides what to fuse (see its fuse.go); anything it does not
// recognise is compiled op by op as before.
package fuse
