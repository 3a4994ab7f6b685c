package main

import (
	"fmt"
	"sync/atomic"
	"syscall"

	"github.com/apache/arrow-go/v18/arrow/memory/mallocator"
)

// cAlloc allocates every buffer the library hands out outside the Go heap:
// the consumer may keep a buffer after the call returns (Python views it
// with numpy), which the cgo rules forbid for Go memory, and the release
// callbacks free it.
var cAlloc = &outsideAllocator{small: mallocator.NewMallocator()}

// mapThreshold is the size from which a buffer is mapped from the kernel
// on its own rather than taken from C's allocator.
const mapThreshold = 1 << 20

// outsideAllocator takes small buffers from C's allocator and large ones,
// the draws of a large run, straight from the kernel (mmap). A large
// buffer is then returned to the system the moment its last holder
// releases it, and its pages become resident only as draws are written
// into them. C's allocator makes no such promise: glibc serves blocks
// below its adaptive mmap threshold (up to 32 MB) from heaps it keeps, so
// after one large run the next one's columns could stay resident after
// they were freed.
type outsideAllocator struct {
	small     *mallocator.Mallocator
	allocated atomic.Int64
}

func (a *outsideAllocator) Allocate(size int) []byte {
	if size < mapThreshold {
		b := a.small.Allocate(size)
		a.allocated.Add(int64(size))
		return b
	}
	// MAP_NORESERVE: pages are committed as draws are written, as the Go
	// heap's are; a run's columns are sized for every draw it may make,
	// and one cancelled early never touches most of them.
	b, err := syscall.Mmap(-1, 0, size, syscall.PROT_READ|syscall.PROT_WRITE,
		syscall.MAP_PRIVATE|syscall.MAP_ANON|syscall.MAP_NORESERVE)
	if err != nil {
		panic(fmt.Sprintf("mapping %d bytes: %v", size, err))
	}
	a.allocated.Add(int64(size))
	return b
}

// Free takes a slice Allocate returned, its length possibly shortened.
func (a *outsideAllocator) Free(b []byte) {
	size := cap(b)
	if size < mapThreshold {
		a.small.Free(b)
	} else if err := syscall.Munmap(b[:size]); err != nil {
		panic(fmt.Sprintf("unmapping %d bytes: %v", size, err))
	}
	a.allocated.Add(-int64(size))
}

func (a *outsideAllocator) Reallocate(size int, b []byte) []byte {
	if size <= cap(b) {
		return b[:size]
	}
	nb := a.Allocate(size)
	copy(nb, b)
	a.Free(b)
	return nb
}

// AllocatedBytes is the size of the buffers allocated and not yet freed.
func (a *outsideAllocator) AllocatedBytes() int64 { return a.allocated.Load() }
