package expr

import (
	"fmt"

	"github.com/exmc/exmc/core/shape"
)

// Kernel is one fused instruction. Kernels are immutable and shared by every
// Machine running the Program; per-call state lives in the buffers handed in.
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
	p.slots = append(p.slots, slotInfo{shape: clone(shp), size: n, offset: s.offset + off, grad: s.grad})
	return Slot(len(p.slots) - 1)
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
	// per-instruction argument views, so Forward and Backward allocate nothing
	ins  [][][]float64
	gins [][][]float64
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
	m.ins = make([][][]float64, len(p.instrs))
	m.gins = make([][][]float64, len(p.instrs))
	for j, in := range p.instrs {
		m.ins[j] = make([][]float64, len(in.in))
		m.gins[j] = make([][]float64, len(in.in))
		for a, s := range in.in {
			m.ins[j][a] = m.vals[s]
			m.gins[j][a] = m.grads[s]
		}
	}
	return m
}

// Value is the buffer of a slot: write inputs into it before Forward, read
// results after.
func (m *Machine) Value(s Slot) []float64 { return m.vals[s] }

// Gradient is the adjoint buffer of a slot (nil for slots without gradient).
func (m *Machine) Gradient(s Slot) []float64 { return m.grads[s] }

// Forward runs every instruction in order.
func (m *Machine) Forward() {
	for j, in := range m.p.instrs {
		in.k.Forward(m.ins[j], m.vals[in.out])
	}
}

// ZeroGrad clears every adjoint before the objective's seeds are written.
func (m *Machine) ZeroGrad() { clear(m.grad) }

// Backward runs the instructions in reverse, propagating the adjoints that
// the caller seeded (after ZeroGrad) into the inputs' Gradient buffers.
func (m *Machine) Backward() {
	for j := len(m.p.instrs) - 1; j >= 0; j-- {
		in := m.p.instrs[j]
		if g := m.grads[in.out]; g != nil {
			in.k.Backward(m.ins[j], m.vals[in.out], g, m.gins[j])
		}
	}
}

func clone(s []int) []int { return append([]int{}, s...) }
