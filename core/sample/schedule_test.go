package sample_test

import (
	"context"
	"runtime"
	"testing"

	"github.com/exmc/exmc/core/sample"
)

// Both schedules learn a Gaussian's variances and sample it correctly;
// the default is the online one, and the choice changes the draws.
func TestSchedules(t *testing.T) {
	if sample.DefaultOptions().Schedule != sample.ScheduleOnline ||
		sample.ScheduleOnline.String() != "online" || sample.ScheduleWindowed.String() != "windowed" {
		t.Fatal("the default schedule is not the online one")
	}
	sd := []float64{0.05, 1, 20}
	model := diagModel(sd...)
	v := []float64{sd[0] * sd[0], sd[1] * sd[1], sd[2] * sd[2]}
	var first []float64
	for _, sc := range []sample.Schedule{sample.ScheduleOnline, sample.ScheduleWindowed} {
		for _, m := range []sample.Metric{sample.MetricGradient, sample.MetricVariance} {
			o := opts(2, 1000, 1000, 41)
			o.Schedule, o.Metric = sc, m
			res, err := sample.Sample(context.Background(), model, o)
			if err != nil || res.Err() != nil {
				t.Fatal(err, res.Err())
			}
			checkMoments(t, res, model.mu, v)
			for i, s := range sd {
				if r := res.Chains[0].InvMass[i] / (s * s); r < 0.6 || r > 1.6 {
					t.Errorf("%v, %v: inverse mass %d is %.4g, want about %.4g", sc, m, i, res.Chains[0].InvMass[i], s*s)
				}
			}
		}
		o := opts(1, 300, 10, 41)
		o.Schedule = sc
		res, err := sample.Sample(context.Background(), model, o)
		if err != nil || res.Err() != nil {
			t.Fatal(err, res.Err())
		}
		if first == nil {
			first = res.Chains[0].Draws
		} else if first[len(first)-1] == res.Chains[0].Draws[len(first)-1] {
			t.Error("the schedule option did not change the draws")
		}
	}
	// A dense metric ignores the option.
	for _, sc := range []sample.Schedule{sample.ScheduleOnline, sample.ScheduleWindowed} {
		o := opts(1, 300, 10, 41)
		o.Schedule, o.Dense = sc, true
		res, err := sample.Sample(context.Background(), model, o)
		if err != nil || res.Err() != nil {
			t.Fatal(err, res.Err())
		}
		if sc == sample.ScheduleOnline {
			first = res.Chains[0].Draws
		} else if first[len(first)-1] != res.Chains[0].Draws[len(first)-1] {
			t.Error("the schedule option changed a dense metric's draws")
		}
	}
	o := opts(1, 10, 10, 1)
	o.Schedule = sample.Schedule(2)
	if _, err := sample.Sample(context.Background(), model, o); err == nil {
		t.Error("an unknown schedule was accepted")
	}
}

// Warmup and sampling allocate nothing per iteration: a run's allocation
// count does not grow with the number of warmup iterations or draws. (The
// streamed batches are headers queued per BatchSize draws, so BatchSize
// covers the whole run here.)
func TestNoAllocationsPerIteration(t *testing.T) {
	model := diagModel(logspace(20, 0.1, 10)...)
	allocs := func(o sample.Options) uint64 {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		res, err := sample.Sample(context.Background(), model, o)
		runtime.ReadMemStats(&after)
		if err != nil || res.Err() != nil {
			t.Fatal(err, res.Err())
		}
		return after.Mallocs - before.Mallocs
	}
	for _, sc := range []sample.Schedule{sample.ScheduleOnline, sample.ScheduleWindowed} {
		run := func(tune, draws int) uint64 {
			o := opts(1, tune, draws, 5)
			o.Schedule, o.BatchSize = sc, 5000
			return allocs(o)
		}
		run(100, 100) // warm the runtime up
		short, long := run(100, 100), run(2000, 2000)
		// A few allocations of the runtime's own (timers, the GC) may
		// land in either run; one per iteration would add thousands.
		if long > short+50 {
			t.Errorf("%v: %d allocations for 100+100 iterations, %d for 2000+2000", sc, short, long)
		}
	}
}
