package ops

import (
	"errors"
	"fmt"

	"github.com/exmc/exmc/core/shape"
)

// The shape rules of the ops. Each may assume that its argument count and
// attributes have been checked (lookup) and that no shape is negative.

func clone(s []int) []int { return append([]int{}, s...) }

func sameShape(_ Attrs, args [][]int) ([]int, error) { return clone(args[0]), nil }

func broadcastShape(_ Attrs, args [][]int) ([]int, error) {
	out, err := shape.Broadcast(args...)
	if err != nil {
		// Name the operands as the user wrote them, in order.
		return nil, fmt.Errorf("shapes %s and %s cannot be broadcast together",
			shape.String(args[0]), shape.String(args[1]))
	}
	return out, nil
}

func switchShape(_ Attrs, args [][]int) ([]int, error) {
	out, err := shape.Broadcast(args...)
	if err != nil {
		return nil, fmt.Errorf("shapes %s, %s and %s cannot be broadcast together",
			shape.String(args[0]), shape.String(args[1]), shape.String(args[2]))
	}
	return out, nil
}

// matmulShape is numpy's matmul: a vector operand is a row (left) or a
// column (right) whose axis is dropped from the result, and the axes before
// the last two of matrix operands are batch axes, broadcast together.
func matmulShape(_ Attrs, args [][]int) ([]int, error) {
	a, b := args[0], args[1]
	for _, s := range args {
		if len(s) == 0 {
			return nil, fmt.Errorf("scalar operands are not allowed (use mul)")
		}
	}
	ka := a[len(a)-1]
	kb := b[0]
	if len(b) > 1 {
		kb = b[len(b)-2]
	}
	if ka != kb {
		return nil, fmt.Errorf("shapes %s and %s do not align", shape.String(a), shape.String(b))
	}
	var batch []int
	if len(a) > 2 || len(b) > 2 {
		var err error
		if batch, err = batchShape(a, b, 2, 2); err != nil {
			return nil, err
		}
	}
	out := batch
	if len(a) > 1 {
		out = append(out, a[len(a)-2])
	}
	if len(b) > 1 {
		out = append(out, b[len(b)-1])
	}
	return out, nil
}

// batchShape broadcasts the batch axes of two operands, the axes before
// their last ka and kb (those of a vector operand: none).
func batchShape(a, b []int, ka, kb int) ([]int, error) {
	ba, bb := a[:max(len(a)-ka, 0)], b[:max(len(b)-kb, 0)]
	out, err := shape.Broadcast(ba, bb)
	if err != nil {
		return nil, fmt.Errorf("the batch axes of shapes %s and %s do not broadcast together",
			shape.String(a), shape.String(b))
	}
	return out, nil
}

// squareShape is the rule of cholesky and inv: a square matrix, or a batch
// of them.
func squareShape(_ Attrs, args [][]int) ([]int, error) {
	a := args[0]
	if len(a) < 2 || a[len(a)-1] != a[len(a)-2] {
		return nil, fmt.Errorf("the argument must be a square matrix or a batch of them, got shape %s", shape.String(a))
	}
	return clone(a), nil
}

// detShape is the rule of det and logabsdet: one number per square matrix.
func detShape(a Attrs, args [][]int) ([]int, error) {
	if _, err := squareShape(a, args); err != nil {
		return nil, err
	}
	return clone(args[0][:len(args[0])-2]), nil
}

// solveShape is the rule of the solves A x = b: A a square matrix (or a
// batch), b a vector of its size, or a matrix (or a batch) with as many
// rows; batch axes broadcast.
func solveShape(_ Attrs, args [][]int) ([]int, error) {
	a, b := args[0], args[1]
	if len(a) < 2 || a[len(a)-1] != a[len(a)-2] {
		return nil, fmt.Errorf("the matrix must be square (or a batch of square matrices), got shape %s", shape.String(a))
	}
	n := a[len(a)-1]
	if len(b) == 0 {
		return nil, fmt.Errorf("the right-hand side must be a vector or a matrix, got a scalar")
	}
	if len(b) == 1 {
		if b[0] != n {
			return nil, fmt.Errorf("a matrix of shape %s and a right-hand side of shape %s do not align", shape.String(a), shape.String(b))
		}
		if len(a) > 2 {
			return nil, fmt.Errorf("a batch of matrices of shape %s needs matrix right-hand sides (…, %d, k), got a vector of shape %s",
				shape.String(a), n, shape.String(b))
		}
		return clone(b), nil
	}
	if b[len(b)-2] != n {
		return nil, fmt.Errorf("a matrix of shape %s and a right-hand side of shape %s do not align", shape.String(a), shape.String(b))
	}
	batch, err := batchShape(a, b, 2, 2)
	if err != nil {
		return nil, err
	}
	return append(batch, n, b[len(b)-1]), nil
}

// Offset is a's diagonal offset, 0 when absent.
func Offset(a Attrs) int {
	if a.Offset == nil {
		return 0
	}
	return *a.Offset
}

// diagShape: the last axis, of length n, becomes a square matrix of side
// n + |offset| with it on the diagonal.
func diagShape(a Attrs, args [][]int) ([]int, error) {
	v := args[0]
	if len(v) == 0 {
		return nil, errors.New("the argument must be a vector (or a batch of them), got a scalar")
	}
	k := Offset(a)
	n := v[len(v)-1] + max(k, -k)
	return append(clone(v[:len(v)-1]), n, n), nil
}

// DiagLength is the length of the diagonal at offset k of an r×c matrix.
func DiagLength(r, c, k int) int {
	if k >= 0 {
		return max(0, min(r, c-k))
	}
	return max(0, min(r+k, c))
}

// extractDiagShape: the diagonal of the last two axes, as a last axis.
func extractDiagShape(a Attrs, args [][]int) ([]int, error) {
	m := args[0]
	if len(m) < 2 {
		return nil, fmt.Errorf("the argument must be a matrix (or a batch of them), got shape %s", shape.String(m))
	}
	d := DiagLength(m[len(m)-2], m[len(m)-1], Offset(a))
	return append(clone(m[:len(m)-2]), d), nil
}

func gatherShape(a Attrs, args [][]int) ([]int, error) {
	src, idx := args[0], args[1]
	if len(src) == 0 {
		return nil, errors.New("cannot index a scalar")
	}
	ax, err := Axis(a, len(src))
	if err != nil {
		return nil, err
	}
	out := append(clone(src[:ax]), idx...)
	return append(out, src[ax+1:]...), nil
}

func sliceShape(a Attrs, args [][]int) ([]int, error) {
	src := args[0]
	if len(src) == 0 {
		return nil, errors.New("cannot slice a scalar")
	}
	ax, err := Axis(a, len(src))
	if err != nil {
		return nil, err
	}
	_, _, count, err := SliceRange(a, src[ax])
	if err != nil {
		return nil, err
	}
	out := clone(src)
	out[ax] = count
	return out, nil
}

// reduceShape is the rule of sum, mean and logsumexp: along one axis, or
// over the whole array when the axis attribute is absent.
func reduceShape(a Attrs, args [][]int) ([]int, error) {
	src := args[0]
	if a.Axis == nil {
		return []int{}, nil
	}
	ax, err := Axis(a, len(src))
	if err != nil {
		return nil, err
	}
	return append(clone(src[:ax]), src[ax+1:]...), nil
}

func cumsumShape(a Attrs, args [][]int) ([]int, error) {
	src := args[0]
	if len(src) == 0 {
		return nil, errors.New("cannot take the running sum of a scalar")
	}
	if _, err := Axis(a, len(src)); err != nil {
		return nil, err
	}
	return clone(src), nil
}

func stackShape(a Attrs, args [][]int) ([]int, error) {
	first := args[0]
	for i, s := range args[1:] {
		if !shape.Equal(s, first) {
			return nil, fmt.Errorf("all arguments must have the same shape, but argument 1 has shape %s and argument %d has shape %s",
				shape.String(first), i+2, shape.String(s))
		}
	}
	ax, err := Axis(a, len(first)+1)
	if err != nil {
		return nil, err
	}
	out := append(clone(first[:ax]), len(args))
	return append(out, first[ax:]...), nil
}

func concatShape(a Attrs, args [][]int) ([]int, error) {
	first := args[0]
	if len(first) == 0 {
		return nil, fmt.Errorf("cannot concatenate scalars (use stack)")
	}
	ax, err := Axis(a, len(first))
	if err != nil {
		return nil, err
	}
	out := clone(first)
	for i, s := range args[1:] {
		ok := len(s) == len(first)
		for d := 0; ok && d < len(s); d++ {
			ok = d == ax || s[d] == first[d]
		}
		if !ok {
			return nil, fmt.Errorf("argument 1 has shape %s and argument %d has shape %s, which differ on an axis other than %d",
				shape.String(first), i+2, shape.String(s), ax)
		}
		out[ax] += s[ax]
	}
	return out, nil
}

// reshapeShape resolves the target shape. A missing shape means the scalar
// shape (): the JSON form drops an empty list, so the two must agree.
func reshapeShape(a Attrs, args [][]int) ([]int, error) {
	src := args[0]
	out := clone(a.Shape)
	unknown, known := -1, 1
	for i, d := range out {
		switch {
		case d == -1 && unknown >= 0:
			return nil, errors.New("only one dimension can be -1")
		case d == -1:
			unknown = i
		case d < 0:
			return nil, fmt.Errorf("invalid dimension %d in shape %s", d, shape.String(a.Shape))
		default:
			known *= d
		}
	}
	n := shape.Size(src)
	if unknown >= 0 {
		if known == 0 || n%known != 0 {
			return nil, fmt.Errorf("cannot reshape an array of shape %s into shape %s", shape.String(src), shape.String(a.Shape))
		}
		out[unknown] = n / known
	}
	if shape.Size(out) != n {
		return nil, fmt.Errorf("cannot reshape an array of shape %s into shape %s", shape.String(src), shape.String(out))
	}
	return out, nil
}

func transposeShape(a Attrs, args [][]int) ([]int, error) {
	perm, err := Perm(a, len(args[0]))
	if err != nil {
		return nil, err
	}
	out := make([]int, len(perm))
	for i, ax := range perm {
		out[i] = args[0][ax]
	}
	return out, nil
}

// scatterShape is the rule of scatter and scatter_add (x, index, y): the
// result is x's shape; index holds flat positions into x, and y broadcasts
// to index's shape.
func scatterShape(_ Attrs, args [][]int) ([]int, error) {
	x, idx, y := args[0], args[1], args[2]
	if !shape.BroadcastsTo(y, idx) {
		return nil, fmt.Errorf("values of shape %s do not broadcast to the index's shape %s", shape.String(y), shape.String(idx))
	}
	if len(idx) > 0 && shape.Size(idx) > 0 && shape.Size(x) == 0 {
		return nil, fmt.Errorf("cannot index into an empty array of shape %s", shape.String(x))
	}
	return clone(x), nil
}
