package main

import (
	"os"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/exmc/exmc/core/nuts"
	"github.com/exmc/exmc/core/sample"
)

// The defaults include/exmc.h documents for exmc_options, "(1000)" or
// "(EXMC_METRIC_GRADIENT)" closing a field's comment, are the options
// schema's (sample.Schema, exported by exmc_options_schema), the ones
// exmc_options_default writes and, converted, the core's
// sample.DefaultOptions: C users read the header, Python's signatures are
// made from the schema, and neither may drift from the core. Every field
// is in the schema; a choice's EXMC_* constant is its value in the
// schema; a range the header states ("in (0, 1)") is the schema's.
func TestDocumentedDefaultsMatchTheCore(t *testing.T) {
	src, err := os.ReadFile("../include/exmc.h")
	if err != nil {
		t.Fatal(err)
	}
	header := string(src)
	constants := map[string]float64{}
	for _, m := range regexp.MustCompile(`(?m)^#define (EXMC_\w+) (-?\d+)\b`).FindAllStringSubmatch(header, -1) {
		constants[m[1]], _ = strconv.ParseFloat(m[2], 64)
	}
	start := strings.Index(header, "typedef struct exmc_options {")
	end := strings.Index(header, "} exmc_options;")
	if start < 0 || end < start {
		t.Fatal("include/exmc.h has no exmc_options struct")
	}
	comments := map[string]string{}
	field := regexp.MustCompile(`\b(\w+);\s*/\*(.*)\*/\s*$`)
	for _, line := range strings.Split(header[start:end], "\n") {
		if m := field.FindStringSubmatch(line); m != nil && m[1] != "size" {
			comments[m[1]] = m[2]
		}
	}
	parens := regexp.MustCompile(`\(([^()]*)\)`)
	documentedDefault := func(comment string) (float64, bool) {
		groups := parens.FindAllStringSubmatch(comment, -1)
		if len(groups) == 0 {
			return 0, false
		}
		text := strings.TrimSpace(groups[len(groups)-1][1])
		if c, ok := constants[text]; ok {
			return c, true
		}
		v, err := strconv.ParseFloat(text, 64)
		return v, err == nil
	}
	set := map[string]func(c *cOptions, v float64){
		"draws":            func(c *cOptions, v float64) { c.Draws = int64(v) },
		"tune":             func(c *cOptions, v float64) { c.Tune = int64(v) },
		"chains":           func(c *cOptions, v float64) { c.Chains = int64(v) },
		"cores":            func(c *cOptions, v float64) { c.Cores = int64(v) },
		"seed":             func(c *cOptions, v float64) { c.Seed = uint64(v) },
		"target_accept":    func(c *cOptions, v float64) { c.TargetAccept = v },
		"max_treedepth":    func(c *cOptions, v float64) { c.MaxTreeDepth = int64(v) },
		"max_energy_error": func(c *cOptions, v float64) { c.MaxEnergyError = v },
		"dense_mass":       func(c *cOptions, v float64) { c.DenseMass = int32(v) },
		"save_warmup":      func(c *cOptions, v float64) { c.SaveWarmup = int32(v) },
		"log_likelihood":   func(c *cOptions, v float64) { c.LogLikelihood = int32(v) },
		"init_jitter":      func(c *cOptions, v float64) { c.InitJitter = v },
		"batch_size":       func(c *cOptions, v float64) { c.BatchSize = int64(v) },
		"first_chain":      func(c *cOptions, v float64) { c.FirstChain = int64(v) },
		"metric":           func(c *cOptions, v float64) { c.Metric = int32(v) },
		"schedule":         func(c *cOptions, v float64) { c.Schedule = int32(v) },
		"criterion":        func(c *cOptions, v float64) { c.Criterion = int32(v) },
	}
	var documented cOptions
	inSchema := map[string]bool{}
	rangeText := regexp.MustCompile(`\bin ([\[(][^\])]*[\])])`)
	for _, opt := range sample.Schema() {
		inSchema[opt.C] = true
		comment, ok := comments[opt.C]
		if !ok {
			t.Errorf("the schema's option %s is no field of exmc_options", opt.C)
			continue
		}
		if m := rangeText.FindStringSubmatch(comment); m != nil {
			if opt.Range == nil || "in "+m[1] != opt.RangeText() {
				t.Errorf("include/exmc.h says %s is %q, the schema %q", opt.C, "in "+m[1], opt.RangeText())
			}
		}
		if opt.Type == sample.TypeChoice && opt.CType == "int32_t" {
			for _, c := range opt.Choices {
				name := "EXMC_" + strings.ToUpper(opt.C) + "_" + strings.ToUpper(c.Name)
				if v, ok := constants[name]; !ok || v != c.Value {
					t.Errorf("include/exmc.h: %s is %v (defined: %v), the schema's %s is %v", name, v, ok, c.Name, c.Value)
				}
			}
		}
		want := opt.Default()
		if want == nil {
			continue
		}
		v, ok := documentedDefault(comment)
		if !ok {
			t.Errorf("include/exmc.h documents no default for exmc_options.%s", opt.C)
			continue
		}
		var w float64
		switch x := want.(type) {
		case int64:
			w = float64(x)
		case uint64:
			w = float64(x)
		case float64:
			w = x
		}
		if v != w {
			t.Errorf("include/exmc.h documents %v for exmc_options.%s, the schema's default is %v", v, opt.C, want)
		}
		if set[opt.C] == nil {
			t.Errorf("no setter for %s in this test", opt.C)
			continue
		}
		set[opt.C](&documented, v)
	}
	for name := range comments {
		if !inSchema[name] {
			t.Errorf("exmc_options.%s is not in the schema (sample.Schema)", name)
		}
	}
	if written := defaultCOptions(); documented != written {
		t.Errorf("exmc_options_default writes\n%+v\nthe header documents\n%+v", written, documented)
	}
	o, err := documented.toSample(runSize{dim: 10, values: 10}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := sample.DefaultOptions(); !reflect.DeepEqual(o, want) {
		t.Errorf("the header's defaults convert to\n%+v\nthe core's are\n%+v", o, want)
	}
}

func TestOptionsConversion(t *testing.T) {
	c := defaultCOptions()
	c.Draws, c.Tune, c.Chains, c.Cores, c.Seed = 10, 5, 2, 1, 99
	c.TargetAccept, c.MaxTreeDepth, c.MaxEnergyError = 0.9, 7, 50
	c.DenseMass, c.SaveWarmup, c.InitJitter, c.BatchSize = 1, 1, 0.5, 3
	c.FirstChain = 6
	c.Metric = int32(sample.MetricVariance)
	c.Schedule = int32(sample.ScheduleWindowed)
	c.Criterion = int32(nuts.CriterionMomentumSum)
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
		{func(c *cOptions) { c.Cores = -2 }, "cores must be in [0, 1024], got -2"},
		{func(c *cOptions) { c.Cores = maxThreads + 1 }, "cores"},
		{func(c *cOptions) { c.TargetAccept = 1.5 }, "target_accept must be in (0, 1), got 1.5"},
		{func(c *cOptions) { c.TargetAccept = 0 }, "target_accept"},
		{func(c *cOptions) { c.MaxTreeDepth = 0 }, "max_treedepth"},
		{func(c *cOptions) { c.MaxTreeDepth = 31 }, "max_treedepth"},
		{func(c *cOptions) { c.MaxEnergyError = 0 }, "max_energy_error"},
		{func(c *cOptions) { c.InitJitter = -1 }, "init (exmc_options.init_jitter) must be finite and at least 0, got -1"},
		{func(c *cOptions) { c.BatchSize = 0 }, "batch_size"},
		{func(c *cOptions) { c.FirstChain = -1 }, "first_chain must be in [0, "},
		{func(c *cOptions) { c.FirstChain = 1 << 62 }, "first_chain"},
		{func(c *cOptions) { c.DenseMass = 2 }, "dense_mass must be 0 or 1"},
		{func(c *cOptions) { c.Metric = 3 }, "invalid options: metric must be one of gradient (0), variance (1), low_rank (2), got 3"},
		{func(c *cOptions) { c.Schedule = -1 }, "schedule must be one of online (0), windowed (1), got -1"},
		{func(c *cOptions) { c.Criterion = 2 }, "criterion must be one of displacement (0), momentum_sum (1), got 2"},
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
	if codeOf(err) != codeInvalid || !strings.Contains(err.Error(), "invalid options: init[3] (chain 1, coordinate 1) is NaN") {
		t.Errorf("NaN initial point: %v", err)
	}
}

func nanValue() float64 {
	zero := 0.0
	return zero / zero
}
