package expr

import (
	"fmt"
	"unsafe"

	"github.com/exmc/exmc/core/shape"
)

// Kernel is one fused instruction. Kernels are immutable and shared by every
// Machine running the Program; per-call state lives in the buffers handed in
// (a kernel that needs working space reads a Scratch slot).
type Kernel interface {
	// Forward reads the inputs and writes out.
	Forward(in [][]float64, out []float64)
	// Backward adds d(objective)/d(in[i]) into gin[i], given gout =
	// d(objective)/d(out). gin[i] is nil where input i needs no gradient.
	Backward(in [][]float64, out, gout []float64, gin [][]float64)
}

// Slot identifies one array in a Program.
type Slot int

type slotInfo struct {
	shape    []int
	size     int
	offset   int       // into the Machine's value arena
	constant []float64 // non-nil for constants
	input    bool
	grad     bool // depends on an input: carries a gradient
	// base owns the storage: the slot itself, or for a view the slot it
	// is a view of (never itself a view)
	base Slot
}

type instr struct {
	k   Kernel
	in  []Slot
	out Slot
}

// Program is an immutable list of instructions over slots. Build it with
// Input, Const and Apply, then Freeze it; after that it is safe for
// concurrent use through Machines.
type Program struct {
	slots  []slotInfo
	instrs []instr
	nval   int
	frozen bool
}

// Input adds a slot whose values are set by the caller before each Forward
// (the unconstrained parameters). Inputs carry gradients.
func (p *Program) Input(shp []int) Slot {
	return p.add(slotInfo{shape: clone(shp), input: true, grad: true})
}

// View adds a slot that is elements off, off+1, ... of src, shaped shp:
// it shares src's values and adjoints, so reading a block of the inputs
// costs no instruction and no copy.
func (p *Program) View(src Slot, off int, shp []int) Slot {
	s := p.slots[src]
	n := shape.Size(shp)
	if s.constant != nil || off < 0 || off+n > s.size {
		panic(fmt.Sprintf("expr: view [%d, %d) of a slot of size %d", off, off+n, s.size))
	}
	if p.frozen {
		panic("expr: slot added to a frozen Program")
	}
	p.slots = append(p.slots, slotInfo{shape: clone(shp), size: n, offset: s.offset + off, grad: s.grad, base: s.base})
	return Slot(len(p.slots) - 1)
}

// Scratch adds a slot of n values that each Machine holds for the one
// instruction reading it, which may write it (unlike any other input):
// working space for a kernel, per evaluator, so that the kernel itself
// stays immutable and an evaluation allocates nothing. It carries no
// gradient, and its values are undefined when the instruction starts.
func (p *Program) Scratch(n int) Slot {
	return p.add(slotInfo{shape: []int{n}})
}

// Const adds a constant slot holding values (copied).
func (p *Program) Const(shp []int, values []float64) Slot {
	if len(values) != shape.Size(shp) {
		panic(fmt.Sprintf("expr: constant of shape %s has %d values", shape.String(shp), len(values)))
	}
	// Never nil, even when empty: nil marks a slot as not constant.
	return p.add(slotInfo{shape: clone(shp), constant: append(make([]float64, 0, len(values)), values...)})
}

// Apply adds an instruction computing a new slot of shape out from in. The
// new slot carries a gradient when any input does.
func (p *Program) Apply(k Kernel, out []int, in ...Slot) Slot {
	if p.frozen {
		panic("expr: Apply on a frozen Program")
	}
	g := false
	for _, s := range in {
		g = g || p.slots[s].grad
	}
	o := p.add(slotInfo{shape: clone(out), grad: g})
	p.instrs = append(p.instrs, instr{k: k, in: append([]Slot(nil), in...), out: o})
	return o
}

// Shape returns a slot's shape (do not modify it).
func (p *Program) Shape(s Slot) []int { return p.slots[s].shape }

// Grad reports whether a slot carries a gradient.
func (p *Program) Grad(s Slot) bool { return p.slots[s].grad }

// IsConst reports whether a slot is a constant, and its values if so.
func (p *Program) IsConst(s Slot) ([]float64, bool) {
	c := p.slots[s].constant
	return c, c != nil
}

// Values is the number of values (and as many adjoints) each Machine of
// the Program holds.
func (p *Program) Values() int { return p.nval }

// Freeze ends construction.
func (p *Program) Freeze() { p.frozen = true }

func (p *Program) add(si slotInfo) Slot {
	if p.frozen {
		panic("expr: slot added to a frozen Program")
	}
	si.size = shape.Size(si.shape)
	if si.constant == nil || si.grad {
		si.offset = p.nval
		p.nval += si.size
	}
	si.base = Slot(len(p.slots))
	p.slots = append(p.slots, si)
	return Slot(len(p.slots) - 1)
}

// Machine holds one evaluator's buffers for a Program. A Machine is not safe
// for concurrent use; give each goroutine its own.
type Machine struct {
	p     *Program
	val   []float64
	grad  []float64
	vals  [][]float64 // slot -> view into val
	grads [][]float64 // slot -> view into grad, nil where no gradient
	steps []step
	plan  *GradPlan // whose fused kernels steps hold; nil: none yet
	// run and back are the plan's forward and backward passes as the
	// steps they run, in the order they run them
	run, back []*step
	binds     []binding // one per input slot
	bind0     *binding  // the first, nil if none
}

// binding is where an input slot's values and adjoint live: the Machine's
// own buffers, or the caller's vectors after Bind. refs are every slice
// header that points into them, rewritten when they move.
type binding struct {
	slot Slot
	n    int      // the input's size
	x, g *float64 // the bound vectors' first elements
	refs []bindRef
}

// bindRef is one slice header reading elements off, off+1, ..., off+n-1 of
// an input's values (or, with grad, of its adjoint).
type bindRef struct {
	dst    *[]float64
	off, n int
	grad   bool
}

// step is one instruction with every buffer it touches resolved when the
// Machine is made, so that the evaluation loops index nothing but steps.
type step struct {
	k     Kernel
	fused GradKernel // non-nil where the current plan fuses the gradient
	in    [][]float64
	out   []float64
	gin   [][]float64
	gout  []float64 // nil when the output carries no gradient
}

// NewMachine allocates the buffers for one evaluator.
func (p *Program) NewMachine() *Machine {
	m := &Machine{p: p, val: make([]float64, p.nval), grad: make([]float64, p.nval)}
	m.vals = make([][]float64, len(p.slots))
	m.grads = make([][]float64, len(p.slots))
	for i, s := range p.slots {
		// Kernels never write their inputs, so every Machine reads the
		// Program's constants in place: data is held once, not per chain.
		if s.constant != nil {
			m.vals[i] = s.constant
		} else {
			m.vals[i] = m.val[s.offset : s.offset+s.size : s.offset+s.size]
		}
		if s.grad {
			m.grads[i] = m.grad[s.offset : s.offset+s.size : s.offset+s.size]
		}
	}
	nargs := 0
	for _, in := range p.instrs {
		nargs += len(in.in)
	}
	// One backing array for every instruction's argument lists keeps the
	// steps' data together in memory.
	args := make([][]float64, 2*nargs)
	m.steps = make([]step, len(p.instrs))
	for j, in := range p.instrs {
		n := len(in.in)
		st := &m.steps[j]
		st.k = in.k
		st.in, st.gin, args = args[:n:n], args[n:2*n:2*n], args[2*n:]
		for a, s := range in.in {
			st.in[a] = m.vals[s]
			st.gin[a] = m.grads[s]
		}
		st.out, st.gout = m.vals[in.out], m.grads[in.out]
	}
	m.initBindings()
	return m
}

// initBindings lists, for each input, every slice header that reads it.
func (m *Machine) initBindings() {
	p := m.p
	index := map[Slot]int{}
	for i, si := range p.slots {
		if si.input {
			index[Slot(i)] = len(m.binds)
			m.binds = append(m.binds, binding{slot: Slot(i), n: si.size})
		}
	}
	add := func(s Slot, dst *[]float64, grad bool) {
		si := &p.slots[s]
		k, ok := index[si.base]
		if !ok || dst == nil {
			return
		}
		off := si.offset - p.slots[si.base].offset
		m.binds[k].refs = append(m.binds[k].refs, bindRef{dst: dst, off: off, n: si.size, grad: grad})
	}
	for i := range p.slots {
		add(Slot(i), &m.vals[i], false)
		if m.grads[i] != nil {
			add(Slot(i), &m.grads[i], true)
		}
	}
	for j, in := range p.instrs {
		st := &m.steps[j]
		for a, s := range in.in {
			add(s, &st.in[a], false)
			if st.gin[a] != nil {
				add(s, &st.gin[a], true)
			}
		}
	}
	for k := range m.binds {
		b := &m.binds[k]
		b.x, b.g = first(m.vals[b.slot]), first(m.grads[b.slot])
	}
	if len(m.binds) > 0 {
		m.bind0 = &m.binds[0]
	}
}

func first(v []float64) *float64 { return unsafe.SliceData(v) }

// Bind makes the Machine read input slot in from x and accumulate its
// adjoint into grad, instead of its own buffers, until the next Bind:
// an evaluation at a point the caller holds then copies nothing in or out.
// A nil x or grad stands for the Machine's own buffer. Binding the vectors
// already bound costs a comparison. The caller must not change x, nor
// read grad, while the Machine evaluates.
func (m *Machine) Bind(in Slot, x, grad []float64) {
	// A sampler binds the same vectors call after call, and most programs
	// have one input: that case is settled before anything else.
	if b := m.bind0; b == nil || b.slot != in || len(x) != b.n || len(grad) != b.n || first(x) != b.x || first(grad) != b.g {
		m.bind(in, x, grad)
	}
}

func (m *Machine) bind(in Slot, x, grad []float64) {
	var b *binding
	for k := range m.binds {
		if m.binds[k].slot == in {
			b = &m.binds[k]
		}
	}
	if b == nil {
		panic("expr: Bind of a slot that is not an input")
	}
	si := &m.p.slots[in]
	if x == nil {
		x = m.val[si.offset : si.offset+si.size]
	}
	if grad == nil {
		grad = m.grad[si.offset : si.offset+si.size]
	}
	if len(x) != si.size || len(grad) != si.size {
		panic(fmt.Sprintf("expr: Bind of an input of size %d to vectors of lengths %d and %d", si.size, len(x), len(grad)))
	}
	px, pg := first(x), first(grad)
	if px == b.x && pg == b.g {
		return
	}
	for _, r := range b.refs {
		v := x
		if r.grad {
			v = grad
		}
		*r.dst = v[r.off : r.off+r.n : r.off+r.n]
	}
	b.x, b.g = px, pg
}

// Value is the buffer of a slot: write inputs into it before Forward, read
// results after.
func (m *Machine) Value(s Slot) []float64 { return m.vals[s] }

// Gradient is the adjoint buffer of a slot (nil for slots without gradient).
func (m *Machine) Gradient(s Slot) []float64 { return m.grads[s] }

// Forward runs every instruction in order.
func (m *Machine) Forward() {
	for i := range m.steps {
		s := &m.steps[i]
		s.k.Forward(s.in, s.out)
	}
}

// ZeroGrad clears every adjoint before the objective's seeds are written.
func (m *Machine) ZeroGrad() {
	clear(m.grad)
	for _, b := range m.binds {
		clear(m.grads[b.slot])
	}
}

// Backward runs the instructions in reverse, propagating the adjoints that
// the caller seeded (after ZeroGrad) into the inputs' Gradient buffers.
// Seed by adding to an adjoint, not by assigning it: a slot made by View
// (and by ops that only pick out elements in order, such as reshape) shares
// its adjoint with its source.
func (m *Machine) Backward() {
	for i := len(m.steps) - 1; i >= 0; i-- {
		if s := &m.steps[i]; s.gout != nil {
			s.k.Backward(s.in, s.out, s.gout, s.gin)
		}
	}
}

func clone(s []int) []int { return append([]int{}, s...) }
