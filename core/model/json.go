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

// MarshalJSON writes a scalar constant as a bare number and anything else
// as an object.
func (e *Expr) MarshalJSON() ([]byte, error) {
	if e.IsScalarConst() {
		return json.Marshal(e.Const[0])
	}
	j := exprJSON{Ref: e.Ref, Op: e.Op, Args: e.Args, Attrs: e.Attrs}
	if e.Op == "" && e.Ref == "" {
		j.Const = e.Const
		j.Shape = e.Shape
		if j.Shape == nil {
			j.Shape = []int{len(e.Const)}
		}
	} else {
		// reshape's target shape travels in the attributes
		j.Shape = e.Attrs.Shape
	}
	j.Attrs.Shape = nil
	out, err := json.Marshal(j)
	if err != nil {
		return nil, err
	}
	if e.Op == "" && e.Ref == "" && len(e.Const) == 0 {
		// an empty constant still needs its key
		return []byte(`{"const":[],"shape":[0]}`), nil
	}
	return out, nil
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
