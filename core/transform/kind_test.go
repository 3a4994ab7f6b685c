package transform

import "testing"

func TestKindString(t *testing.T) {
	for _, c := range []struct {
		k      Kind
		name   string
		bounds int
	}{
		{Identity, "identity", 0},
		{Log, "log", 0},
		{Interval, "interval", 2},
		{Ordered, "ordered", 0},
		{LowerBound, "lowerbound", 1},
		{UpperBound, "upperbound", 1},
		{Simplex, "simplex", 0},
		{Circular, "circular", 0},
		{ZeroSum, "zerosum", 0},
		{CholeskyCovPacked, "cholesky-cov-packed", 0},
		{Kind(99), "Kind(99)", 0},
	} {
		if got := c.k.String(); got != c.name {
			t.Errorf("Kind(%d).String() = %q, want %q", int(c.k), got, c.name)
		}
		if got := c.k.NumBounds(); got != c.bounds {
			t.Errorf("%v.NumBounds() = %d, want %d", c.k, got, c.bounds)
		}
	}
}

func TestConstructionErrors(t *testing.T) {
	for _, c := range []struct {
		name   string
		kind   Kind
		y      []int
		bounds [][]int
	}{
		{"unknown kind", Kind(-1), []int{2}, nil},
		{"interval missing hi", Interval, []int{2}, [][]int{{}}},
		{"log with a bound", Log, []int{2}, [][]int{{}}},
		{"lo does not broadcast", Interval, []int{2, 3}, [][]int{{2}, {}}},
		{"hi larger than y", Interval, []int{3}, [][]int{{}, {2, 3}}},
		{"ordered scalar", Ordered, []int{}, nil},
		{"lowerbound without its bound", LowerBound, []int{2}, nil},
		{"upperbound with two", UpperBound, []int{2}, [][]int{{}, {}}},
		{"simplex scalar", Simplex, []int{}, nil},
		{"zerosum over no axis", ZeroSum, []int{3}, nil},
		{"packed triangle of 4", CholeskyCovPacked, []int{4}, nil},
	} {
		if _, err := NewConstrain(c.kind, c.y, c.bounds...); err == nil {
			t.Errorf("NewConstrain: %s: no error", c.name)
		}
		if _, err := NewLogJac(c.kind, c.y, c.bounds...); err == nil {
			t.Errorf("NewLogJac: %s: no error", c.name)
		}
	}
}

func TestZeroSumConstructionErrors(t *testing.T) {
	for _, axes := range []int{0, 2, 9} {
		if _, err := NewConstrainAxes(ZeroSum, []int{3}, axes); err == nil {
			t.Errorf("zerosum over %d axes of (3): no error", axes)
		}
	}
	if _, err := ZeroSum.Unconstrained([]int{3, 4}, 3); err == nil {
		t.Error("zerosum over 3 axes of (3, 4): no error")
	}
	if y, err := ZeroSum.Unconstrained([]int{5, 3, 4}, 2); err != nil || y[0] != 5 || y[1] != 2 || y[2] != 3 {
		t.Errorf("zerosum over 2 axes of (5, 3, 4): %v, %v", y, err)
	}
}
