package dist

import (
	"fmt"
	"math/rand/v2"

	"github.com/exmc/exmc/core/shape"
)

// The Event layout (docs/DECISIONS.md, 46). A multivariate distribution's
// value ends in its event axes (Dirichlet's last axis, the simplex; the
// last two of a matrix); the axes before them are batch axes, each batch
// index one independent event. Each parameter has its own number of event
// axes (Param.EventDims: Dirichlet's a one, a covariance two, Multinomial's
// n none), and its leading axes broadcast, as numpy's do, to the value's
// batch axes. The density is one per event, computed by an EventKernel
// over flat row-major slices of one event of the value and of each
// parameter. A free variable's default transform may change the number of
// coordinates (PyMC's simplex takes K-1 to K values): core/transform says
// by how much, core/compile lays the unconstrained block out at that size.

// EventArgs holds one event of each parameter, in a variant's order: a
// flat row-major slice of the parameter's event axes. Kernels take it by
// value, so that an interface call allocates nothing.
type EventArgs [maxParams][]float64

// Geometry is the fixed geometry of one event, set when a Term is built.
type Geometry struct {
	Value  []int    // the value's event shape
	Params [][]int  // each parameter's event shape, in Variant.Params order
	Static Args     // the static parameters' values (0 for the others)
	Names  []string // the variant's parameters, in its order
	N      int      // values in one event of the value
}

// EventKernel is the density of one event of an Event distribution.
type EventKernel interface {
	// Shape checks the event shapes and returns the value's. params[i] is
	// parameter i's event shape (its last EventDims axes), static the
	// static parameters' values; value is the value's event shape when the
	// node gives one (its shape, or its observed data), nil when the
	// parameters are to say it. The error says what does not fit.
	Shape(value []int, params [][]int, static Args) ([]int, error)
	// Logp returns the log-density of one event x with parameters p, and
	// adds g times its gradient into gx and gp[i], skipping nil entries.
	// Outside the support, or with invalid parameters, it returns -Inf
	// and adds nothing. scratch holds Scratch(e) values of working space.
	Logp(e *Geometry, x []float64, p EventArgs, g float64, gx []float64, gp EventArgs, scratch []float64) float64
	// Scratch is the working space Logp needs, in values.
	Scratch(e *Geometry) int
	// Random draws one event into out, or says which parameter is invalid.
	Random(e *Geometry, p EventArgs, r *rand.Rand, out []float64) error
	// InSupport reports whether x is an event of the support, p[i] nil for
	// a parameter that is not known (not a constant).
	InSupport(e *Geometry, x []float64, p EventArgs) bool
}

// ValueDims is the number of event axes of d's value, static holding the
// static parameters' values in v's order; 0 for a layout other than Event.
func (v *Variant) ValueDims(static Args) int {
	d := v.Dist
	if d.Layout != Event {
		return 0
	}
	if d.valueDimsParam != "" {
		return int(static[v.ParamIndex(d.valueDimsParam)])
	}
	return d.valueDims
}

// IsStatic reports whether parameter i of v is static (Param.Static).
func (v *Variant) IsStatic(i int) bool { return v.static != nil && v.static[i] }

// EventDims is the number of event axes of parameter i of v.
func (v *Variant) EventDims(i int) int {
	if v.eventDims == nil {
		return 0
	}
	return v.eventDims[i]
}

// StaticArgs reads the static parameters of v from consts (the values of
// each parameter that is a constant, nil for the others), checking each
// is a whole number given as a single constant.
func (v *Variant) StaticArgs(consts [][]float64) (Args, error) {
	var s Args
	for i, name := range v.Params {
		if !v.IsStatic(i) {
			continue
		}
		if i >= len(consts) || len(consts[i]) != 1 {
			return s, fmt.Errorf("%s: parameter %q must be one constant number", v.Dist.Name, name)
		}
		x := consts[i][0]
		if err := v.domains[i].check(name, x); err != nil {
			return s, fmt.Errorf("%s: %w", v.Dist.Name, err)
		}
		s[i] = x
	}
	if d := v.Dist; d.valueDimsParam != "" && v.ValueDims(s) < 1 {
		return s, fmt.Errorf("%s: %s must be at least 1, got %d", d.Name, d.valueDimsParam, v.ValueDims(s))
	}
	return s, nil
}

// EventLayout is how a value and parameters of given shapes meet: the
// batch shape, each parameter's batch shape and the event's geometry.
type EventLayout struct {
	Batch       []int
	ParamBatch  [][]int
	Event       Geometry
	valueEvents int
}

// SplitEvents works out the event layout of v for parameters of shapes
// params and static values static. value is the value's shape when the
// node gives one, nil when it is to be inferred (a free node with no
// shape): then the batch shape is the broadcast of the parameters' and
// the event shape the kernel's.
func (v *Variant) SplitEvents(value []int, params [][]int, static Args) (EventLayout, error) {
	d := v.Dist
	var l EventLayout
	if len(params) != len(v.Params) {
		return l, fmt.Errorf("%s: %d parameter shapes given, want %d", d.Name, len(params), len(v.Params))
	}
	evs := make([][]int, len(params))
	for i, ps := range params {
		l.ParamBatch = append(l.ParamBatch, nil)
		if v.IsStatic(i) {
			continue
		}
		k := v.EventDims(i)
		if len(ps) < k {
			return l, fmt.Errorf("%s: parameter %q needs %d event %s, got shape %s",
				d.Name, v.Params[i], k, plural(k, "axis", "axes"), shape.String(ps))
		}
		l.ParamBatch[i] = ps[:len(ps)-k]
		evs[i] = ps[len(ps)-k:]
	}
	vd := v.ValueDims(static)
	var valueEvent []int
	if value != nil {
		if len(value) < vd {
			return l, fmt.Errorf("%s: the value needs %d event %s, got shape %s",
				d.Name, vd, plural(vd, "axis", "axes"), shape.String(value))
		}
		valueEvent = value[len(value)-vd:]
	}
	ev, err := d.event.Shape(valueEvent, evs, static)
	if err != nil {
		return l, fmt.Errorf("%s: %w", d.Name, err)
	}
	if len(ev) != vd {
		return l, fmt.Errorf("%s: the event shape %s has not %d axes (a bug in its kernel)", d.Name, shape.String(ev), vd)
	}
	if value != nil {
		l.Batch = append([]int{}, value[:len(value)-vd]...)
	} else {
		var bs [][]int
		for i, pb := range l.ParamBatch {
			if !v.IsStatic(i) {
				bs = append(bs, pb)
			}
		}
		if l.Batch, err = shape.Broadcast(bs...); err != nil {
			return l, fmt.Errorf("%s: the parameters' batch shapes: %w", d.Name, err)
		}
	}
	for i, pb := range l.ParamBatch {
		if !v.IsStatic(i) && !shape.BroadcastsTo(pb, l.Batch) {
			return l, fmt.Errorf("%s: parameter %q of shape %s: its batch shape %s does not broadcast to the value's %s",
				d.Name, v.Params[i], shape.String(params[i]), shape.String(pb), shape.String(l.Batch))
		}
	}
	l.Event = Geometry{Value: ev, Params: evs, Static: static, Names: v.Params, N: shape.Size(ev)}
	l.valueEvents = shape.Size(l.Batch)
	return l, nil
}

// Shape is the value's whole shape: the batch axes, then the event's.
func (l *EventLayout) Shape() []int { return append(append([]int{}, l.Batch...), l.Event.Value...) }

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// eventTerm is a Term's part for the Event layout.
type eventTerm struct {
	k       EventKernel
	e       Geometry
	batch   int         // events in the value
	maps    []shape.Map // each parameter's batch index for a batch index of the value
	sizes   []int       // values in one event of each parameter
	scratch int         // values of working space; the Term's last input holds them
}

func (t *Term) initEvent(params [][]int, consts [][]float64) error {
	v := t.v
	static, err := v.StaticArgs(consts)
	if err != nil {
		return err
	}
	l, err := v.SplitEvents(t.value, params, static)
	if err != nil {
		return err
	}
	ev := &eventTerm{k: v.Dist.event, e: l.Event, batch: l.valueEvents}
	for i, pb := range l.ParamBatch {
		m := shape.Map{Kind: shape.Scalar}
		if !v.IsStatic(i) {
			if m, err = shape.NewMap(pb, l.Batch); err != nil {
				return err
			}
		}
		ev.maps = append(ev.maps, m)
		ev.sizes = append(ev.sizes, shape.Size(l.Event.Params[i]))
	}
	ev.scratch = ev.k.Scratch(&ev.e)
	if ev.scratch > 0 {
		t.nin++
	}
	t.ev = ev
	t.loop = lEvent
	return nil
}

// Scratch is the working space, in values, the Term reads from its last
// input (expr.Program.Scratch); 0 when it needs none and has no such
// input.
func (t *Term) Scratch() int {
	if t.ev == nil {
		return 0
	}
	return t.ev.scratch
}

// PointShape is the shape of what Pointwise writes: the value's for one
// density per element, the batch shape for one per event.
func (t *Term) PointShape() []int {
	if t.ev == nil {
		return t.value
	}
	return t.value[:len(t.value)-len(t.ev.e.Value)]
}

// events returns the summed log-density of every event; point, when
// non-nil, gets each event's; gin, when non-nil, gets g times the
// gradient in its non-nil entries. Forward, Pointwise, Backward and
// ForwardGrad all come here, so the value never depends on whether the
// gradient was asked for.
func (t *Term) events(in [][]float64, point []float64, gin [][]float64, g float64) float64 {
	if t.mv != nil {
		return t.mvEval(in, point, gin, g)
	}
	ev := t.ev
	n := ev.e.N
	var sc []float64
	if ev.scratch > 0 {
		sc = in[t.nin-1][:ev.scratch]
	}
	var gx []float64
	if gin != nil {
		gx = gin[0]
	}
	var p, gp EventArgs
	total := 0.0
	for b := range ev.batch {
		for i, m := range ev.maps {
			j, w := m.At(b), ev.sizes[i]
			p[i] = in[1+i][j*w : (j+1)*w]
			if gin != nil && gin[1+i] != nil && !t.v.IsStatic(i) {
				gp[i] = gin[1+i][j*w : (j+1)*w]
			}
		}
		var gxb []float64
		if gx != nil {
			gxb = gx[b*n : (b+1)*n]
		}
		lp := ev.k.Logp(&ev.e, in[0][b*n:(b+1)*n], p, g, gxb, gp, sc)
		if point != nil {
			point[b] = lp
		}
		total += lp
	}
	return total
}

// drawEvents fills out (of shape value) with one draw per event.
func drawEvents(v *Variant, params [][]float64, paramShapes [][]int, value []int, r *rand.Rand, out []float64) error {
	consts := params
	static, err := v.StaticArgs(consts)
	if err != nil {
		return err
	}
	if value == nil {
		value = []int{} // a scalar: known, not to be inferred
	}
	l, err := v.SplitEvents(value, paramShapes, static)
	if err != nil {
		return err
	}
	n := l.Event.N
	var p EventArgs
	for b := range l.valueEvents {
		for i, pb := range l.ParamBatch {
			j := 0
			if !v.IsStatic(i) {
				m, err := shape.NewMap(pb, l.Batch)
				if err != nil {
					return err
				}
				j = m.At(b)
			}
			w := shape.Size(l.Event.Params[i])
			p[i] = params[i][j*w : (j+1)*w]
		}
		if err := v.Dist.event.Random(&l.Event, p, r, out[b*n:(b+1)*n]); err != nil {
			return fmt.Errorf("%s: %w", v.Dist.Name, err)
		}
	}
	return nil
}

// EventsInSupport checks observed values x of shape value against the
// support, event by event; params[i] holds parameter i's values when it
// is a constant, nil otherwise. The error names the first event outside.
func (v *Variant) EventsInSupport(x []float64, value []int, params [][]float64, paramShapes [][]int) error {
	static, err := v.StaticArgs(params)
	if err != nil {
		return err
	}
	if value == nil {
		value = []int{} // a scalar: known, not to be inferred
	}
	l, err := v.SplitEvents(value, paramShapes, static)
	if err != nil {
		return err
	}
	n := l.Event.N
	var p EventArgs
	for b := range l.valueEvents {
		for i, pb := range l.ParamBatch {
			p[i] = nil
			if params[i] == nil {
				continue
			}
			j := 0
			if !v.IsStatic(i) {
				m, err := shape.NewMap(pb, l.Batch)
				if err != nil {
					return err
				}
				j = m.At(b)
			}
			w := shape.Size(l.Event.Params[i])
			p[i] = params[i][j*w : (j+1)*w]
		}
		e := x[b*n : (b+1)*n]
		for _, xi := range e {
			if !finite(xi) {
				return fmt.Errorf("observed event %d, %v, is outside the support of %s (%s)", b, e, v.Dist.Name, v.SupportString())
			}
		}
		if !v.Dist.event.InSupport(&l.Event, e, p) {
			return fmt.Errorf("observed event %d, %v, is outside the support of %s (%s)", b, e, v.Dist.Name, v.SupportString())
		}
	}
	return nil
}

// eventAxesPhrase says, in the docs' table, how many axes an event has.
func eventAxesPhrase(row CatalogueRow) string {
	switch {
	case row.ValueDimsParam != "":
		return fmt.Sprintf(", over the last %s axes", row.ValueDimsParam)
	case row.ValueDims == 1:
		return ", along the last axis"
	}
	return fmt.Sprintf(", over the last %d axes", row.ValueDims)
}
