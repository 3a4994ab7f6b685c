// Package simplify rewrites a validated model's expressions into equivalent
// ones that are cheaper to differentiate, as named passes over the graph.
//
// A model translated op by op from PyMC's graph is written as PyMC's
// rewrites left it: StudentT(nu, lam=exp(-2 v)) arrives as sigma =
// |exp(-2 v)|^-0.5 * ((exp(-2 v) > 0) - (exp(-2 v) < 0)), three
// exponentials, a power and two comparisons per element. Simplified, it is
// sigma = exp(v), which the compiler hands the likelihood as log(sigma) = v,
// so that no exponential is taken at all.
//
// Each pass is a list of rules, each a small function that looks at one
// expression whose arguments are already rewritten and returns what
// replaces it, or nil. Simplify runs the passes in a fixed order (Passes),
// round after round, until a round changes nothing:
//
//   - cse: identical subexpressions become one expression, shared by all
//     their readers; the compiler lays out each expression once, so a
//     subexpression written several times is computed once.
//   - canonical: constants first in sums and products, and multiplied
//     together (k1 * (k2 * x) = (k1 k2) * x); x - k and x / k become
//     (-k) + x and (1/k) * x; negations move into constant factors.
//   - identities: exp(log x) = x for x > 0, log(exp x) = x, exp(a)^b =
//     exp(a b), x^1, x^0, x^0.5, x^2, x^-1, log(x^c) = c log x for x > 0,
//     sqrt(x^2) = |x|, multiplication by 1 and -1, addition of 0, -(-x),
//     x - x = 0 where x is finite, and others.
//   - positivity: what a small analysis of signs decides. exp, softplus
//     and sigmoid are positive, and so are positive constants, variables
//     sampled on the log scale or inside a positive interval, and roots,
//     products, quotients, sums and powers of positives (Context.Sign).
//     Then |x| = x, a comparison with a known outcome (exp(x) > 0) is 1
//     or 0, a switch on a known condition takes its branch.
//   - stabilise: log(sigmoid x) = -softplus(-x), log(1 + exp x) =
//     softplus(x), log(1 - sigmoid x) = -softplus(x).
//   - logscale: a parameter that must be positive, written as a product
//     of exponentials and positive constants (2 exp(a), exp(a)/exp(b)),
//     becomes one exponential. The compiler hands the argument of a
//     positive parameter's exp to its likelihood as the parameter's
//     logarithm (dist.Term.GiveLog), which spares the exponential, the
//     logarithm the likelihood would take of it, and its gradient.
//
// Every rewrite keeps the expression's shape and, in exact arithmetic, its
// value and gradient wherever the original is defined; in floating point
// they differ by rounding (exp(v) against (e^-2v)^-0.5). A fact about signs
// holds in exact arithmetic: an exponential is positive even where it
// underflows to zero, where the literal form may make a NaN the simplified
// one does not. A fact never claims what a NaN would contradict: a
// comparison is decided only where neither side can be undefined.
//
// Constants are folded in one place, Graph.Constant, which the passes ask;
// they leave an expression that reads no random variable as it is, and
// when they combine constants they fold the combination there. The
// simplified model holds the values Graph.Constant found, so that
// validating it again evaluates nothing twice.
//
// The compiler (core/compile) simplifies after the non-centring rewrite
// (core/rewrite). Non-centring decides from the model's values, which
// simplifying keeps; what it writes, x = mu + sigma * z with sigma as the
// model wrote it, is then simplified with the rest, which running before
// would miss; and the expressions cse shares stay shared up to the
// compiler, whereas the rewrite copies the model it changes and would make
// them separate again.
//
// compile.Options.Literal, or EXMC_SIMPLIFY=off in the environment,
// compiles a model's expressions as written, for debugging.
package simplify
