package compile_test

import (
	"context"
	"encoding/binary"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/exmc/exmc/core/compile"
	"github.com/exmc/exmc/core/limits"
	"github.com/exmc/exmc/core/model"
	"github.com/exmc/exmc/core/sample"
)

// The fuzz targets feed model documents through everything a caller can
// reach without sampling: parsing, validation, the rewrites, compilation,
// and the log-density, its gradient, the constrained values and the
// pointwise log-likelihood at a point. Whatever the document, nothing may
// panic: either a clean error, or a log-density (finite, infinite or NaN)
// with a gradient of the model's dimension. Memory is held to fuzzMemory
// by the size checks (core/limits): a fuzzer must not be able to exhaust
// the machine.
//
// `go test` replays the seeds below and the corpus in
// testdata/fuzz/<target>; `make fuzz` fuzzes each target for FUZZTIME.

// fuzzMemory is the memory limit under fuzzing: room for any model the
// generator means (half a million elements), and far less than a machine
// has.
const fuzzMemory = 64 << 20

// seedDocs are models a user writes, for both targets to start from.
var seedDocs = []string{
	`{"format": "exmc.model/v1", "coords": {"school": ["A", "B", "C"]}, "nodes": [
	  {"name": "y", "kind": "data", "shape": [3], "values": [28, 8, -3]},
	  {"name": "sigma", "kind": "data", "shape": [3], "values": [15, 10, 16]},
	  {"name": "mu", "kind": "free", "dist": "Normal", "params": {"mu": 0, "sigma": 5}},
	  {"name": "tau", "kind": "free", "dist": "HalfCauchy", "params": {"beta": 5}},
	  {"name": "theta", "kind": "free", "dist": "Normal", "shape": [3], "dims": ["school"],
	   "params": {"mu": {"ref": "mu"}, "sigma": {"ref": "tau"}}},
	  {"name": "obs", "kind": "observed", "dist": "Normal", "params": {"mu": {"ref": "theta"}, "sigma": {"ref": "sigma"}},
	   "observed": {"ref": "y"}},
	  {"name": "m", "kind": "deterministic", "expr": {"op": "mean", "args": [{"ref": "theta"}]}}]}`,
	`{"format": "exmc.model/v1", "nodes": [
	  {"name": "X", "kind": "data", "shape": [4, 2], "values": [1, 0, 0, 1, 1, 1, 2, -1]},
	  {"name": "idx", "kind": "data", "dtype": "int64", "shape": [4], "values": [0, 1, 1, 0]},
	  {"name": "beta", "kind": "free", "dist": "Normal", "shape": [2]},
	  {"name": "a", "kind": "free", "dist": "Normal", "shape": [2]},
	  {"name": "s", "kind": "free", "dist": "Exponential", "params": {"lam": 1}},
	  {"name": "eta", "kind": "deterministic", "expr": {"op": "add", "args": [
	     {"op": "matmul", "args": [{"ref": "X"}, {"ref": "beta"}]},
	     {"op": "gather", "args": [{"ref": "a"}, {"ref": "idx"}]}]}},
	  {"name": "k", "kind": "observed", "dist": "Poisson", "params": {"mu": {"op": "exp", "args": [{"ref": "eta"}]}},
	   "observed": {"const": [1, 0, 3, 2], "shape": [4]}},
	  {"name": "u", "kind": "free", "dist": "Uniform", "params": {"lower": -1, "upper": {"op": "add", "args": [{"ref": "s"}, 1]}}},
	  {"name": "w", "kind": "free", "dist": "GaussianRandomWalk", "shape": [5], "params": {"sigma": {"ref": "s"}}},
	  {"name": "o", "kind": "free", "dist": "Normal", "shape": [3], "transform": "ordered"},
	  {"name": "p", "kind": "potential", "expr": {"op": "neg", "args": [{"op": "sum", "args": [
	     {"op": "square", "args": [{"op": "slice", "args": [{"ref": "w"}], "start": 1, "step": 2}]}]}]}}]}`,
	`{"format": "exmc.model/v1", "nodes": [
	  {"name": "x", "kind": "free", "dist": "NormalMixture", "params": {
	     "w": {"const": [0.3, 0.7], "shape": [2]}, "mu": {"const": [-1, 1], "shape": [2]}, "sigma": 1}},
	  {"name": "b", "kind": "free", "dist": "Beta", "params": {"alpha": 2, "beta": 2}},
	  {"name": "y", "kind": "observed", "dist": "Binomial", "params": {"n": 10, "p": {"ref": "b"}}, "observed": 3},
	  {"name": "r", "kind": "deterministic", "expr": {"op": "reshape", "args": [
	     {"op": "stack", "args": [{"ref": "x"}, {"ref": "b"}]}], "shape": [1, 2]}},
	  {"name": "t", "kind": "deterministic", "expr": {"op": "transpose", "args": [{"ref": "r"}]}}]}`,
}

func fuzzSetup(f *testing.F) {
	limits.SetMemoryLimit(fuzzMemory)
	f.Cleanup(func() { limits.SetMemoryLimit(0) })
	if os.Getenv(limits.EnvMemoryLimit) != "" {
		f.Logf("%s is ignored under fuzzing", limits.EnvMemoryLimit)
	}
}

// FuzzDocument takes any bytes as a model document.
func FuzzDocument(f *testing.F) {
	fuzzSetup(f)
	for _, d := range seedDocs {
		f.Add([]byte(d), uint64(0))
	}
	f.Add([]byte(`{"format":"exmc.model/v1","nodes":[{"name":"x","kind":"free","dist":"Normal","shape":[4294967296,4294967296,16]}]}`), uint64(1))
	f.Add([]byte(`{"format":"exmc.model/v1","nodes":[{"name":"x","kind":"free","dist":"Flat","shape":[10000000]}]}`), uint64(2))
	// generated models, for the mutations of the text to start from
	r := rand.New(rand.NewPCG(5, 6))
	for range 16 {
		data := make([]byte, 200+r.IntN(400))
		for i := range data {
			data[i] = byte(r.IntN(256))
		}
		f.Add(genModel(data), r.Uint64())
	}
	f.Fuzz(func(t *testing.T, doc []byte, point uint64) {
		checkDocument(t, doc, point)
	})
}

// FuzzGenerated builds the document with genModel, so that most inputs
// are models that compile, or fail in validation's later checks.
func FuzzGenerated(f *testing.F) {
	fuzzSetup(f)
	for _, seed := range []string{"", "\x01\x02\x03\x04\x05\x06\x07\x08", "generated model seed", "\xff\xfe\xfd\xfc\xfb\xfa"} {
		f.Add([]byte(seed), uint64(0))
	}
	f.Fuzz(func(t *testing.T, data []byte, point uint64) {
		doc := genModel(data)
		m, err := model.Parse(doc)
		if err != nil {
			t.Fatalf("a generated document does not parse: %v\n%s", err, doc)
		}
		// the JSON form round-trips
		again, err := m.JSON()
		if err != nil {
			t.Fatalf("no JSON form: %v", err)
		}
		m2, err := model.Parse(again)
		if err != nil || !reflect.DeepEqual(m, m2) {
			t.Fatalf("the JSON form changed the model (%v):\n%s\n%s", err, doc, again)
		}
		checkDocument(t, doc, point)
	})
}

// fuzzTime bounds the time one document may take: within fuzzMemory a
// model has at most half a million elements, whose evaluations take well
// under a second each even on a loaded machine; a document that takes
// longer does work it should not (a fold repeated per reader, say).
const fuzzTime = 10 * time.Second

// checkDocument runs a document through everything but sampling and
// checks the invariants.
func checkDocument(t *testing.T, doc []byte, point uint64) {
	start := time.Now()
	defer func() {
		if d := time.Since(start); d > fuzzTime {
			t.Fatalf("the document took %v:\n%s", d, doc)
		}
	}()
	m, err := model.Parse(doc)
	if err != nil {
		return
	}
	c, err := compile.Compile(m, nil)
	if err != nil {
		if strings.TrimSpace(err.Error()) == "" {
			t.Fatalf("an error with no message")
		}
		return
	}
	dim := 0
	for _, p := range c.Params() {
		if p.Offset != dim || p.Size < 1 {
			t.Fatalf("parameter %q at offset %d, size %d; want offset %d and a size", p.Name, p.Offset, p.Size, dim)
		}
		dim += p.Size
	}
	if dim != c.Dim() || dim < 1 {
		t.Fatalf("dimension %d, parameters cover %d", c.Dim(), dim)
	}
	for _, v := range c.Vars() {
		if v.Size < 1 {
			t.Fatalf("variable %q has no elements", v.Name)
		}
	}

	x := fuzzPoint(dim, point)
	d := c.NewDensity()
	grad := make([]float64, dim)
	lp, err := d.LogpGrad(x, grad)
	if err != nil {
		t.Fatalf("LogpGrad: %v", err)
	}
	lp2, err := d.Logp(x)
	if err != nil {
		t.Fatalf("Logp: %v", err)
	}
	if !sameValue(lp, lp2) {
		t.Fatalf("LogpGrad's log-density %v, Logp's %v\n%s", lp, lp2, doc)
	}
	out := make([]float64, c.ConstrainedSize())
	if err := d.Constrain(x, out); err != nil {
		t.Fatalf("Constrain: %v", err)
	}
	ll := make([]float64, c.LogLikelihoodSize())
	if err := d.LogLikelihood(x, ll); err != nil {
		t.Fatalf("LogLikelihood: %v", err)
	}
	// wrong sizes are errors, not panics
	if _, err := d.LogpGrad(x[:dim-1], grad); err == nil {
		t.Fatal("a short point was accepted")
	}
	if dim <= fuzzSampleDim {
		fuzzSample(t, c, point, doc)
	}
}

// fuzzSampleDim bounds the models the fuzz body also samples, a few
// transitions of one chain, so that a document takes milliseconds.
const fuzzSampleDim = 64

// fuzzSample runs a few transitions: a chain may fail (no finite initial
// point, a log-density that cannot be evaluated), but never by a panic.
func fuzzSample(t *testing.T, c *compile.Model, seed uint64, doc []byte) {
	o := sample.DefaultOptions()
	o.Draws, o.Tune, o.Chains, o.Cores = 3, 3, 1, 1
	o.MaxTreeDepth, o.InitRetries, o.BatchSize = 4, 5, 2
	o.Seed = seed
	o.SaveWarmup = seed%2 == 0
	o.Dense = seed%3 == 0
	res, err := sample.Sample(context.Background(), sample.Compiled(c), o)
	if err != nil {
		t.Fatalf("Sample: %v", err)
	}
	for _, ch := range res.Chains {
		var pe *sample.PanicError
		if errors.As(ch.Err, &pe) {
			t.Fatalf("chain %d panicked: %v\n%s\n%s", ch.Chain, pe.Value, pe.Stack, doc)
		}
	}
}

// fuzzPoint is a point in [-3, 3]^dim drawn from seed.
func fuzzPoint(dim int, seed uint64) []float64 {
	x := make([]float64, dim)
	var b [8]byte
	for i := range x {
		seed = seed*6364136223846793005 + 1442695040888963407
		binary.LittleEndian.PutUint64(b[:], seed)
		x[i] = 6*float64(binary.LittleEndian.Uint32(b[4:]))/(1<<32) - 3
	}
	return x
}

// sameValue: two evaluations of one log-density agree to rounding, or are
// the same non-finite value.
func sameValue(a, b float64) bool {
	switch {
	case math.IsNaN(a) || math.IsNaN(b):
		return math.IsNaN(a) && math.IsNaN(b)
	case math.IsInf(a, 0) || math.IsInf(b, 0):
		return a == b
	}
	return math.Abs(a-b) <= 1e-9*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

// TestGeneratedModels runs a thousand generated models through the fuzz
// body in plain go test, and holds the generator to making models that
// compile often enough to reach the log-density.
func TestGeneratedModels(t *testing.T) {
	limits.SetMemoryLimit(fuzzMemory)
	defer limits.SetMemoryLimit(0)
	r := rand.New(rand.NewPCG(12, 34))
	compiled := 0
	const n = 1000
	for range n {
		data := make([]byte, r.IntN(400))
		for i := range data {
			data[i] = byte(r.IntN(256))
		}
		doc := genModel(data)
		m, err := model.Parse(doc)
		if err != nil {
			t.Fatalf("a generated document does not parse: %v\n%s", err, doc)
		}
		if _, err := compile.Compile(m, nil); err == nil {
			compiled++
		}
		checkDocument(t, doc, r.Uint64())
	}
	if compiled < n/5 {
		t.Fatalf("only %d of %d generated models compile", compiled, n)
	}
	t.Logf("%d of %d generated models compile", compiled, n)
}
