package main

/*
#include "capi.h"
*/
import "C"

import (
	"context"
	"errors"
	"time"
	"unsafe"

	"github.com/exmc/exmc/core/sample"
)

// runObj is what a run handle names: a core/sample run of a model, which
// it keeps alive.
type runObj struct {
	refCount
	model          *modelObj
	run            *sample.Run
	store          *drawStore // the draws, written there by the chains
	closeDensities func()
}

func (r *runObj) destroy() {
	r.run.Cancel()
	_, _ = r.run.Wait()
	r.closeDensities()
	r.store.release()
	r.model.release()
}

func acquireRun(tok uintptr) (*runObj, error) {
	o, err := handles.acquire(tok, kindRun, "run")
	if err != nil {
		return nil, err
	}
	return o.(*runObj), nil
}

// done reports whether every chain has ended.
func (r *runObj) done() bool {
	select {
	case <-r.run.Done():
		return true
	default:
		return false
	}
}

// next takes the next batch, waiting as exmc_run_next says: a negative
// timeout waits without limit, zero not at all. It returns EXMC_OK with a
// batch, EXMC_TIMEOUT, or EXMC_DONE.
func (r *runObj) next(timeout time.Duration) (sample.Batch, int) {
	if b, ok := r.run.TryNext(); ok {
		return b, codeOK
	}
	if timeout != 0 {
		ctx := context.Background()
		if timeout > 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, timeout)
			defer cancel()
		}
		if b, ok := r.run.Next(ctx); ok {
			return b, codeOK
		}
	}
	if !r.done() {
		return sample.Batch{}, codeTimeout
	}
	// Batches pushed before the end are all queued by now.
	if b, ok := r.run.TryNext(); ok {
		return b, codeOK
	}
	return sample.Batch{}, codeDone
}

//export exmc_run_start
func exmc_run_start(p *C.exmc_cmodel, options *C.exmc_coptions, out **C.exmc_run, err **C.char) C.int {
	tok := token(unsafe.Pointer(p))
	return call("exmc_run_start", err, func() (int, error) {
		if e := need(out != nil, "out"); e != nil {
			return 0, e
		}
		storeCPointer(unsafe.Pointer(out), nil)
		m, e := acquireModel(tok)
		if e != nil {
			return 0, e
		}
		o, c, e := sampleOptions(options, m)
		if e != nil {
			m.release()
			return 0, e
		}
		return startRun(m, o, c.LogLikelihood == 1, unsafe.Pointer(out))
	})
}

// startRun starts a run of m, taking over the caller's reference to it,
// and writes the run's handle to out. Whatever fails, nothing is left
// running: the model is released and, once started, the chains are
// cancelled and waited for.
func startRun(m *modelObj, o sample.Options, logLikelihood bool, out unsafe.Pointer) (int, error) {
	// What can fail without starting anything is done first.
	store, e := newDrawStore(m, newLayout(m.t.Dim(), m.t.Vars(), m.t.Observed(), logLikelihood), o, cAlloc)
	if e != nil {
		m.release()
		return 0, e
	}
	o.Recorder = store
	sm, closeDensities := m.t.newSampler()
	run, e := sample.Start(context.Background(), sm, o)
	if e != nil {
		closeDensities()
		store.release()
		m.release()
		return 0, wrap(codeInvalid, e)
	}
	r := &runObj{model: m, run: run, closeDensities: closeDensities, store: store}
	r.init(r.destroy)
	// From here the run is the handle's or, should anything fail or panic
	// before the handle is returned, stopped and freed by this reference.
	handed := false
	defer func() {
		if !handed {
			r.release()
		}
	}()
	afterRunStart()
	storeToken(out, handles.add(kindRun, r))
	handed = true
	return codeOK, nil
}

// afterRunStart runs between a run's start and the return of its handle;
// tests set it to fail there.
var afterRunStart = func() {}

//export exmc_run_next
func exmc_run_next(p *C.exmc_run, timeoutMs C.int64_t, schema *C.struct_ArrowSchema, batch *C.struct_ArrowArray,
	err **C.char) C.int {
	tok := token(unsafe.Pointer(p))
	return call("exmc_run_next", err, func() (int, error) {
		if e := need(schema != nil, "schema"); e != nil {
			return 0, e
		}
		if e := need(batch != nil, "batch"); e != nil {
			return 0, e
		}
		zeroSchema(schema)
		zeroArray(batch)
		r, e := acquireRun(tok)
		if e != nil {
			return 0, e
		}
		defer r.release()
		timeout := time.Duration(timeoutMs) * time.Millisecond
		if timeoutMs < 0 {
			timeout = -1
		} else if timeoutMs > C.int64_t(maxTimeout/time.Millisecond) {
			timeout = maxTimeout
		}
		b, status := r.next(timeout)
		if status != codeOK {
			return status, nil
		}
		rec := r.store.batch(b)
		defer rec.Release()
		exportBatch(rec, schema, batch)
		return codeOK, nil
	})
}

// maxTimeout keeps a timeout in milliseconds from overflowing a Duration.
const maxTimeout = time.Duration(1<<62) / time.Millisecond * time.Millisecond

//export exmc_run_progress
func exmc_run_progress(p *C.exmc_run, progress *C.exmc_progress, n C.size_t, chains *C.size_t, err **C.char) C.int {
	tok := token(unsafe.Pointer(p))
	return call("exmc_run_progress", err, func() (int, error) {
		r, e := acquireRun(tok)
		if e != nil {
			return 0, e
		}
		defer r.release()
		pr := r.run.Progress()
		if chains != nil {
			*chains = C.size_t(len(pr.Chains))
		}
		if progress == nil {
			return codeOK, nil
		}
		k := min(uint64(n), uint64(len(pr.Chains)))
		out := unsafe.Slice(progress, k)
		for i := range out {
			c := pr.Chains[i]
			out[i] = C.exmc_progress{
				chain:       C.int64_t(c.Chain),
				draws_done:  C.int64_t(c.Done),
				total:       C.int64_t(c.Total),
				divergences: C.int64_t(c.Divergences),
				tuning:      cBool(c.Tuning),
				finished:    cBool(c.Finished),
				failed:      cBool(c.Err != nil),
			}
		}
		return codeOK, nil
	})
}

func cBool(b bool) C.int32_t {
	if b {
		return 1
	}
	return 0
}

//export exmc_run_cancel
func exmc_run_cancel(p *C.exmc_run, err **C.char) C.int {
	tok := token(unsafe.Pointer(p))
	return call("exmc_run_cancel", err, func() (int, error) {
		r, e := acquireRun(tok)
		if e != nil {
			return 0, e
		}
		defer r.release()
		r.run.Cancel()
		return codeOK, nil
	})
}

//export exmc_run_wait
func exmc_run_wait(p *C.exmc_run, timeoutMs C.int64_t, err **C.char) C.int {
	tok := token(unsafe.Pointer(p))
	return call("exmc_run_wait", err, func() (int, error) {
		r, e := acquireRun(tok)
		if e != nil {
			return 0, e
		}
		defer r.release()
		return waitDone(r.run.Done(), timeoutMs), nil
	})
}

//export exmc_run_result
func exmc_run_result(p *C.exmc_run, out *C.struct_ArrowArrayStream, err **C.char) C.int {
	tok := token(unsafe.Pointer(p))
	return call("exmc_run_result", err, func() (int, error) {
		if e := need(out != nil, "out"); e != nil {
			return 0, e
		}
		zeroStream(out)
		r, e := acquireRun(tok)
		if e != nil {
			return 0, e
		}
		defer r.release()
		if !r.done() {
			return 0, errorf(codeInvalid, "the run has not ended: wait for it with exmc_run_wait (or cancel it) first")
		}
		res, werr := r.run.Wait()
		if e := exportResult(r.store, res, out); e != nil {
			return 0, e
		}
		if werr != nil {
			var msg string
			if ce := chainsError(res); ce != nil {
				msg = "; " + ce.Error()
			}
			if errors.Is(werr, context.Canceled) {
				return 0, errorf(codeCancelled, "the run was cancelled; the stream holds the draws made before it stopped%s", msg)
			}
			return 0, errorf(codeCancelled, "the run was interrupted (%v); the stream holds the draws made before it stopped%s", werr, msg)
		}
		if e := chainsError(res); e != nil {
			return 0, e
		}
		return codeOK, nil
	})
}

//export exmc_run_chain_error
func exmc_run_chain_error(p *C.exmc_run, chain C.size_t, message **C.char, err **C.char) C.int {
	tok := token(unsafe.Pointer(p))
	return call("exmc_run_chain_error", err, func() (int, error) {
		if e := need(message != nil, "message"); e != nil {
			return 0, e
		}
		storeCPointer(unsafe.Pointer(message), nil)
		r, e := acquireRun(tok)
		if e != nil {
			return 0, e
		}
		defer r.release()
		pr := r.run.Progress()
		if uint64(chain) >= uint64(len(pr.Chains)) {
			return 0, errorf(codeInvalid, "chain is %d, but the run has %d chains", uint64(chain), len(pr.Chains))
		}
		if ce := pr.Chains[chain].Err; ce != nil {
			storeCPointer(unsafe.Pointer(message), unsafe.Pointer(C.CString(ce.Error())))
		}
		return codeOK, nil
	})
}

//export exmc_run_free
func exmc_run_free(p *C.exmc_run) {
	tok := token(unsafe.Pointer(p))
	guard(func() {
		r, e := acquireRun(tok)
		if e != nil {
			return
		}
		defer r.release()
		// Stop and wait here, not in destroy: a call still running on
		// another thread would otherwise delay both past this return.
		r.run.Cancel()
		_, _ = r.run.Wait()
		handles.remove(tok, kindRun)
	})
}

// waitDone waits for done as exmc_run_wait and exmc_fit_wait say: a
// negative timeout waits without limit. It returns EXMC_OK once done is
// closed, EXMC_TIMEOUT otherwise.
func waitDone(done <-chan struct{}, timeoutMs C.int64_t) int {
	if timeoutMs < 0 {
		<-done
		return codeOK
	}
	d := maxTimeout
	if timeoutMs <= C.int64_t(maxTimeout/time.Millisecond) {
		d = time.Duration(timeoutMs) * time.Millisecond
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-done:
		return codeOK
	case <-t.C:
		select {
		case <-done:
			return codeOK
		default:
			return codeTimeout
		}
	}
}
