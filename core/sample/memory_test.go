package sample_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/exmc/exmc/core/limits"
	"github.com/exmc/exmc/core/nuts"
	"github.com/exmc/exmc/core/sample"
)

// sizeOnly is a model of any dimension whose densities must never be made:
// a run too large for memory is refused before any chain is set up.
type sizeOnly int

func (m sizeOnly) Dim() int { return int(m) }
func (m sizeOnly) NewDensity() nuts.Density {
	panic("a density was made for a run that should have been refused")
}

func TestRunsTooLargeAreRefused(t *testing.T) {
	limits.SetMemoryLimit(1 << 30)
	defer limits.SetMemoryLimit(0)
	opts := func(f func(o *sample.Options)) sample.Options {
		o := sample.DefaultOptions()
		f(&o)
		return o
	}
	for _, tc := range []struct {
		name string
		dim  int
		o    sample.Options
		want string
	}{
		{"100 GB of draws", 1 << 20, opts(func(o *sample.Options) { o.Draws = 12500 }),
			"sampling 4 chains of 12500 draws in dimension 1048576 needs about"},
		{"a trillion draws", 1, opts(func(o *sample.Options) { o.Draws = 1e12 }),
			"sampling 4 chains of 1000000000000 draws"},
		{"saved warmup", 10000, opts(func(o *sample.Options) { o.Draws = 1; o.Tune = 1e7; o.SaveWarmup = true }),
			"and 10000000 warmup draws"},
		{"a dimension of 2^36", 1 << 36, opts(func(o *sample.Options) { o.Draws = 1; o.Chains = 1 }),
			"in dimension 68719476736"},
		{"a dense metric", 100000, opts(func(o *sample.Options) { o.Draws = 10; o.Dense = true }),
			"with a dense metric needs about"},
		{"chains beyond counting", 1 << 30, opts(func(o *sample.Options) { o.Chains = 1 << 40 }),
			"more bytes than 64 bits can count"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := sample.Start(context.Background(), sizeOnly(tc.dim), tc.o)
			var me *limits.MemoryError
			if !errors.As(err, &me) || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "1073741824 bytes (1.0 GiB) available") {
				t.Fatalf("error %v, want a memory error saying %q", err, tc.want)
			}
		})
	}
}

func TestMemoryNeeded(t *testing.T) {
	o := sample.DefaultOptions()
	small := o.MemoryNeeded(10)
	// 4 chains x 1000 draws x (10 doubles + statistics), and buffers
	if small < 4*1000*80 || small > 4<<20 {
		t.Fatalf("MemoryNeeded(10) = %d", small)
	}
	o.SaveWarmup = true
	if w := o.MemoryNeeded(10); w <= small {
		t.Fatalf("saved warmup adds nothing: %d <= %d", w, small)
	}
	o.Dense = true
	if d := o.MemoryNeeded(1000); d < 4*8*1000*1000*8 {
		t.Fatalf("a dense metric of dimension 1000: %d", d)
	}
	// a run that fits is not refused
	if _, err := sample.Sample(context.Background(), &gaussModel{mu: []float64{0}, sd: []float64{1}}, sample.DefaultOptions()); err != nil {
		t.Fatal(err)
	}
}
