package model

// Validation folds constant expressions with ops.Eval, whose evaluator the
// machine registers when it is linked in, as it is in every program that
// compiles models.
import _ "github.com/exmc/exmc/core/expr"
