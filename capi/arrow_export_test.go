package main

import (
	"encoding/json"
	"math"
	"os"
	"reflect"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/cdata"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/exmc/exmc/core/compile"
	"github.com/exmc/exmc/core/model"
	"github.com/exmc/exmc/core/nuts"
)

// scaler constrains x to (2x[0], 2x[1], ...) and reports x[0]+i as the
// i-th log-likelihood: values a test can predict.
type scaler struct{}

func (scaler) Constrain(x, out []float64) error {
	for i := range out {
		out[i] = 2 * x[i]
	}
	return nil
}

func (scaler) LogLikelihood(x, out []float64) error {
	for i := range out {
		out[i] = x[0] + float64(i)
	}
	return nil
}

func testLayout(ll bool) *layout {
	vars := []compile.Var{
		{Name: "a", Kind: model.Free, Offset: 0, Size: 1},
		{Name: "b", Kind: model.Free, Shape: []int{2}, Dims: []string{"pair"}, Offset: 1, Size: 2},
	}
	obs := []compile.Var{{Name: "y", Kind: model.Observed, Shape: []int{3}, Offset: 0, Size: 3}}
	return newLayout(3, vars, obs, ll)
}

func testParts() []part {
	return []part{
		{chain: 0, start: 0, tuning: true, positions: []float64{1, 2, 3}, stats: []nuts.Stats{{Lp: -1, TreeDepth: 2, Diverging: true}}},
		{chain: 0, start: 0, positions: []float64{4, 5, 6, 7, 8, 9}, stats: []nuts.Stats{{Lp: -2, NSteps: 3}, {Lp: -3, ReachedMaxTreedepth: true}}},
		{chain: 1, start: 5, positions: []float64{10, 11, 12}, stats: []nuts.Stats{{Lp: -4, StepSize: 0.5}}},
	}
}

func TestLayoutSchema(t *testing.T) {
	l := testLayout(true)
	var names []string
	for _, f := range l.schema.Fields() {
		names = append(names, f.Name)
		if f.Nullable {
			t.Errorf("%s is nullable", f.Name)
		}
	}
	want := []string{"chain", "draw", "warmup", "lp", "acceptance_rate", "step_size", "step_size_nom", "energy",
		"energy_error", "max_energy_error", "tree_depth", "n_steps", "diverging", "reached_max_treedepth",
		"a", "b", "log_likelihood::y"}
	if !reflect.DeepEqual(names, want) {
		t.Fatalf("columns %v\nwant %v", names, want)
	}
	b, _ := l.schema.FieldsByName("b")
	if !arrow.TypeEqual(b[0].Type, arrow.FixedSizeListOfNonNullable(2, arrow.PrimitiveTypes.Float64)) {
		t.Errorf("b is %s", b[0].Type)
	}
	if v, _ := b[0].Metadata.GetValue(shapeKey); v != "[2]" {
		t.Errorf("b's shape %q", v)
	}
	if v, _ := b[0].Metadata.GetValue(dimsKey); v != `["pair"]` {
		t.Errorf("b's dims %q", v)
	}
	a, _ := l.schema.FieldsByName("a")
	if v, _ := a[0].Metadata.GetValue(shapeKey); v != "[]" || a[0].Type.ID() != arrow.FLOAT64 {
		t.Errorf("a: %s, shape %q", a[0].Type, v)
	}
	if _, ok := a[0].Metadata.GetValue(dimsKey); ok {
		t.Error("a has dims")
	}
	if n := len(testLayout(false).schema.Fields()); n != len(want)-1 {
		t.Errorf("without log-likelihoods: %d columns", n)
	}
}

func TestLayoutRecord(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	l := testLayout(true)
	rec, err := l.record(mem, scaler{}, testParts())
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Release()
	if rec.NumRows() != 4 {
		t.Fatalf("%d rows", rec.NumRows())
	}
	col := func(name string) arrow.Array {
		i := l.schema.FieldIndices(name)[0]
		return rec.Column(i)
	}
	if got := col("chain").(*array.Int64).Int64Values(); !reflect.DeepEqual(got, []int64{0, 0, 0, 1}) {
		t.Errorf("chain %v", got)
	}
	if got := col("draw").(*array.Int64).Int64Values(); !reflect.DeepEqual(got, []int64{0, 0, 1, 5}) {
		t.Errorf("draw %v", got)
	}
	warm, div, maxd := col("warmup").(*array.Boolean), col("diverging").(*array.Boolean), col("reached_max_treedepth").(*array.Boolean)
	for r, w := range []bool{true, false, false, false} {
		if warm.Value(r) != w || div.Value(r) != (r == 0) || maxd.Value(r) != (r == 2) {
			t.Errorf("row %d: warmup %v diverging %v max depth %v", r, warm.Value(r), div.Value(r), maxd.Value(r))
		}
	}
	if got := col("lp").(*array.Float64).Float64Values(); !reflect.DeepEqual(got, []float64{-1, -2, -3, -4}) {
		t.Errorf("lp %v", got)
	}
	if got := col("tree_depth").(*array.Int64).Int64Values(); got[0] != 2 {
		t.Errorf("tree_depth %v", got)
	}
	if got := col("n_steps").(*array.Int64).Int64Values(); got[1] != 3 {
		t.Errorf("n_steps %v", got)
	}
	if got := col("step_size").(*array.Float64).Float64Values(); got[3] != 0.5 {
		t.Errorf("step_size %v", got)
	}
	if got := col("a").(*array.Float64).Float64Values(); !reflect.DeepEqual(got, []float64{2, 8, 14, 20}) {
		t.Errorf("a %v", got)
	}
	b := col("b").(*array.FixedSizeList).ListValues().(*array.Float64).Float64Values()
	if !reflect.DeepEqual(b, []float64{4, 6, 10, 12, 16, 18, 22, 24}) {
		t.Errorf("b %v", b)
	}
	y := col("log_likelihood::y").(*array.FixedSizeList).ListValues().(*array.Float64).Float64Values()
	if !reflect.DeepEqual(y, []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}) {
		t.Errorf("log-likelihood %v", y)
	}
}

func TestLayoutRecordErrors(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	parts := testParts()
	parts[1].positions = parts[1].positions[:5]
	if _, err := testLayout(false).record(mem, scaler{}, parts); err == nil {
		t.Error("a part with too few positions was accepted")
	}
	rec, err := testLayout(false).record(mem, scaler{}, nil)
	if err != nil || rec.NumRows() != 0 {
		t.Fatalf("no draws: %v", err)
	}
	rec.Release()
}

func TestCheckColumnNames(t *testing.T) {
	for _, name := range []string{"lp", "chain", "diverging", "log_likelihood::y"} {
		if err := checkColumnNames([]compile.Var{{Name: name}}, codeModel); codeOf(err) != codeModel {
			t.Errorf("%q: %v", name, err)
		}
	}
	if err := checkColumnNames([]compile.Var{{Name: "mu"}, {Name: "lp_"}}, codeModel); err != nil {
		t.Error(err)
	}
}

// The stream handed to C must hold the only references to the batch: when
// the consumer releases everything, every byte is freed (arrow-go's
// exporter retains the reader, a reference the exporter must drop).
func TestExportStreamReleasesEverything(t *testing.T) {
	base := cAlloc.AllocatedBytes()
	rec, err := testLayout(true).record(cAlloc, scaler{}, testParts())
	if err != nil {
		t.Fatal(err)
	}
	if cAlloc.AllocatedBytes() == base {
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
		rows += int(r.RecordBatch().NumRows())
	}
	if rows != 4 || r.Err() != nil {
		t.Errorf("%d rows, %v", rows, r.Err())
	}
	r.Release()
	if got := cAlloc.AllocatedBytes(); got != base {
		t.Errorf("%d bytes still allocated after every release", got-base)
	}
}

func TestCompiledRecord(t *testing.T) {
	doc, err := os.ReadFile("testdata/eight_schools.json")
	if err != nil {
		t.Fatal(err)
	}
	m, err := compileModel(doc, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer m.release()
	x := []float64{1, math.Log(2), 0, 1, 2, 3, 4, 5, 6, 7}
	l := newLayout(m.t.Dim(), m.t.Vars(), m.t.Observed(), true)
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec, err := l.record(mem, m.t.newConstrainer(), []part{{positions: x, stats: make([]nuts.Stats, 1)}})
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Release()
	tau := rec.Column(l.schema.FieldIndices("tau")[0]).(*array.Float64).Value(0)
	theta := rec.Column(l.schema.FieldIndices("theta")[0]).(*array.FixedSizeList).ListValues().(*array.Float64).Float64Values()
	if math.Abs(tau-2) > 1e-12 || math.Abs(theta[3]-(1+2*3)) > 1e-12 {
		t.Errorf("tau %v, theta %v", tau, theta)
	}

	var info map[string]any
	doc, err = m.t.info().marshal()
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
