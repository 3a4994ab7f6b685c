package rewrite

// The rewrites read constants that model.Graph folds with ops.Eval, whose
// evaluator the machine registers when it is linked in, as it is in every
// program that compiles models.
import _ "github.com/exmc/exmc/core/expr"
