package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/arrow/memory/mallocator"

	"github.com/exmc/exmc/core/compile"
	"github.com/exmc/exmc/core/nuts"
)

// cAlloc allocates every buffer the library hands out in C memory: the
// consumer may keep a buffer after the call returns (Python views it with
// numpy), which the cgo rules forbid for Go memory, and C memory is what
// the release callbacks free.
var cAlloc = mallocator.NewMallocator()

// Column names and metadata keys of the draws (include/exmc.h, exmc_sample).
const (
	logLikelihoodPrefix = "log_likelihood::"
	shapeKey            = "exmc:shape"
	dimsKey             = "exmc:dims"
)

var indexFields = []arrow.Field{
	{Name: "chain", Type: arrow.PrimitiveTypes.Int64},
	{Name: "draw", Type: arrow.PrimitiveTypes.Int64},
	{Name: "warmup", Type: arrow.FixedWidthTypes.Boolean},
}

// statFields are the transition statistics under their ArviZ names, in the
// header's order; statColumns.set fills them in the same order.
var statFields = []arrow.Field{
	{Name: "lp", Type: arrow.PrimitiveTypes.Float64},
	{Name: "acceptance_rate", Type: arrow.PrimitiveTypes.Float64},
	{Name: "step_size", Type: arrow.PrimitiveTypes.Float64},
	{Name: "step_size_nom", Type: arrow.PrimitiveTypes.Float64},
	{Name: "energy", Type: arrow.PrimitiveTypes.Float64},
	{Name: "energy_error", Type: arrow.PrimitiveTypes.Float64},
	{Name: "max_energy_error", Type: arrow.PrimitiveTypes.Float64},
	{Name: "tree_depth", Type: arrow.PrimitiveTypes.Int64},
	{Name: "n_steps", Type: arrow.PrimitiveTypes.Int64},
	{Name: "diverging", Type: arrow.FixedWidthTypes.Boolean},
	{Name: "reached_max_treedepth", Type: arrow.FixedWidthTypes.Boolean},
}

// checkColumnNames rejects variables whose columns would collide with the
// index and statistics columns: a variable called "lp" would be read back
// as the log-density. code is the error code to report.
func checkColumnNames(vars []compile.Var, code int) error {
	reserved := map[string]bool{}
	for _, f := range append(append([]arrow.Field(nil), indexFields...), statFields...) {
		reserved[f.Name] = true
	}
	for _, v := range vars {
		if reserved[v.Name] || strings.HasPrefix(v.Name, logLikelihoodPrefix) {
			return errorf(code, "variable %q: the name is taken by a column of the draws; rename the variable", v.Name)
		}
	}
	return nil
}

// layout is the schema of one model's draws and how to fill it.
type layout struct {
	dim      int
	vars     []compile.Var
	nvals    int
	observed []compile.Var // empty unless log-likelihoods were asked for
	nobs     int
	schema   *arrow.Schema
}

func newLayout(dim int, vars, observed []compile.Var, withLogLikelihood bool) *layout {
	l := &layout{dim: dim, vars: vars, nvals: sizeOf(vars)}
	if withLogLikelihood {
		l.observed, l.nobs = observed, sizeOf(observed)
	}
	fields := append(append([]arrow.Field(nil), indexFields...), statFields...)
	for _, v := range l.vars {
		fields = append(fields, varField(v.Name, v))
	}
	for _, v := range l.observed {
		fields = append(fields, varField(logLikelihoodPrefix+v.Name, v))
	}
	l.schema = arrow.NewSchema(fields, nil)
	return l
}

// varField is a variable's column: float64 for a scalar, a fixed-size
// list of its flattened elements otherwise, with the shape (and the dims,
// when it has them) in the metadata as JSON.
func varField(name string, v compile.Var) arrow.Field {
	shape := v.Shape
	if shape == nil {
		shape = []int{}
	}
	keys, vals := []string{shapeKey}, []string{mustJSON(shape)}
	if len(v.Dims) > 0 {
		keys, vals = append(keys, dimsKey), append(vals, mustJSON(v.Dims))
	}
	var t arrow.DataType = arrow.PrimitiveTypes.Float64
	if len(v.Shape) > 0 {
		t = arrow.FixedSizeListOfNonNullable(int32(v.Size), arrow.PrimitiveTypes.Float64)
	}
	return arrow.Field{Name: name, Type: t, Metadata: arrow.NewMetadata(keys, vals)}
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// part is a run of consecutive draws of one chain in one phase, as
// core/sample hands them out.
type part struct {
	chain     int
	start     int // index of the first draw within its phase
	tuning    bool
	positions []float64
	stats     []nuts.Stats
}

func (p part) len() int { return len(p.stats) }

// record builds the draws of parts, in order, as one record batch in
// memory from mem. ev constrains each draw.
func (l *layout) record(mem memory.Allocator, ev constrainer, parts []part) (rec arrow.RecordBatch, err error) {
	n := 0
	for _, p := range parts {
		if len(p.positions) != p.len()*l.dim {
			return nil, fmt.Errorf("chain %d: %d positions for %d draws of dimension %d", p.chain, len(p.positions), p.len(), l.dim)
		}
		n += p.len()
	}
	cb := &columnBuilder{mem: mem, n: n}
	defer cb.release()

	chain, draw, warmup := cb.int64s(), cb.int64s(), cb.bools()
	stats := newStatColumns(cb)
	varCols := make([][]float64, len(l.vars))
	for i, v := range l.vars {
		varCols[i] = cb.float64s(v.Size)
	}
	obsCols := make([][]float64, len(l.observed))
	for i, v := range l.observed {
		obsCols[i] = cb.float64s(v.Size)
	}

	vals := make([]float64, l.nvals)
	obs := make([]float64, l.nobs)
	row := 0
	for _, p := range parts {
		for i := range p.len() {
			chain[row] = int64(p.chain)
			draw[row] = int64(p.start + i)
			if p.tuning {
				bitutil.SetBit(warmup, row)
			}
			stats.set(row, &p.stats[i])
			x := p.positions[i*l.dim : (i+1)*l.dim]
			if err := ev.Constrain(x, vals); err != nil {
				return nil, fmt.Errorf("chain %d, draw %d: %w", p.chain, p.start+i, err)
			}
			for j, v := range l.vars {
				copy(varCols[j][row*v.Size:(row+1)*v.Size], vals[v.Offset:v.Offset+v.Size])
			}
			if len(l.observed) > 0 {
				if err := ev.LogLikelihood(x, obs); err != nil {
					return nil, fmt.Errorf("chain %d, draw %d: %w", p.chain, p.start+i, err)
				}
				for j, v := range l.observed {
					copy(obsCols[j][row*v.Size:(row+1)*v.Size], obs[v.Offset:v.Offset+v.Size])
				}
			}
			row++
		}
	}

	if len(cb.bufs) != len(l.schema.Fields()) {
		panic(fmt.Sprintf("layout: %d buffers for %d columns", len(cb.bufs), len(l.schema.Fields())))
	}
	cols := make([]arrow.Array, 0, len(l.schema.Fields()))
	defer func() {
		for _, c := range cols {
			c.Release()
		}
	}()
	for i, f := range l.schema.Fields() {
		var size int
		switch {
		case i < len(indexFields)+len(statFields):
		case i < len(indexFields)+len(statFields)+len(l.vars):
			size = l.vars[i-len(indexFields)-len(statFields)].Size
		default:
			size = l.observed[i-len(indexFields)-len(statFields)-len(l.vars)].Size
		}
		cols = append(cols, cb.array(i, f.Type, size))
	}
	return array.NewRecordBatch(l.schema, cols, int64(n)), nil
}

// columnBuilder allocates the columns of one record batch, in schema
// order, and releases its own references to their buffers at the end:
// whatever happens, the arrays built from them hold the only references.
type columnBuilder struct {
	mem  memory.Allocator
	n    int
	bufs []*memory.Buffer
}

func (cb *columnBuilder) alloc(bytes int) *memory.Buffer {
	b := memory.NewResizableBuffer(cb.mem)
	b.Resize(bytes)
	// The allocator does not promise zeroed memory; bitmaps rely on it.
	clear(b.Bytes())
	cb.bufs = append(cb.bufs, b)
	return b
}

func (cb *columnBuilder) float64s(width int) []float64 {
	return arrow.Float64Traits.CastFromBytes(cb.alloc(arrow.Float64Traits.BytesRequired(cb.n * width)).Bytes())
}

func (cb *columnBuilder) int64s() []int64 {
	return arrow.Int64Traits.CastFromBytes(cb.alloc(arrow.Int64Traits.BytesRequired(cb.n)).Bytes())
}

func (cb *columnBuilder) bools() []byte {
	return cb.alloc(int(bitutil.BytesForBits(int64(cb.n)))).Bytes()
}

// array wraps the i-th buffer allocated as a column of type t; size is
// the list size of a fixed-size list column.
func (cb *columnBuilder) array(i int, t arrow.DataType, size int) arrow.Array {
	buf := cb.bufs[i]
	if fl, ok := t.(*arrow.FixedSizeListType); ok {
		child := array.NewData(fl.Elem(), cb.n*size, []*memory.Buffer{nil, buf}, nil, 0, 0)
		defer child.Release()
		data := array.NewData(t, cb.n, []*memory.Buffer{nil}, []arrow.ArrayData{child}, 0, 0)
		defer data.Release()
		return array.MakeFromData(data)
	}
	data := array.NewData(t, cb.n, []*memory.Buffer{nil, buf}, nil, 0, 0)
	defer data.Release()
	return array.MakeFromData(data)
}

func (cb *columnBuilder) release() {
	for _, b := range cb.bufs {
		b.Release()
	}
	cb.bufs = nil
}

// statColumns are the statistics columns being filled.
type statColumns struct {
	f [7][]float64
	i [2][]int64
	b [2][]byte
}

func newStatColumns(cb *columnBuilder) *statColumns {
	s := &statColumns{}
	for k := range s.f {
		s.f[k] = cb.float64s(1)
	}
	for k := range s.i {
		s.i[k] = cb.int64s()
	}
	for k := range s.b {
		s.b[k] = cb.bools()
	}
	return s
}

func (s *statColumns) set(row int, st *nuts.Stats) {
	s.f[0][row] = st.Lp
	s.f[1][row] = st.AcceptanceRate
	s.f[2][row] = st.StepSize
	s.f[3][row] = st.StepSizeNom
	s.f[4][row] = st.Energy
	s.f[5][row] = st.EnergyError
	s.f[6][row] = st.MaxEnergyError
	s.i[0][row] = int64(st.TreeDepth)
	s.i[1][row] = int64(st.NSteps)
	if st.Diverging {
		bitutil.SetBit(s.b[0], row)
	}
	if st.ReachedMaxTreedepth {
		bitutil.SetBit(s.b[1], row)
	}
}
