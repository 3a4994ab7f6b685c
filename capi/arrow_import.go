package main

/*
#include "capi.h"
*/
import "C"

import (
	"strconv"
	"strings"
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
	sc, err := readSchema(schema)
	if err != nil {
		C.exmc_capi_release_array(batch)
		return nil, err
	}
	rec, err := cdata.ImportCRecordBatchWithSchema((*cdata.CArrowArray)(unsafe.Pointer(batch)), sc)
	// The import moves the array when it succeeds; an array it did not
	// take is still ours to release.
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

// readSchema reads a record batch's schema, the producer's struct of
// columns, and then releases it through its own release callback alone:
// under the C data interface the children belong to their parent, whose
// release frees them, and a consumer never calls theirs (arrow-go's
// importer does, which is why it is not used here). Only the types a data
// node can have are read: float64 and int64 columns, or fixed-size, plain
// or large lists of them.
func readSchema(s *C.struct_ArrowSchema) (*arrow.Schema, error) {
	defer C.exmc_capi_release_schema(s)
	if f := goFormat(s); f != "+s" {
		return nil, errorf(codeInvalid, "data: the schema is %s, not a struct of columns (format \"+s\")", describeFormat(f))
	}
	kids, err := schemaChildren(s, "the schema")
	if err != nil {
		return nil, err
	}
	fields := make([]arrow.Field, len(kids))
	for i, k := range kids {
		name := goName(k)
		t, err := columnType(name, k)
		if err != nil {
			return nil, err
		}
		fields[i] = arrow.Field{Name: name, Type: t, Nullable: k.flags&C.ARROW_FLAG_NULLABLE != 0}
	}
	return arrow.NewSchema(fields, nil), nil
}

// columnType is the type of a data column: a number, or a list of numbers.
func columnType(name string, s *C.struct_ArrowSchema) (arrow.DataType, error) {
	f := goFormat(s)
	var list func(arrow.DataType) arrow.DataType
	switch {
	case f == "+l":
		list = func(t arrow.DataType) arrow.DataType { return arrow.ListOf(t) }
	case f == "+L":
		list = func(t arrow.DataType) arrow.DataType { return arrow.LargeListOf(t) }
	case strings.HasPrefix(f, "+w:"):
		n, err := strconv.ParseInt(f[3:], 10, 32)
		if err != nil || n < 0 {
			return nil, errorf(codeInvalid, "data: column %q has the invalid format %q", name, f)
		}
		list = func(t arrow.DataType) arrow.DataType { return arrow.FixedSizeListOf(int32(n), t) }
	default:
		return numberType(name, s)
	}
	kids, err := schemaChildren(s, "column "+strconv.Quote(name))
	if err != nil {
		return nil, err
	}
	if len(kids) != 1 {
		return nil, errorf(codeInvalid, "data: column %q is a list with %d child types, not 1", name, len(kids))
	}
	elem, err := numberType(name, kids[0])
	if err != nil {
		return nil, err
	}
	return list(elem), nil
}

func numberType(name string, s *C.struct_ArrowSchema) (arrow.DataType, error) {
	f := goFormat(s)
	if s.dictionary != nil {
		return nil, errorf(codeInvalid, "data: column %q is dictionary-encoded; want float64 or int64 values", name)
	}
	switch f {
	case "g":
		return arrow.PrimitiveTypes.Float64, nil
	case "l":
		return arrow.PrimitiveTypes.Int64, nil
	}
	return nil, errorf(codeInvalid, "data: column %q has type %s; want float64 or int64 (or a list of them)", name, describeFormat(f))
}

// schemaChildren checks and returns a schema's children.
func schemaChildren(s *C.struct_ArrowSchema, what string) ([]*C.struct_ArrowSchema, error) {
	n := int64(s.n_children)
	switch {
	case n < 0 || n > maxChildren:
		return nil, errorf(codeInvalid, "data: %s has %d children", what, n)
	case n == 0:
		return nil, nil
	case s.children == nil:
		return nil, errorf(codeInvalid, "data: %s has %d children but no children array", what, n)
	}
	kids := unsafe.Slice(s.children, n)
	for i, k := range kids {
		if k == nil {
			return nil, errorf(codeInvalid, "data: child %d of %s is NULL", i, what)
		}
	}
	return kids, nil
}

// maxChildren bounds a schema's number of columns; more is a corrupt
// structure, not data.
const maxChildren = 1 << 24

func goFormat(s *C.struct_ArrowSchema) string {
	if s.format == nil {
		return ""
	}
	return C.GoString(s.format)
}

func goName(s *C.struct_ArrowSchema) string {
	if s.name == nil {
		return ""
	}
	return C.GoString(s.name)
}

// describeFormat names an Arrow format string for an error message.
func describeFormat(f string) string {
	if n, ok := formatNames[f]; ok {
		return n
	}
	if f == "" {
		return "missing (format is NULL or empty)"
	}
	return "Arrow format " + strconv.Quote(f)
}

var formatNames = map[string]string{
	"n": "null", "b": "bool", "c": "int8", "C": "uint8", "s": "int16", "S": "uint16",
	"i": "int32", "I": "uint32", "l": "int64", "L": "uint64", "e": "float16", "f": "float32",
	"g": "float64", "u": "utf8", "U": "large_utf8", "z": "binary", "Z": "large_binary",
	"+s": "a struct", "+l": "a list", "+L": "a large list",
}
