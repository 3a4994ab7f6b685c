package main

/*
#include "capi.h"
*/
import "C"

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"unsafe"

	"github.com/exmc/exmc/core/compile"
	"github.com/exmc/exmc/core/limits"
	"github.com/exmc/exmc/core/model"
)

// modelObj is what a model handle names. Runs hold a reference, so a
// model freed while a run samples it lives until the run is freed.
type modelObj struct {
	refCount
	t target
	// names and valueNames are exmc_model_param_names' strings, owned by
	// the model and made on the first call that asks for them: a name per
	// element is work per element, which compiling does not do.
	namesOnce, valueNamesOnce sync.Once
	names, valueNames         *C.char
	namesErr, valueNamesErr   error
	data                      *importedData
	// constrainers serves calls from any thread, one evaluator per call.
	constrainers sync.Pool
}

func newModelObj(t target, data *importedData) *modelObj {
	m := &modelObj{t: t, data: data}
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

// paramNames returns exmc_model_param_names' string, unconstrained or
// constrained, making it on the first call.
func (m *modelObj) paramNames(constrained bool) (*C.char, error) {
	if constrained {
		m.valueNamesOnce.Do(func() {
			m.valueNames, m.valueNamesErr = joinNames("constrained", m.t.Vars(), func() []string { return varNames(m.t.Vars()) })
		})
		return m.valueNames, m.valueNamesErr
	}
	m.namesOnce.Do(func() {
		vars := make([]compile.Var, 0)
		if c, ok := m.t.(*compiledTarget); ok {
			for _, p := range c.c.Params() {
				vars = append(vars, compile.Var{Name: p.ValueName, Shape: p.Shape, Size: p.Size})
			}
		} else {
			vars = m.t.Vars()
		}
		m.names, m.namesErr = joinNames("unconstrained", vars, m.t.ParamNames)
	})
	return m.names, m.namesErr
}

// joinNames makes the comma-separated C string of names, once the memory
// it takes has been checked: about three copies (the names, the joined
// string and the C string) of each element's name, which is its variable's
// name and an index of up to 11 characters an axis.
func joinNames(which string, vars []compile.Var, names func() []string) (*C.char, error) {
	need := uint64(0)
	for _, v := range vars {
		perName := limits.Add(uint64(len(v.Name)), 3, limits.Mul(11, limits.Uint(len(v.Shape))), 16)
		need = limits.Add(need, limits.Mul(3, limits.Uint(max(v.Size, 1)), perName))
	}
	if err := limits.Check(fmt.Sprintf("listing the %s parameter names", which), need); err != nil {
		return nil, wrap(codeInvalid, err)
	}
	return C.CString(strings.Join(names(), ",")), nil
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

// functionBytesPerCoordinate is what a function model holds for each
// coordinate: its name (made, when the caller gives none, and split) and
// its share of the reported variables.
const functionBytesPerCoordinate = 96

// docBytesPerByte is what reading a model document takes for each of its
// bytes: the copy, and the values it decodes into (a float64 for as
// little as two bytes of text, "0,"), with the decoder's own buffers.
const docBytesPerByte = 8

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
	if e := limits.Check(fmt.Sprintf("reading a model document of %d bytes", uint64(n)),
		limits.Mul(uint64(n), docBytesPerByte)); e != nil {
		return nil, wrap(codeInvalid, e)
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
		// a name and a variable's entry for each coordinate, when the names
		// are the default x[0], x[1], ...
		if e := limits.Check(fmt.Sprintf("a function model of dimension %d", uint64(dim)),
			limits.Mul(uint64(dim), functionBytesPerCoordinate)); e != nil {
			return 0, wrap(codeInvalid, e)
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
		storeCPointer(unsafe.Pointer(names), nil)
		s, e := m.paramNames(constrained != 0)
		if e != nil {
			return 0, e
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
