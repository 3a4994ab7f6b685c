// Package model is the model as data: nodes (data, free and observed random
// variables, deterministics, potentials), the expressions that connect them,
// the JSON form "exmc.model/v1" (docs/model-format.md), a Go builder, and the
// validation that runs before anything is compiled.
//
// Validation consults the catalogues of distributions (core/dist) and
// expression ops (core/expr), so that every error names the node it belongs
// to before a single log-density is evaluated.
package model
