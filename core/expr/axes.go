package expr

import "github.com/exmc/exmc/core/shape"

// split views a row-major array as [outer][dim][inner] around axis, which is
// how every axis-wise kernel walks its operand without strides.
func split(s []int, axis int) (outer, dim, inner int) {
	return shape.Size(s[:axis]), s[axis], shape.Size(s[axis+1:])
}
