// Package limits checks the size of a request before anything is allocated
// for it. Go cannot recover from running out of memory: an allocation the
// machine cannot back ends the process, whatever called it. So every size
// a caller can ask for (an array's shape, a run's draws, a model's
// dimension) is checked here first: element counts that overflow or exceed
// what one array may hold are refused, and so is memory beyond what the
// machine has available, with an error naming both numbers.
//
// The memory limit is the machine's available memory (MemAvailable, or the
// room left under the process's cgroup limit when that is smaller), read at
// each check. EXMC_MEMORY_LIMIT in the environment, or SetMemoryLimit, puts
// a number of bytes in its place: lower, to keep exmc within a share of the
// machine, or higher, to insist on a request the check would refuse.
package limits

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"os"
	"strconv"
	"strings"
	"sync"

	"github.com/exmc/exmc/core/shape"
)

// MaxElements is the most elements any one array of a model may have. The
// index maps that let a loop read a broadcast operand hold 32-bit indices
// (core/shape), and an array of more elements than that, 16 GiB of
// doubles, is beyond any model a machine could sample.
const MaxElements = math.MaxInt32

// EnvMemoryLimit names the environment variable that sets the memory limit.
const EnvMemoryLimit = "EXMC_MEMORY_LIMIT"

// Size returns the number of elements of an array of shape s (1 for a
// scalar). A negative dimension, or a count above MaxElements (a product
// that would overflow among them), is an error naming the shape.
func Size(s []int) (int, error) {
	n := 1
	for _, d := range s {
		if d < 0 {
			return 0, fmt.Errorf("shape %s has a negative dimension", shape.String(s))
		}
	}
	for _, d := range s {
		if d == 0 {
			return 0, nil
		}
	}
	for _, d := range s {
		hi, lo := bits.Mul64(uint64(n), uint64(d))
		if hi != 0 || lo > MaxElements {
			return 0, fmt.Errorf("shape %s has more than %d elements, the most an array may have", shape.String(s), MaxElements)
		}
		n = int(lo)
	}
	return n, nil
}

// Mul returns the product of its arguments, or math.MaxUint64 when it
// overflows: a size that large is refused by Check like any other too
// large.
func Mul(xs ...uint64) uint64 {
	p := uint64(1)
	for _, x := range xs {
		hi, lo := bits.Mul64(p, x)
		if hi != 0 {
			return math.MaxUint64
		}
		p = lo
	}
	return p
}

// Add returns the sum of its arguments, or math.MaxUint64 when it
// overflows.
func Add(xs ...uint64) uint64 {
	s := uint64(0)
	for _, x := range xs {
		t, carry := bits.Add64(s, x, 0)
		if carry != 0 {
			return math.MaxUint64
		}
		s = t
	}
	return s
}

// Uint converts a count to uint64, with a negative count as 0.
func Uint(n int) uint64 {
	if n < 0 {
		return 0
	}
	return uint64(n)
}

var limit struct {
	mu  sync.Mutex
	set uint64 // SetMemoryLimit's bytes; 0: none
}

// SetMemoryLimit makes the memory limit bytes, in place of the machine's
// available memory and of EXMC_MEMORY_LIMIT; 0 goes back to those. A limit
// above what the machine has lets a request through that may then end the
// process when the machine cannot back it: that is what insisting means.
func SetMemoryLimit(bytes uint64) {
	limit.mu.Lock()
	defer limit.mu.Unlock()
	limit.set = bytes
}

// MemoryLimit returns the number of bytes a request may need, and where
// that number comes from, for error messages.
func MemoryLimit() (bytes uint64, from string, err error) {
	limit.mu.Lock()
	set := limit.set
	limit.mu.Unlock()
	if set > 0 {
		return set, "the limit set with exmc_set_memory_limit", nil
	}
	if v, ok := os.LookupEnv(EnvMemoryLimit); ok && strings.TrimSpace(v) != "" {
		b, err := ParseBytes(v)
		if err != nil {
			return 0, "", fmt.Errorf("%s is %q: %w", EnvMemoryLimit, v, err)
		}
		return b, EnvMemoryLimit, nil
	}
	b, ok := available()
	if !ok {
		// A system that will not say: no check but the element counts.
		return math.MaxUint64, "unknown available memory", nil
	}
	return b, "the machine's available memory", nil
}

// ParseBytes reads a number of bytes: digits, optionally followed by K, M,
// G or T (powers of 1024, case ignored, an optional trailing "B" or "iB").
func ParseBytes(s string) (uint64, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	t = strings.TrimSuffix(strings.TrimSuffix(t, "B"), "I")
	mult := uint64(1)
	if n := len(t); n > 0 {
		switch t[n-1] {
		case 'K':
			mult = 1 << 10
		case 'M':
			mult = 1 << 20
		case 'G':
			mult = 1 << 30
		case 'T':
			mult = 1 << 40
		}
		if mult > 1 {
			t = strings.TrimSpace(t[:n-1])
		}
	}
	v, err := strconv.ParseUint(t, 10, 64)
	if err != nil || v == 0 {
		return 0, errors.New("give a positive number of bytes, optionally followed by K, M, G or T")
	}
	b := Mul(v, mult)
	if b == math.MaxUint64 {
		return 0, errors.New("the number of bytes does not fit in 64 bits")
	}
	return b, nil
}

// MemoryError is a request refused for the memory it needs.
type MemoryError struct {
	What      string // what was asked for
	Need      uint64 // the bytes it needs (math.MaxUint64: more than 64 bits count)
	Available uint64 // the limit it was held to
	From      string // where the limit comes from
}

func (e *MemoryError) Error() string {
	need := fmt.Sprintf("%d bytes (%s)", e.Need, human(e.Need))
	if e.Need == math.MaxUint64 {
		need = "more bytes than 64 bits can count"
	}
	return fmt.Sprintf("%s needs about %s, more than the %d bytes (%s) available (%s); "+
		"to insist, raise the limit with %s=<bytes> or exmc_set_memory_limit",
		e.What, need, e.Available, human(e.Available), e.From, EnvMemoryLimit)
}

// Check returns a *MemoryError when what needs more than need bytes allows
// under the memory limit, or the error of a malformed EXMC_MEMORY_LIMIT.
// A need of math.MaxUint64, a count that overflowed, is always refused.
func Check(what string, need uint64) error {
	have, from, err := MemoryLimit()
	if err != nil {
		return err
	}
	if need > have || need == math.MaxUint64 {
		return &MemoryError{What: what, Need: need, Available: have, From: from}
	}
	return nil
}

func human(b uint64) string {
	const unit = 1024
	if b < unit {
		return fmt.Sprintf("%d B", b)
	}
	v := float64(b)
	suffixes := []string{"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
	i := -1
	for v >= unit && i < len(suffixes)-1 {
		v /= unit
		i++
	}
	return fmt.Sprintf("%.1f %s", v, suffixes[i])
}
