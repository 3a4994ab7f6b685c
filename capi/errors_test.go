package main

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestErrorCodes(t *testing.T) {
	e := errorf(codeModel, "node %q: bad", "theta")
	if codeOf(e) != codeModel || e.Error() != `node "theta": bad` {
		t.Fatalf("%v (%d)", e, codeOf(e))
	}
	// A code survives wrapping, by fmt or by wrap.
	if codeOf(fmt.Errorf("outer: %w", e)) != codeModel || codeOf(wrap(codeInvalid, e)) != codeModel {
		t.Error("wrapping lost the code")
	}
	if codeOf(wrap(codeNumeric, errors.New("x"))) != codeNumeric {
		t.Error("wrap did not give a code")
	}
	if wrap(codeNumeric, nil) != nil {
		t.Error("wrap(nil) is not nil")
	}
	// An error without a code is a bug.
	if codeOf(errors.New("x")) != codeInternal {
		t.Error("an uncoded error is not internal")
	}
	p := panicError(strings.Repeat("x", 10*maxPanicMessage))
	if codeOf(p) != codeInternal || len(p.Error()) > maxPanicMessage+10 || !strings.Contains(p.Error(), "panic: xxx") {
		t.Errorf("panic error: %d, %d bytes", codeOf(p), len(p.Error()))
	}
	if err := need(false, "dim"); codeOf(err) != codeInvalid || err.Error() != "dim is NULL" {
		t.Errorf("need: %v", err)
	}
	if need(true, "dim") != nil {
		t.Error("need(true) failed")
	}
}
