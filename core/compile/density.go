package compile

import (
	"fmt"
	"math"

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
// divergence; only a wrong-sized argument is an error.
func (d *Density) LogpGrad(x, grad []float64) (float64, error) {
	if len(x) != d.m.dim || len(grad) != d.m.dim {
		return math.NaN(), fmt.Errorf("log-density: point and gradient must have length %d, got %d and %d", d.m.dim, len(x), len(grad))
	}
	m := d.lp
	copy(m.Value(d.m.logpIn), x)
	lp := m.ValueGrad(d.m.plan)
	if math.IsNaN(lp) || math.IsInf(lp, 0) {
		return lp, nil
	}
	copy(grad, m.Gradient(d.m.logpIn))
	return lp, nil
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
	copy(m.Value(d.m.logpIn), x)
	m.Forward()
	lp := 0.0
	for _, t := range d.m.terms {
		lp += m.Value(t)[0]
	}
	return lp
}

// Constrain writes the reported variables' values at x (see Model.Vars)
// into out, of length Model.ConstrainedSize.
func (d *Density) Constrain(x, out []float64) error {
	if len(x) != d.m.dim || len(out) != d.m.nvals {
		return fmt.Errorf("constrain: point and output must have length %d and %d, got %d and %d", d.m.dim, d.m.nvals, len(x), len(out))
	}
	m := d.out
	copy(m.Value(d.m.outIn), x)
	m.Forward()
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
	m := d.out
	copy(m.Value(d.m.outIn), x)
	m.Forward()
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
