package shape

import (
	"fmt"
	"strings"
)

// Size is the number of elements of an array of shape s (1 for a scalar).
func Size(s []int) int {
	n := 1
	for _, d := range s {
		n *= d
	}
	return n
}

// Equal reports whether two shapes are identical.
func Equal(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// String formats a shape as numpy does: (), (3,), (2, 3).
func String(s []int) string {
	if len(s) == 1 {
		return fmt.Sprintf("(%d,)", s[0])
	}
	parts := make([]string, len(s))
	for i, d := range s {
		parts[i] = fmt.Sprint(d)
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// Broadcast returns the shape that numpy's broadcasting rules give the
// operands, or an error naming the two shapes that do not fit.
func Broadcast(shapes ...[]int) ([]int, error) {
	nd := 0
	for _, s := range shapes {
		nd = max(nd, len(s))
	}
	out := make([]int, nd)
	for i := range out {
		out[i] = 1
	}
	for _, s := range shapes {
		off := nd - len(s)
		for i, d := range s {
			o := out[off+i]
			switch {
			case d == o || d == 1:
			case o == 1:
				out[off+i] = d
			default:
				return nil, fmt.Errorf("shapes %s and %s cannot be broadcast together", String(s), String(out))
			}
		}
	}
	return out, nil
}

// BroadcastsTo reports whether an operand of shape from can be broadcast to
// shape to without changing to.
func BroadcastsTo(from, to []int) bool {
	if len(from) > len(to) {
		return false
	}
	off := len(to) - len(from)
	for i, d := range from {
		if d != 1 && d != to[off+i] {
			return false
		}
	}
	return true
}

// Strides returns the row-major element strides of shape s.
func Strides(s []int) []int {
	st := make([]int, len(s))
	acc := 1
	for i := len(s) - 1; i >= 0; i-- {
		st[i] = acc
		acc *= s[i]
	}
	return st
}

// Kind classifies how an operand maps onto a broadcast result, so that hot
// loops can take a fast path for the two common cases.
type Kind uint8

const (
	// Full: the operand has the result's shape; element i is element i.
	Full Kind = iota
	// Scalar: the operand has one element, read for every result element.
	Scalar
	// Mapped: any other broadcast; element i of the result reads Index[i].
	Mapped
)

// Map tells a loop over a broadcast result where to read one operand.
type Map struct {
	Kind  Kind
	Index []int32 // only for Mapped: result element -> operand element
}

// At returns the operand element read for result element i.
func (m *Map) At(i int) int {
	switch m.Kind {
	case Full:
		return i
	case Scalar:
		return 0
	default:
		return int(m.Index[i])
	}
}

// NewMap builds the map from a result of shape to onto an operand of shape
// from, which must broadcast to it.
func NewMap(from, to []int) (Map, error) {
	if !BroadcastsTo(from, to) {
		return Map{}, fmt.Errorf("shape %s does not broadcast to %s", String(from), String(to))
	}
	if Size(from) == 1 {
		return Map{Kind: Scalar}, nil
	}
	if Size(from) == Size(to) {
		return Map{Kind: Full}, nil
	}
	n := Size(to)
	idx := make([]int32, n)
	off := len(to) - len(from)
	fst := Strides(from)
	// Stride 0 along broadcast axes; walk the result in row-major order.
	st := make([]int, len(to))
	for i := range from {
		if from[i] != 1 {
			st[off+i] = fst[i]
		}
	}
	pos := make([]int, len(to))
	cur := 0
	for k := 0; k < n; k++ {
		idx[k] = int32(cur)
		for ax := len(to) - 1; ax >= 0; ax-- {
			pos[ax]++
			cur += st[ax]
			if pos[ax] < to[ax] {
				break
			}
			cur -= st[ax] * pos[ax]
			pos[ax] = 0
		}
	}
	return Map{Kind: Mapped, Index: idx}, nil
}
