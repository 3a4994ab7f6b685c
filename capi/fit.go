package main

/*
#include "capi.h"
*/
import "C"

import (
	"context"
	"errors"
	"math"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/exmc/exmc/core/limits"
	"github.com/exmc/exmc/core/vi"
)

// fitObj is what a fit handle names: a core/vi fit running in a goroutine
// of its own, and the model it keeps alive.
type fitObj struct {
	refCount
	model  *modelObj
	cancel context.CancelFunc
	done   chan struct{}
	steps  atomic.Int64
	elbo   atomic.Uint64 // the last step's estimate, as float64 bits
	mu     sync.Mutex    // guards res and err, set once before done closes
	res    *vi.Result
	err    error
}

func (f *fitObj) destroy() {
	f.cancel()
	<-f.done
	f.model.release()
}

func acquireFit(tok uintptr) (*fitObj, error) {
	o, err := handles.acquire(tok, kindFit, "fit")
	if err != nil {
		return nil, err
	}
	return o.(*fitObj), nil
}

func (f *fitObj) ended() bool {
	select {
	case <-f.done:
		return true
	default:
		return false
	}
}

// fitOptions reads the caller's options: fields past the caller's size (an
// older header) keep their defaults.
func fitOptions(p *C.exmc_cfit_options, dim int) (vi.Options, error) {
	o := vi.Defaults()
	if p == nil {
		return o, errorf(codeInvalid, "options is NULL: initialise them with exmc_fit_options_default")
	}
	size := uintptr(p.size)
	if size < unsafe.Offsetof(p.method)+unsafe.Sizeof(p.method) {
		return o, errorf(codeInvalid, "options.size is %d: initialise the options with exmc_fit_options_default", size)
	}
	has := func(off, n uintptr) bool { return off+n <= size }
	switch p.method {
	case C.EXMC_FIT_ADVI:
		o.Method = vi.MeanField
	case C.EXMC_FIT_FULLRANK_ADVI:
		o.Method = vi.FullRank
	default:
		return o, errorf(codeInvalid, "invalid options: method is %d; it must be EXMC_FIT_ADVI or EXMC_FIT_FULLRANK_ADVI", int(p.method))
	}
	// the counts are checked in int64 before they become ints
	counts := []struct {
		name string
		off  uintptr
		v    C.int64_t
		to   *int
	}{
		{"n", unsafe.Offsetof(p.n), p.n, &o.MaxIter},
		{"grad_draws", unsafe.Offsetof(p.grad_draws), p.grad_draws, &o.GradDraws},
		{"eval_every", unsafe.Offsetof(p.eval_every), p.eval_every, &o.EvalEvery},
		{"eval_draws", unsafe.Offsetof(p.eval_draws), p.eval_draws, &o.EvalDraws},
	}
	for _, c := range counts {
		if !has(c.off, 8) {
			continue
		}
		if c.v < 1 || c.v > 1<<30 {
			return o, errorf(codeInvalid, "invalid options: %s is %d; give between 1 and 2^30", c.name, int64(c.v))
		}
		*c.to = int(c.v)
	}
	if has(unsafe.Offsetof(p.learning_rate), 8) {
		o.LearningRate = float64(p.learning_rate)
	}
	if has(unsafe.Offsetof(p.tol), 8) {
		o.Tol = float64(p.tol)
	}
	if has(unsafe.Offsetof(p.seed), 8) {
		o.Seed = uint64(p.seed)
	}
	if has(unsafe.Offsetof(p.init), unsafe.Sizeof(p.init)) && p.init != nil {
		o.Init = append([]float64(nil), unsafe.Slice((*float64)(unsafe.Pointer(p.init)), dim)...)
	}
	if err := o.Check(dim); err != nil {
		return o, errorf(codeInvalid, "invalid options: %v", err)
	}
	return o, nil
}

//export exmc_fit_options_default
func exmc_fit_options_default(o *C.exmc_fit_options) {
	if o == nil {
		return
	}
	d := vi.Defaults()
	C.memset(unsafe.Pointer(o), 0, C.sizeof_exmc_fit_options)
	o.size = C.uint32_t(C.sizeof_exmc_fit_options)
	o.method = C.EXMC_FIT_ADVI
	o.n = C.int64_t(d.MaxIter)
	o.grad_draws = C.int64_t(d.GradDraws)
	o.learning_rate = C.double(d.LearningRate)
	o.eval_every = C.int64_t(d.EvalEvery)
	o.eval_draws = C.int64_t(d.EvalDraws)
	o.tol = C.double(d.Tol)
	o.seed = C.uint64_t(d.Seed)
}

//export exmc_fit_start
func exmc_fit_start(p *C.exmc_cmodel, options *C.exmc_cfit_options, out **C.exmc_fit, err **C.char) C.int {
	tok := token(unsafe.Pointer(p))
	return call("exmc_fit_start", err, func() (int, error) {
		if e := need(out != nil, "out"); e != nil {
			return 0, e
		}
		storeCPointer(unsafe.Pointer(out), nil)
		m, e := acquireModel(tok)
		if e != nil {
			return 0, e
		}
		o, e := fitOptions(options, m.t.Dim())
		if e != nil {
			m.release()
			return 0, e
		}
		if e := limits.Check("the variational fit", o.MemoryNeeded(m.t.Dim())); e != nil {
			m.release()
			return 0, wrap(codeInvalid, e)
		}
		sm, closeDensities := m.t.newSampler()
		density := sm.NewDensity()
		ctx, cancel := context.WithCancel(context.Background())
		f := &fitObj{model: m, cancel: cancel, done: make(chan struct{})}
		f.elbo.Store(math.Float64bits(math.NaN()))
		f.init(f.destroy)
		go func() {
			defer close(f.done)
			defer closeDensities()
			defer func() {
				if r := recover(); r != nil {
					f.mu.Lock()
					f.err = errorf(codeInternal, "the fit panicked: %v", r)
					f.mu.Unlock()
				}
			}()
			res, e := vi.Fit(ctx, density, o, func(pr vi.Progress) {
				f.elbo.Store(math.Float64bits(pr.ELBO))
				f.steps.Store(int64(pr.Step))
			})
			f.mu.Lock()
			f.res, f.err = res, e
			f.mu.Unlock()
		}()
		storeToken(unsafe.Pointer(out), handles.add(kindFit, f))
		return codeOK, nil
	})
}

//export exmc_fit_progress
func exmc_fit_progress(p *C.exmc_fit, steps *C.int64_t, elbo *C.double, done *C.int32_t, err **C.char) C.int {
	tok := token(unsafe.Pointer(p))
	return call("exmc_fit_progress", err, func() (int, error) {
		f, e := acquireFit(tok)
		if e != nil {
			return 0, e
		}
		defer f.release()
		if steps != nil {
			*steps = C.int64_t(f.steps.Load())
		}
		if elbo != nil {
			*elbo = C.double(math.Float64frombits(f.elbo.Load()))
		}
		if done != nil {
			*done = cBool(f.ended())
		}
		return codeOK, nil
	})
}

//export exmc_fit_cancel
func exmc_fit_cancel(p *C.exmc_fit, err **C.char) C.int {
	tok := token(unsafe.Pointer(p))
	return call("exmc_fit_cancel", err, func() (int, error) {
		f, e := acquireFit(tok)
		if e != nil {
			return 0, e
		}
		defer f.release()
		f.cancel()
		return codeOK, nil
	})
}

//export exmc_fit_wait
func exmc_fit_wait(p *C.exmc_fit, timeoutMs C.int64_t, err **C.char) C.int {
	tok := token(unsafe.Pointer(p))
	return call("exmc_fit_wait", err, func() (int, error) {
		f, e := acquireFit(tok)
		if e != nil {
			return 0, e
		}
		defer f.release()
		return waitDone(f.done, timeoutMs), nil
	})
}

//export exmc_fit_result
func exmc_fit_result(p *C.exmc_fit, out *C.struct_ArrowArrayStream, err **C.char) C.int {
	tok := token(unsafe.Pointer(p))
	return call("exmc_fit_result", err, func() (int, error) {
		if e := need(out != nil, "out"); e != nil {
			return 0, e
		}
		zeroStream(out)
		f, e := acquireFit(tok)
		if e != nil {
			return 0, e
		}
		defer f.release()
		if !f.ended() {
			return 0, errorf(codeInvalid, "the fit has not ended: wait for it with exmc_fit_wait (or cancel it) first")
		}
		f.mu.Lock()
		res, ferr := f.res, f.err
		f.mu.Unlock()
		if ferr != nil && !errors.Is(ferr, context.Canceled) {
			return 0, wrap(codeNumeric, ferr)
		}
		if res == nil {
			return 0, errorf(codeInternal, "the fit ended with no result and no error")
		}
		rec := fitRecord(res)
		defer rec.Release()
		if e := exportStream(rec, out); e != nil {
			return 0, e
		}
		if ferr != nil {
			return 0, errorf(codeCancelled, "the fit was cancelled after %d steps; the stream holds the approximation it had", res.Steps)
		}
		return codeOK, nil
	})
}

// fitRecord is the result's one-row batch, in C memory.
func fitRecord(res *vi.Result) arrow.RecordBatch {
	d := int32(len(res.Mean))
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "mean", Type: arrow.FixedSizeListOf(d, arrow.PrimitiveTypes.Float64)},
		{Name: "chol", Type: arrow.FixedSizeListOf(d*d, arrow.PrimitiveTypes.Float64)},
		{Name: "history", Type: arrow.ListOf(arrow.PrimitiveTypes.Float64)},
		{Name: "elbo", Type: arrow.ListOf(arrow.PrimitiveTypes.Float64)},
		{Name: "elbo_step", Type: arrow.ListOf(arrow.PrimitiveTypes.Int64)},
		{Name: "steps", Type: arrow.PrimitiveTypes.Int64},
		{Name: "converged", Type: arrow.FixedWidthTypes.Boolean},
		{Name: "rejected", Type: arrow.PrimitiveTypes.Int64},
	}, nil)
	b := array.NewRecordBuilder(cAlloc, schema)
	defer b.Release()
	floats := func(i int, fixed bool, v []float64) {
		if fixed {
			lb := b.Field(i).(*array.FixedSizeListBuilder)
			lb.Append(true)
			lb.ValueBuilder().(*array.Float64Builder).AppendValues(v, nil)
			return
		}
		lb := b.Field(i).(*array.ListBuilder)
		lb.Append(true)
		lb.ValueBuilder().(*array.Float64Builder).AppendValues(v, nil)
	}
	floats(0, true, res.Mean)
	floats(1, true, res.Chol)
	floats(2, false, res.History)
	floats(3, false, res.ELBO)
	steps := make([]int64, len(res.ELBOStep))
	for i, s := range res.ELBOStep {
		steps[i] = int64(s)
	}
	lb := b.Field(4).(*array.ListBuilder)
	lb.Append(true)
	lb.ValueBuilder().(*array.Int64Builder).AppendValues(steps, nil)
	b.Field(5).(*array.Int64Builder).Append(int64(res.Steps))
	b.Field(6).(*array.BooleanBuilder).Append(res.Converged)
	b.Field(7).(*array.Int64Builder).Append(int64(res.Rejected))
	return b.NewRecordBatch()
}

//export exmc_fit_free
func exmc_fit_free(p *C.exmc_fit) {
	tok := token(unsafe.Pointer(p))
	guard(func() {
		f, e := acquireFit(tok)
		if e != nil {
			return
		}
		defer f.release()
		f.cancel()
		<-f.done
		handles.remove(tok, kindFit)
	})
}
