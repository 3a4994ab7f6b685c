package main

/*
#include "capi.h"
*/
import "C"

import (
	"fmt"
	"math/bits"
	"strings"
	"sync"
	"unsafe"

	"github.com/exmc/exmc/core/limits"
	"github.com/exmc/exmc/core/nuts"
	"github.com/exmc/exmc/core/sample"
)

// cOptions is exmc_options in Go types, so that conversion and validation
// can be tested without C.
type cOptions struct {
	Draws          int64
	Tune           int64
	Chains         int64
	Cores          int64
	Seed           uint64
	TargetAccept   float64
	MaxTreeDepth   int64
	MaxEnergyError float64
	DenseMass      int32
	SaveWarmup     int32
	LogLikelihood  int32
	InitJitter     float64
	Init           uintptr // C address of Chains x dim doubles, or 0
	BatchSize      int64
	FirstChain     int64
	Metric         int32
	Schedule       int32
	Criterion      int32
}

func defaultCOptions() cOptions {
	d := sample.DefaultOptions()
	return cOptions{
		Draws: int64(d.Draws), Tune: int64(d.Tune), Chains: int64(d.Chains), Cores: 0,
		TargetAccept: d.TargetAccept, MaxTreeDepth: int64(d.MaxTreeDepth), MaxEnergyError: d.MaxEnergyError,
		InitJitter: d.InitJitter, BatchSize: int64(d.BatchSize),
	}
}

// maxValues bounds chains x iterations x dimension: far beyond any real
// run, and low enough that no size computed from it overflows. Go cannot
// recover from running out of memory, so absurd sizes are refused first.
const maxValues = sample.MaxCount

// minAddress is the lowest address a C pointer can hold: the first page
// is never mapped, and the Go runtime refuses pointers into it.
const minAddress = 4096

// runSize is what the memory a run needs depends on, beside its options:
// the model's dimension, the lengths of the vectors a draw reports
// (Constrain's and LogLikelihood's), and what one density allocates.
type runSize struct {
	dim, values, observed int
	density               uint64
}

// sizeOfRun is a model's runSize.
func sizeOfRun(t target) runSize {
	s := runSize{dim: t.Dim(), values: sizeOf(t.Vars()), observed: sizeOf(t.Observed())}
	switch t := t.(type) {
	case *compiledTarget:
		s.density = t.c.DensityBytes()
	default:
		// a function model's density: a C buffer of the log-density, the
		// point and the gradient
		s.density = limits.Mul(limits.Add(limits.Mul(2, limits.Uint(s.dim)), 1), 8)
	}
	return s
}

// recordStatColumns bounds the columns a draw's record has beside its values:
// chain, draw, tuning and the sampler's statistics.
const recordStatColumns = 24

// memoryNeeded is about what a run holds: the core's buffers
// (sample.Options.MemoryNeeded; the draws are not the core's, see below),
// a density per chain, the caller's initial points copied, and the record
// of every draw, which the chains write the draws into.
func memoryNeeded(o sample.Options, size runSize, logLikelihood bool) uint64 {
	chains := limits.Uint(o.Chains)
	kept := limits.Uint(o.Draws)
	if o.SaveWarmup {
		kept = limits.Add(kept, limits.Uint(o.Tune))
	}
	columns := limits.Add(limits.Uint(size.values), recordStatColumns)
	if logLikelihood {
		columns = limits.Add(columns, limits.Uint(size.observed))
	}
	// The chains write the draws into the record's columns (drawStore), so
	// the core keeps none of its own.
	core := o
	core.Recorder = (*drawStore)(nil)
	return limits.Add(
		core.MemoryNeeded(size.dim),
		limits.Mul(chains, size.density),
		limits.Mul(chains, limits.Uint(size.dim), 8),
		limits.Mul(chains, kept, columns, 8),
	)
}

// check checks what C's types allow and the options do not (a flag other
// than 0 or 1, an address in the first page), converts the options and
// validates them (sample.Options.Validate: each option's range, from its
// Schema, named as Python and C users know it). The initial points, which
// need the model's dimension, are not read.
func (c cOptions) check() (sample.Options, error) {
	bad := func(format string, args ...any) (sample.Options, error) {
		return sample.Options{}, errorf(codeInvalid, "invalid options: "+format, args...)
	}
	for _, f := range []struct {
		name string
		v    int32
	}{{"dense_mass", c.DenseMass}, {"save_warmup", c.SaveWarmup}, {"log_likelihood", c.LogLikelihood}} {
		if f.v != 0 && f.v != 1 {
			return bad("%s must be 0 or 1, got %d", f.name, f.v)
		}
	}
	if c.Init != 0 && c.Init < minAddress {
		return bad("init (%#x) is not a valid pointer", c.Init)
	}
	o := sample.DefaultOptions()
	o.Draws, o.Tune, o.Chains, o.Cores = int(c.Draws), int(c.Tune), int(c.Chains), int(c.Cores)
	o.Seed = c.Seed
	o.TargetAccept = c.TargetAccept
	o.MaxTreeDepth = int(c.MaxTreeDepth)
	o.MaxEnergyError = c.MaxEnergyError
	o.Dense = c.DenseMass == 1
	o.SaveWarmup = c.SaveWarmup == 1
	o.InitJitter = c.InitJitter
	o.BatchSize = int(c.BatchSize)
	o.FirstChain = int(c.FirstChain)
	// exmc.h's EXMC_METRIC_*, EXMC_SCHEDULE_* and EXMC_CRITERION_* are the
	// values of the schema's choices (TestDocumentedDefaultsMatchTheCore)
	o.Metric = sample.Metric(c.Metric)
	o.Schedule = sample.Schedule(c.Schedule)
	o.Criterion = nuts.Criterion(c.Criterion)
	if err := o.Validate(); err != nil {
		return sample.Options{}, invalidOptions(err)
	}
	return o, nil
}

// invalidOptions is sample.Options.Validate's error as the C ABI reports
// it: EXMC_ERR_INVALID, "invalid options: target_accept must be in (0, 1),
// got 1.5".
func invalidOptions(err error) error {
	return errorf(codeInvalid, "invalid options: %s", strings.TrimPrefix(err.Error(), "sample: invalid options: "))
}

// toSample checks and converts the options (check), refusing a run too
// large for memory before anything is allocated for it. init returns the
// caller's initial points, chains x dim values, when Init is set.
func (c cOptions) toSample(size runSize, init func(n int) []float64) (sample.Options, error) {
	o, err := c.check()
	if err != nil {
		return o, err
	}
	dim := size.dim
	iters := uint64(c.Draws)
	if c.SaveWarmup == 1 {
		iters += uint64(c.Tune)
	}
	hi, total := bits.Mul64(uint64(c.Chains), iters)
	hi2, total := bits.Mul64(total, uint64(max(dim, 1)))
	if hi != 0 || hi2 != 0 || total > maxValues {
		return sample.Options{}, errorf(codeInvalid,
			"invalid options: chains x draws x dimension is too large to hold in memory (chains %d, draws %d, dimension %d)",
			c.Chains, iters, dim)
	}
	chains := "chains"
	if o.Chains == 1 {
		chains = "chain"
	}
	what := fmt.Sprintf("sampling %d %s of %d draws", o.Chains, chains, o.Draws)
	if o.SaveWarmup {
		what += fmt.Sprintf(" and %d warmup draws", o.Tune)
	}
	what += fmt.Sprintf(" of a model of dimension %d reporting %d values a draw", dim, size.values)
	if o.Dense {
		what += ", with a dense metric,"
	}
	if err := limits.Check(what, memoryNeeded(o, size, c.LogLikelihood == 1)); err != nil {
		return sample.Options{}, wrap(codeInvalid, err)
	}
	if c.Init != 0 {
		flat := init(int(c.Chains) * dim)
		o.Init = make([][]float64, c.Chains)
		for k := range o.Init {
			o.Init[k] = append([]float64(nil), flat[k*dim:(k+1)*dim]...)
		}
		// the points' values
		if err := o.Validate(); err != nil {
			return sample.Options{}, invalidOptions(err)
		}
	}
	return o, nil
}

// readOptions reads the caller's exmc_options. Fields past the caller's
// size (an older header) keep their defaults; fields past ours (a newer
// header) are not read.
func readOptions(p *C.exmc_coptions) (cOptions, error) {
	if p == nil {
		return cOptions{}, errorf(codeInvalid, "options is NULL")
	}
	size := uintptr(p.size)
	if size < unsafe.Offsetof(p.draws)+unsafe.Sizeof(p.draws) {
		return cOptions{}, errorf(codeInvalid, "options.size is %d: initialise the options with exmc_options_default", size)
	}
	o := defaultCOptions()
	has := func(off, n uintptr) bool { return off+n <= size }
	if has(unsafe.Offsetof(p.draws), 8) {
		o.Draws = int64(p.draws)
	}
	if has(unsafe.Offsetof(p.tune), 8) {
		o.Tune = int64(p.tune)
	}
	if has(unsafe.Offsetof(p.chains), 8) {
		o.Chains = int64(p.chains)
	}
	if has(unsafe.Offsetof(p.cores), 8) {
		o.Cores = int64(p.cores)
	}
	if has(unsafe.Offsetof(p.seed), 8) {
		o.Seed = uint64(p.seed)
	}
	if has(unsafe.Offsetof(p.target_accept), 8) {
		o.TargetAccept = float64(p.target_accept)
	}
	if has(unsafe.Offsetof(p.max_treedepth), 8) {
		o.MaxTreeDepth = int64(p.max_treedepth)
	}
	if has(unsafe.Offsetof(p.max_energy_error), 8) {
		o.MaxEnergyError = float64(p.max_energy_error)
	}
	if has(unsafe.Offsetof(p.dense_mass), 4) {
		o.DenseMass = int32(p.dense_mass)
	}
	if has(unsafe.Offsetof(p.save_warmup), 4) {
		o.SaveWarmup = int32(p.save_warmup)
	}
	if has(unsafe.Offsetof(p.log_likelihood), 4) {
		o.LogLikelihood = int32(p.log_likelihood)
	}
	if has(unsafe.Offsetof(p.init_jitter), 8) {
		o.InitJitter = float64(p.init_jitter)
	}
	if has(unsafe.Offsetof(p.init), unsafe.Sizeof(p.init)) {
		// Read as an integer: the field may hold anything, and Go must not
		// hold a value it cannot account for in a pointer variable.
		o.Init = *(*uintptr)(unsafe.Add(unsafe.Pointer(p), unsafe.Offsetof(p.init)))
	}
	if has(unsafe.Offsetof(p.batch_size), 8) {
		o.BatchSize = int64(p.batch_size)
	}
	if has(unsafe.Offsetof(p.first_chain), 8) {
		o.FirstChain = int64(p.first_chain)
	}
	if has(unsafe.Offsetof(p.metric), 4) {
		o.Metric = int32(p.metric)
	}
	if has(unsafe.Offsetof(p.schedule), 4) {
		o.Schedule = int32(p.schedule)
	}
	if has(unsafe.Offsetof(p.criterion), 4) {
		o.Criterion = int32(p.criterion)
	}
	return o, nil
}

// sampleOptions reads and converts the caller's options for a run of m.
func sampleOptions(p *C.exmc_coptions, m *modelObj) (sample.Options, cOptions, error) {
	c, err := readOptions(p)
	if err != nil {
		return sample.Options{}, c, err
	}
	o, err := c.toSample(sizeOfRun(m.t), func(n int) []float64 {
		return unsafe.Slice((*float64)(unsafe.Add(unsafe.Pointer(nil), c.Init)), n)
	})
	if err != nil {
		return o, c, err
	}
	return onLibraryThreads(o), c, nil
}

//export exmc_options_default
func exmc_options_default(o *C.exmc_options) {
	guard(func() {
		if o == nil {
			return
		}
		C.memset(unsafe.Pointer(o), 0, C.sizeof_exmc_options)
		d := defaultCOptions()
		o.size = C.uint32_t(C.sizeof_exmc_options)
		o.draws = C.int64_t(d.Draws)
		o.tune = C.int64_t(d.Tune)
		o.chains = C.int64_t(d.Chains)
		o.cores = C.int64_t(d.Cores)
		o.seed = C.uint64_t(d.Seed)
		o.target_accept = C.double(d.TargetAccept)
		o.max_treedepth = C.int64_t(d.MaxTreeDepth)
		o.max_energy_error = C.double(d.MaxEnergyError)
		o.dense_mass = C.int32_t(d.DenseMass)
		o.save_warmup = C.int32_t(d.SaveWarmup)
		o.log_likelihood = C.int32_t(d.LogLikelihood)
		o.init_jitter = C.double(d.InitJitter)
		o.batch_size = C.int64_t(d.BatchSize)
		o.first_chain = C.int64_t(d.FirstChain)
	})
}

//export exmc_options_check
func exmc_options_check(o *C.exmc_coptions, err **C.char) C.int {
	return call("exmc_options_check", err, func() (int, error) {
		c, e := readOptions(o)
		if e != nil {
			return 0, e
		}
		if _, e := c.check(); e != nil {
			return 0, e
		}
		return codeOK, nil
	})
}

// schemaJSON is the options' schema as a C string, made on first use and
// kept for the life of the process.
var schemaJSON = sync.OnceValue(func() *C.char { return C.CString(string(sample.SchemaJSON())) })

//export exmc_options_schema
func exmc_options_schema(out **C.exmc_cchar, err **C.char) C.int {
	return call("exmc_options_schema", err, func() (int, error) {
		if e := need(out != nil, "out"); e != nil {
			return 0, e
		}
		storeCPointer(unsafe.Pointer(out), unsafe.Pointer(schemaJSON()))
		return codeOK, nil
	})
}
