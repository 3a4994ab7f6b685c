// Package compile turns a model into an immutable log-density over one flat
// unconstrained vector, with its gradient by reverse mode.
//
// A compiled Model is shared by every chain. Each chain draws a Density from
// it, which owns the chain's buffers, so a gradient evaluation allocates
// nothing. Every free variable is constrained before any child reads it:
// children always see their parents' constrained values.
//
// Compiling validates the model (core/model), non-centres its hierarchies
// where the data call for it (core/rewrite), simplifies its expressions
// (core/simplify), and lays the result out as a program (core/expr) whose
// likelihood terms come from core/dist. An expression read in several
// places is laid out once. Options.Literal, or EXMC_SIMPLIFY=off in the
// environment, compiles the expressions as written, for debugging.
// A likelihood's elementwise parameters are computed inside its term's
// loop (fuse.go, core/fuse; docs/DECISIONS.md, 41); Options.NoFuse, or
// EXMC_FUSE=off, lays them out op by op instead.
package compile
