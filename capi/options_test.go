package main

import (
	"reflect"
	"strings"
	"testing"

	"github.com/exmc/exmc/core/nuts"
	"github.com/exmc/exmc/core/sample"
)

func TestDefaultOptionsMatchTheCore(t *testing.T) {
	o, err := defaultCOptions().toSample(runSize{dim: 10, values: 10}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := sample.DefaultOptions(); !reflect.DeepEqual(o, want) {
		t.Errorf("defaults\n%+v\nwant\n%+v", o, want)
	}
}

func TestOptionsConversion(t *testing.T) {
	c := defaultCOptions()
	c.Draws, c.Tune, c.Chains, c.Cores, c.Seed = 10, 5, 2, 1, 99
	c.TargetAccept, c.MaxTreeDepth, c.MaxEnergyError = 0.9, 7, 50
	c.DenseMass, c.SaveWarmup, c.InitJitter, c.BatchSize = 1, 1, 0.5, 3
	c.FirstChain = 6
	c.Metric = cMetricVariance
	c.Schedule = cScheduleWindowed
	c.Criterion = cCriterionMomentumSum
	init := []float64{1, 2, 3, 4}
	c.Init = 0x10000 // any valid address: the closure below supplies the values
	o, err := c.toSample(runSize{dim: 2, values: 2}, func(n int) []float64 {
		if n != 4 {
			t.Fatalf("asked for %d initial values, want 4", n)
		}
		return init
	})
	if err != nil {
		t.Fatal(err)
	}
	if o.Draws != 10 || o.Tune != 5 || o.Chains != 2 || o.Cores != 1 || o.Seed != 99 || o.TargetAccept != 0.9 ||
		o.MaxTreeDepth != 7 || o.MaxEnergyError != 50 || !o.Dense || !o.SaveWarmup || o.InitJitter != 0.5 || o.BatchSize != 3 ||
		o.FirstChain != 6 || o.Metric != sample.MetricVariance || o.Schedule != sample.ScheduleWindowed ||
		o.Criterion != nuts.CriterionMomentumSum {
		t.Errorf("converted %+v", o)
	}
	if !reflect.DeepEqual(o.Init, [][]float64{{1, 2}, {3, 4}}) {
		t.Errorf("init %v", o.Init)
	}
	init[0] = 100
	if o.Init[0][0] != 1 {
		t.Error("initial points are not copied out of the caller's memory")
	}
}

func TestInvalidOptions(t *testing.T) {
	for _, tc := range []struct {
		change func(*cOptions)
		want   string
	}{
		{func(c *cOptions) { c.Draws = 0 }, "draws must be at least 1, got 0"},
		{func(c *cOptions) { c.Tune = -1 }, "tune"},
		{func(c *cOptions) { c.Chains = 0 }, "chains must be at least 1, got 0"},
		{func(c *cOptions) { c.Cores = -2 }, "cores"},
		{func(c *cOptions) { c.TargetAccept = 1.5 }, "target_accept must be in (0, 1), got 1.5"},
		{func(c *cOptions) { c.TargetAccept = 0 }, "target_accept"},
		{func(c *cOptions) { c.MaxTreeDepth = 0 }, "max_treedepth"},
		{func(c *cOptions) { c.MaxTreeDepth = 31 }, "max_treedepth"},
		{func(c *cOptions) { c.MaxEnergyError = 0 }, "max_energy_error"},
		{func(c *cOptions) { c.InitJitter = -1 }, "init_jitter"},
		{func(c *cOptions) { c.BatchSize = 0 }, "batch_size"},
		{func(c *cOptions) { c.FirstChain = -1 }, "first_chain must be in [0, "},
		{func(c *cOptions) { c.FirstChain = 1 << 62 }, "first_chain"},
		{func(c *cOptions) { c.DenseMass = 2 }, "dense_mass must be 0 or 1"},
		{func(c *cOptions) { c.Metric = 2 }, "metric must be EXMC_METRIC_GRADIENT (0) or EXMC_METRIC_VARIANCE (1), got 2"},
		{func(c *cOptions) { c.Schedule = -1 }, "schedule must be EXMC_SCHEDULE_ONLINE (0) or EXMC_SCHEDULE_WINDOWED (1), got -1"},
		{func(c *cOptions) { c.Criterion = 2 }, "criterion must be EXMC_CRITERION_DISPLACEMENT (0) or EXMC_CRITERION_MOMENTUM_SUM (1), got 2"},
		{func(c *cOptions) { c.SaveWarmup = -1 }, "save_warmup"},
		{func(c *cOptions) { c.LogLikelihood = 7 }, "log_likelihood"},
		{func(c *cOptions) { c.Init = 8 }, "init"},
		{func(c *cOptions) { c.Draws, c.Chains = 1<<40, 1<<20 }, "too large"},
		{func(c *cOptions) { c.Draws = 1 << 62; c.Chains = 4 }, "too large"},
	} {
		c := defaultCOptions()
		tc.change(&c)
		_, err := c.toSample(runSize{dim: 3, values: 3}, func(n int) []float64 { return make([]float64, n) })
		if codeOf(err) != codeInvalid || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want EXMC_ERR_INVALID with %q", c, err, tc.want)
		}
	}
	c := defaultCOptions()
	c.Chains, c.Init = 2, 0x10000
	_, err := c.toSample(runSize{dim: 2, values: 2}, func(n int) []float64 { return []float64{0, 0, 1, nanValue()} })
	if codeOf(err) != codeInvalid || !strings.Contains(err.Error(), "init[3] (chain 1, coordinate 1) is NaN") {
		t.Errorf("NaN initial point: %v", err)
	}
}

func nanValue() float64 {
	zero := 0.0
	return zero / zero
}
