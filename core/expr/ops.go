package expr

import (
	"fmt"
	"sort"

	"github.com/exmc/exmc/core/shape"
)

// Attrs are the optional attributes of an op, as in the JSON form (model-format.md).
type Attrs struct {
	Axis  *int  `json:"axis,omitempty"`
	Start *int  `json:"start,omitempty"`
	Stop  *int  `json:"stop,omitempty"`
	Step  *int  `json:"step,omitempty"`
	Shape []int `json:"shape,omitempty"`
	Perm  []int `json:"perm,omitempty"`
}

// attrSet lists the attributes an op reads, so that a misspelt or misplaced
// attribute in a model is reported instead of silently ignored.
type attrSet uint8

const (
	attrAxis attrSet = 1 << iota
	attrStart
	attrStop
	attrStep
	attrShape
	attrPerm
)

var attrNames = []struct {
	bit  attrSet
	name string
}{
	{attrAxis, "axis"}, {attrStart, "start"}, {attrStop, "stop"},
	{attrStep, "step"}, {attrShape, "shape"}, {attrPerm, "perm"},
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
	return s
}

// opDef is one entry of the catalogue. infer and build may assume the
// argument count and attributes have been checked against the entry, and
// build may assume infer accepted the shapes and returned out.
type opDef struct {
	minArgs, maxArgs int // maxArgs < 0: no upper bound
	attrs            attrSet
	infer            func(a Attrs, args [][]int) ([]int, error)
	build            func(p *Program, a Attrs, args []Slot, shapes [][]int, out []int) (Kernel, error)
	// view, when set, reports whether the result is the elements off,
	// off+1, ... of the argument in order: then it is a View, which costs
	// no instruction and no copy.
	view func(a Attrs, shapes [][]int, out []int) (off int, ok bool)
}

// catalogue is every op a model may use. Adding an op means writing its
// shape rule and kernel and listing it here.
var catalogue = map[string]opDef{
	"add":     binaryOp(binAdd),
	"sub":     binaryOp(binSub),
	"mul":     binaryOp(binMul),
	"div":     binaryOp(binDiv),
	"pow":     binaryOp(binPow),
	"maximum": binaryOp(binMax),
	"minimum": binaryOp(binMin),

	"neg":      unaryOp(unNeg),
	"exp":      unaryOp(unExp),
	"log":      unaryOp(unLog),
	"log1p":    unaryOp(unLog1p),
	"expm1":    unaryOp(unExpm1),
	"sqrt":     unaryOp(unSqrt),
	"square":   unaryOp(unSquare),
	"abs":      unaryOp(unAbs),
	"sigmoid":  unaryOp(unSigmoid),
	"softplus": unaryOp(unSoftplus),
	"logit":    unaryOp(unLogit),
	"tanh":     unaryOp(unTanh),
	"erf":      unaryOp(unErf),
	"gammaln":  gammalnOp(),

	"gt":  compareOp(cmpGt),
	"ge":  compareOp(cmpGe),
	"lt":  compareOp(cmpLt),
	"le":  compareOp(cmpLe),
	"eq":  compareOp(cmpEq),
	"neq": compareOp(cmpNeq),

	"switch": {minArgs: 3, maxArgs: 3, infer: switchShape, build: buildSwitch},

	"matmul": {minArgs: 2, maxArgs: 2, infer: matmulShape, build: buildMatmul},
	"gather": {minArgs: 2, maxArgs: 2, attrs: attrAxis, infer: gatherShape, build: buildGather},
	"slice": {minArgs: 1, maxArgs: 1, attrs: attrAxis | attrStart | attrStop | attrStep,
		infer: sliceShape, build: buildSlice, view: sliceView},
	"sum":         {minArgs: 1, maxArgs: 1, attrs: attrAxis, infer: reduceShape, build: buildReduce(false)},
	"mean":        {minArgs: 1, maxArgs: 1, attrs: attrAxis, infer: reduceShape, build: buildReduce(true)},
	"logsumexp":   {minArgs: 1, maxArgs: 1, attrs: attrAxis, infer: reduceShape, build: buildLogsumexp},
	"cumsum":      {minArgs: 1, maxArgs: 1, attrs: attrAxis, infer: cumsumShape, build: buildCumsum},
	"stack":       {minArgs: 1, maxArgs: -1, attrs: attrAxis, infer: stackShape, build: buildStack},
	"concatenate": {minArgs: 1, maxArgs: -1, attrs: attrAxis, infer: concatShape, build: buildConcat},
	"reshape": {minArgs: 1, maxArgs: 1, attrs: attrShape, infer: reshapeShape, build: buildCopy,
		view: func(Attrs, [][]int, []int) (int, bool) { return 0, true }},
	"transpose": {minArgs: 1, maxArgs: 1, attrs: attrPerm, infer: transposeShape, build: buildTranspose},
}

// IsOp reports whether name is an op of the catalogue.
func IsOp(name string) bool {
	_, ok := catalogue[name]
	return ok
}

// OpNames returns the names of every op, sorted.
func OpNames() []string {
	names := make([]string, 0, len(catalogue))
	for n := range catalogue {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// InferShape returns the result shape of op applied to arguments of the
// given shapes, or an error saying what is wrong in words a user
// understands. For gather the index values are not known here, so the
// result shape uses the index array's shape and range errors wait for Apply.
func InferShape(op string, attrs Attrs, args [][]int) ([]int, error) {
	d, err := lookup(op, attrs, len(args))
	if err != nil {
		return nil, err
	}
	for i, s := range args {
		for _, n := range s {
			if n < 0 {
				return nil, fmt.Errorf("%s: argument %d has the invalid shape %s", op, i+1, shape.String(s))
			}
		}
	}
	out, err := d.infer(attrs, args)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	return out, nil
}

// Apply appends the kernel(s) for op to the program and returns the result slot.
func Apply(p *Program, op string, attrs Attrs, args ...Slot) (Slot, error) {
	if p.frozen {
		return -1, fmt.Errorf("%s: the program is frozen", op)
	}
	shapes := make([][]int, len(args))
	for i, s := range args {
		if s < 0 || int(s) >= len(p.slots) {
			return -1, fmt.Errorf("%s: argument %d is not a slot of this program", op, i+1)
		}
		shapes[i] = p.Shape(s)
	}
	out, err := InferShape(op, attrs, shapes)
	if err != nil {
		return -1, err
	}
	d := catalogue[op]
	if d.view != nil && p.slots[args[0]].constant == nil {
		if off, ok := d.view(attrs, shapes, out); ok {
			return p.View(args[0], off, out), nil
		}
	}
	k, err := d.build(p, attrs, args, shapes, out)
	if err != nil {
		return -1, fmt.Errorf("%s: %w", op, err)
	}
	return p.Apply(k, out, args...), nil
}

// Eval is a convenience for tests and for constant folding: run op on
// constant arrays. It returns the result's values and shape.
func Eval(op string, attrs Attrs, args [][]float64, shapes [][]int) ([]float64, []int, error) {
	if len(args) != len(shapes) {
		return nil, nil, fmt.Errorf("%s: %d arguments but %d shapes", op, len(args), len(shapes))
	}
	if _, err := lookup(op, attrs, len(args)); err != nil {
		return nil, nil, err
	}
	var p Program
	slots := make([]Slot, len(args))
	for i := range args {
		for _, n := range shapes[i] {
			if n < 0 {
				return nil, nil, fmt.Errorf("%s: argument %d has the invalid shape %s", op, i+1, shape.String(shapes[i]))
			}
		}
		if len(args[i]) != shape.Size(shapes[i]) {
			return nil, nil, fmt.Errorf("%s: argument %d has %d values for shape %s",
				op, i+1, len(args[i]), shape.String(shapes[i]))
		}
		slots[i] = p.Const(shapes[i], args[i])
	}
	out, err := Apply(&p, op, attrs, slots...)
	if err != nil {
		return nil, nil, err
	}
	p.Freeze()
	m := p.NewMachine()
	m.Forward()
	v := make([]float64, len(m.Value(out)))
	copy(v, m.Value(out))
	return v, clone(p.Shape(out)), nil
}

// lookup finds op and checks the argument count and attributes, which are
// the same for every shape.
func lookup(op string, attrs Attrs, nargs int) (opDef, error) {
	d, ok := catalogue[op]
	if !ok {
		return d, fmt.Errorf("unknown op %q", op)
	}
	if nargs < d.minArgs || (d.maxArgs >= 0 && nargs > d.maxArgs) {
		switch {
		case d.minArgs == d.maxArgs:
			return d, fmt.Errorf("%s takes %s, got %d", op, plural(d.minArgs, "argument"), nargs)
		case d.maxArgs < 0:
			return d, fmt.Errorf("%s takes at least %s, got %d", op, plural(d.minArgs, "argument"), nargs)
		default:
			return d, fmt.Errorf("%s takes %d to %d arguments, got %d", op, d.minArgs, d.maxArgs, nargs)
		}
	}
	if extra := attrs.present() &^ d.attrs; extra != 0 {
		for _, a := range attrNames {
			if extra&a.bit != 0 {
				return d, fmt.Errorf("%s does not take the attribute %q", op, a.name)
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
