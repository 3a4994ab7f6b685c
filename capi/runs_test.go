package main

import (
	"os"
	"testing"
	"time"
	"unsafe"

	"github.com/exmc/exmc/core/sample"
)

// eightSchools compiles testdata/eight_schools.json; release it when done.
func eightSchools(t *testing.T) *modelObj {
	t.Helper()
	doc, err := os.ReadFile("testdata/eight_schools.json")
	if err != nil {
		t.Fatal(err)
	}
	m, err := compileModel(doc, nil)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// A run start that fails after its chains have started must leave no
// chain running: the pool's threads all go idle, no handle is left and
// the model's reference is returned. The chains are given far more draws
// than the test waits for, so a chain left running would keep its thread.
func TestRunStartFailureStopsTheChains(t *testing.T) {
	m := eightSchools(t)
	defer m.release()

	defer func(f func()) { afterRunStart = f }(afterRunStart)
	afterRunStart = func() { panic("injected failure after the chains started") }

	handlesBefore := handles.len()
	o := sample.DefaultOptions()
	o.Draws, o.Tune, o.Chains = 100, 100_000_000, 2
	o = onLibraryThreads(o)
	var out uintptr
	m.retain() // startRun takes over one reference
	failed := func() (err error) {
		defer func() {
			if v := recover(); v != nil {
				err = panicError(v)
			}
		}()
		_, err = startRun(m, o, false, unsafe.Pointer(&out))
		return err
	}()
	if failed == nil {
		t.Fatal("startRun succeeded despite the injected failure")
	}
	if out != 0 {
		t.Errorf("a handle (%#x) was returned by a failed start", out)
	}
	if n := handles.len(); n != handlesBefore {
		t.Errorf("%d handles live after the failed start, %d before", n, handlesBefore)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		total, idle := poolThreads()
		if total == idle {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d pool threads still busy 10 s after the failed start: its chains run on", total-idle, total)
		}
		time.Sleep(time.Millisecond)
	}
	if n := m.n.Load(); n != 1 {
		t.Errorf("the model holds %d references after the failed start, want 1 (the test's)", n)
	}
}
