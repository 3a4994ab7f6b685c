package sample_test

import (
	"runtime"
	"sync"
	"testing"

	"github.com/exmc/exmc/core/sample"
)

// Whoever sees every chain finished in Progress must find the run ended
// (Done closed, the result ready), and whoever finds the run ended must
// see every chain finished. The chains are short and the machine
// is loaded by busy goroutines (one per processor), so that a chain's
// worker is often preempted between a chain's end and the run's, the
// window this guards. The test counts violations over many runs; before
// the run ended ahead of the last chain's flag it saw them in about one
// run in ten under load.
func TestFinishedChainsMeanAnEndedRun(t *testing.T) {
	runs := 300
	if testing.Short() {
		runs = 50
	}
	stop := make(chan struct{})
	var load sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		load.Add(1)
		go func() {
			defer load.Done()
			x := 0
			for {
				select {
				case <-stop:
					return
				default:
				}
				for i := range 10000 {
					x += i
				}
			}
		}()
	}
	defer func() { close(stop); load.Wait() }()

	violations := 0
	for i := range runs {
		o := opts(4, 20, 20, uint64(i))
		r, err := sample.Start(t.Context(), diagModel(1, 2), o)
		if err != nil {
			t.Fatal(err)
		}
		for {
			p := r.Progress()
			all := true
			for _, c := range p.Chains {
				all = all && c.Finished
			}
			if all {
				break
			}
			runtime.Gosched()
		}
		select {
		case <-r.Done():
		default:
			violations++
		}
		res, err := r.Wait()
		// and the other way: an ended run has every chain finished
		for _, c := range r.Progress().Chains {
			if !c.Finished {
				violations++
			}
		}
		if err != nil || len(res.Chains) != 4 {
			t.Fatalf("run %d: %v, %d chains", i, err, len(res.Chains))
		}
	}
	if violations > 0 {
		t.Errorf("%d of %d runs had every chain finished before the run ended", violations, runs)
	}
}
