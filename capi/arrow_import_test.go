package main

import (
	"reflect"
	"strings"
	"testing"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/cdata"
)

// exported hands rec over as a C producer would, and drops the Go side's
// reference: from then on the C structures own the batch.
func exported(t *testing.T, rec arrow.RecordBatch) (*cdata.CArrowSchema, *cdata.CArrowArray) {
	t.Helper()
	schema, batch := new(cdata.CArrowSchema), new(cdata.CArrowArray)
	cdata.ExportArrowRecordBatch(rec, batch, schema)
	rec.Release()
	return schema, batch
}

func float64Column(vals ...float64) arrow.Array {
	b := array.NewFloat64Builder(cAlloc)
	defer b.Release()
	b.AppendValues(vals, nil)
	return b.NewArray()
}

func int64Column(vals ...int64) arrow.Array {
	b := array.NewInt64Builder(cAlloc)
	defer b.Release()
	b.AppendValues(vals, nil)
	return b.NewArray()
}

func batchOf(names []string, cols ...arrow.Array) arrow.RecordBatch {
	fields := make([]arrow.Field, len(cols))
	for i, c := range cols {
		fields[i] = arrow.Field{Name: names[i], Type: c.DataType()}
	}
	rec := array.NewRecordBatch(arrow.NewSchema(fields, nil), cols, int64(cols[0].Len()))
	for _, c := range cols {
		c.Release()
	}
	return rec
}

func TestImportReadsFloat64InPlace(t *testing.T) {
	base := cAlloc.AllocatedBytes()
	y := float64Column(28, 8, -3)
	where := unsafe.Pointer(unsafe.SliceData(y.(*array.Float64).Float64Values()))
	schema, batch := exported(t, batchOf([]string{"y", "n"}, y, int64Column(1, 2, 3)))

	d, err := importDataGo(schema, batch)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(d.arrays["y"], []float64{28, 8, -3}) || !reflect.DeepEqual(d.arrays["n"], []float64{1, 2, 3}) {
		t.Errorf("arrays %v", d.arrays)
	}
	if got := unsafe.Pointer(unsafe.SliceData(d.arrays["y"])); got != where {
		t.Errorf("float64 column copied: read at %p, the producer's buffer is at %p", got, where)
	}
	if cAlloc.AllocatedBytes() == base {
		t.Error("the producer's buffers were freed while the import holds them")
	}
	d.release()
	if got := cAlloc.AllocatedBytes(); got != base {
		t.Errorf("%d bytes still allocated after the import was released", got-base)
	}
}

func TestImportListColumns(t *testing.T) {
	base := cAlloc.AllocatedBytes()
	lb := array.NewListBuilder(cAlloc, arrow.PrimitiveTypes.Float64)
	lb.Append(true)
	lb.ValueBuilder().(*array.Float64Builder).AppendValues([]float64{1, 2, 3, 4}, nil)
	fb := array.NewFixedSizeListBuilder(cAlloc, 2, arrow.PrimitiveTypes.Int64)
	fb.Append(true)
	fb.ValueBuilder().(*array.Int64Builder).AppendValues([]int64{7, 8}, nil)
	schema, batch := exported(t, batchOf([]string{"x", "k"}, lb.NewArray(), fb.NewArray()))
	lb.Release()
	fb.Release()

	d, err := importDataGo(schema, batch)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(d.arrays["x"], []float64{1, 2, 3, 4}) || !reflect.DeepEqual(d.arrays["k"], []float64{7, 8}) {
		t.Errorf("arrays %v", d.arrays)
	}
	d.release()
	if got := cAlloc.AllocatedBytes(); got != base {
		t.Errorf("%d bytes still allocated", got-base)
	}
}

func TestImportErrors(t *testing.T) {
	base := cAlloc.AllocatedBytes()
	withNull := func() arrow.Array {
		b := array.NewFloat64Builder(cAlloc)
		defer b.Release()
		b.AppendValues([]float64{1, 2}, []bool{true, false})
		return b.NewArray()
	}
	float32s := func() arrow.Array {
		b := array.NewFloat32Builder(cAlloc)
		defer b.Release()
		b.AppendValues([]float32{1, 2}, nil)
		return b.NewArray()
	}
	twoRowList := func() arrow.Array {
		b := array.NewListBuilder(cAlloc, arrow.PrimitiveTypes.Float64)
		defer b.Release()
		b.Append(true)
		b.Append(true)
		return b.NewArray()
	}
	for _, tc := range []struct {
		rec  func() arrow.RecordBatch
		want string
	}{
		{func() arrow.RecordBatch { return batchOf([]string{"y"}, withNull()) }, `column "y" has 1 null values`},
		{func() arrow.RecordBatch { return batchOf([]string{"f"}, float32s()) }, `column "f" has type float32`},
		{func() arrow.RecordBatch {
			return batchOf([]string{"y", "y"}, float64Column(1), float64Column(2))
		}, `column "y" appears twice`},
		{func() arrow.RecordBatch { return batchOf([]string{"l"}, twoRowList()) }, "one row, not 2"},
		{func() arrow.RecordBatch { return batchOf([]string{"n"}, int64Column(1<<62+1)) }, "no exact float64"},
	} {
		schema, batch := exported(t, tc.rec())
		_, err := importDataGo(schema, batch)
		if codeOf(err) != codeInvalid || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v, want EXMC_ERR_INVALID with %q", err, tc.want)
		}
	}
	// Either pointer alone is refused, and what was passed is released.
	schema, batch := exported(t, batchOf([]string{"y"}, float64Column(1)))
	if _, err := importDataGo(nil, batch); codeOf(err) != codeInvalid {
		t.Errorf("no schema: %v", err)
	}
	if _, err := importDataGo(schema, nil); codeOf(err) != codeInvalid {
		t.Errorf("no data: %v", err)
	}
	if d, err := importDataGo(nil, nil); err != nil || len(d.arrays) != 0 {
		t.Errorf("no data at all: %v, %v", d, err)
	}
	if got := cAlloc.AllocatedBytes(); got != base {
		t.Errorf("%d bytes still allocated after the failed imports", got-base)
	}
}
