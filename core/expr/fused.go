package expr

import "sort"

// GradKernel is a Kernel with a scalar output that can also form its
// gradient in the pass that computes its value. A log-density term is one:
// its output is summed straight into the objective, so the adjoint reaching
// it is always 1, and evaluating the value and the gradient in one loop over
// the data reads the data once instead of twice and shares the
// transcendental functions both need.
type GradKernel interface {
	Kernel
	// ForwardGrad writes the output into out[0] and adds d out[0]/d in[i]
	// into gin[i] (skipping nil entries), as Backward would with an
	// adjoint of 1.
	ForwardGrad(in [][]float64, out []float64, gin [][]float64)
}

// GradPlan is the schedule of a gradient evaluation of a scalar objective,
// the sum of every element of some slots: which instructions fuse their
// gradient into the forward pass, which are differentiated in the backward
// pass, and which adjoints need clearing first. Immutable; share it between
// Machines of the same Program.
type GradPlan struct {
	p        *Program
	fused    []GradKernel // per instruction: nil unless fused
	constant float64      // the sum of the objective's constant slots
	scalars  []int32      // the arena offsets of its one-element slots that are not views of an input
	terms    []Slot       // its other slots
	seeds    []Slot       // whose adjoints get 1 added before the backward pass
	// run lists the instructions the objective depends on, in order, or is
	// nil when it depends on every one
	run    []int32
	back   []int32 // instructions the backward pass runs, last first
	zero   []span  // adjoints an evaluation accumulates into, inputs aside
	inputs []Slot  // whose adjoints, wherever they are bound, are cleared too
}

// span is the elements [lo, hi) of a Machine's value or adjoint arena.
type span struct{ lo, hi int }

// GradPlan plans the gradient of the sum of the elements of the given
// slots. Instructions the objective does not depend on are not run. An
// instruction is fused when its kernel is a GradKernel, its output is one
// element, is one of the objective's slots, and nothing else reads it
// (then 1 is the whole of its adjoint). A slot may be a view of
// the inputs: a log-Jacobian that is the sum of the unconstrained values
// then costs no instruction at all.
func (p *Program) GradPlan(objective []Slot) *GradPlan {
	g := &GradPlan{p: p, fused: make([]GradKernel, len(p.instrs))}
	// An instruction whose result nothing the objective depends on reads
	// is left out: a compiler may lay one out before it knows whether any
	// term will read it (an exponential every reader takes by its
	// logarithm, say).
	needed := make([]bool, len(p.slots)) // by base
	for _, s := range objective {
		needed[p.slots[s].base] = true
	}
	run := make([]bool, len(p.instrs))
	all := true
	for j := len(p.instrs) - 1; j >= 0; j-- {
		in := p.instrs[j]
		if !needed[in.out] {
			all = false
			continue
		}
		run[j] = true
		for _, s := range in.in {
			needed[p.slots[s].base] = true
		}
	}
	if !all {
		g.run = []int32{}
		for j, r := range run {
			if r {
				g.run = append(g.run, int32(j))
			}
		}
	}
	read := make([]bool, len(p.slots)) // by base: a view's reader reads its base
	for j, in := range p.instrs {
		if !run[j] {
			continue
		}
		for _, s := range in.in {
			read[p.slots[s].base] = true
		}
	}
	inObjective := make(map[Slot]int, len(objective))
	for _, s := range objective {
		inObjective[s]++
		if b := p.slots[s].base; b != s {
			read[b] = true
		}
	}
	fusedOut := map[Slot]bool{}
	for j, in := range p.instrs {
		gk, ok := in.k.(GradKernel)
		if ok && run[j] && inObjective[in.out] == 1 && !read[in.out] && p.slots[in.out].size == 1 {
			g.fused[j] = gk
			fusedOut[in.out] = true
		}
	}
	// live[b]: the adjoint of base slot b can become non-zero. An
	// instruction whose output adjoint cannot is left out of the backward
	// pass, and only live adjoints are cleared.
	live := make([]bool, len(p.slots))
	for _, s := range objective {
		si := &p.slots[s]
		if si.constant != nil {
			for _, v := range si.constant {
				g.constant += v
			}
			continue
		}
		if si.size == 1 && !p.slots[si.base].input {
			g.scalars = append(g.scalars, int32(si.offset))
		} else {
			g.terms = append(g.terms, s)
		}
		if si.grad && !fusedOut[s] {
			g.seeds = append(g.seeds, s)
			live[si.base] = true
		}
	}
	for j := len(p.instrs) - 1; j >= 0; j-- {
		in := p.instrs[j]
		if !run[j] {
			continue
		}
		if g.fused[j] == nil {
			if !p.slots[in.out].grad || !live[in.out] {
				continue
			}
			g.back = append(g.back, int32(j))
		}
		for _, s := range in.in {
			if si := &p.slots[s]; si.grad {
				live[si.base] = true
			}
		}
	}
	var zero []span
	for i, si := range p.slots {
		switch {
		case si.input:
			// The inputs' adjoints are the result, so they are cleared
			// even where nothing reads them.
			g.inputs = append(g.inputs, Slot(i))
		case si.base == Slot(i) && si.grad && si.size > 0 && live[i]:
			zero = append(zero, span{si.offset, si.offset + si.size})
		}
	}
	g.zero = mergeSpans(zero)
	return g
}

// mergeSpans sorts spans and joins those that overlap or lie close enough
// that clearing the gap costs less than clearing them separately.
func mergeSpans(ss []span) []span {
	const gap = 8
	sort.Slice(ss, func(i, j int) bool { return ss[i].lo < ss[j].lo })
	var out []span
	for _, s := range ss {
		if n := len(out); n > 0 && s.lo <= out[n-1].hi+gap {
			out[n-1].hi = max(out[n-1].hi, s.hi)
			continue
		}
		out = append(out, s)
	}
	return out
}

// value sums the objective from a Machine's values. The slots are read
// through the Machine's slices, not the arena, because a view of a bound
// input lives in the caller's vector.
func (g *GradPlan) value(m *Machine) float64 {
	v := g.constant
	val := m.val
	for _, o := range g.scalars {
		v += val[o]
	}
	for _, t := range g.terms {
		for _, x := range m.vals[t] {
			v += x
		}
	}
	return v
}

// use makes g the plan whose fused kernels the Machine's steps hold.
func (m *Machine) use(g *GradPlan) {
	if g.p != m.p {
		panic("expr: GradPlan of another Program")
	}
	for j := range m.steps {
		m.steps[j].fused = g.fused[j]
	}
	m.run = m.run[:0]
	if g.run == nil {
		for j := range m.steps {
			m.run = append(m.run, &m.steps[j])
		}
	} else {
		for _, j := range g.run {
			m.run = append(m.run, &m.steps[j])
		}
	}
	m.back = m.back[:0]
	for _, j := range g.back {
		m.back = append(m.back, &m.steps[j])
	}
	m.plan = g
}

// Objective runs the program forward, without gradients, and returns the
// plan's objective: the same value ValueGrad returns, to the last bit.
func (m *Machine) Objective(g *GradPlan) float64 {
	if g.p != m.p {
		panic("expr: GradPlan of another Program")
	}
	if g.run == nil {
		m.Forward()
		return g.value(m)
	}
	for _, j := range g.run {
		s := &m.steps[j]
		s.k.Forward(s.in, s.out)
	}
	return g.value(m)
}

// ValueGrad evaluates the program and returns the objective. Unless the
// objective is NaN or infinite, the gradient of the objective is then in
// the adjoint buffers (Gradient) of the program's inputs; otherwise the
// adjoints hold partial sums and must not be used.
func (m *Machine) ValueGrad(g *GradPlan) float64 {
	if m.plan != g {
		m.use(g)
	}
	for _, s := range g.inputs {
		clear(m.grads[s])
	}
	if len(g.zero) > 0 {
		m.clearAdjoints(g)
	}
	for _, s := range m.run {
		if s.fused != nil {
			s.fused.ForwardGrad(s.in, s.out, s.gin)
		} else {
			s.k.Forward(s.in, s.out)
		}
	}
	v := g.value(m)
	if v != v || v > maxFloat || v < -maxFloat || len(g.seeds)+len(m.back) == 0 {
		return v
	}
	m.backward(g)
	return v
}

// clearAdjoints clears the adjoints an evaluation accumulates into, the
// inputs' aside.
func (m *Machine) clearAdjoints(g *GradPlan) {
	for _, z := range g.zero {
		clear(m.grad[z.lo:z.hi])
	}
}

// backward seeds the adjoints and runs the backward pass; apart, so that
// a program without one (every term fused) keeps ValueGrad's frame small.
func (m *Machine) backward(g *GradPlan) {
	for _, sd := range g.seeds {
		gs := m.grads[sd]
		for k := range gs {
			gs[k]++
		}
	}
	for _, s := range m.back {
		s.k.Backward(s.in, s.out, s.gout, s.gin)
	}
}

const maxFloat = 1.7976931348623157e308
