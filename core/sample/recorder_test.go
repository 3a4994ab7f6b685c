package sample_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/exmc/exmc/core/nuts"
	"github.com/exmc/exmc/core/sample"
)

// rowsRecorder keeps each chain's draws as the run's own arrays would.
type rowsRecorder struct {
	dim int
	mu  sync.Mutex
	// draws[chain][tuning] and stats[chain][tuning], tuning 1 for warmup
	draws [][2][]float64
	stats [][2][]nuts.Stats
	// failAt, when set, fails chain failChain's post-warmup draw failAt
	failChain, failAt int
}

func newRowsRecorder(chains, dim int) *rowsRecorder {
	return &rowsRecorder{dim: dim, draws: make([][2][]float64, chains), stats: make([][2][]nuts.Stats, chains), failAt: -1}
}

func (r *rowsRecorder) Record(chain int, tuning bool, i int, x []float64, st nuts.Stats) error {
	ph := 0
	if tuning {
		ph = 1
	}
	if !tuning && chain == r.failChain && i == r.failAt {
		return errors.New("the recorder is full")
	}
	// Only the chain itself writes its rows: the lock is for the race
	// detector's sake of the outer slices, which chains share.
	r.mu.Lock()
	defer r.mu.Unlock()
	if got := len(r.stats[chain][ph]); got != i {
		return errors.New("draws out of order")
	}
	r.draws[chain][ph] = append(r.draws[chain][ph], x...)
	r.stats[chain][ph] = append(r.stats[chain][ph], st)
	return nil
}

// TestRecorder checks that a recorder receives exactly the draws a run
// keeps by itself, that the run then keeps none, and that batches and
// results count what was made.
func TestRecorder(t *testing.T) {
	m := diagModel(logspace(5, 0.5, 4)...)
	o := opts(3, 120, 150, 17)
	o.SaveWarmup, o.BatchSize = true, 16
	want, err := sample.Sample(context.Background(), m, o)
	if err != nil || want.Err() != nil {
		t.Fatal(err, want.Err())
	}

	rec := newRowsRecorder(3, 5)
	o.Recorder = rec
	r, err := sample.Start(context.Background(), m, o)
	if err != nil {
		t.Fatal(err)
	}
	counted := map[[2]int]int{} // (chain, tuning) -> draws in batches
	for {
		b, ok := r.Next(context.Background())
		if !ok {
			break
		}
		if b.Positions != nil || b.Stats != nil {
			t.Fatal("a batch carries arrays though the recorder keeps the draws")
		}
		ph := 0
		if b.Tuning {
			ph = 1
		}
		k := [2]int{b.Chain, ph}
		if b.Start != counted[k] || b.Len() < 1 || b.Len() > o.BatchSize {
			t.Fatalf("batch of chain %d at %d with %d draws after %d", b.Chain, b.Start, b.Len(), counted[k])
		}
		counted[k] += b.Len()
	}
	got, err := r.Wait()
	if err != nil || got.Err() != nil {
		t.Fatal(err, got.Err())
	}
	for i, c := range got.Chains {
		w := want.Chains[i]
		if c.Draws != nil || c.Stats != nil || c.WarmupDraws != nil || c.WarmupStats != nil {
			t.Errorf("chain %d: the result keeps arrays though the recorder has the draws", i)
		}
		if c.DrawCount != 150 || c.WarmupCount != 120 || c.NumDraws() != 150 || w.DrawCount != 150 || w.WarmupCount != 120 {
			t.Errorf("chain %d: counts %d, %d (without a recorder %d, %d)", i, c.DrawCount, c.WarmupCount, w.DrawCount, w.WarmupCount)
		}
		if counted[[2]int{i, 0}] != 150 || counted[[2]int{i, 1}] != 120 {
			t.Errorf("chain %d: batches held %d and %d draws", i, counted[[2]int{i, 0}], counted[[2]int{i, 1}])
		}
		if !reflect.DeepEqual(rec.draws[i][0], w.Draws) || !reflect.DeepEqual(rec.stats[i][0], w.Stats) {
			t.Errorf("chain %d: the recorder's draws differ from the run's own", i)
		}
		if !reflect.DeepEqual(rec.draws[i][1], w.WarmupDraws) || !reflect.DeepEqual(rec.stats[i][1], w.WarmupStats) {
			t.Errorf("chain %d: the recorder's warmup draws differ from the run's own", i)
		}
		if c.StepSize != w.StepSize || !reflect.DeepEqual(c.InvMass, w.InvMass) {
			t.Errorf("chain %d: adaptation differs with a recorder", i)
		}
	}
}

// TestRecorderError checks that a recorder's error fails its chain alone.
func TestRecorderError(t *testing.T) {
	m := diagModel(1, 2)
	o := opts(2, 50, 80, 3)
	rec := newRowsRecorder(2, 2)
	rec.failChain, rec.failAt = 1, 30
	o.Recorder = rec
	res, err := sample.Sample(context.Background(), m, o)
	if err != nil {
		t.Fatal(err)
	}
	if res.Chains[0].Err != nil || res.Chains[0].DrawCount != 80 {
		t.Errorf("chain 0: %v after %d draws", res.Chains[0].Err, res.Chains[0].DrawCount)
	}
	e := res.Chains[1].Err
	if e == nil || !strings.Contains(e.Error(), "chain 1: draw 30: the recorder is full") || res.Chains[1].DrawCount != 30 {
		t.Errorf("chain 1: %v after %d draws", e, res.Chains[1].DrawCount)
	}
}

// TestRecorderMemoryNeeded checks that a run whose recorder keeps the
// draws does not count them among its own arrays.
func TestRecorderMemoryNeeded(t *testing.T) {
	o := opts(4, 100, 1000, 1)
	without := o.MemoryNeeded(1000)
	o.Recorder = newRowsRecorder(4, 1000)
	with := o.MemoryNeeded(1000)
	if without < with || without-with < 4*1000*1000*8 {
		t.Errorf("MemoryNeeded: %d without a recorder, %d with one", without, with)
	}
}
