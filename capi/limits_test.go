package main

import (
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/exmc/exmc/core/limits"
)

// TestRunsTooLargeForMemory: a run whose arrays would not fit is refused
// by the options' conversion, before anything is allocated for it (the
// init callback, which would copy chains x dim values, is never called).
func TestRunsTooLargeForMemory(t *testing.T) {
	limits.SetMemoryLimit(1 << 30)
	defer limits.SetMemoryLimit(0)
	for _, tc := range []struct {
		name   string
		size   runSize
		change func(*cOptions)
		want   string
	}{
		{"100 GB of draws", runSize{dim: 1 << 20, values: 1 << 20}, func(c *cOptions) { c.Draws = 12500 },
			"sampling 4 chains of 12500 draws of a model of dimension 1048576 reporting 1048576 values a draw needs about"},
		{"reported values beyond the dimension", runSize{dim: 1, values: 1 << 26}, func(c *cOptions) {},
			"reporting 67108864 values a draw needs about"},
		{"the log-likelihood of much data", runSize{dim: 1, values: 1, observed: 1 << 26}, func(c *cOptions) { c.LogLikelihood = 1 },
			"needs about"},
		{"large densities", runSize{dim: 1, values: 1, density: 1 << 29}, func(c *cOptions) { c.Draws = 1 },
			"needs about"},
		{"initial points to copy", runSize{dim: 1 << 27, values: 1}, func(c *cOptions) { c.Draws, c.Chains, c.Init = 1, 2, 0x10000 },
			"of dimension 134217728"},
		{"warmup kept", runSize{dim: 1000, values: 1000}, func(c *cOptions) { c.Tune, c.SaveWarmup = 1<<20, 1 },
			"and 1048576 warmup draws"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := defaultCOptions()
			tc.change(&c)
			_, err := c.toSample(tc.size, func(n int) []float64 {
				t.Fatalf("asked for %d initial values of a run to refuse", n)
				return nil
			})
			if codeOf(err) != codeInvalid || !strings.Contains(err.Error(), tc.want) ||
				!strings.Contains(err.Error(), "1073741824 bytes (1.0 GiB) available") {
				t.Fatalf("%v, want EXMC_ERR_INVALID saying %q", err, tc.want)
			}
		})
	}
	// a run that fits
	c := defaultCOptions()
	if _, err := c.toSample(runSize{dim: 1000, values: 1000, observed: 1000, density: 1 << 20}, nil); err != nil {
		t.Fatal(err)
	}
}

func TestCoresBound(t *testing.T) {
	for _, tc := range []struct {
		cores int64
		ok    bool
	}{{0, true}, {1, true}, {maxThreads, true}, {maxThreads + 1, false}, {1 << 40, false}, {-1, false}} {
		c := defaultCOptions()
		c.Cores = tc.cores
		_, err := c.toSample(runSize{dim: 2, values: 2}, nil)
		if tc.ok != (err == nil) || err != nil && !strings.Contains(err.Error(), "cores must be in [0, 1024]") {
			t.Errorf("cores %d: %v", tc.cores, err)
		}
	}
}

// TestCompileNamesLazily: a model of ten million elements compiles in
// well under a second; its twenty million names (the unconstrained and
// the constrained list) are made only when asked for. It took 12.6 s and
// 1.1 GB when compiling made them.
func TestCompileNamesLazily(t *testing.T) {
	doc := `{"format":"exmc.model/v1","nodes":[{"name":"x","kind":"free","dist":"Flat","shape":[10000000]}]}`
	start := time.Now()
	m, err := compileModel([]byte(doc), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer m.release()
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("compiling took %v", d)
	}
	// under a small limit, the names are refused with the bytes they need
	limits.SetMemoryLimit(64 << 20)
	defer limits.SetMemoryLimit(0)
	if _, err := m.paramNames(false); codeOf(err) != codeInvalid || !strings.Contains(err.Error(), "listing the unconstrained parameter names needs about") {
		t.Fatalf("names under a 64 MiB limit: %v", err)
	}
	// and refused again: the first answer stays
	if _, err := m.paramNames(false); err == nil {
		t.Fatal("a second call made the names")
	}
}

func TestParamNamesMadeOnce(t *testing.T) {
	doc := `{"format":"exmc.model/v1","nodes":[{"name":"s","kind":"free","dist":"HalfNormal","shape":[2]},{"name":"d","kind":"deterministic","expr":{"op":"sum","args":[{"ref":"s"}]}}]}`
	m, err := compileModel([]byte(doc), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer m.release()
	for _, tc := range []struct {
		constrained bool
		want        string
	}{{false, "s_log__[0],s_log__[1]"}, {true, "s[0],s[1],d"}} {
		a, err := m.paramNames(tc.constrained)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := m.paramNames(tc.constrained)
		if a != b {
			t.Errorf("constrained %v: a second string was made", tc.constrained)
		}
		if got := cString(unsafe.Pointer(a)); got != tc.want {
			t.Errorf("constrained %v: %q, want %q", tc.constrained, got, tc.want)
		}
	}
}

// cString reads a NUL-terminated C string (test files cannot use cgo).
func cString(p unsafe.Pointer) string {
	var b []byte
	for i := 0; ; i++ {
		c := *(*byte)(unsafe.Add(p, i))
		if c == 0 {
			return string(b)
		}
		b = append(b, c)
	}
}
