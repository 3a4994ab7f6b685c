// Package transform maps constrained parameters to the unconstrained space
// NUTS samples in, using PyMC's default transforms so that an exmc model
// and the same PyMC model have the same unconstrained parameterisation, the
// same log-Jacobian terms, and hence the same log density and initial
// values.
//
// A ConstrainKernel computes PyMC's "backward" map y -> x from the
// unconstrained value y to the constrained value x; a LogJacKernel its
// log-Jacobian log|dx/dy| (PyMC's log_jac_det), the term added to the log
// density of x to get the density of y. Nothing in exmc needs the forward
// map x -> y: initial points are given on the unconstrained scale.
//
// Bounds are arrays broadcast against y and may themselves depend on other
// parameters, so the kernels propagate gradients into them as well as
// into y.
package transform
