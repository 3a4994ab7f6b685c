package main

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/exmc/exmc/core/compile"
	"github.com/exmc/exmc/core/model"
)

// elementNames names every element of an array in row-major order:
// "theta[0]", ... for a vector, "beta[0,1]" for a matrix, and the bare name
// for a scalar, as ArviZ prints them.
func elementNames(name string, shape []int) []string {
	size := 1
	for _, d := range shape {
		size *= d
	}
	if len(shape) == 0 {
		return []string{name}
	}
	out := make([]string, 0, size)
	idx := make([]int, len(shape))
	var b strings.Builder
	for range size {
		b.Reset()
		b.WriteString(name)
		b.WriteByte('[')
		for i, v := range idx {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.Itoa(v))
		}
		b.WriteByte(']')
		out = append(out, b.String())
		for i := len(idx) - 1; i >= 0; i-- {
			idx[i]++
			if idx[i] < shape[i] {
				break
			}
			idx[i] = 0
		}
	}
	return out
}

// paramNames lists the unconstrained coordinates' names.
func paramNames(params []compile.Param) []string {
	var out []string
	for _, p := range params {
		out = append(out, elementNames(p.ValueName, p.Shape)...)
	}
	return out
}

// varNames lists the names of the values Constrain writes.
func varNames(vars []compile.Var) []string {
	var out []string
	for _, v := range vars {
		out = append(out, elementNames(v.Name, v.Shape)...)
	}
	return out
}

// parseFunctionNames reads the names of a function model's coordinates:
// NULL means "x[0],...,x[dim-1]".
func parseFunctionNames(names *string, dim int) ([]string, error) {
	if names == nil {
		return elementNames("x", []int{dim}), nil
	}
	var list []string
	if *names != "" {
		list = strings.Split(*names, ",")
	}
	if len(list) != dim {
		return nil, errorf(codeInvalid, "names lists %d names, but dim is %d", len(list), dim)
	}
	seen := map[string]bool{}
	for i, n := range list {
		if n == "" || strings.TrimSpace(n) != n {
			return nil, errorf(codeInvalid, "names: name %d (%q) is empty or has surrounding spaces", i, n)
		}
		if seen[n] {
			return nil, errorf(codeInvalid, "names: %q appears twice", n)
		}
		seen[n] = true
	}
	return list, nil
}

var elementName = regexp.MustCompile(`^(.+)\[(0|[1-9][0-9]*)\]$`)

// varsFromNames groups a function model's coordinates into reported
// variables: a run of names "b[0]", "b[1]", ... "b[k-1]" is one vector b,
// any other name a scalar, so that the default names give one column "x".
func varsFromNames(names []string) ([]compile.Var, error) {
	var vars []compile.Var
	seen := map[string]bool{}
	for i := 0; i < len(names); {
		name, n := names[i], 1
		var shape []int
		if m := elementName.FindStringSubmatch(names[i]); m != nil && m[2] == "0" {
			name = m[1]
			for i+n < len(names) && names[i+n] == fmt.Sprintf("%s[%d]", name, n) {
				n++
			}
			shape = []int{n}
		}
		if seen[name] {
			return nil, errorf(codeInvalid, "names: %q names two variables", name)
		}
		seen[name] = true
		vars = append(vars, compile.Var{Name: name, Kind: model.Free, Shape: shape, Offset: i, Size: n})
		i += n
	}
	return vars, nil
}
