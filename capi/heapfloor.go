package main

import "os"

// heapFloor raises the heap the collector lets build up before a cycle
// from 4 MB to about 64 MB: allocated once and never written, it counts as
// live data but takes address space, not memory (DECISIONS 31). A host
// that sets GOGC chooses for itself.
var heapFloor []byte

func init() {
	if os.Getenv("GOGC") == "" {
		heapFloor = make([]byte, heapFloorBytes)
	}
}

const heapFloorBytes = 32 << 20
