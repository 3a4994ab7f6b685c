package dist

import (
	"fmt"

	"github.com/exmc/exmc/core/fastmath"
	"github.com/exmc/exmc/core/shape"
)

// Term is the fused log-density of one node: a single loop over the
// elements of the value, reading each parameter broadcast to the value's
// shape. It implements expr.Kernel with one output, the summed log-density.
// in[0] is the value, in[1+i] parameter i in Variant.Params order, followed
// by the logarithms of parameters given with GiveLog.
//
// A Term is immutable once set up (NewTerm, then SetConstants, GiveLog and
// GiveLogValue) and holds no scratch space, so one Term may serve any
// number of goroutines at once.
type Term struct {
	v       *Variant
	f       form
	k       Kernel
	loop    loop // the loop Forward and ForwardGrad run
	value   []int
	n       int         // elements in the value
	maps    []shape.Map // one per parameter
	scalars []int       // parameters read once per call
	// scalarBits has bit i set for each parameter i in scalars
	scalarBits uint8
	varying    []int      // parameters read per element
	steps      int        // random walk: length of the last axis
	comps      int        // Components layout: length of the component axis (maps index value+[comps], or value for a per-element parameter)
	ev         *eventTerm // the Event layout's geometry, nil for the others
	// mv: MvNormal's and MvStudentT's rows, evaluated together (events
	// runs it in place of its loop over events)
	mv *mvSpec
	// constScale[i] holds log(p[i]) and 1/p[i] for a parameter that is a
	// positive scalar constant (constLogOK bit i), so that a hot loop need
	// not take them
	constScale [maxParams]scale
	constLogOK uint8
	// For a parameter that is a constant array of positive values,
	// constLogs[i], constInvs[i] and constInv2s[i] hold log(p), 1/p and
	// 1/p^2 element by element, and constLogSum[i] the sum of the
	// logarithms over the value's elements, as p is broadcast to it; nil
	// and 0 otherwise
	constLogs   [maxParams][]float64
	constInvs   [maxParams][]float64
	constInv2s  [maxParams][]float64
	constLogSum [maxParams]float64
	// logIn[i] is the input holding log(p[i]), 0 when none does; logOnly
	// bit i: in[1+i] holds log(p[i]) in place of p[i] (logIn[i] = 1+i),
	// and the gradient of parameter i goes to its logarithm
	logIn   [maxParams]uint8
	logOnly uint8
	// valueLog: in[0] holds y = log(x) in place of the value x, and the
	// log-density is y's, log-Jacobian included (GiveLogValue)
	valueLog bool
	nin      int // inputs: the value, the parameters, the extra logarithms
}

// NewTerm builds the Term of variant v for a value of shape value and
// parameters of the given shapes, which must broadcast to value. The
// parameters of a Vector distribution must be scalars.
func NewTerm(v *Variant, value []int, params [][]int) (*Term, error) {
	return NewTermConst(v, value, params, nil)
}

// NewTermConst is NewTerm followed by SetConstants(consts): consts[i]
// holds parameter i's values when it is a constant, nil otherwise. A
// static parameter (Param.Static) must be a constant.
func NewTermConst(v *Variant, value []int, params [][]int, consts [][]float64) (*Term, error) {
	name := v.Dist.Name
	if len(params) != len(v.Params) {
		return nil, fmt.Errorf("%s: %d parameter shapes given, want %d", name, len(params), len(v.Params))
	}
	t := &Term{v: v, f: v.form, k: v.kernel, value: append([]int{}, value...), n: shape.Size(value), nin: 1 + len(params)}
	if v.Dist.Layout == Event {
		if err := t.initEvent(params, consts); err != nil {
			return nil, err
		}
		if err := t.mvInit(params, consts); err != nil {
			return nil, err
		}
		return t, nil
	}
	t, err := t.initElements(params)
	if err == nil && consts != nil {
		t.SetConstants(consts)
	}
	return t, err
}

// initElements sets up a Term of a layout other than Event.
func (t *Term) initElements(params [][]int) (*Term, error) {
	v, name, value := t.v, t.v.Dist.Name, t.value
	if v.Dist.Components {
		if err := t.initComponents(params); err != nil {
			return nil, err
		}
		t.loop = lMixture
		return t, nil
	}
	if v.Dist.Vector {
		if len(value) == 0 {
			return nil, fmt.Errorf("%s: the value must have at least one axis, got shape ()", name)
		}
		t.steps = value[len(value)-1]
		for i, ps := range params {
			if shape.Size(ps) != 1 {
				return nil, fmt.Errorf("%s: parameter %q must be a scalar, got shape %s",
					name, v.Params[i], shape.String(ps))
			}
		}
	}
	for i, ps := range params {
		m, err := shape.NewMap(ps, value)
		if err != nil {
			return nil, fmt.Errorf("%s: parameter %q of shape %s does not broadcast to the value's shape %s",
				name, v.Params[i], shape.String(ps), shape.String(value))
		}
		t.maps = append(t.maps, m)
		if m.Kind == shape.Scalar {
			t.scalars = append(t.scalars, i)
			t.scalarBits |= 1 << i
		} else {
			t.varying = append(t.varying, i)
		}
	}
	t.loop = t.chooseLoop()
	return t, nil
}

// Variant is the parameter set the Term evaluates.
func (t *Term) Variant() *Variant { return t.v }

// Shape is the value's shape.
func (t *Term) Shape() []int { return t.value }

// Forward writes the summed log-density into out[0].
func (t *Term) Forward(in [][]float64, out []float64) {
	switch t.loop {
	case lGeneric:
	case lMixture:
		out[0] = t.compForward(in, nil)
		return
	case lEvent:
		out[0] = t.events(in, nil, nil, 0)
		return
	default:
		var none [1 + 2*maxParams][]float64
		t.ForwardGrad(in, out, none[:len(in)])
		return
	}
	var pb Args
	p := pb[:len(t.maps)]
	t.readScalars(in, p)
	s := 0.0
	for k, x := range in[0][:t.n] {
		t.readVarying(in, p, k)
		if t.valueLog {
			y := x
			x = fastmath.Exp(x)
			s += y
		}
		lp, _, _ := logp(t.k, x, pb, 0)
		s += lp
	}
	out[0] = s
}

// readScalars reads the parameters that are the same for every element,
// readVarying those of element k.
func (t *Term) readScalars(in [][]float64, p []float64) {
	for _, i := range t.scalars {
		p[i] = in[1+i][0]
	}
	t.fromLogs(p, t.scalarBits)
}

func (t *Term) readVarying(in [][]float64, p []float64, k int) {
	for _, i := range t.varying {
		p[i] = in[1+i][t.maps[i].At(k)]
	}
	if t.logOnly&^t.scalarBits != 0 {
		t.fromLogs(p, ^t.scalarBits)
	}
}

// Pointwise writes the log-density of each element: out[k] for element k
// (the per-observation log-likelihood); for the Event layout, of each
// event (PointShape).
func (t *Term) Pointwise(in [][]float64, out []float64) {
	if t.ev != nil {
		t.events(in, out[:t.ev.batch], nil, 0)
		return
	}
	switch {
	case t.f == fWalk:
		t.walk(in, out[:t.n], nil, 0)
		return
	case t.loop == lMixture:
		t.compForward(in, out[:t.n])
		return
	}
	var pb Args
	p := pb[:len(t.maps)]
	t.readScalars(in, p)
	for k, x := range in[0][:t.n] {
		t.readVarying(in, p, k)
		var jac float64
		if t.valueLog {
			jac, x = x, fastmath.Exp(x)
		}
		lp, _, _ := logp(t.k, x, pb, 0)
		out[k] = lp + jac
	}
}

// Backward adds gout[0] times the gradient of the summed log-density into
// gin[0] (the value) and gin[1+i] (parameter i), skipping nil entries.
func (t *Term) Backward(in [][]float64, out, gout []float64, gin [][]float64) {
	g := gout[0]
	if t.ev != nil {
		t.events(in, nil, gin, g)
		return
	}
	switch {
	case t.f == fWalk:
		t.walk(in, nil, gin, g)
		return
	case t.f == fNormal:
		t.normalBackward(in, g, gin)
		return
	case t.loop == lMixture:
		t.compBackward(in, g, gin)
		return
	}
	need := t.needed(gin)
	gx := gin[0]
	if need == 0 && gx == nil {
		return
	}
	var pb, db, acc Args
	p, dp := pb[:len(t.maps)], db[:len(t.maps)]
	t.readScalars(in, p)
	for k, x := range in[0][:t.n] {
		t.readVarying(in, p, k)
		if t.valueLog {
			x = fastmath.Exp(x)
		}
		_, dx, d := logp(t.k, x, pb, need)
		db = d
		if gx != nil {
			if t.valueLog {
				dx = dx*x + 1
			}
			gx[k] += g * dx
		}
		if need == 0 {
			continue
		}
		t.toLogScale(p, dp, need)
		t.addParamGrads(need, k, g, dp, &acc, gin)
	}
	for _, i := range t.scalars {
		if need&(1<<i) != 0 {
			gin[1+i][0] += g * acc[i]
		}
	}
}

// addParamGrads adds element k's parameter derivatives dp, times the
// adjoint g, to gin: scalar parameters into acc (unscaled, for the caller
// to add once after the loop), the others at the element they read.
func (t *Term) addParamGrads(need uint8, k int, g float64, dp []float64, acc *Args, gin [][]float64) {
	for i := range t.maps {
		if need&(1<<i) == 0 {
			continue
		}
		switch m := &t.maps[i]; m.Kind {
		case shape.Scalar:
			acc[i] += dp[i]
		case shape.Full:
			gin[1+i][k] += g * dp[i]
		default:
			gin[1+i][m.Index[k]] += g * dp[i]
		}
	}
}

// needed has bit i set when gin asks for the gradient of parameter i.
func (t *Term) needed(gin [][]float64) uint8 {
	var need uint8
	for i := range t.maps {
		if gin[1+i] != nil {
			need |= 1 << i
		}
	}
	return need
}
