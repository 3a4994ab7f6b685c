package compile

import (
	"fmt"
	"math"
	"unsafe"

	"github.com/exmc/exmc/core/expr"
)

// Density is one goroutine's evaluator of a compiled Model: it owns the
// buffers, so LogpGrad allocates nothing. It is not safe for concurrent use.
type Density struct {
	m   *Model
	lp  *expr.Machine
	out *expr.Machine
}

// NewDensity returns an evaluator with its own buffers.
func (c *Model) NewDensity() *Density {
	return &Density{m: c, lp: c.logp.NewMachine(), out: c.out.NewMachine()}
}

// Dim is the length of the unconstrained vector.
func (d *Density) Dim() int { return d.m.dim }

// LogpGrad returns the log-density at the unconstrained point x and writes
// its gradient into grad. Numerical trouble is not an error: a NaN or
// infinite log-density is returned as it is, for the sampler to treat as a
// divergence, and grad then holds no meaningful values; only a wrong-sized
// argument is an error.
func (d *Density) LogpGrad(x, grad []float64) (float64, error) {
	// the rare cases apart, so that the common one, a gradient per
	// leapfrog step, is a short function
	if len(x) != d.m.dim || len(grad) != d.m.dim {
		return math.NaN(), d.sizeError(x, grad)
	}
	if overlap(x, grad) {
		return d.logpGradCopy(x, grad), nil
	}
	// The machine reads x and accumulates the gradient straight into grad.
	m := d.lp
	m.Bind(d.m.logpIn, x, grad)
	return m.ValueGrad(d.m.plan), nil
}

func (d *Density) sizeError(x, grad []float64) error {
	return fmt.Errorf("log-density: point and gradient must have length %d, got %d and %d", d.m.dim, len(x), len(grad))
}

// logpGradCopy is LogpGrad for a gradient that would overwrite the point
// as it is read: through the machine's own buffers.
func (d *Density) logpGradCopy(x, grad []float64) float64 {
	m := d.lp
	m.Bind(d.m.logpIn, nil, nil)
	copy(m.Value(d.m.logpIn), x)
	lp := m.ValueGrad(d.m.plan)
	copy(grad, m.Gradient(d.m.logpIn))
	return lp
}

// overlap reports whether a and b share an element.
func overlap(a, b []float64) bool {
	if len(a) == 0 || len(b) == 0 {
		return false
	}
	pa, pb := uintptr(unsafe.Pointer(&a[0])), uintptr(unsafe.Pointer(&b[0]))
	return pa < pb+uintptr(len(b))*8 && pb < pa+uintptr(len(a))*8
}

// runOutputs runs the output program at x, which it reads in place unless
// the results are to be written over it.
func (d *Density) runOutputs(x, out []float64) *expr.Machine {
	m := d.out
	if overlap(x, out) {
		m.Bind(d.m.outIn, nil, nil)
		copy(m.Value(d.m.outIn), x)
	} else {
		m.Bind(d.m.outIn, x, nil)
	}
	m.Forward()
	return m
}

// Logp returns the log-density at x without its gradient.
func (d *Density) Logp(x []float64) (float64, error) {
	if len(x) != d.m.dim {
		return math.NaN(), fmt.Errorf("log-density: point must have length %d, got %d", d.m.dim, len(x))
	}
	return d.forward(x), nil
}

func (d *Density) forward(x []float64) float64 {
	m := d.lp
	m.Bind(d.m.logpIn, x, nil)
	return m.Objective(d.m.plan)
}

// Constrain writes the reported variables' values at x (see Model.Vars)
// into out, of length Model.ConstrainedSize.
func (d *Density) Constrain(x, out []float64) error {
	if len(x) != d.m.dim || len(out) != d.m.nvals {
		return fmt.Errorf("constrain: point and output must have length %d and %d, got %d and %d", d.m.dim, d.m.nvals, len(x), len(out))
	}
	m := d.runOutputs(x, out)
	for i, v := range d.m.vars {
		copy(out[v.Offset:v.Offset+v.Size], m.Value(d.m.varSlots[i]))
	}
	return nil
}

// LogLikelihood writes the log-density of every observed element at x (see
// Model.Observed) into out, of length Model.LogLikelihoodSize.
func (d *Density) LogLikelihood(x, out []float64) error {
	if len(x) != d.m.dim || len(out) != d.m.nobs {
		return fmt.Errorf("log-likelihood: point and output must have length %d and %d, got %d and %d", d.m.dim, d.m.nobs, len(x), len(out))
	}
	m := d.runOutputs(x, out)
	for _, o := range d.m.obs {
		in := make([][]float64, 1+len(o.params))
		in[0] = m.Value(o.value)
		for i, p := range o.params {
			in[1+i] = m.Value(p)
		}
		o.term.Pointwise(in, out[o.offset:o.offset+o.size])
	}
	return nil
}

// LogpGrad evaluates the log-density and gradient with a pooled Density;
// safe for concurrent use.
func (c *Model) LogpGrad(x, grad []float64) (float64, error) {
	d := c.pool.Get().(*Density)
	defer c.pool.Put(d)
	return d.LogpGrad(x, grad)
}

// Constrain is Density.Constrain with a pooled Density.
func (c *Model) Constrain(x, out []float64) error {
	d := c.pool.Get().(*Density)
	defer c.pool.Put(d)
	return d.Constrain(x, out)
}

// LogLikelihood is Density.LogLikelihood with a pooled Density.
func (c *Model) LogLikelihood(x, out []float64) error {
	d := c.pool.Get().(*Density)
	defer c.pool.Put(d)
	return d.LogLikelihood(x, out)
}
