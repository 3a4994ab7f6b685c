package main

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"sync/atomic"
	"unicode/utf8"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/exmc/exmc/core/compile"
	"github.com/exmc/exmc/core/nuts"
)

// Column names and metadata keys of the draws (include/exmc.h, exmc_sample).
// The variables, statistics and log-likelihoods are each a struct column of
// their own, so that a variable may have any name: "lp", "chain" or
// "log_likelihood" included.
const (
	statsColumn         = "sample_stats"
	posteriorColumn     = "posterior"
	logLikelihoodColumn = "log_likelihood"
	shapeKey            = "exmc:shape"
	dimsKey             = "exmc:dims"
)

var indexFields = []arrow.Field{
	{Name: "chain", Type: arrow.PrimitiveTypes.Int64},
	{Name: "draw", Type: arrow.PrimitiveTypes.Int64},
	{Name: "warmup", Type: arrow.FixedWidthTypes.Boolean},
}

// statFields are the transition statistics under their ArviZ names, in the
// header's order; columns.setRow fills them in the same order.
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

// checkColumnNames rejects variable names that cannot name an Arrow field:
// field names are UTF-8. Any other name is fine, since the variables have
// a struct column to themselves. code is the error code to report.
func checkColumnNames(vars []compile.Var, code int) error {
	for _, v := range vars {
		if !utf8.ValidString(v.Name) {
			return errorf(code, "variable %q: the name is not valid UTF-8, which Arrow field names must be", v.Name)
		}
	}
	return nil
}

// leafKind is how a leaf column stores a value.
type leafKind int

const (
	leafInt64 leafKind = iota
	leafFloat64
	leafBool // bit-packed
)

// leaf is a column of primitive values, of width values per row: the
// index columns, each statistic, each variable (width its size) and each
// observed variable's log-likelihood.
type leaf struct {
	kind  leafKind
	width int
}

// The leaves, in schema order: the index, the statistics, then the
// variables and the observed variables.
const (
	leafChain = iota
	leafDraw
	leafWarmup
	leafStats // the first of len(statFields)
)

// layout is the schema of one model's draws and its leaf columns.
type layout struct {
	dim      int
	vars     []compile.Var
	nvals    int
	observed []compile.Var // empty unless log-likelihoods were asked for
	nobs     int
	schema   *arrow.Schema
	leaves   []leaf
}

func newLayout(dim int, vars, observed []compile.Var, withLogLikelihood bool) *layout {
	l := &layout{dim: dim, vars: vars, nvals: sizeOf(vars)}
	if withLogLikelihood {
		l.observed, l.nobs = observed, sizeOf(observed)
	}
	fields := append([]arrow.Field(nil), indexFields...)
	fields = append(fields, arrow.Field{Name: statsColumn, Type: arrow.StructOf(statFields...)})
	fields = append(fields, arrow.Field{Name: posteriorColumn, Type: arrow.StructOf(varFields(l.vars)...)})
	if withLogLikelihood {
		fields = append(fields, arrow.Field{Name: logLikelihoodColumn, Type: arrow.StructOf(varFields(l.observed)...)})
	}
	l.schema = arrow.NewSchema(fields, nil)

	kindOf := func(t arrow.DataType) leafKind {
		switch t.ID() {
		case arrow.INT64:
			return leafInt64
		case arrow.BOOL:
			return leafBool
		}
		return leafFloat64
	}
	for _, f := range append(append([]arrow.Field(nil), indexFields...), statFields...) {
		l.leaves = append(l.leaves, leaf{kind: kindOf(f.Type), width: 1})
	}
	for _, v := range append(append([]compile.Var(nil), l.vars...), l.observed...) {
		l.leaves = append(l.leaves, leaf{kind: leafFloat64, width: v.Size})
	}
	return l
}

func varFields(vars []compile.Var) []arrow.Field {
	out := make([]arrow.Field, len(vars))
	for i, v := range vars {
		out[i] = varField(v)
	}
	return out
}

// varField is a variable's column: float64 for a scalar, a fixed-size
// list of its flattened elements otherwise, with the shape (and the dims,
// when it has them) in the metadata as JSON.
func varField(v compile.Var) arrow.Field {
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
	return arrow.Field{Name: v.Name, Type: t, Metadata: arrow.NewMetadata(keys, vals)}
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// drawColumns are the leaf buffers of n rows of draws, and typed views of them
// to fill. Record batches made of them (slice) share the buffers, which
// live until the columns and every such batch are released.
type drawColumns struct {
	l    *layout
	n    int
	bufs []*memory.Buffer // one per leaf
	i64  [][]int64        // per leaf, nil unless leafInt64
	f64  [][]float64      // per leaf, nil unless leafFloat64
	bits [][]byte         // per leaf, nil unless leafBool
}

// newColumns allocates n rows from mem. Memory the allocator does not
// have is an error, not a crash: whatever was allocated is released.
func (l *layout) newColumns(mem memory.Allocator, n int) (c *drawColumns, err error) {
	c = &drawColumns{l: l, n: n}
	defer func() {
		if v := recover(); v != nil {
			c.release()
			c, err = nil, errorf(codeInvalid, "no memory for %d draws of %d values each: %v", n, l.nvals+l.nobs, v)
		}
	}()
	k := len(l.leaves)
	c.bufs = make([]*memory.Buffer, 0, k)
	c.i64, c.f64, c.bits = make([][]int64, k), make([][]float64, k), make([][]byte, k)
	for i, lf := range l.leaves {
		var bytes int
		if lf.kind == leafBool {
			// whole 32-bit words, which setBit changes atomically
			bytes = int(bitutil.CeilByte64(int64(n))/8+3) &^ 3
		} else {
			bytes = 8 * n * lf.width
		}
		b := memory.NewResizableBuffer(mem)
		c.bufs = append(c.bufs, b)
		b.Resize(bytes)
		// cAlloc's memory is zeroed, but an allocator need not be; the
		// bitmaps rely on it, and a page cleared here is untouched anyway.
		if lf.kind == leafBool {
			clear(b.Bytes())
		}
		switch lf.kind {
		case leafInt64:
			c.i64[i] = arrow.Int64Traits.CastFromBytes(b.Bytes())
		case leafFloat64:
			c.f64[i] = arrow.Float64Traits.CastFromBytes(b.Bytes())
		case leafBool:
			c.bits[i] = b.Bytes()
		}
	}
	return c, nil
}

// release drops the columns' references to their buffers.
func (c *drawColumns) release() {
	for _, b := range c.bufs {
		b.Release()
	}
	c.bufs = nil
	c.i64, c.f64, c.bits = nil, nil, nil
}

// setRow writes one draw: its chain and index within its phase, its
// statistics, and vals and obs, what its constrainer wrote. Rows of
// different chains may be written at once.
func (c *drawColumns) setRow(row, chain, draw int, tuning bool, st *nuts.Stats, vals, obs []float64) {
	c.i64[leafChain][row] = int64(chain)
	c.i64[leafDraw][row] = int64(draw)
	if tuning {
		setBit(c.bits[leafWarmup], row)
	}
	s := leafStats
	for j, v := range [7]float64{st.Lp, st.AcceptanceRate, st.StepSize, st.StepSizeNom, st.Energy, st.EnergyError, st.MaxEnergyError} {
		c.f64[s+j][row] = v
	}
	c.i64[s+7][row] = int64(st.TreeDepth)
	c.i64[s+8][row] = int64(st.NSteps)
	if st.Diverging {
		setBit(c.bits[s+9], row)
	}
	if st.ReachedMaxTreedepth {
		setBit(c.bits[s+10], row)
	}
	k := leafStats + len(statFields)
	for _, v := range c.l.vars {
		copy(c.f64[k][row*v.Size:(row+1)*v.Size], vals[v.Offset:v.Offset+v.Size])
		k++
	}
	for _, v := range c.l.observed {
		copy(c.f64[k][row*v.Size:(row+1)*v.Size], obs[v.Offset:v.Offset+v.Size])
		k++
	}
}

// littleEndian says how a bitmap's bytes sit in a 32-bit word.
var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// setBit sets bit i of an Arrow bitmap (least significant bit first)
// with an atomic OR on the word holding it, so that chains writing
// neighbouring rows never lose each other's bits.
func setBit(bits []byte, i int) {
	word := (*uint32)(unsafe.Pointer(&bits[i/32*4]))
	byteInWord := (i % 32) / 8
	if !littleEndian {
		byteInWord = 3 - byteInWord
	}
	atomic.OrUint32(word, 1<<(8*byteInWord+i%8))
}

// copyRows copies n rows from src, starting at row from, to c, starting at
// row to.
func (c *drawColumns) copyRows(to int, src *drawColumns, from, n int) {
	for i, lf := range c.l.leaves {
		w := lf.width
		switch lf.kind {
		case leafInt64:
			copy(c.i64[i][to*w:(to+n)*w], src.i64[i][from*w:(from+n)*w])
		case leafFloat64:
			copy(c.f64[i][to*w:(to+n)*w], src.f64[i][from*w:(from+n)*w])
		case leafBool:
			for r := range n {
				if bitutil.BitIsSet(src.bits[i], from+r) {
					setBit(c.bits[i], to+r)
				}
			}
		}
	}
}

// slice is a record batch of rows [start, start+n), sharing the columns'
// buffers: only the primitive arrays carry the offset, so that a reader
// finds row r of any column at its leaf's offset + r.
func (c *drawColumns) slice(start, n int) arrow.RecordBatch {
	if start < 0 || n < 0 || start+n > c.n {
		panic(fmt.Sprintf("columns: rows [%d, %d) of %d", start, start+n, c.n))
	}
	fields := c.l.schema.Fields()
	cols := make([]arrow.Array, len(fields))
	k := 0
	leafData := func(t arrow.DataType) arrow.ArrayData {
		lf, buf := c.l.leaves[k], c.bufs[k]
		k++
		if fl, ok := t.(*arrow.FixedSizeListType); ok {
			child := array.NewData(fl.Elem(), n*lf.width, []*memory.Buffer{nil, buf}, nil, 0, start*lf.width)
			defer child.Release()
			return array.NewData(t, n, []*memory.Buffer{nil}, []arrow.ArrayData{child}, 0, 0)
		}
		return array.NewData(t, n, []*memory.Buffer{nil, buf}, nil, 0, start)
	}
	for i, f := range fields {
		var data arrow.ArrayData
		if st, ok := f.Type.(*arrow.StructType); ok {
			kids := make([]arrow.ArrayData, st.NumFields())
			for j, sf := range st.Fields() {
				kids[j] = leafData(sf.Type)
			}
			data = array.NewData(st, n, []*memory.Buffer{nil}, kids, 0, 0)
			for _, d := range kids {
				d.Release()
			}
		} else {
			data = leafData(f.Type)
		}
		cols[i] = array.MakeFromData(data)
		data.Release()
	}
	if k != len(c.l.leaves) {
		panic(fmt.Sprintf("layout: %d leaves for %d leaf columns", len(c.l.leaves), k))
	}
	rec := array.NewRecordBatch(c.l.schema, cols, int64(n))
	for _, a := range cols {
		a.Release()
	}
	return rec
}
