// Package sample runs NUTS chains of a model in parallel: Cores workers,
// each sampling chains one after another, on goroutines or on threads the
// caller provides (Options.Threads).
//
// Each chain owns a Density from the model, its own random stream derived
// only from (Seed, chain index), and its output arrays; chains share
// nothing mutable, so the draws are bit-identical whatever the number of
// cores or the scheduling. A chain's failure (an unrecoverable density
// error, a panic outside the density, no usable initial point) is reported
// in its ChainResult and the other chains go on.
//
// Start returns a Run that streams draws in batches while the chains run;
// Sample is Start followed by Wait. Batches are windows onto the arrays
// the Result is made of, so the two always agree and streaming costs no
// copies. With Options.Recorder the chains hand each draw to the recorder
// instead and keep none: the C library writes them straight into the
// Arrow columns it hands out, and batches and results only count them.
package sample
