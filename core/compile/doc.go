// Package compile turns a model into an immutable log-density over one flat
// unconstrained vector, with its gradient by reverse mode.
//
// A compiled Model is shared by every chain. Each chain draws a Density from
// it, which owns the chain's buffers, so a gradient evaluation allocates
// nothing. Every free variable is constrained before any child reads it:
// children always see their parents' constrained values.
package compile
