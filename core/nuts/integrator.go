package nuts

import (
	"gonum.org/v1/gonum/floats"
)

// point is a phase-space state as the integrator moves it. Each trajectory
// end owns one, with the gradient at its own position: the next step from
// that end must start from that gradient and no other.
type point struct {
	q, p, grad, v []float64 // position, momentum, ∇log p(q), M⁻¹p
	logp, kinetic float64
}

func newPoint(d int) point {
	buf := make([]float64, 4*d)
	return point{q: buf[:d:d], p: buf[d : 2*d : 2*d], grad: buf[2*d : 3*d : 3*d], v: buf[3*d:]}
}

// energy is the Hamiltonian -log p(q) + p·M⁻¹p/2.
func (z *point) energy() float64 { return z.kinetic - z.logp }

func (z *point) copyFrom(o *point) {
	copy(z.q, o.q)
	copy(z.p, o.p)
	copy(z.grad, o.grad)
	copy(z.v, o.v)
	z.logp, z.kinetic = o.logp, o.kinetic
}

// draw is what a subtree proposes: enough to become the chain's next state
// and to report its statistics, without the momentum that will be redrawn.
type draw struct {
	q, grad      []float64
	logp, energy float64
}

func newDraw(d int) draw {
	buf := make([]float64, 2*d)
	return draw{q: buf[:d:d], grad: buf[d:]}
}

func (w *draw) set(z *point) {
	copy(w.q, z.q)
	copy(w.grad, z.grad)
	w.logp, w.energy = z.logp, z.energy()
}

// leapfrog advances z by one step of size eps (negative to go back in
// time) with the velocity-Verlet scheme. It returns a non-nil error when
// the density fails at the new position; z is then unusable.
func (s *Sampler) leapfrog(z *point, eps float64) error {
	floats.AddScaled(z.p, eps/2, z.grad)
	s.metric.Velocity(z.p, z.v)
	floats.AddScaled(z.q, eps, z.v)
	lp, err := s.eval(z.q, z.grad)
	if err != nil {
		return err
	}
	z.logp = lp
	floats.AddScaled(z.p, eps/2, z.grad)
	s.metric.Velocity(z.p, z.v)
	z.kinetic = 0.5 * floats.Dot(z.p, z.v)
	return nil
}

// startMomentum draws a fresh momentum for z and sets its kinetic energy.
func (s *Sampler) startMomentum(z *point) {
	s.metric.SampleMomentum(s.rng, z.p)
	s.metric.Velocity(z.p, z.v)
	z.kinetic = 0.5 * floats.Dot(z.p, z.v)
}
