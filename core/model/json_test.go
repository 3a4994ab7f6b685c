package model

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

const eightSchoolsJSON = `{
  "format": "exmc.model/v1",
  "coords": {"school": ["A", "B", "C"], "n": [1, 2.5, 3]},
  "noncentered": false,
  "nodes": [
    {"name": "y_obs", "kind": "data", "shape": [3], "values": [28, 8, -3]},
    {"name": "sigma", "kind": "data", "shape": [3], "values": [15, 10, 0.1]},
    {"name": "idx", "kind": "data", "shape": [3], "dtype": "int64", "values": [0, 1, 1]},
    {"name": "mu", "kind": "free", "dist": "Normal", "params": {"mu": 0, "sigma": 5}},
    {"name": "tau", "kind": "free", "dist": "HalfCauchy", "params": {"beta": 5}},
    {"name": "theta", "kind": "free", "dist": "Normal", "shape": [3], "dims": ["school"],
     "params": {"mu": {"ref": "mu"}, "sigma": {"ref": "tau"}}, "noncentered": false},
    {"name": "y", "kind": "observed", "dist": "Normal", "dims": ["school"],
     "params": {"mu": {"op": "gather", "args": [{"ref": "theta"}, {"ref": "idx"}], "axis": 0},
                "sigma": {"op": "mul", "args": [{"ref": "sigma"}, {"const": [1, 2, 3], "shape": [3]}]}},
     "observed": {"ref": "y_obs"}},
    {"name": "s", "kind": "deterministic", "expr": {"op": "slice", "args": [{"ref": "theta"}], "start": 0, "stop": 2, "step": 1}},
    {"name": "r", "kind": "deterministic", "expr": {"op": "reshape", "args": [{"ref": "theta"}], "shape": [3, 1]}},
    {"name": "pen", "kind": "potential", "expr": {"op": "neg", "args": [{"op": "square", "args": [{"ref": "mu"}]}]}}
  ]
}`

func TestJSONRoundTrip(t *testing.T) {
	m, err := Parse([]byte(eightSchoolsJSON))
	if err != nil {
		t.Fatal(err)
	}
	b1, err := m.JSON()
	if err != nil {
		t.Fatal(err)
	}
	m2, err := Parse(b1)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(m, m2) {
		t.Fatalf("model changed in a round trip:\n%s", b1)
	}
	b2, _ := m2.JSON()
	if !bytes.Equal(b1, b2) {
		t.Fatalf("JSON not stable:\n%s\n%s", b1, b2)
	}
	if got := m.Node("s").Expr; *got.Start != 0 || *got.Stop != 2 || *got.Step != 1 {
		t.Fatalf("slice attributes lost: %+v", got.Attrs)
	}
	if got := m.Node("r").Expr.Attrs.Shape; !reflect.DeepEqual(got, []int{3, 1}) {
		t.Fatalf("reshape shape lost: %v", got)
	}
	if string(m.Coords["n"][1]) != "2.5" {
		t.Fatalf("numeric coordinate changed: %s", m.Coords["n"][1])
	}
	if _, err := Validate(m, nil); err != nil {
		t.Fatalf("valid model rejected: %v", err)
	}
}

func TestJSONExactFloats(t *testing.T) {
	vals := []float64{0.1, 1.0 / 3, 1e-300, 123456789.123456789, -2.5e17, 5e-324}
	b := NewBuilder()
	b.Data("d", vals)
	b.RV("x", "Normal", P{"mu": 0.1, "sigma": 1.0 / 3})
	m, _ := b.Model()
	js, err := m.JSON()
	if err != nil {
		t.Fatal(err)
	}
	m2, err := Parse(js)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(m2.Node("d").Values, vals) {
		t.Fatalf("floats changed: %v", m2.Node("d").Values)
	}
	if m2.Node("x").Params["sigma"].Const[0] != 1.0/3 {
		t.Fatal("parameter constant changed")
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct{ name, doc, want string }{
		{"format", `{"format": "other", "nodes": []}`, "format"},
		{"unknown key", `{"format": "exmc.model/v1", "nodes": [], "nodez": 1}`, "nodez"},
		{"unknown node key", `{"format": "exmc.model/v1", "nodes": [{"name": "a", "kind": "free", "distribution": "Normal"}]}`, "distribution"},
		{"two forms", `{"format": "exmc.model/v1", "nodes": [{"name": "a", "kind": "deterministic", "expr": {"ref": "b", "op": "exp"}}]}`, "exactly one"},
		{"bad expr", `{"format": "exmc.model/v1", "nodes": [{"name": "a", "kind": "deterministic", "expr": "b"}]}`, "number or an object"},
		{"trailing", `{"format": "exmc.model/v1", "nodes": []} {}`, "trailing"},
		{"not json", `{"format": `, "model JSON"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse([]byte(c.doc))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an error mentioning %q", err, c.want)
			}
		})
	}
}

// TestJSONKeepsEmptyShapes: an empty shape (a scalar) or perm is not the
// same as none, and the JSON form keeps it. A constant of two values and
// shape [] came back as shape [2], an invalid model made valid; an empty
// constant of shape [0, 3] came back as [0].
func TestJSONKeepsEmptyShapes(t *testing.T) {
	for _, tc := range []struct{ in, out string }{
		{`{"const": [5], "shape": []}`, `5`},
		{`{"const": [1, 2], "shape": []}`, `{"const":[1,2],"shape":[]}`},
		{`{"const": [], "shape": [0, 3]}`, `{"const":[],"shape":[0,3]}`},
		{`{"const": []}`, `{"const":[],"shape":[0]}`},
		{`{"op": "reshape", "args": [{"ref": "x"}], "shape": []}`, `{"shape":[],"op":"reshape","args":[{"ref":"x"}]}`},
		{`{"op": "transpose", "args": [{"ref": "x"}], "perm": []}`, `{"op":"transpose","args":[{"ref":"x"}],"perm":[]}`},
		{`{"op": "transpose", "args": [{"ref": "x"}]}`, `{"op":"transpose","args":[{"ref":"x"}]}`},
		{`{"op": "slice", "args": [{"ref": "x"}], "start": 0, "axis": -1}`, `{"op":"slice","args":[{"ref":"x"}],"axis":-1,"start":0}`},
	} {
		var e Expr
		if err := e.UnmarshalJSON([]byte(tc.in)); err != nil {
			t.Fatalf("%s: %v", tc.in, err)
		}
		out, err := e.MarshalJSON()
		if err != nil || string(out) != tc.out {
			t.Errorf("%s written as %s (%v), want %s", tc.in, out, err, tc.out)
			continue
		}
		var again Expr
		if err := again.UnmarshalJSON(out); err != nil {
			t.Fatalf("%s: %v", out, err)
		}
		if out2, _ := again.MarshalJSON(); string(out2) != tc.out {
			t.Errorf("%s written again as %s", tc.out, out2)
		}
	}
}
