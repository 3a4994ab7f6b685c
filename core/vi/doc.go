// Package vi fits a normal approximation to a log-density by automatic
// differentiation variational inference (ADVI; Kucukelbir et al. 2017):
// the approximation q = N(mu, L L^T) on the unconstrained space, mean-field
// (L diagonal) or full-rank (L lower triangular), maximises the evidence
// lower bound ELBO(q) = E_q[log p(z)] + H(q) by stochastic gradient ascent
// on reparameterised draws z = mu + L eps, eps ~ N(0, I):
//
//	d ELBO / d mu   = E[grad log p(z)]
//	d ELBO / d L_ij = E[grad_i log p(z) eps_j] + [i == j] / L_ii
//
// The diagonal of L is kept positive as exp(lambda_i), so its step is in
// lambda: E[grad_i eps_i] L_ii + 1. Steps are Adam's; the approximation
// returned is the average of the iterates over about the last half of the
// steps (at most 1,000), which removes most of the spread that one-draw
// gradients leave around the optimum. Every EvalEvery
// steps the ELBO is estimated from EvalDraws fresh draws; the fit has
// converged when the mean or the median of the recent relative changes of
// that estimate falls below Tol (the rule of Stan's ADVI).
//
// The random stream comes from the seed alone, so a fit is reproducible.
package vi
