// Package diag computes the convergence diagnostics that ArviZ (arviz-stats
// >= 1.0) reports, with the same definitions, so that a run of exmc can be
// judged by the numbers a PyMC user already knows: rank-normalised split
// R-hat, bulk and tail effective sample sizes, and the Monte Carlo standard
// errors of the mean and of the standard deviation.
//
// Every function takes chains[c][i], draw i of chain c of one scalar
// quantity, with all chains of the same length. Like ArviZ, a function
// returns NaN when any draw is NaN or when there are fewer than 4 draws per
// chain (R-hat also needs at least 2 chains), and treats an input that is
// constant to within 1e-15 as perfectly mixed (the ESS is then the number of
// draws used and R-hat is NaN).
//
// The results agree with ArviZ to rounding; testdata/arviz_reference.json
// holds ArviZ's own numbers and the script that made them.
package diag
