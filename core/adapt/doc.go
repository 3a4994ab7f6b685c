// Package adapt implements warmup for Hamiltonian Monte Carlo: dual
// averaging of the step size towards a target acceptance statistic, and
// estimation of the inverse mass matrix, on one of two schedules.
//
// Warmup is Stan's windowed schedule: the metric is estimated from the
// draws of a sequence of doubling windows, with the step size
// re-initialised and its averaging restarted after every metric update.
// Online is nutpie's: the metric starts from the gradient at the initial
// point and is re-estimated after every draw from two running estimators
// that take turns, while dual averaging runs on. Both are an Adapter, so
// a sampler drives either the same way.
//
// The package holds no sampler: it consumes per-transition outcomes
// (position, gradient, acceptance statistic) and hands back step sizes and
// inverse mass matrices. Its one contact with the dynamics is a probe
// function used by InitStepSize.
//
// How the metric is learned is a MetricAdapter: DiagVariance and
// DenseCovariance are Stan's estimators, DiagGradient nutpie's, which uses
// the gradient that every observation carries too.
package adapt
