package main

import (
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

type testObj struct {
	refCount
	destroyed atomic.Int32
}

func newTestObj() *testObj {
	o := &testObj{}
	o.init(func() { o.destroyed.Add(1) })
	return o
}

func TestRegistryLifecycle(t *testing.T) {
	r := newRegistry()
	o := newTestObj()
	tok := r.add(kindModel, o)
	if tok < 4096 || tok%tokenStride != 0 {
		t.Fatalf("token %#x: want an aligned value above the first page", tok)
	}
	got, err := r.acquire(tok, kindModel, "model")
	if err != nil || got != o {
		t.Fatalf("acquire: %v, %v", got, err)
	}
	if !r.remove(tok, kindModel) {
		t.Fatal("remove reported no such handle")
	}
	if o.destroyed.Load() != 0 {
		t.Fatal("destroyed while a call still held a reference")
	}
	got.release()
	if o.destroyed.Load() != 1 {
		t.Fatal("not destroyed after the last reference went")
	}
	if _, err := r.acquire(tok, kindModel, "model"); codeOf(err) != codeHandle || !strings.Contains(err.Error(), "not a live model handle") {
		t.Fatalf("freed handle: %v", err)
	}
	if r.remove(tok, kindModel) {
		t.Fatal("removed twice")
	}
	// Tokens are never reused.
	if tok2 := r.add(kindModel, newTestObj()); tok2 == tok {
		t.Fatal("token reused")
	}
}

func TestRegistryErrors(t *testing.T) {
	r := newRegistry()
	tok := r.add(kindRun, newTestObj())
	for _, tc := range []struct {
		tok  uintptr
		kind kind
		want string
	}{
		{0, kindModel, "model is NULL"},
		{0xdeadbee0, kindModel, "not a live model handle"},
		{tok + 1, kindRun, "not a live run handle"},
		{tok, kindModel, "is a run handle, not a model handle"},
	} {
		_, err := r.acquire(tc.tok, tc.kind, tc.kind.String())
		if codeOf(err) != codeHandle || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("acquire(%#x, %v): %v, want EXMC_ERR_HANDLE with %q", tc.tok, tc.kind, err, tc.want)
		}
	}
	if r.remove(tok, kindModel) {
		t.Error("a run handle was removed as a model")
	}
	if r.len() != 1 {
		t.Errorf("%d handles, want 1", r.len())
	}
}

// Calls on many threads while the handle is freed: every call either
// fails cleanly or holds the object alive until it is done.
func TestRegistryConcurrentFree(t *testing.T) {
	r := newRegistry()
	for range 50 {
		o := newTestObj()
		tok := r.add(kindModel, o)
		var wg sync.WaitGroup
		var misuse atomic.Int32
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 100 {
					got, err := r.acquire(tok, kindModel, "model")
					if err != nil {
						continue
					}
					if got.(*testObj).destroyed.Load() != 0 {
						misuse.Add(1)
					}
					got.release()
				}
			}()
		}
		r.remove(tok, kindModel)
		wg.Wait()
		if misuse.Load() != 0 || o.destroyed.Load() != 1 {
			t.Fatalf("used after destroy %d times, destroyed %d times", misuse.Load(), o.destroyed.Load())
		}
	}
}
