package main

/*
#include "capi.h"
*/
import "C"

import (
	"fmt"
	"math"
	"sync"
	"unsafe"

	"github.com/exmc/exmc/core/compile"
	"github.com/exmc/exmc/core/nuts"
	"github.com/exmc/exmc/core/sample"
)

// funcTarget is a log-density written by the user in C (or anything that
// yields a C function pointer). Its coordinates are reported as they are:
// Constrain is the identity.
type funcTarget struct {
	dim   int
	fn    C.exmc_logp_fn
	ctx   uintptr
	names []string
	vars  []compile.Var
}

func newFuncTarget(dim int, fn C.exmc_logp_fn, ctx uintptr, names []string) (*funcTarget, error) {
	vars, err := varsFromNames(names)
	if err != nil {
		return nil, err
	}
	return &funcTarget{dim: dim, fn: fn, ctx: ctx, names: names, vars: vars}, nil
}

func (t *funcTarget) Dim() int                    { return t.dim }
func (t *funcTarget) ParamNames() []string        { return t.names }
func (t *funcTarget) Vars() []compile.Var         { return t.vars }
func (t *funcTarget) Observed() []compile.Var     { return nil }
func (t *funcTarget) newConstrainer() constrainer { return identity{} }

func (t *funcTarget) info() modelInfo {
	in := modelInfo{Dim: t.dim, Vars: varInfos(t.vars)}
	for _, v := range t.vars {
		in.Params = append(in.Params, paramInfo{
			Name: v.Name, ValueName: v.Name, Offset: v.Offset, Size: v.Size, Shape: v.Shape, Transform: "identity",
		})
	}
	return in
}

// call evaluates the user's function. The pointers are C memory: the
// function may keep them for the duration of the call only, and under the
// cgo rules that must never be Go memory it could hold on to.
//
// The outputs are poisoned first, with a NaN no arithmetic makes: a value
// the function did not write is still that NaN afterwards, an error that
// the sampler takes for a divergence, instead of whatever the buffer held
// from the call before.
func (t *funcTarget) call(x, lp, grad *C.double) error {
	*lp = C.double(poison)
	var g []C.double
	if grad != nil {
		g = unsafe.Slice(grad, t.dim)
		for i := range g {
			g[i] = C.double(poison)
		}
	}
	rc := C.exmc_capi_call_logp(t.fn, C.size_t(t.dim), x, lp, grad, C.uintptr_t(t.ctx))
	if rc != 0 {
		return &callbackError{rc: int(rc)}
	}
	if isPoison(float64(*lp)) {
		return &unwrittenError{index: -1}
	}
	for i, v := range g {
		if isPoison(float64(v)) {
			return &unwrittenError{index: i}
		}
	}
	return nil
}

// poisonBits is a quiet NaN whose payload spells "exmc". Arithmetic on
// NaNs yields the default NaN or carries an operand's payload, and the
// function has no operand holding this one, so it cannot compute it.
const poisonBits = 0x7ff8_6578_6d63_0000

var poison = math.Float64frombits(poisonBits)

func isPoison(v float64) bool { return math.Float64bits(v) == poisonBits }

// unwrittenError is a return of 0 from the user's function that left
// logp, or an entry of the gradient, unwritten. The point is treated as
// invalid, as when the function returns a positive value.
type unwrittenError struct{ index int }

func (e *unwrittenError) Error() string {
	if e.index < 0 {
		return "the log-density function returned 0 without writing logp"
	}
	return fmt.Sprintf("the log-density function returned 0 without writing grad[%d]", e.index)
}

func (e *unwrittenError) Recoverable() bool { return true }

func (t *funcTarget) logDensity(x []float64, lp *float64, grad []float64) error {
	var g *C.double
	if grad != nil {
		g = (*C.double)(unsafe.Pointer(unsafe.SliceData(grad)))
	}
	err := t.call((*C.double)(unsafe.Pointer(unsafe.SliceData(x))), (*C.double)(unsafe.Pointer(lp)), g)
	return wrap(codeNumeric, err)
}

func (t *funcTarget) newSampler() (sample.Model, func()) {
	s := &funcSampler{t: t}
	return s, s.close
}

// callbackError is a non-zero return of the user's function. A positive
// code marks a bad point, which the sampler treats as a divergence; a
// negative one is fatal to the chain.
type callbackError struct{ rc int }

func (e *callbackError) Error() string {
	if e.rc > 0 {
		return fmt.Sprintf("the log-density function returned %d (an invalid point)", e.rc)
	}
	return fmt.Sprintf("the log-density function returned %d (an error)", e.rc)
}

func (e *callbackError) Recoverable() bool { return e.rc > 0 }

// funcSampler hands each chain of one run a density with its own C
// buffers, and frees them all once the run has ended.
type funcSampler struct {
	t    *funcTarget
	mu   sync.Mutex
	made []*funcDensity
}

func (s *funcSampler) Dim() int { return s.t.dim }

func (s *funcSampler) NewDensity() nuts.Density {
	d := newFuncDensity(s.t)
	s.mu.Lock()
	s.made = append(s.made, d)
	s.mu.Unlock()
	return d
}

func (s *funcSampler) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, d := range s.made {
		d.free()
	}
	s.made = nil
}

// funcDensity is one chain's evaluator of a funcTarget. The sampler's
// points and gradients are Go memory, which must not be handed to a
// function that might keep them, so they travel through a C buffer laid
// out as [logp, x[0..dim), grad[0..dim)].
type funcDensity struct {
	t       *funcTarget
	buf     unsafe.Pointer
	lp      *C.double
	cx, cg  *C.double
	x, grad []float64
}

func newFuncDensity(t *funcTarget) *funcDensity {
	n := 1 + 2*t.dim
	buf := C.calloc(C.size_t(n), C.size_t(unsafe.Sizeof(C.double(0))))
	if buf == nil {
		panic(fmt.Sprintf("out of C memory for a density of dimension %d", t.dim))
	}
	all := unsafe.Slice((*float64)(buf), n)
	d := &funcDensity{t: t, buf: buf, x: all[1 : 1+t.dim], grad: all[1+t.dim:]}
	d.lp = (*C.double)(buf)
	d.cx = (*C.double)(unsafe.Pointer(&all[1]))
	d.cg = (*C.double)(unsafe.Pointer(&all[1+t.dim]))
	return d
}

func (d *funcDensity) Dim() int { return d.t.dim }

func (d *funcDensity) LogpGrad(x, grad []float64) (float64, error) {
	if d.buf == nil {
		return math.NaN(), fmt.Errorf("density used after its run ended")
	}
	copy(d.x, x)
	if err := d.t.call(d.cx, d.lp, d.cg); err != nil {
		return math.NaN(), err
	}
	copy(grad, d.grad)
	return float64(*d.lp), nil
}

func (d *funcDensity) free() {
	if d.buf != nil {
		C.free(d.buf)
		d.buf, d.lp, d.cx, d.cg, d.x, d.grad = nil, nil, nil, nil, nil, nil
	}
}

// identity is the constrainer of a function model.
type identity struct{}

func (identity) Constrain(x, out []float64) error {
	if len(x) != len(out) {
		return fmt.Errorf("constrain: point and output must have the same length, got %d and %d", len(x), len(out))
	}
	copy(out, x)
	return nil
}

func (identity) LogLikelihood(x, out []float64) error {
	if len(out) != 0 {
		return fmt.Errorf("log-likelihood: a function model has no observed variables")
	}
	return nil
}
