package nuts

import (
	"errors"
	"fmt"
	"math"
)

// Density is a differentiable log-density over a flat unconstrained vector.
// A Density is used by one goroutine at a time and may keep scratch buffers.
type Density interface {
	Dim() int
	// LogpGrad writes the gradient into grad and returns the log-density at x.
	LogpGrad(x, grad []float64) (float64, error)
}

// Recoverable is implemented by errors that mean "this point is bad" rather
// than "this model is broken". LogpGrad errors that do not implement it, or
// that return false, are fatal to the chain.
type Recoverable interface {
	Recoverable() bool
}

// PanicError is a panic raised inside LogpGrad, kept as a value so that the
// transition can treat it as a divergence and a caller can still see why.
type PanicError struct {
	Value any
}

func (e *PanicError) Error() string { return fmt.Sprintf("panic in log-density: %v", e.Value) }

// Recoverable reports true: a panic at one point says nothing about others.
func (e *PanicError) Recoverable() bool { return true }

// ErrNonFinite is wrapped by the error Eval returns for a NaN or infinite
// log-density or gradient.
var ErrNonFinite = errors.New("non-finite log-density or gradient")

type nonFiniteError struct {
	logp float64
	idx  int // first non-finite gradient entry, or -1
}

func (e *nonFiniteError) Error() string {
	if e.idx < 0 {
		return fmt.Sprintf("log-density is %v", e.logp)
	}
	return fmt.Sprintf("gradient[%d] is not finite", e.idx)
}

func (e *nonFiniteError) Unwrap() error     { return ErrNonFinite }
func (e *nonFiniteError) Recoverable() bool { return true }

// IsRecoverable reports whether err, returned by Eval or LogpGrad, leaves
// the chain usable.
func IsRecoverable(err error) bool {
	var r Recoverable
	return errors.As(err, &r) && r.Recoverable()
}

// Eval calls d.LogpGrad and turns a panic, a non-finite log-density and a
// non-finite gradient into recoverable errors. It allocates only when it
// returns an error.
func Eval(d Density, x, grad []float64) (logp float64, err error) {
	defer func() {
		if r := recover(); r != nil {
			logp, err = math.NaN(), &PanicError{Value: r}
		}
	}()
	logp, err = d.LogpGrad(x, grad)
	if err != nil {
		return math.NaN(), err
	}
	if math.IsNaN(logp) || math.IsInf(logp, 0) {
		return logp, &nonFiniteError{logp: logp, idx: -1}
	}
	for i, g := range grad {
		if math.IsNaN(g) || math.IsInf(g, 0) {
			return logp, &nonFiniteError{logp: logp, idx: i}
		}
	}
	return logp, nil
}
