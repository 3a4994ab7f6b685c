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

// importedData is the values of a model's data nodes, handed over as an
// Arrow record batch. Float64 values are read where the producer put them;
// the record is kept until the model is destroyed, because the compiled
// model's graph refers to those arrays.
type importedData struct {
	arrays map[string][]float64
	rec    arrow.RecordBatch
}

func (d *importedData) release() {
	if d != nil && d.rec != nil {
		d.rec.Release()
		d.rec = nil
	}
}

// importData takes ownership of schema and batch, whatever happens:
// on success the record holds them, on failure they are released. Either
// may be NULL when there is no data, but not only one of them.
func importData(schema *C.struct_ArrowSchema, batch *C.struct_ArrowArray) (*importedData, error) {
	switch {
	case schema == nil && batch == nil:
		return &importedData{}, nil
	case schema == nil:
		C.exmc_capi_release_array(batch)
		return nil, errorf(codeInvalid, "schema is NULL but data is not: the data's columns need their types")
	case batch == nil:
		C.exmc_capi_release_schema(schema)
		return nil, errorf(codeInvalid, "data is NULL but schema is not")
	case schema.release == nil:
		C.exmc_capi_release_array(batch)
		return nil, errorf(codeInvalid, "schema is released")
	case batch.release == nil:
		C.exmc_capi_release_schema(schema)
		return nil, errorf(codeInvalid, "data is released")
	}
	rec, err := cdata.ImportCRecordBatch(
		(*cdata.CArrowArray)(unsafe.Pointer(batch)),
		(*cdata.CArrowSchema)(unsafe.Pointer(schema)))
	// The import releases the schema in every case and moves the array
	// when it succeeds; an array it did not take is still ours to release.
	C.exmc_capi_release_array(batch)
	if err != nil {
		return nil, errorf(codeInvalid, "data: not a valid Arrow record batch (a struct array of columns): %v", err)
	}
	d := &importedData{rec: rec}
	if d.arrays, err = columns(rec); err != nil {
		d.release()
		return nil, err
	}
	return d, nil
}

// importDataGo is importData for Go tests, which cannot name C types.
func importDataGo(schema *cdata.CArrowSchema, batch *cdata.CArrowArray) (*importedData, error) {
	return importData((*C.struct_ArrowSchema)(unsafe.Pointer(schema)), (*C.struct_ArrowArray)(unsafe.Pointer(batch)))
}

// columns reads each column as a data node's flat values. A column is
// either a float64 or int64 array holding one node's values (then every
// node has as many values as the batch has rows), or a list of float64 or
// int64 in a batch of one row, so that nodes of different sizes can travel
// together.
func columns(rec arrow.RecordBatch) (map[string][]float64, error) {
	out := make(map[string][]float64, rec.NumCols())
	for i, f := range rec.Schema().Fields() {
		if _, dup := out[f.Name]; dup {
			return nil, errorf(codeInvalid, "data: column %q appears twice", f.Name)
		}
		col := rec.Column(i)
		if list, ok := col.(array.ListLike); ok {
			if rec.NumRows() != 1 {
				return nil, errorf(codeInvalid, "data: column %q is a list, so the batch must have one row, not %d", f.Name, rec.NumRows())
			}
			if list.NullN() > 0 {
				return nil, errorf(codeInvalid, "data: column %q is null", f.Name)
			}
			start, end := list.ValueOffsets(0)
			vals, err := values(f.Name, list.ListValues())
			if err != nil {
				return nil, err
			}
			out[f.Name] = vals[start:end:end]
			continue
		}
		vals, err := values(f.Name, col)
		if err != nil {
			return nil, err
		}
		out[f.Name] = vals
	}
	return out, nil
}

// values reads a flat numeric array: float64 in place, int64 converted.
func values(name string, a arrow.Array) ([]float64, error) {
	if a.NullN() > 0 {
		return nil, errorf(codeInvalid, "data: column %q has %d null values", name, a.NullN())
	}
	switch a := a.(type) {
	case *array.Float64:
		return a.Float64Values(), nil
	case *array.Int64:
		ints := a.Int64Values()
		out := make([]float64, len(ints))
		for i, v := range ints {
			out[i] = float64(v)
			if int64(out[i]) != v {
				return nil, errorf(codeInvalid, "data: column %q: %d at index %d has no exact float64 value", name, v, i)
			}
		}
		return out, nil
	}
	return nil, errorf(codeInvalid, "data: column %q has type %s; want float64 or int64 (or a list of them)", name, a.DataType())
}
