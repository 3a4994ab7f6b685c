package sample

import (
	"github.com/exmc/exmc/core/compile"
	"github.com/exmc/exmc/core/nuts"
)

// Compiled adapts a compiled model for sampling: each chain gets its own
// Density, so chains share the program and nothing else.
func Compiled(c *compile.Model) Model { return compiled{c} }

type compiled struct{ *compile.Model }

func (c compiled) NewDensity() nuts.Density { return c.Model.NewDensity() }
