package main

/*
#include "capi.h"
*/
import "C"

import (
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/cdata"
)

// The structures of the Arrow C data interface are declared both by
// exmc.h and by arrow-go's cdata package, identically; cgo gives each
// package its own Go type for them, so they are converted by pointer.

// zeroStream and its siblings clear a structure the caller handed in. The
// exporter stores pointers into it, and the old contents may be garbage that
// the garbage collector's write barrier would take for a pointer; memset
// stores no pointers. It also leaves release NULL, so a caller sees an
// unfilled structure as released.
func zeroStream(s *C.struct_ArrowArrayStream) {
	C.memset(unsafe.Pointer(s), 0, C.sizeof_struct_ArrowArrayStream)
}

func zeroSchema(s *C.struct_ArrowSchema) {
	C.memset(unsafe.Pointer(s), 0, C.sizeof_struct_ArrowSchema)
}

func zeroArray(a *C.struct_ArrowArray) {
	C.memset(unsafe.Pointer(a), 0, C.sizeof_struct_ArrowArray)
}

// exportStream hands rec to C as a stream of one batch. The stream takes
// its own references; the caller keeps, and releases, its own.
func exportStream(rec arrow.RecordBatch, out *C.struct_ArrowArrayStream) error {
	rdr, err := array.NewRecordReader(rec.Schema(), []arrow.RecordBatch{rec})
	if err != nil {
		return wrap(codeInternal, err)
	}
	zeroStream(out)
	cdata.ExportRecordReader(rdr, (*cdata.CArrowArrayStream)(unsafe.Pointer(out)))
	// ExportRecordReader retains the reader for the stream, so this
	// reference is still ours to drop; keeping it would leak every buffer
	// of the batch when the consumer releases the stream.
	rdr.Release()
	return nil
}

// exportBatch hands rec to C as a schema and a struct array, each with its
// own release callback.
func exportBatch(rec arrow.RecordBatch, schema *C.struct_ArrowSchema, batch *C.struct_ArrowArray) {
	zeroSchema(schema)
	zeroArray(batch)
	cdata.ExportArrowRecordBatch(rec,
		(*cdata.CArrowArray)(unsafe.Pointer(batch)),
		(*cdata.CArrowSchema)(unsafe.Pointer(schema)))
}

// exportStreamGo is exportStream for Go tests, which cannot name C types.
func exportStreamGo(rec arrow.RecordBatch, out *cdata.CArrowArrayStream) error {
	return exportStream(rec, (*C.struct_ArrowArrayStream)(unsafe.Pointer(out)))
}
