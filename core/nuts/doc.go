// Package nuts implements the No-U-Turn Sampler: multinomial NUTS with
// biased progressive sampling across doublings, as in Stan's base_nuts and
// nutpie, over a Euclidean metric that is either diagonal or dense. The
// U-turn criterion is nutpie's, on the displacement between a stretch's
// ends (CriterionDisplacement), or Stan's generalised one on summed
// momenta (CriterionMomentumSum); both are checked on every subtree merge,
// across the merge as well.
//
// A Sampler owns every buffer a transition needs, sized once for the
// maximum tree depth, so a transition allocates nothing. It is driven by a
// caller that owns the random stream and decides the step size and metric;
// warmup lives in package adapt and the chain loop in package sample.
//
// Numerical trouble is a value, not a crash: a NaN or infinite log-density,
// a non-finite gradient, a recoverable error or a panic inside LogpGrad ends
// the trajectory as a divergence. Only an error that does not declare itself
// recoverable stops the chain.
package nuts
