package model

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/exmc/exmc/core/ops"
)

// Label is one coordinate label, kept as its JSON text (a string or a
// number) so that it round-trips exactly.
type Label = json.RawMessage

// Parse reads a model document. Unknown keys are errors, so that a
// misspelt key never silently changes a model.
func Parse(doc []byte) (*Model, error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.DisallowUnknownFields()
	var m Model
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("model JSON: %w", err)
	}
	if dec.More() {
		return nil, fmt.Errorf("model JSON: trailing data after the document")
	}
	if m.Format != Format {
		return nil, fmt.Errorf("model JSON: format is %q, want %q", m.Format, Format)
	}
	return &m, nil
}

// JSON writes the model document. Floats are written in their shortest
// exact form, so Parse(JSON(m)) equals m.
func (m *Model) JSON() ([]byte, error) {
	return json.Marshal(m)
}

// exprJSON is the object form of an expression.
type exprJSON struct {
	Ref   string    `json:"ref,omitempty"`
	Const []float64 `json:"const,omitempty"`
	Shape []int     `json:"shape,omitempty"`
	Op    string    `json:"op,omitempty"`
	Args  []*Expr   `json:"args,omitempty"`
	ops.Attrs
}

// exprOut is the object form of an expression as it is written: shape and
// perm are written whenever they are set, empty included, since an empty
// shape (a scalar) or perm is not the same as none.
type exprOut struct {
	Ref   string     `json:"ref,omitempty"`
	Const *[]float64 `json:"const,omitempty"`
	Shape *[]int     `json:"shape,omitempty"`
	Op    string     `json:"op,omitempty"`
	Args  []*Expr    `json:"args,omitempty"`
	Perm  *[]int     `json:"perm,omitempty"`
	ops.Attrs
}

// MarshalJSON writes a scalar constant as a bare number and anything else
// as an object.
func (e *Expr) MarshalJSON() ([]byte, error) {
	if e.IsScalarConst() {
		return json.Marshal(e.Const[0])
	}
	j := exprOut{Ref: e.Ref, Op: e.Op, Args: e.Args, Attrs: e.Attrs}
	j.Attrs.Shape, j.Attrs.Perm = nil, nil
	if e.Perm != nil {
		j.Perm = &e.Attrs.Perm
	}
	if e.Op == "" && e.Ref == "" {
		vals, shp := e.Const, e.Shape
		if vals == nil {
			vals = []float64{}
		}
		if shp == nil {
			shp = []int{len(e.Const)}
		}
		j.Const, j.Shape = &vals, &shp
	} else if e.Attrs.Shape != nil {
		// reshape's target shape travels in the attributes
		j.Shape = &e.Attrs.Shape
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads a number or an expression object.
func (e *Expr) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] != '{' {
		var v float64
		if err := json.Unmarshal(b, &v); err != nil {
			return fmt.Errorf("expression must be a number or an object, got %s", b)
		}
		*e = Expr{Const: []float64{v}}
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var raw struct {
		exprJSON
		Const json.RawMessage `json:"const,omitempty"`
	}
	if err := dec.Decode(&raw); err != nil {
		return fmt.Errorf("expression %s: %w", abbreviate(b), err)
	}
	j := raw.exprJSON
	*e = Expr{Ref: j.Ref, Op: j.Op, Args: j.Args, Attrs: j.Attrs}
	n := 0
	if j.Ref != "" {
		n++
	}
	if j.Op != "" {
		n++
	}
	if raw.Const != nil {
		n++
		if err := json.Unmarshal(raw.Const, &e.Const); err != nil {
			return fmt.Errorf("expression %s: const must be a list of numbers", abbreviate(b))
		}
		if e.Const == nil {
			e.Const = []float64{}
		}
		e.Shape = j.Shape
		if e.Shape == nil {
			e.Shape = []int{len(e.Const)}
		}
	} else {
		e.Attrs.Shape = j.Shape
	}
	if n != 1 {
		return fmt.Errorf("expression %s: give exactly one of \"ref\", \"const\" or \"op\"", abbreviate(b))
	}
	return nil
}

func abbreviate(b []byte) string {
	if len(b) > 80 {
		return string(b[:77]) + "..."
	}
	return string(b)
}
