package shape

import "testing"

func TestBroadcast(t *testing.T) {
	cases := []struct {
		in   [][]int
		want []int
		err  bool
	}{
		{[][]int{{}, {3}}, []int{3}, false},
		{[][]int{{2, 1}, {3}}, []int{2, 3}, false},
		{[][]int{{2, 3}, {2, 3}}, []int{2, 3}, false},
		{[][]int{{4, 1, 5}, {3, 1}}, []int{4, 3, 5}, false},
		{[][]int{{2}, {3}}, nil, true},
		{[][]int{{2, 3}, {3, 2}}, nil, true},
	}
	for _, c := range cases {
		got, err := Broadcast(c.in...)
		if (err != nil) != c.err {
			t.Fatalf("Broadcast(%v): err %v", c.in, err)
		}
		if !c.err && !Equal(got, c.want) {
			t.Fatalf("Broadcast(%v) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestMap(t *testing.T) {
	cases := []struct {
		from, to []int
		kind     Kind
		want     []int
	}{
		{[]int{}, []int{3}, Scalar, []int{0, 0, 0}},
		{[]int{1, 1}, []int{2, 2}, Scalar, []int{0, 0, 0, 0}},
		{[]int{2, 3}, []int{2, 3}, Full, []int{0, 1, 2, 3, 4, 5}},
		{[]int{3}, []int{2, 3}, Mapped, []int{0, 1, 2, 0, 1, 2}},
		{[]int{2, 1}, []int{2, 3}, Mapped, []int{0, 0, 0, 1, 1, 1}},
		{[]int{2, 1, 2}, []int{2, 2, 2}, Mapped, []int{0, 1, 0, 1, 2, 3, 2, 3}},
	}
	for _, c := range cases {
		m, err := NewMap(c.from, c.to)
		if err != nil {
			t.Fatal(err)
		}
		if m.Kind != c.kind {
			t.Fatalf("NewMap(%v, %v) kind %v, want %v", c.from, c.to, m.Kind, c.kind)
		}
		for i, w := range c.want {
			if got := m.At(i); got != w {
				t.Fatalf("NewMap(%v, %v).At(%d) = %d, want %d", c.from, c.to, i, got, w)
			}
		}
	}
	if _, err := NewMap([]int{3}, []int{2}); err == nil {
		t.Fatal("NewMap accepted a shape that does not broadcast")
	}
}

func TestString(t *testing.T) {
	for _, c := range []struct {
		s    []int
		want string
	}{{nil, "()"}, {[]int{3}, "(3,)"}, {[]int{2, 3}, "(2, 3)"}} {
		if got := String(c.s); got != c.want {
			t.Fatalf("String(%v) = %q, want %q", c.s, got, c.want)
		}
	}
}
