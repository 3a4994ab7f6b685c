package main

/*
#include "capi.h"
*/
import "C"

import (
	"context"
	"fmt"
	"strings"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/exmc/exmc/core/nuts"
	"github.com/exmc/exmc/core/sample"
)

// drawStore is a run's draws, written by its chains straight into the
// Arrow columns the library hands out (DECISIONS 36): chain k's rows
// start at k × perChain, its warmup rows (with save_warmup) before its
// posterior rows. Each chain constrains its own draws with a constrainer
// of its own. exmc_run_next's batches and the result are views of these
// columns, so the draws exist once, in C memory, for the run and every
// consumer alike.
type drawStore struct {
	model    *modelObj
	cols     *drawColumns
	first    int // the number of the run's first chain
	perChain int // rows per chain
	warm     int // warmup rows per chain
	evs      []constrainer
	vals     [][]float64 // per chain, what Constrain writes
	obs      [][]float64 // per chain, what LogLikelihood writes
}

// newDrawStore allocates the columns of every draw o asks for. mem
// provides the memory (cAlloc, but for tests).
func newDrawStore(m *modelObj, l *layout, o sample.Options, mem memory.Allocator) (*drawStore, error) {
	s := &drawStore{model: m, first: o.FirstChain, perChain: o.Draws}
	if o.SaveWarmup {
		s.warm = o.Tune
		s.perChain += o.Tune
	}
	cols, err := l.newColumns(mem, o.Chains*s.perChain)
	if err != nil {
		return nil, err
	}
	s.cols = cols
	for range o.Chains {
		s.evs = append(s.evs, m.constrainer())
		s.vals = append(s.vals, make([]float64, l.nvals))
		s.obs = append(s.obs, make([]float64, l.nobs))
	}
	return s, nil
}

// Record writes one draw of the chain at index chain of the run.
func (s *drawStore) Record(chain int, tuning bool, i int, x []float64, st nuts.Stats) error {
	row := chain*s.perChain + i
	if !tuning {
		row += s.warm
	}
	ev, vals, obs := s.evs[chain], s.vals[chain], s.obs[chain]
	if err := ev.Constrain(x, vals); err != nil {
		return fmt.Errorf("constraining the draw: %w", err)
	}
	if len(s.cols.l.observed) > 0 {
		if err := ev.LogLikelihood(x, obs); err != nil {
			return fmt.Errorf("the draw's log-likelihood: %w", err)
		}
	}
	s.cols.setRow(row, s.first+chain, i, tuning, &st, vals, obs)
	return nil
}

// release returns the constrainers and drops the store's references to
// the columns: batches and results handed out keep them alive. Call it
// once the run has ended.
func (s *drawStore) release() {
	for _, ev := range s.evs {
		s.model.putConstrainer(ev)
	}
	s.evs = nil
	s.cols.release()
}

// firstRow is the row of a chain's first draw of a phase.
func (s *drawStore) firstRow(chain int, tuning bool) int {
	row := (chain - s.first) * s.perChain
	if !tuning {
		row += s.warm
	}
	return row
}

// batch is a streamed batch's draws, a view of the columns.
func (s *drawStore) batch(b sample.Batch) arrow.RecordBatch {
	return s.cols.slice(s.firstRow(b.Chain, b.Tuning)+b.Start, b.Len())
}

// result is every draw of res, chain-major, each chain's warmup draws
// before its posterior draws. When every chain made all its draws that is
// the columns themselves; otherwise (a failed or cancelled chain) the
// rows made are copied into new columns without the gaps.
func (s *drawStore) result(res *sample.Result) (arrow.RecordBatch, error) {
	complete := true
	total := 0
	for _, c := range res.Chains {
		complete = complete && c.DrawCount == s.perChain-s.warm && c.WarmupCount == s.warm
		total += c.DrawCount + c.WarmupCount
	}
	if complete {
		return s.cols.slice(0, s.cols.n), nil
	}
	out, err := s.cols.l.newColumns(cAlloc, total)
	if err != nil {
		return nil, err
	}
	defer out.release()
	row := 0
	for _, c := range res.Chains {
		out.copyRows(row, s.cols, s.firstRow(c.Chain, true), c.WarmupCount)
		row += c.WarmupCount
		out.copyRows(row, s.cols, s.firstRow(c.Chain, false), c.DrawCount)
		row += c.DrawCount
	}
	return out.slice(0, total), nil
}

// chainsError names every failed chain and its cause, or is nil.
func chainsError(res *sample.Result) error {
	var msgs []string
	for _, c := range res.Chains {
		if c.Err != nil {
			msgs = append(msgs, c.Err.Error())
		}
	}
	if len(msgs) == 0 {
		return nil
	}
	return errorf(codeChains, "%d of %d chains failed (the draws of the others are returned): %s",
		len(msgs), len(res.Chains), strings.Join(msgs, "; "))
}

// exportResult hands every draw of res to C.
func exportResult(s *drawStore, res *sample.Result, out *C.struct_ArrowArrayStream) error {
	rec, err := s.result(res)
	if err != nil {
		return err
	}
	defer rec.Release()
	return exportStream(rec, out)
}

//export exmc_sample
func exmc_sample(p *C.exmc_cmodel, options *C.exmc_coptions, out *C.struct_ArrowArrayStream, err **C.char) C.int {
	tok := token(unsafe.Pointer(p))
	return call("exmc_sample", err, func() (int, error) {
		if e := need(out != nil, "out"); e != nil {
			return 0, e
		}
		zeroStream(out)
		m, e := acquireModel(tok)
		if e != nil {
			return 0, e
		}
		defer m.release()
		o, c, e := sampleOptions(options, m)
		if e != nil {
			return 0, e
		}
		l := newLayout(m.t.Dim(), m.t.Vars(), m.t.Observed(), c.LogLikelihood == 1)
		store, e := newDrawStore(m, l, o, cAlloc)
		if e != nil {
			return 0, e
		}
		defer store.release()
		o.Recorder = store
		sm, done := m.t.newSampler()
		defer done()
		res, e := sample.Sample(context.Background(), sm, o)
		if e != nil {
			return 0, wrap(codeInvalid, e)
		}
		if e := exportResult(store, res, out); e != nil {
			return 0, e
		}
		if e := chainsError(res); e != nil {
			return 0, e
		}
		return codeOK, nil
	})
}
