package main

import (
	"os"
	"runtime"
	"runtime/metrics"
	"testing"
)

// With the floor, 16 MB of garbage after a collection starts no cycle;
// with Go's default 4 MB minimum heap it would start several.
func TestHeapFloor(t *testing.T) {
	if os.Getenv("GOGC") != "" {
		if heapFloor != nil {
			t.Fatal("GOGC is set, yet the heap floor was allocated")
		}
		return
	}
	cycles := func() uint64 {
		s := []metrics.Sample{{Name: "/gc/cycles/total:gc-cycles"}}
		metrics.Read(s)
		return s[0].Value.Uint64()
	}
	runtime.GC()
	before := cycles()
	var sink [][]byte
	for range 256 {
		sink = append(sink, make([]byte, 64<<10))
		if len(sink) == 16 {
			sink = sink[:0]
		}
	}
	if n := cycles() - before; n != 0 {
		t.Errorf("16 MB of garbage started %d collections", n)
	}
	runtime.KeepAlive(sink)
}
