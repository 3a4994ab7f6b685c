package expr

import (
	"fmt"

	"github.com/exmc/exmc/core/shape"
)

// normAxis turns a possibly negative axis into an index below rank, with
// numpy's rule that -1 is the last axis.
func normAxis(axis, rank int) (int, error) {
	if axis < -rank || axis >= rank {
		return 0, fmt.Errorf("axis %d is out of bounds for an array of rank %d", axis, rank)
	}
	if axis < 0 {
		axis += rank
	}
	return axis, nil
}

// axisOr reads an optional axis attribute.
func axisOr(a *int, def int) int {
	if a == nil {
		return def
	}
	return *a
}

// split views a row-major array as [outer][dim][inner] around axis, which is
// how every axis-wise kernel walks its operand without strides.
func split(s []int, axis int) (outer, dim, inner int) {
	return shape.Size(s[:axis]), s[axis], shape.Size(s[axis+1:])
}
