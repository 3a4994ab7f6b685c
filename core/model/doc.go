// Package model is the model as data: nodes (data, free and observed random
// variables, deterministics, potentials), the expressions that connect them,
// the JSON form "exmc.model/v1" (docs/model-format.md), a Go builder, and the
// validation that runs before anything is compiled.
//
// Validation consults the catalogue of distributions (core/dist) and the
// vocabulary of expression ops (core/ops), so that every error names the
// node it belongs to before a single log-density is evaluated. It folds the
// expressions that read only constants and data with ops.Eval, whose
// evaluator core/expr registers: a program that validates models must link
// core/expr, as core/compile does.
package model
