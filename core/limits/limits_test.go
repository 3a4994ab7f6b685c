package limits

import (
	"errors"
	"math"
	"runtime"
	"strings"
	"testing"
)

func TestSize(t *testing.T) {
	for _, tc := range []struct {
		shape []int
		want  int
		err   string
	}{
		{nil, 1, ""},
		{[]int{3, 4}, 12, ""},
		{[]int{0, 5}, 0, ""},
		{[]int{1 << 40, 0}, 0, ""},
		{[]int{MaxElements}, MaxElements, ""},
		{[]int{MaxElements, 2}, 0, "more than 2147483647 elements"},
		{[]int{1000000000000}, 0, "(1000000000000,) has more than"},
		// the product wraps to 0 in 64 bits
		{[]int{4294967296, 4294967296, 16}, 0, "has more than"},
		{[]int{1 << 62, 4}, 0, "has more than"},
		{[]int{-1, -1}, 0, "negative dimension"},
		{[]int{3, -2, 0}, 0, "negative dimension"},
	} {
		got, err := Size(tc.shape)
		if tc.err == "" {
			if err != nil || got != tc.want {
				t.Errorf("Size(%v) = %d, %v; want %d", tc.shape, got, err, tc.want)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("Size(%v) = %d, %v; want an error containing %q", tc.shape, got, err, tc.err)
		}
	}
}

func TestMulAdd(t *testing.T) {
	for _, tc := range []struct {
		xs       []uint64
		mul, add uint64
	}{
		{nil, 1, 0},
		{[]uint64{3, 5}, 15, 8},
		{[]uint64{1 << 32, 1 << 32}, math.MaxUint64, 1 << 33},
		{[]uint64{math.MaxUint64, 1}, math.MaxUint64, math.MaxUint64},
		{[]uint64{math.MaxUint64, 0}, 0, math.MaxUint64},
	} {
		if got := Mul(tc.xs...); got != tc.mul {
			t.Errorf("Mul(%v) = %d, want %d", tc.xs, got, tc.mul)
		}
		if got := Add(tc.xs...); got != tc.add {
			t.Errorf("Add(%v) = %d, want %d", tc.xs, got, tc.add)
		}
	}
}

func TestParseBytes(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want uint64
		ok   bool
	}{
		{"1000", 1000, true},
		{" 64k ", 64 << 10, true},
		{"3M", 3 << 20, true},
		{"2GiB", 2 << 30, true},
		{"2gb", 2 << 30, true},
		{"1T", 1 << 40, true},
		{"0", 0, false},
		{"-5", 0, false},
		{"1.5G", 0, false},
		{"lots", 0, false},
		{"", 0, false},
		{"99999999999999999999", 0, false},
		{"16777216T", 0, false},
	} {
		got, err := ParseBytes(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseBytes(%q) = %d, %v; want %d, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func TestCheck(t *testing.T) {
	t.Setenv(EnvMemoryLimit, "")
	defer SetMemoryLimit(0)

	// the machine's own limit
	have, from, err := MemoryLimit()
	if err != nil || have == 0 || from == "" {
		t.Fatalf("MemoryLimit() = %d, %q, %v", have, from, err)
	}
	if err := Check("a small request", 1<<20); err != nil {
		t.Fatalf("a megabyte refused: %v", err)
	}
	err = Check("a petabyte", 1<<50)
	var me *MemoryError
	// the machine's available memory moves between two reads of it
	if have < 1<<50 && (!errors.As(err, &me) || me.Need != 1<<50 || me.Available == 0 || me.Available >= 1<<50) {
		t.Fatalf("a petabyte: %v", err)
	}
	for _, want := range []string{"a petabyte needs about 1125899906842624 bytes (1.0 PiB)", "EXMC_MEMORY_LIMIT", "exmc_set_memory_limit"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v does not say %q", err, want)
		}
	}
	if err := Check("an overflow", math.MaxUint64); err == nil || !strings.Contains(err.Error(), "more bytes than 64 bits can count") {
		t.Errorf("an overflowing count: %v", err)
	}

	// the environment's limit, lower and higher than the machine's
	t.Setenv(EnvMemoryLimit, "1M")
	if err := Check("two megabytes", 2<<20); err == nil || !strings.Contains(err.Error(), "1048576 bytes (1.0 MiB) available (EXMC_MEMORY_LIMIT)") {
		t.Errorf("under EXMC_MEMORY_LIMIT=1M: %v", err)
	}
	t.Setenv(EnvMemoryLimit, "4096T")
	if err := Check("a petabyte", 1<<50); err != nil {
		t.Errorf("insisting with EXMC_MEMORY_LIMIT=4096T: %v", err)
	}
	t.Setenv(EnvMemoryLimit, "plenty")
	if err := Check("anything", 1); err == nil || !strings.Contains(err.Error(), `EXMC_MEMORY_LIMIT is "plenty"`) {
		t.Errorf("a malformed EXMC_MEMORY_LIMIT: %v", err)
	}

	// SetMemoryLimit wins over the environment; 0 goes back to it
	SetMemoryLimit(10 << 20)
	if err := Check("9 MiB", 9<<20); err != nil {
		t.Errorf("under a 10 MiB limit: %v", err)
	}
	if err := Check("11 MiB", 11<<20); err == nil || !strings.Contains(err.Error(), "exmc_set_memory_limit)") {
		t.Errorf("over a 10 MiB limit: %v", err)
	}
	SetMemoryLimit(0)
	if err := Check("anything", 1); err == nil {
		t.Error("SetMemoryLimit(0) did not go back to EXMC_MEMORY_LIMIT")
	}
}

func TestAvailableIsPlausible(t *testing.T) {
	b, ok := available()
	if ok != (runtime.GOOS == "linux") {
		t.Fatalf("available memory known: %v on %s", ok, runtime.GOOS)
	}
	if !ok {
		return
	}
	if b < 1<<20 || b > 1<<56 {
		t.Fatalf("available memory %d bytes is implausible", b)
	}
}
