// Package adapt implements Stan's windowed warmup for Hamiltonian Monte
// Carlo: dual averaging of the step size towards a target acceptance
// statistic, and estimation of the inverse mass matrix from the draws of a
// sequence of doubling windows, with the step size re-initialised and its
// averaging restarted after every metric update.
//
// The package holds no sampler: it consumes per-transition outcomes
// (position, gradient, acceptance statistic) and hands back step sizes and
// inverse mass matrices. Its one contact with the dynamics is a probe
// function used by InitStepSize.
//
// How the metric is learned is a MetricAdapter; DiagVariance and
// DenseCovariance are Stan's estimators. A gradient-informed estimator in
// the style of nutpie fits the same interface, since every observation
// carries the gradient too.
package adapt
