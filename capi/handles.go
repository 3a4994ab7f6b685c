package main

import (
	"fmt"
	"sync"
	"sync/atomic"
	"unsafe"
)

// Handles are tokens: integers the C side holds in pointer-typed
// variables. A token is looked up in a table, so a NULL, freed or forged
// one is an error rather than a wild pointer, and no Go pointer ever
// reaches C.
//
// Tokens start above the lowest page and step by 16: the Go runtime
// rejects pointer values below 4096, and a token looks like an aligned
// address to any C tool that inspects it. Tokens are never reused, so a
// freed handle stays invalid.
const (
	tokenBase   = 0x10000
	tokenStride = 16
)

// token reads a handle argument as the integer it is. Exported functions
// call it first thing, so that no pointer-typed variable holds a forged
// handle for long: a value below 4096 in a live pointer slot makes the Go
// runtime abort when it moves the stack.
func token(p unsafe.Pointer) uintptr { return uintptr(p) }

// storeToken writes a new handle into the caller's out argument, as an
// integer: see storeCPointer.
func storeToken(out unsafe.Pointer, tok uintptr) { *(*uintptr)(out) = tok }

// kind tells what a handle names, so that a run passed as a model is
// caught.
type kind uint8

const (
	kindModel kind = iota + 1
	kindRun
	kindFit
)

func (k kind) String() string {
	switch k {
	case kindModel:
		return "model"
	case kindRun:
		return "run"
	case kindFit:
		return "fit"
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// object is what a handle names: reference counted, so that a call in
// progress on one thread keeps it alive while another thread frees the
// handle. The handle holds one reference; every call holds one while it
// runs.
type object interface {
	retain()
	release()
}

// refCount implements object; destroy runs when the last reference goes.
type refCount struct {
	n       atomic.Int64
	destroy func()
}

func (r *refCount) init(destroy func()) {
	r.n.Store(1)
	r.destroy = destroy
}

func (r *refCount) retain() { r.n.Add(1) }

func (r *refCount) release() {
	switch n := r.n.Add(-1); {
	case n == 0:
		if r.destroy != nil {
			r.destroy()
		}
	case n < 0:
		panic("refCount: released more often than retained")
	}
}

type entry struct {
	kind kind
	obj  object
}

// registry maps tokens to objects.
type registry struct {
	mu      sync.Mutex
	next    uintptr
	entries map[uintptr]entry
}

func newRegistry() *registry {
	return &registry{next: tokenBase, entries: map[uintptr]entry{}}
}

// handles is the library's one table of live handles.
var handles = newRegistry()

// add registers obj, taking over the caller's reference, and returns its
// token.
func (r *registry) add(k kind, obj object) uintptr {
	r.mu.Lock()
	defer r.mu.Unlock()
	tok := r.next
	r.next += tokenStride
	r.entries[tok] = entry{kind: k, obj: obj}
	return tok
}

// acquire returns the object a token names with a new reference, which the
// caller releases. arg names the argument in the error.
func (r *registry) acquire(tok uintptr, k kind, arg string) (object, error) {
	if tok == 0 {
		return nil, errorf(codeHandle, "%s is NULL", arg)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	e, ok := r.entries[tok]
	if !ok {
		return nil, errorf(codeHandle, "%s (%#x) is not a live %s handle: freed, or never returned by exmc", arg, tok, k)
	}
	if e.kind != k {
		return nil, errorf(codeHandle, "%s (%#x) is a %s handle, not a %s handle", arg, tok, e.kind, k)
	}
	e.obj.retain()
	return e.obj, nil
}

// remove forgets a token and drops the handle's reference. It reports
// false when the token names nothing of that kind.
func (r *registry) remove(tok uintptr, k kind) bool {
	r.mu.Lock()
	e, ok := r.entries[tok]
	if ok && e.kind == k {
		delete(r.entries, tok)
	}
	r.mu.Unlock()
	if !ok || e.kind != k {
		return false
	}
	e.obj.release()
	return true
}

// len is the number of live handles.
func (r *registry) len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.entries)
}
