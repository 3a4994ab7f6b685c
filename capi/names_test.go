package main

import (
	"reflect"
	"strings"
	"testing"
)

func TestElementNames(t *testing.T) {
	for _, tc := range []struct {
		shape []int
		want  []string
	}{
		{nil, []string{"b"}},
		{[]int{3}, []string{"b[0]", "b[1]", "b[2]"}},
		{[]int{2, 2}, []string{"b[0,0]", "b[0,1]", "b[1,0]", "b[1,1]"}},
		{[]int{0}, []string{}},
	} {
		if got := elementNames("b", tc.shape); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("shape %v: %v, want %v", tc.shape, got, tc.want)
		}
	}
}

func TestParseFunctionNames(t *testing.T) {
	got, err := parseFunctionNames(nil, 3)
	if err != nil || strings.Join(got, ",") != "x[0],x[1],x[2]" {
		t.Fatalf("default: %v, %v", got, err)
	}
	s := "a,b"
	if got, err := parseFunctionNames(&s, 2); err != nil || !reflect.DeepEqual(got, []string{"a", "b"}) {
		t.Errorf("%v, %v", got, err)
	}
	for _, tc := range []struct {
		names string
		dim   int
		want  string
	}{
		{"a,b", 3, "lists 2 names, but dim is 3"},
		{"", 1, "lists 0 names"},
		{"a,,c", 3, "empty"},
		{"a, b", 2, "spaces"},
		{"a,a", 2, "twice"},
	} {
		_, err := parseFunctionNames(&tc.names, tc.dim)
		if codeOf(err) != codeInvalid || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q (dim %d): %v, want %q", tc.names, tc.dim, err, tc.want)
		}
	}
}

func TestVarsFromNames(t *testing.T) {
	vars, err := varsFromNames(strings.Split("a,b[0],b[1],c[1],x[0]", ","))
	if err != nil {
		t.Fatal(err)
	}
	type v struct {
		name         string
		shape        []int
		offset, size int
	}
	var got []v
	for _, x := range vars {
		got = append(got, v{x.Name, x.Shape, x.Offset, x.Size})
	}
	want := []v{{"a", nil, 0, 1}, {"b", []int{2}, 1, 2}, {"c[1]", nil, 3, 1}, {"x", []int{1}, 4, 1}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%+v\nwant %+v", got, want)
	}
	if _, err := varsFromNames([]string{"b", "b[0]"}); codeOf(err) != codeInvalid {
		t.Errorf("a scalar and a vector both named b: %v", err)
	}
}
