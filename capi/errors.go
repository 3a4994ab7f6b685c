package main

/*
#include "capi.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"runtime/debug"
	"unsafe"
)

// The header's return codes.
const (
	codeOK        = int(C.EXMC_OK)
	codeTimeout   = int(C.EXMC_TIMEOUT)
	codeDone      = int(C.EXMC_DONE)
	codeInvalid   = int(C.EXMC_ERR_INVALID)
	codeModel     = int(C.EXMC_ERR_MODEL)
	codeHandle    = int(C.EXMC_ERR_HANDLE)
	codeNumeric   = int(C.EXMC_ERR_NUMERIC)
	codeChains    = int(C.EXMC_ERR_CHAINS)
	codeCancelled = int(C.EXMC_ERR_CANCELLED)
	codeInternal  = int(C.EXMC_ERR_INTERNAL)
)

// apiError is an error with the code the C caller sees.
type apiError struct {
	code int
	msg  string
}

func (e *apiError) Error() string { return e.msg }

func errorf(code int, format string, args ...any) error {
	return &apiError{code: code, msg: fmt.Sprintf(format, args...)}
}

// wrap gives err a code, keeping the code it already has: the innermost
// layer knows best what went wrong.
func wrap(code int, err error) error {
	if err == nil {
		return nil
	}
	var ae *apiError
	if errors.As(err, &ae) {
		return err
	}
	return &apiError{code: code, msg: err.Error()}
}

// codeOf is the return code for err. An error that reached the boundary
// without a code is a bug: nothing should fail without saying how.
func codeOf(err error) int {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae.code
	}
	return codeInternal
}

// maxPanicMessage bounds the stack trace carried by an internal error: long
// enough to say where, short enough to print.
const maxPanicMessage = 4096

func panicError(v any) error {
	msg := fmt.Sprintf("internal error (a bug in exmc): panic: %v\n%s", v, debug.Stack())
	if len(msg) > maxPanicMessage {
		msg = msg[:maxPanicMessage] + "\n..."
	}
	return &apiError{code: codeInternal, msg: msg}
}

// call runs the body of an exported function: it clears *err, turns a
// panic into EXMC_ERR_INTERNAL, and stores the message of a failure,
// prefixed with the function's name, in *err. f returns a status (EXMC_OK,
// EXMC_TIMEOUT, EXMC_DONE) or an error. An error may come with results
// already written (EXMC_ERR_CHAINS and EXMC_ERR_CANCELLED do).
func call(fn string, err **C.char, f func() (int, error)) (rc C.int) {
	setCError(err, nil)
	defer func() {
		if v := recover(); v != nil {
			e := panicError(v)
			setCError(err, fmt.Errorf("%s: %w", fn, e))
			rc = C.int(codeOf(e))
		}
	}()
	status, e := f()
	if e != nil {
		setCError(err, fmt.Errorf("%s: %w", fn, e))
		return C.int(codeOf(e))
	}
	return C.int(status)
}

// guard is call for functions that return nothing: a panic is swallowed,
// as there is no way to report it, rather than allowed to cross into C.
func guard(f func()) {
	defer func() { _ = recover() }()
	f()
}

// setCError stores err's message as a new C string in *dst, or NULL when
// err is nil. dst may be NULL: the caller did not want the message.
func setCError(dst **C.char, err error) {
	if dst == nil {
		return
	}
	var msg *C.char
	if err != nil {
		msg = C.CString(err.Error())
	}
	storeCPointer(unsafe.Pointer(dst), unsafe.Pointer(msg))
}

// storeCPointer writes p into a pointer slot that lives in the caller's C
// memory. The slot may hold garbage before the call, so it is written as an
// integer: a pointer-typed store would run the garbage collector's write
// barrier on the old value, and garbage that looks like a Go pointer kills
// the process.
func storeCPointer(slot unsafe.Pointer, p unsafe.Pointer) {
	*(*uintptr)(slot) = uintptr(p)
}

// need returns an EXMC_ERR_INVALID error naming arg when it is NULL.
func need(ok bool, arg string) error {
	if ok {
		return nil
	}
	return errorf(codeInvalid, "%s is NULL", arg)
}
