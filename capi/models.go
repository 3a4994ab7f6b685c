package main

/*
#include "capi.h"
*/
import "C"

import (
	"bytes"
	"strings"
	"sync"
	"unsafe"

	"github.com/exmc/exmc/core/compile"
	"github.com/exmc/exmc/core/model"
)

// modelObj is what a model handle names. Runs hold a reference, so a
// model freed while a run samples it lives until the run is freed.
type modelObj struct {
	refCount
	t target
	// names and valueNames are exmc_model_param_names' strings, owned by
	// the model.
	names, valueNames *C.char
	data              *importedData
	// constrainers serves calls from any thread, one evaluator per call.
	constrainers sync.Pool
}

func newModelObj(t target, data *importedData) *modelObj {
	m := &modelObj{t: t, data: data}
	m.names = C.CString(strings.Join(t.ParamNames(), ","))
	m.valueNames = C.CString(strings.Join(varNames(t.Vars()), ","))
	m.constrainers.New = func() any { return t.newConstrainer() }
	m.init(m.destroy)
	return m
}

func (m *modelObj) constrainer() constrainer     { return m.constrainers.Get().(constrainer) }
func (m *modelObj) putConstrainer(c constrainer) { m.constrainers.Put(c) }

func (m *modelObj) destroy() {
	C.free(unsafe.Pointer(m.names))
	C.free(unsafe.Pointer(m.valueNames))
	m.names, m.valueNames = nil, nil
	m.data.release()
}

// acquireModel returns the model a handle names, with a reference the
// caller releases.
func acquireModel(tok uintptr) (*modelObj, error) {
	o, err := handles.acquire(tok, kindModel, "model")
	if err != nil {
		return nil, err
	}
	return o.(*modelObj), nil
}

// compileModel parses, validates and compiles a model; arrays supply the
// values of data nodes left out of the JSON.
func compileModel(doc []byte, data *importedData) (*modelObj, error) {
	m, err := model.Parse(doc)
	if err != nil {
		return nil, wrap(codeModel, err)
	}
	var arrays map[string][]float64
	if data != nil {
		arrays = data.arrays
	}
	c, err := compile.Compile(m, arrays)
	if err != nil {
		return nil, wrap(codeModel, err)
	}
	if err := checkColumnNames(append(append([]compile.Var(nil), c.Vars()...), c.Observed()...), codeModel); err != nil {
		return nil, err
	}
	return newModelObj(newCompiledTarget(c), data), nil
}

// maxJSON bounds a model document; a length beyond it is a mistake, such
// as a negative value passed as size_t.
const maxJSON = 1 << 40

// jsonArg copies the caller's JSON, which need not be NUL-terminated.
func jsonArg(json *C.exmc_cchar, n C.size_t) ([]byte, error) {
	if json == nil {
		return nil, errorf(codeInvalid, "json is NULL")
	}
	if uint64(n) > maxJSON {
		return nil, errorf(codeInvalid, "len is %d, more than the %d bytes a model document may have", uint64(n), uint64(maxJSON))
	}
	return bytes.Clone(unsafe.Slice((*byte)(unsafe.Pointer(json)), int(n))), nil
}

// storeModel registers m and writes its handle to *out.
func storeModel(m *modelObj, out **C.exmc_model) {
	storeToken(unsafe.Pointer(out), handles.add(kindModel, m))
}

//export exmc_model_from_json
func exmc_model_from_json(json *C.exmc_cchar, n C.size_t, out **C.exmc_model, err **C.char) C.int {
	return call("exmc_model_from_json", err, func() (int, error) {
		if e := need(out != nil, "out"); e != nil {
			return 0, e
		}
		storeCPointer(unsafe.Pointer(out), nil)
		doc, e := jsonArg(json, n)
		if e != nil {
			return 0, e
		}
		m, e := compileModel(doc, nil)
		if e != nil {
			return 0, e
		}
		storeModel(m, out)
		return codeOK, nil
	})
}

//export exmc_model_from_json_arrow
func exmc_model_from_json_arrow(json *C.exmc_cchar, n C.size_t, schema *C.struct_ArrowSchema,
	data *C.struct_ArrowArray, out **C.exmc_model, err **C.char) C.int {
	return call("exmc_model_from_json_arrow", err, func() (int, error) {
		// The data is ours from here on, whatever fails.
		d, e := importData(schema, data)
		if e != nil {
			return 0, e
		}
		if e := need(out != nil, "out"); e != nil {
			d.release()
			return 0, e
		}
		storeCPointer(unsafe.Pointer(out), nil)
		doc, e := jsonArg(json, n)
		if e != nil {
			d.release()
			return 0, e
		}
		m, e := compileModel(doc, d)
		if e != nil {
			d.release()
			return 0, e
		}
		storeModel(m, out)
		return codeOK, nil
	})
}

//export exmc_model_from_function
func exmc_model_from_function(dim C.size_t, fn C.exmc_logp_fn, ctx unsafe.Pointer, names *C.exmc_cchar,
	out **C.exmc_model, err **C.char) C.int {
	// ctx is the caller's, and may be any value: keep it as an integer.
	ctxWord := uintptr(ctx)
	return call("exmc_model_from_function", err, func() (int, error) {
		if e := need(out != nil, "out"); e != nil {
			return 0, e
		}
		storeCPointer(unsafe.Pointer(out), nil)
		if e := need(fn != nil, "fn"); e != nil {
			return 0, e
		}
		if dim < 1 || uint64(dim) > maxValues {
			return 0, errorf(codeInvalid, "dim must be in [1, %d], got %d", uint64(maxValues), uint64(dim))
		}
		var list *string
		if names != nil {
			s := C.GoString((*C.char)(unsafe.Pointer(names)))
			list = &s
		}
		nameList, e := parseFunctionNames(list, int(dim))
		if e != nil {
			return 0, e
		}
		t, e := newFuncTarget(int(dim), fn, ctxWord, nameList)
		if e != nil {
			return 0, e
		}
		if e := checkColumnNames(t.Vars(), codeInvalid); e != nil {
			return 0, e
		}
		storeModel(newModelObj(t, nil), out)
		return codeOK, nil
	})
}

//export exmc_model_free
func exmc_model_free(m *C.exmc_model) {
	tok := token(unsafe.Pointer(m))
	guard(func() { handles.remove(tok, kindModel) })
}

//export exmc_model_dim
func exmc_model_dim(p *C.exmc_cmodel, dim *C.size_t, err **C.char) C.int {
	tok := token(unsafe.Pointer(p))
	return call("exmc_model_dim", err, func() (int, error) {
		m, e := acquireModel(tok)
		if e != nil {
			return 0, e
		}
		defer m.release()
		if e := need(dim != nil, "dim"); e != nil {
			return 0, e
		}
		*dim = C.size_t(m.t.Dim())
		return codeOK, nil
	})
}

//export exmc_model_constrained_size
func exmc_model_constrained_size(p *C.exmc_cmodel, size *C.size_t, err **C.char) C.int {
	tok := token(unsafe.Pointer(p))
	return call("exmc_model_constrained_size", err, func() (int, error) {
		m, e := acquireModel(tok)
		if e != nil {
			return 0, e
		}
		defer m.release()
		if e := need(size != nil, "size"); e != nil {
			return 0, e
		}
		*size = C.size_t(sizeOf(m.t.Vars()))
		return codeOK, nil
	})
}

//export exmc_model_param_names
func exmc_model_param_names(p *C.exmc_cmodel, constrained C.int, names **C.exmc_cchar, err **C.char) C.int {
	tok := token(unsafe.Pointer(p))
	return call("exmc_model_param_names", err, func() (int, error) {
		m, e := acquireModel(tok)
		if e != nil {
			return 0, e
		}
		defer m.release()
		if e := need(names != nil, "names"); e != nil {
			return 0, e
		}
		s := m.names
		if constrained != 0 {
			s = m.valueNames
		}
		storeCPointer(unsafe.Pointer(names), unsafe.Pointer(s))
		return codeOK, nil
	})
}

//export exmc_model_info
func exmc_model_info(p *C.exmc_cmodel, json **C.char, err **C.char) C.int {
	tok := token(unsafe.Pointer(p))
	return call("exmc_model_info", err, func() (int, error) {
		m, e := acquireModel(tok)
		if e != nil {
			return 0, e
		}
		defer m.release()
		if e := need(json != nil, "json"); e != nil {
			return 0, e
		}
		storeCPointer(unsafe.Pointer(json), nil)
		doc, e := m.t.info().marshal()
		if e != nil {
			return 0, wrap(codeInternal, e)
		}
		storeCPointer(unsafe.Pointer(json), unsafe.Pointer(C.CString(string(doc))))
		return codeOK, nil
	})
}
