package ops

import (
	"fmt"
	"sort"

	"github.com/exmc/exmc/core/shape"
)

// Attrs are the optional attributes of an op, as in the JSON form
// (docs/model-format.md).
type Attrs struct {
	Axis  *int  `json:"axis,omitempty"`
	Start *int  `json:"start,omitempty"`
	Stop  *int  `json:"stop,omitempty"`
	Step  *int  `json:"step,omitempty"`
	Shape []int `json:"shape,omitempty"`
	Perm  []int `json:"perm,omitempty"`
	// Offset is a diagonal's: 0 the main one, k > 0 the k-th above it,
	// k < 0 below (diag, extract_diag).
	Offset *int `json:"offset,omitempty"`
	// Lower says which triangle of a triangular matrix is read: the lower
	// one when true, else (by default, as in scipy) the upper one; Trans
	// solves with the matrix's transpose (solve_triangular).
	Lower *bool `json:"lower,omitempty"`
	Trans *bool `json:"trans,omitempty"`
}

// attrSet lists the attributes an op reads, so that a misspelt or misplaced
// attribute in a model is reported instead of silently ignored.
type attrSet uint16

const (
	attrAxis attrSet = 1 << iota
	attrStart
	attrStop
	attrStep
	attrShape
	attrPerm
	attrOffset
	attrLower
	attrTrans
)

var attrNames = []struct {
	bit  attrSet
	name string
}{
	{attrAxis, "axis"}, {attrStart, "start"}, {attrStop, "stop"},
	{attrStep, "step"}, {attrShape, "shape"}, {attrPerm, "perm"},
	{attrOffset, "offset"}, {attrLower, "lower"}, {attrTrans, "trans"},
}

func (a *Attrs) present() attrSet {
	var s attrSet
	if a.Axis != nil {
		s |= attrAxis
	}
	if a.Start != nil {
		s |= attrStart
	}
	if a.Stop != nil {
		s |= attrStop
	}
	if a.Step != nil {
		s |= attrStep
	}
	if a.Shape != nil {
		s |= attrShape
	}
	if a.Perm != nil {
		s |= attrPerm
	}
	if a.Offset != nil {
		s |= attrOffset
	}
	if a.Lower != nil {
		s |= attrLower
	}
	if a.Trans != nil {
		s |= attrTrans
	}
	return s
}

// op is one word of the vocabulary. infer may assume that the argument
// count and the attributes have been checked against the entry.
type op struct {
	minArgs, maxArgs int // maxArgs < 0: no upper bound
	attrs            attrSet
	infer            func(a Attrs, args [][]int) ([]int, error)
}

func elementwise(n int) op { return op{minArgs: n, maxArgs: n, infer: broadcastShape} }

func unary() op { return op{minArgs: 1, maxArgs: 1, infer: sameShape} }

// vocabulary is every op a model may use. Adding an op means writing its
// shape rule here and its kernel in core/expr.
var vocabulary = map[string]op{
	"add":     elementwise(2),
	"sub":     elementwise(2),
	"mul":     elementwise(2),
	"div":     elementwise(2),
	"pow":     elementwise(2),
	"maximum": elementwise(2),
	"minimum": elementwise(2),

	"logaddexp": elementwise(2),
	"betaln":    elementwise(2),

	"neg":      unary(),
	"exp":      unary(),
	"log":      unary(),
	"log1p":    unary(),
	"expm1":    unary(),
	"sqrt":     unary(),
	"square":   unary(),
	"abs":      unary(),
	"sigmoid":  unary(),
	"softplus": unary(),
	"logit":    unary(),
	"tanh":     unary(),
	"erf":      unary(),
	"gammaln":  unary(),
	"erfc":     unary(),
	"erfcx":    unary(),
	"log_ndtr": unary(),
	"digamma":  unary(),
	"sin":      unary(),
	"cos":      unary(),
	"floor":    unary(),
	"ceil":     unary(),
	"round":    unary(),

	"gt":  elementwise(2),
	"ge":  elementwise(2),
	"lt":  elementwise(2),
	"le":  elementwise(2),
	"eq":  elementwise(2),
	"neq": elementwise(2),

	"switch": {minArgs: 3, maxArgs: 3, infer: switchShape},

	"matmul":      {minArgs: 2, maxArgs: 2, infer: matmulShape},
	"gather":      {minArgs: 2, maxArgs: 2, attrs: attrAxis, infer: gatherShape},
	"slice":       {minArgs: 1, maxArgs: 1, attrs: attrAxis | attrStart | attrStop | attrStep, infer: sliceShape},
	"sum":         {minArgs: 1, maxArgs: 1, attrs: attrAxis, infer: reduceShape},
	"mean":        {minArgs: 1, maxArgs: 1, attrs: attrAxis, infer: reduceShape},
	"prod":        {minArgs: 1, maxArgs: 1, attrs: attrAxis, infer: reduceShape},
	"logsumexp":   {minArgs: 1, maxArgs: 1, attrs: attrAxis, infer: reduceShape},
	"cumsum":      {minArgs: 1, maxArgs: 1, attrs: attrAxis, infer: cumsumShape},
	"cumprod":     {minArgs: 1, maxArgs: 1, attrs: attrAxis, infer: cumsumShape},
	"stack":       {minArgs: 1, maxArgs: -1, attrs: attrAxis, infer: stackShape},
	"concatenate": {minArgs: 1, maxArgs: -1, attrs: attrAxis, infer: concatShape},
	"reshape":     {minArgs: 1, maxArgs: 1, attrs: attrShape, infer: reshapeShape},
	"transpose":   {minArgs: 1, maxArgs: 1, attrs: attrPerm, infer: transposeShape},

	"cholesky":         {minArgs: 1, maxArgs: 1, infer: squareShape},
	"solve_triangular": {minArgs: 2, maxArgs: 2, attrs: attrLower | attrTrans, infer: solveShape},
	"diag":             {minArgs: 1, maxArgs: 1, attrs: attrOffset, infer: diagShape},
	"extract_diag":     {minArgs: 1, maxArgs: 1, attrs: attrOffset, infer: extractDiagShape},

	"solve":     {minArgs: 2, maxArgs: 2, infer: solveShape},
	"inv":       {minArgs: 1, maxArgs: 1, infer: squareShape},
	"det":       {minArgs: 1, maxArgs: 1, infer: detShape},
	"logabsdet": {minArgs: 1, maxArgs: 1, infer: detShape},

	"scatter":     {minArgs: 3, maxArgs: 3, infer: scatterShape},
	"scatter_add": {minArgs: 3, maxArgs: 3, infer: scatterShape},
}

// Known reports whether name is an op of the vocabulary.
func Known(name string) bool {
	_, ok := vocabulary[name]
	return ok
}

// Names returns the name of every op, sorted.
func Names() []string {
	names := make([]string, 0, len(vocabulary))
	for n := range vocabulary {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Check checks the argument count and the attributes of op, which are the
// same for every shape.
func Check(name string, attrs Attrs, nargs int) error {
	_, err := lookup(name, attrs, nargs)
	return err
}

// InferShape returns the result shape of op applied to arguments of the
// given shapes, or an error saying what is wrong in words a user
// understands. For gather the index values are not known here, so the
// result shape uses the index array's shape, and range errors wait for the
// values.
func InferShape(name string, attrs Attrs, args [][]int) ([]int, error) {
	d, err := lookup(name, attrs, len(args))
	if err != nil {
		return nil, err
	}
	for i, s := range args {
		for _, n := range s {
			if n < 0 {
				return nil, fmt.Errorf("%s: argument %d has the invalid shape %s", name, i+1, shape.String(s))
			}
		}
	}
	out, err := d.infer(attrs, args)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return out, nil
}

func lookup(name string, attrs Attrs, nargs int) (op, error) {
	d, ok := vocabulary[name]
	if !ok {
		return d, fmt.Errorf("unknown op %q", name)
	}
	if nargs < d.minArgs || (d.maxArgs >= 0 && nargs > d.maxArgs) {
		switch {
		case d.minArgs == d.maxArgs:
			return d, fmt.Errorf("%s takes %s, got %d", name, plural(d.minArgs, "argument"), nargs)
		case d.maxArgs < 0:
			return d, fmt.Errorf("%s takes at least %s, got %d", name, plural(d.minArgs, "argument"), nargs)
		default:
			return d, fmt.Errorf("%s takes %d to %d arguments, got %d", name, d.minArgs, d.maxArgs, nargs)
		}
	}
	if extra := attrs.present() &^ d.attrs; extra != 0 {
		for _, a := range attrNames {
			if extra&a.bit != 0 {
				return d, fmt.Errorf("%s does not take the attribute %q", name, a.name)
			}
		}
	}
	return d, nil
}

func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}
