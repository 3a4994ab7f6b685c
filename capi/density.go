package main

/*
#include "capi.h"
*/
import "C"

import (
	"unsafe"
)

// cSlice views n doubles of the caller's C memory; nothing is copied.
func cSlice(p *C.double, n int) []float64 {
	if n == 0 {
		return []float64{}
	}
	return unsafe.Slice((*float64)(unsafe.Pointer(p)), n)
}

//export exmc_log_density_gradient
func exmc_log_density_gradient(p *C.exmc_cmodel, x *C.exmc_cdouble, n C.size_t, logp *C.double,
	grad *C.double, err **C.char) C.int {
	tok := token(unsafe.Pointer(p))
	return call("exmc_log_density_gradient", err, func() (int, error) {
		m, e := acquireModel(tok)
		if e != nil {
			return 0, e
		}
		defer m.release()
		dim := m.t.Dim()
		switch {
		case uint64(n) != uint64(dim):
			return 0, errorf(codeInvalid, "n is %d, but the model's dimension is %d", uint64(n), dim)
		case x == nil && dim > 0:
			return 0, errorf(codeInvalid, "x is NULL")
		case logp == nil:
			return 0, errorf(codeInvalid, "logp is NULL")
		}
		var g []float64
		if grad != nil {
			g = cSlice(grad, dim)
		}
		if e := m.t.logDensity(cSlice((*C.double)(unsafe.Pointer(x)), dim), (*float64)(unsafe.Pointer(logp)), g); e != nil {
			return 0, e
		}
		return codeOK, nil
	})
}

//export exmc_constrain
func exmc_constrain(p *C.exmc_cmodel, x *C.exmc_cdouble, n C.size_t, out *C.double, outLen C.size_t,
	err **C.char) C.int {
	tok := token(unsafe.Pointer(p))
	return call("exmc_constrain", err, func() (int, error) {
		m, e := acquireModel(tok)
		if e != nil {
			return 0, e
		}
		defer m.release()
		dim, size := m.t.Dim(), sizeOf(m.t.Vars())
		switch {
		case uint64(n) != uint64(dim):
			return 0, errorf(codeInvalid, "n is %d, but the model's dimension is %d", uint64(n), dim)
		case uint64(outLen) != uint64(size):
			return 0, errorf(codeInvalid, "out_len is %d, but the model reports %d values (exmc_model_constrained_size)", uint64(outLen), size)
		case x == nil && dim > 0:
			return 0, errorf(codeInvalid, "x is NULL")
		case out == nil && size > 0:
			return 0, errorf(codeInvalid, "out is NULL")
		}
		ev := m.constrainer()
		defer m.putConstrainer(ev)
		if e := ev.Constrain(cSlice((*C.double)(unsafe.Pointer(x)), dim), cSlice(out, size)); e != nil {
			return 0, wrap(codeNumeric, e)
		}
		return codeOK, nil
	})
}
