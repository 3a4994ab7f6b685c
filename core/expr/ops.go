package expr

import (
	"fmt"

	"github.com/exmc/exmc/core/ops"
	"github.com/exmc/exmc/core/shape"
)

// Attrs are an op's attributes; the vocabulary (core/ops) defines them.
type Attrs = ops.Attrs

func init() {
	ops.SetEvaluator(Eval)
}

// kernelDef is how the machine lays out one op of the vocabulary (core/ops).
// build may assume that ops.InferShape accepted the arguments and returned
// out.
type kernelDef struct {
	build func(p *Program, a Attrs, args []Slot, shapes [][]int, out []int) (Kernel, error)
	// view, when set, reports whether the result is the elements off,
	// off+1, ... of the argument in order: then it is a View, which costs
	// no instruction and no copy.
	view func(a Attrs, shapes [][]int, out []int) (off int, ok bool)
	// scratch, when set, is how many values of working space the kernel
	// needs: Apply gives it a Scratch slot of that size as its last input.
	scratch func(a Attrs, shapes [][]int, out []int) int
}

// kernels holds a kernel for every op of the vocabulary, and for nothing
// else (TestKernelsCoverTheVocabulary).
var kernels = map[string]kernelDef{
	"add":     binaryOp(binAdd),
	"sub":     binaryOp(binSub),
	"mul":     binaryOp(binMul),
	"div":     binaryOp(binDiv),
	"pow":     binaryOp(binPow),
	"maximum": binaryOp(binMax),
	"minimum": binaryOp(binMin),

	"logaddexp": binaryOp(binLogaddexp),
	"betaln":    binaryOp(binBetaln),

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
	"erfc":     unaryOp(unErfc),
	"erfcx":    unaryOp(unErfcx),
	"log_ndtr": unaryOp(unLogNdtr),
	"digamma":  unaryOp(unDigamma),
	"sin":      unaryOp(unSin),
	"cos":      unaryOp(unCos),
	"floor":    unaryOp(unFloor),
	"ceil":     unaryOp(unCeil),
	"round":    unaryOp(unRound),

	"gt":  compareOp(cmpGt),
	"ge":  compareOp(cmpGe),
	"lt":  compareOp(cmpLt),
	"le":  compareOp(cmpLe),
	"eq":  compareOp(cmpEq),
	"neq": compareOp(cmpNeq),

	"switch": {build: buildSwitch},

	"matmul":      {build: buildMatmul},
	"gather":      {build: buildGather},
	"slice":       {build: buildSlice, view: sliceView},
	"sum":         {build: buildReduce(false)},
	"mean":        {build: buildReduce(true)},
	"prod":        {build: buildProd, scratch: prodScratch},
	"logsumexp":   {build: buildLogsumexp},
	"cumsum":      {build: buildCumsum},
	"cumprod":     {build: buildCumprod},
	"stack":       {build: buildStack},
	"concatenate": {build: buildConcat},
	"reshape": {build: buildCopy,
		view: func(Attrs, [][]int, []int) (int, bool) { return 0, true }},
	"transpose": {build: buildTranspose},

	"cholesky":         {build: buildCholesky, scratch: choleskyScratch},
	"solve_triangular": {build: buildSolveTriangular, scratch: solveScratch},
	"diag":             {build: buildDiag},
	"extract_diag":     {build: buildExtractDiag},
	"solve":            {build: buildLU(luSolve), scratch: luScratch(luSolve)},
	"inv":              {build: buildLU(luInv), scratch: luScratch(luInv)},
	"det":              {build: buildLU(luDet), scratch: luScratch(luDet)},
	"logabsdet":        {build: buildLU(luLogAbsDet), scratch: luScratch(luLogAbsDet)},
	"scatter":          {build: buildScatter(false)},
	"scatter_add":      {build: buildScatter(true)},
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
	out, err := ops.InferShape(op, attrs, shapes)
	if err != nil {
		return -1, err
	}
	d, ok := kernels[op]
	if !ok {
		return -1, fmt.Errorf("%s: the op has no kernel (a bug)", op)
	}
	if d.view != nil && p.slots[args[0]].constant == nil {
		if off, ok := d.view(attrs, shapes, out); ok {
			return p.View(args[0], off, out), nil
		}
	}
	k, err := d.build(p, attrs, args, shapes, out)
	if err != nil {
		return -1, fmt.Errorf("%s: %w", op, err)
	}
	if d.scratch != nil {
		args = append(args[:len(args):len(args)], p.Scratch(d.scratch(attrs, shapes, out)))
	}
	return p.Apply(k, out, args...), nil
}

// Eval runs op on constant arrays: the evaluator of constant folding
// (ops.Eval), and a convenience for tests. It returns the result's values
// and shape.
func Eval(op string, attrs Attrs, args [][]float64, shapes [][]int) ([]float64, []int, error) {
	if len(args) != len(shapes) {
		return nil, nil, fmt.Errorf("%s: %d arguments but %d shapes", op, len(args), len(shapes))
	}
	if err := ops.Check(op, attrs, len(args)); err != nil {
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
