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

	"github.com/exmc/exmc/core/sample"
)

// resultParts lists a result's draws chain-major, each chain's warmup
// draws before its posterior draws.
func resultParts(res *sample.Result) []part {
	var parts []part
	for _, c := range res.Chains {
		if len(c.WarmupStats) > 0 {
			parts = append(parts, part{chain: c.Chain, tuning: true, positions: c.WarmupDraws, stats: c.WarmupStats})
		}
		parts = append(parts, part{chain: c.Chain, positions: c.Draws, stats: c.Stats})
	}
	return parts
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

// exportResult builds the record of every draw of res and hands it to C.
func exportResult(m *modelObj, l *layout, res *sample.Result, out *C.struct_ArrowArrayStream) error {
	ev := m.constrainer()
	defer m.putConstrainer(ev)
	rec, err := l.record(cAlloc, ev, resultParts(res))
	if err != nil {
		return wrap(codeNumeric, fmt.Errorf("constraining the draws: %w", err))
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
		sm, done := m.t.newSampler()
		defer done()
		res, e := sample.Sample(context.Background(), sm, o)
		if e != nil {
			return 0, wrap(codeInvalid, e)
		}
		l := newLayout(m.t.Dim(), m.t.Vars(), m.t.Observed(), c.LogLikelihood == 1)
		if e := exportResult(m, l, res, out); e != nil {
			return 0, e
		}
		if e := chainsError(res); e != nil {
			return 0, e
		}
		return codeOK, nil
	})
}
