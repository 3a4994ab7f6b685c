package main

import (
	"encoding/json"
	"math"
	"reflect"
	"sync"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/cdata"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/exmc/exmc/core/compile"
	"github.com/exmc/exmc/core/model"
	"github.com/exmc/exmc/core/nuts"
	"github.com/exmc/exmc/core/sample"
)

// testLayout has variables named like the index and statistics columns,
// which their own struct columns keep apart.
func testLayout(ll bool) *layout {
	vars := []compile.Var{
		{Name: "lp", Kind: model.Free, Offset: 0, Size: 1},
		{Name: "chain", Kind: model.Free, Shape: []int{2}, Dims: []string{"pair"}, Offset: 1, Size: 2},
	}
	obs := []compile.Var{{Name: "diverging", Kind: model.Observed, Shape: []int{3}, Offset: 0, Size: 3}}
	return newLayout(3, vars, obs, ll)
}

func fieldNames(fs []arrow.Field) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Name)
	}
	return out
}

func TestLayoutSchema(t *testing.T) {
	l := testLayout(true)
	for _, f := range l.schema.Fields() {
		if f.Nullable {
			t.Errorf("%s is nullable", f.Name)
		}
	}
	if got, want := fieldNames(l.schema.Fields()), []string{"chain", "draw", "warmup", "sample_stats", "posterior", "log_likelihood"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("columns %v, want %v", got, want)
	}
	sub := func(name string) []arrow.Field {
		f, _ := l.schema.FieldsByName(name)
		return f[0].Type.(*arrow.StructType).Fields()
	}
	stats := []string{"lp", "acceptance_rate", "step_size", "step_size_nom", "energy", "energy_error",
		"max_energy_error", "tree_depth", "n_steps", "diverging", "reached_max_treedepth"}
	if got := fieldNames(sub("sample_stats")); !reflect.DeepEqual(got, stats) {
		t.Errorf("statistics %v", got)
	}
	post := sub("posterior")
	if got := fieldNames(post); !reflect.DeepEqual(got, []string{"lp", "chain"}) {
		t.Errorf("posterior %v", got)
	}
	if got := fieldNames(sub("log_likelihood")); !reflect.DeepEqual(got, []string{"diverging"}) {
		t.Errorf("log-likelihood %v", got)
	}
	b := post[1]
	if !arrow.TypeEqual(b.Type, arrow.FixedSizeListOfNonNullable(2, arrow.PrimitiveTypes.Float64)) {
		t.Errorf("chain is %s", b.Type)
	}
	if v, _ := b.Metadata.GetValue(shapeKey); v != "[2]" {
		t.Errorf("chain's shape %q", v)
	}
	if v, _ := b.Metadata.GetValue(dimsKey); v != `["pair"]` {
		t.Errorf("chain's dims %q", v)
	}
	a := post[0]
	if v, _ := a.Metadata.GetValue(shapeKey); v != "[]" || a.Type.ID() != arrow.FLOAT64 {
		t.Errorf("lp: %s, shape %q", a.Type, v)
	}
	if _, ok := a.Metadata.GetValue(dimsKey); ok {
		t.Error("lp has dims")
	}
	if n := len(testLayout(false).schema.Fields()); n != 5 {
		t.Errorf("without log-likelihoods: %d columns", n)
	}
	if n := len(l.leaves); n != 3+11+3 {
		t.Errorf("%d leaves", n)
	}
}

// testRows writes four draws: chain 0's warmup draw and two posterior
// draws, then chain 1's draw 5. The values are (2v, 2v+1, 2v+2) for row
// v's value v, the log-likelihoods (v, v+1, v+2).
func testRows(c *drawColumns) {
	rows := []struct {
		chain, draw int
		tuning      bool
		st          nuts.Stats
	}{
		{0, 0, true, nuts.Stats{Lp: -1, TreeDepth: 2, Diverging: true}},
		{0, 0, false, nuts.Stats{Lp: -2, NSteps: 3}},
		{0, 1, false, nuts.Stats{Lp: -3, ReachedMaxTreedepth: true}},
		{1, 5, false, nuts.Stats{Lp: -4, StepSize: 0.5}},
	}
	for r, x := range rows {
		v := float64(10 * (r + 1))
		c.setRow(r, x.chain, x.draw, x.tuning, &x.st, []float64{2 * v, 2*v + 1, 2*v + 2}, []float64{v, v + 1, v + 2})
	}
}

// field is a top-level column of rec, or a field of one of its struct
// columns: field(rec, "posterior", "lp").
func field(t *testing.T, rec arrow.RecordBatch, path ...string) arrow.Array {
	t.Helper()
	i := rec.Schema().FieldIndices(path[0])
	if len(i) != 1 {
		t.Fatalf("no column %q", path[0])
	}
	a := rec.Column(i[0])
	if len(path) == 1 {
		return a
	}
	s := a.(*array.Struct)
	j, ok := s.DataType().(*arrow.StructType).FieldIdx(path[1])
	if !ok {
		t.Fatalf("no field %v", path)
	}
	return s.Field(j)
}

func float64s(a arrow.Array) []float64 {
	if l, ok := a.(*array.FixedSizeList); ok {
		vals := l.ListValues().(*array.Float64).Float64Values()
		n := int(l.DataType().(*arrow.FixedSizeListType).Len())
		return vals[l.Data().Offset()*n : (l.Data().Offset()+l.Len())*n]
	}
	return a.(*array.Float64).Float64Values()
}

func TestColumnsRecord(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	l := testLayout(true)
	c, err := l.newColumns(mem, 4)
	if err != nil {
		t.Fatal(err)
	}
	testRows(c)
	rec := c.slice(0, 4)
	c.release()
	defer rec.Release()
	if rec.NumRows() != 4 {
		t.Fatalf("%d rows", rec.NumRows())
	}
	if got := field(t, rec, "chain").(*array.Int64).Int64Values(); !reflect.DeepEqual(got, []int64{0, 0, 0, 1}) {
		t.Errorf("chain %v", got)
	}
	if got := field(t, rec, "draw").(*array.Int64).Int64Values(); !reflect.DeepEqual(got, []int64{0, 0, 1, 5}) {
		t.Errorf("draw %v", got)
	}
	warm := field(t, rec, "warmup").(*array.Boolean)
	div := field(t, rec, "sample_stats", "diverging").(*array.Boolean)
	maxd := field(t, rec, "sample_stats", "reached_max_treedepth").(*array.Boolean)
	for r, w := range []bool{true, false, false, false} {
		if warm.Value(r) != w || div.Value(r) != (r == 0) || maxd.Value(r) != (r == 2) {
			t.Errorf("row %d: warmup %v diverging %v max depth %v", r, warm.Value(r), div.Value(r), maxd.Value(r))
		}
	}
	if got := float64s(field(t, rec, "sample_stats", "lp")); !reflect.DeepEqual(got, []float64{-1, -2, -3, -4}) {
		t.Errorf("lp %v", got)
	}
	if got := field(t, rec, "sample_stats", "tree_depth").(*array.Int64).Int64Values(); got[0] != 2 {
		t.Errorf("tree_depth %v", got)
	}
	if got := field(t, rec, "sample_stats", "n_steps").(*array.Int64).Int64Values(); got[1] != 3 {
		t.Errorf("n_steps %v", got)
	}
	if got := float64s(field(t, rec, "sample_stats", "step_size")); got[3] != 0.5 {
		t.Errorf("step_size %v", got)
	}
	if got := float64s(field(t, rec, "posterior", "lp")); !reflect.DeepEqual(got, []float64{20, 40, 60, 80}) {
		t.Errorf("the variable lp: %v", got)
	}
	if got := float64s(field(t, rec, "posterior", "chain")); !reflect.DeepEqual(got, []float64{21, 22, 41, 42, 61, 62, 81, 82}) {
		t.Errorf("the variable chain: %v", got)
	}
	want := []float64{10, 11, 12, 20, 21, 22, 30, 31, 32, 40, 41, 42}
	if got := float64s(field(t, rec, "log_likelihood", "diverging")); !reflect.DeepEqual(got, want) {
		t.Errorf("log-likelihood %v", got)
	}

	// A slice views the same buffers, its rows from its leaves' offsets.
	part := rec.NewSlice(1, 3)
	defer part.Release()
	c2, _ := l.newColumns(mem, 4)
	testRows(c2)
	mid := c2.slice(2, 2)
	c2.release()
	defer mid.Release()
	if got := float64s(field(t, mid, "posterior", "chain")); !reflect.DeepEqual(got, []float64{61, 62, 81, 82}) {
		t.Errorf("rows 2-3 of chain: %v", got)
	}
	if got := field(t, mid, "sample_stats", "reached_max_treedepth").(*array.Boolean); !got.Value(0) || got.Value(1) {
		t.Error("rows 2-3 of reached_max_treedepth")
	}
	if s := field(t, mid, "posterior").Data(); s.Offset() != 0 || s.Children()[1].Children()[0].Offset() != 4 {
		t.Errorf("the struct has offset %d, the list's values %d", s.Offset(), s.Children()[1].Children()[0].Offset())
	}
}

func TestColumnsCopyRows(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	l := testLayout(true)
	src, _ := l.newColumns(mem, 4)
	defer src.release()
	testRows(src)
	dst, _ := l.newColumns(mem, 3)
	defer dst.release()
	dst.copyRows(0, src, 0, 1)
	dst.copyRows(1, src, 2, 2)
	rec := dst.slice(0, 3)
	defer rec.Release()
	if got := field(t, rec, "draw").(*array.Int64).Int64Values(); !reflect.DeepEqual(got, []int64{0, 1, 5}) {
		t.Errorf("draw %v", got)
	}
	if got := float64s(field(t, rec, "posterior", "chain")); !reflect.DeepEqual(got, []float64{21, 22, 61, 62, 81, 82}) {
		t.Errorf("chain %v", got)
	}
	div := field(t, rec, "sample_stats", "diverging").(*array.Boolean)
	maxd := field(t, rec, "sample_stats", "reached_max_treedepth").(*array.Boolean)
	if !div.Value(0) || div.Value(1) || !maxd.Value(1) || maxd.Value(2) || !field(t, rec, "warmup").(*array.Boolean).Value(0) {
		t.Error("bits not copied")
	}
}

// Chains set bits of neighbouring rows at once; none may be lost.
func TestSetBitConcurrently(t *testing.T) {
	bits := make([]byte, 64)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := g; i < 512; i += 8 {
				if i%3 != 0 {
					setBit(bits, i)
				}
			}
		}()
	}
	wg.Wait()
	for i := range 512 {
		if bitutil.BitIsSet(bits, i) != (i%3 != 0) {
			t.Fatalf("bit %d is %v", i, bitutil.BitIsSet(bits, i))
		}
	}
}

func TestCheckColumnNames(t *testing.T) {
	names := []string{"lp", "chain", "draw", "diverging", "log_likelihood::y", "posterior", "a b.c[1]", "é", ""}
	for _, name := range names {
		if err := checkColumnNames([]compile.Var{{Name: name}}, codeModel); err != nil {
			t.Errorf("%q: %v", name, err)
		}
	}
	if err := checkColumnNames([]compile.Var{{Name: "mu"}, {Name: "a\xffb"}}, codeInvalid); codeOf(err) != codeInvalid {
		t.Errorf("a name that is not UTF-8: %v", err)
	}
}

// The stream handed to C must hold the only references to the batch: when
// the consumer releases everything, every byte is freed (arrow-go's
// exporter retains the reader, a reference the exporter must drop). The
// variable's column is large enough to be mapped from the kernel.
func TestExportStreamReleasesEverything(t *testing.T) {
	base := cAlloc.AllocatedBytes()
	vars := []compile.Var{{Name: "x", Kind: model.Free, Shape: []int{1000}, Offset: 0, Size: 1000}}
	l := newLayout(1000, vars, nil, false)
	c, err := l.newColumns(cAlloc, 200)
	if err != nil {
		t.Fatal(err)
	}
	vals := make([]float64, 1000)
	for r := range 200 {
		vals[999] = float64(r)
		c.setRow(r, 0, r, false, &nuts.Stats{}, vals, nil)
	}
	rec := c.slice(0, 200)
	c.release()
	if cAlloc.AllocatedBytes()-base < 200*1000*8 {
		t.Fatal("the record was not allocated from cAlloc")
	}
	stream := new(cdata.CArrowArrayStream)
	if err := exportStreamGo(rec, stream); err != nil {
		t.Fatal(err)
	}
	rec.Release()
	rdr, err := cdata.ImportCRecordReader(stream, nil)
	if err != nil {
		t.Fatal(err)
	}
	rows := 0
	r := rdr.(array.RecordReader)
	for r.Next() {
		b := r.RecordBatch()
		rows += int(b.NumRows())
		if got := float64s(field(t, b, "posterior", "x")); got[199*1000+999] != 199 {
			t.Errorf("last value %v", got[199*1000+999])
		}
	}
	if rows != 200 || r.Err() != nil {
		t.Errorf("%d rows, %v", rows, r.Err())
	}
	r.Release()
	if got := cAlloc.AllocatedBytes(); got != base {
		t.Errorf("%d bytes still allocated after every release", got-base)
	}
}

func TestOutsideAllocator(t *testing.T) {
	base := cAlloc.AllocatedBytes()
	for _, n := range []int{0, 100, mapThreshold - 1, mapThreshold, 3 * mapThreshold} {
		b := cAlloc.Allocate(n)
		if len(b) != n || cap(b) != n {
			t.Fatalf("Allocate(%d): len %d cap %d", n, len(b), cap(b))
		}
		for i := range b {
			if b[i] != 0 {
				t.Fatalf("Allocate(%d): byte %d is %d", n, i, b[i])
			}
		}
		if n > 0 {
			b[n-1] = 1
		}
		b = cAlloc.Reallocate(n+10, b)
		if len(b) != n+10 || (n > 0 && b[n-1] != 1) {
			t.Fatalf("Reallocate(%d): len %d", n+10, len(b))
		}
		cAlloc.Free(b[:1])
	}
	if got := cAlloc.AllocatedBytes(); got != base {
		t.Errorf("%d bytes still allocated", got-base)
	}
}

func TestCompiledStore(t *testing.T) {
	m := eightSchools(t)
	defer m.release()
	x := []float64{1, math.Log(2), 0, 1, 2, 3, 4, 5, 6, 7}
	l := newLayout(m.t.Dim(), m.t.Vars(), m.t.Observed(), true)
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	o := sample.DefaultOptions()
	o.Chains, o.Draws, o.Tune, o.FirstChain = 2, 3, 5, 7
	s, err := newDrawStore(m, l, o, mem)
	if err != nil {
		t.Fatal(err)
	}
	defer s.release()
	if err := s.Record(1, false, 2, x, nuts.Stats{Lp: -7}); err != nil {
		t.Fatal(err)
	}
	rec := s.cols.slice(5, 1)
	defer rec.Release()
	if c := field(t, rec, "chain").(*array.Int64).Value(0); c != 8 {
		t.Errorf("chain %d", c)
	}
	tau := float64s(field(t, rec, "posterior", "tau"))[0]
	theta := float64s(field(t, rec, "posterior", "theta"))
	if math.Abs(tau-2) > 1e-12 || math.Abs(theta[3]-(1+2*3)) > 1e-12 {
		t.Errorf("tau %v, theta %v", tau, theta)
	}
	if ll := float64s(field(t, rec, "log_likelihood", "y")); len(ll) != 8 || ll[0] >= 0 {
		t.Errorf("log-likelihood %v", ll)
	}

	var info map[string]any
	doc, err := m.t.info().marshal()
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(doc, &info); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"dim", "params", "vars", "observed", "coords", "noncentered", "kept_centered"} {
		if _, ok := info[k]; !ok {
			t.Errorf("info has no %q: %s", k, doc)
		}
	}
	if info["dim"].(float64) != 10 || len(info["params"].([]any)) != 3 || len(info["vars"].([]any)) != 4 {
		t.Errorf("info %s", doc)
	}
	p := info["params"].([]any)[2].(map[string]any)
	if p["aux"] != "theta" || p["value_name"] != "theta__z" || p["transform"] != "identity" {
		t.Errorf("the non-centring block: %v", p)
	}
}

// A chain that stops early leaves a gap in the run's columns; the result
// holds the rows made, chain after chain, each as it was written.
func TestStoreResultClosesGaps(t *testing.T) {
	m := eightSchools(t)
	defer m.release()
	base := cAlloc.AllocatedBytes()
	o := sample.DefaultOptions()
	o.Chains, o.Draws, o.Tune, o.SaveWarmup, o.FirstChain = 3, 40, 30, true, 2
	s, err := newDrawStore(m, newLayout(m.t.Dim(), m.t.Vars(), m.t.Observed(), false), o, cAlloc)
	if err != nil {
		t.Fatal(err)
	}
	x := make([]float64, m.t.Dim())
	made := [][2]int{{30, 40}, {12, 0}, {30, 7}} // (warmup, posterior) draws of each chain
	res := &sample.Result{Dim: m.t.Dim()}
	for k, n := range made {
		for ph, count := range n {
			for i := range count {
				x[0] = float64(1000*k + 100*ph + i)
				if err := s.Record(k, ph == 0, i, x, nuts.Stats{Lp: x[0]}); err != nil {
					t.Fatal(err)
				}
			}
		}
		res.Chains = append(res.Chains, sample.ChainResult{Chain: 2 + k, WarmupCount: n[0], DrawCount: n[1]})
	}
	rec, err := s.result(res)
	if err != nil {
		t.Fatal(err)
	}
	s.release()
	if rec.NumRows() != 30+40+12+30+7 {
		t.Fatalf("%d rows", rec.NumRows())
	}
	chain := field(t, rec, "chain").(*array.Int64).Int64Values()
	draw := field(t, rec, "draw").(*array.Int64).Int64Values()
	warm := field(t, rec, "warmup").(*array.Boolean)
	mu := float64s(field(t, rec, "posterior", "mu"))
	lp := float64s(field(t, rec, "sample_stats", "lp"))
	row := 0
	for k, n := range made {
		for ph, count := range n {
			for i := range count {
				want := float64(1000*k + 100*ph + i)
				if chain[row] != int64(2+k) || draw[row] != int64(i) || warm.Value(row) != (ph == 0) || mu[row] != want || lp[row] != want {
					t.Fatalf("row %d: chain %d draw %d warmup %v mu %v lp %v, want chain %d draw %d mu %v",
						row, chain[row], draw[row], warm.Value(row), mu[row], lp[row], 2+k, i, want)
				}
				row++
			}
		}
	}
	rec.Release()
	if got := cAlloc.AllocatedBytes(); got != base {
		t.Errorf("%d bytes still allocated", got-base)
	}
}
