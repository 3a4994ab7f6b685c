package expr

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
// the sum of some scalar slots: which instructions fuse their gradient into
// the forward pass and which are differentiated in the backward pass.
// Immutable; share it between Machines of the same Program.
type GradPlan struct {
	p         *Program
	objective []Slot
	fused     []GradKernel // per instruction: nil unless fused
	seeds     []Slot       // objective slots seeded before the backward pass
}

// GradPlan plans the gradient of the sum of the given scalar slots. An
// instruction is fused when its kernel is a GradKernel, its output is one
// of the objective's slots, and no other instruction reads that output
// (then 1 is the whole of its adjoint).
func (p *Program) GradPlan(objective []Slot) *GradPlan {
	read := make([]bool, len(p.slots))
	for _, in := range p.instrs {
		for _, s := range in.in {
			read[s] = true
		}
	}
	inObjective := make(map[Slot]int, len(objective))
	for _, s := range objective {
		inObjective[s]++
	}
	g := &GradPlan{p: p, objective: append([]Slot(nil), objective...), fused: make([]GradKernel, len(p.instrs))}
	fusedOut := map[Slot]bool{}
	for j, in := range p.instrs {
		gk, ok := in.k.(GradKernel)
		if ok && inObjective[in.out] == 1 && !read[in.out] && p.slots[in.out].size == 1 {
			g.fused[j] = gk
			fusedOut[in.out] = true
		}
	}
	for _, s := range objective {
		if !fusedOut[s] {
			g.seeds = append(g.seeds, s)
		}
	}
	return g
}

// ValueGrad evaluates the program and returns the objective, the sum of
// the plan's slots. Unless the objective is NaN or infinite, the gradient
// of the objective is then in the adjoint buffers (Gradient) of the
// program's inputs; otherwise the adjoints hold partial sums and must not
// be used.
func (m *Machine) ValueGrad(g *GradPlan) float64 {
	if g.p != m.p {
		panic("expr: GradPlan of another Program")
	}
	clear(m.grad)
	for j, in := range m.p.instrs {
		if f := g.fused[j]; f != nil {
			f.ForwardGrad(m.ins[j], m.vals[in.out], m.gins[j])
		} else {
			in.k.Forward(m.ins[j], m.vals[in.out])
		}
	}
	v := 0.0
	for _, s := range g.objective {
		v += m.vals[s][0]
	}
	if v != v || v > maxFloat || v < -maxFloat {
		return v
	}
	for _, s := range g.seeds {
		if gr := m.grads[s]; gr != nil {
			gr[0] += 1
		}
	}
	for j := len(m.p.instrs) - 1; j >= 0; j-- {
		if g.fused[j] != nil {
			continue
		}
		in := m.p.instrs[j]
		if gr := m.grads[in.out]; gr != nil {
			in.k.Backward(m.ins[j], m.vals[in.out], gr, m.gins[j])
		}
	}
	return v
}

const maxFloat = 1.7976931348623157e308
