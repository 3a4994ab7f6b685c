package main

import (
	"encoding/json"
	"maps"

	"github.com/exmc/exmc/core/compile"
	"github.com/exmc/exmc/core/model"
)

// modelInfo is the document exmc_model_info returns. Lists are never
// null, so that readers need no special case for an empty model.
type modelInfo struct {
	Dim         int                      `json:"dim"`
	Params      []paramInfo              `json:"params"`
	Vars        []varInfo                `json:"vars"`
	Observed    []varInfo                `json:"observed"`
	Coords      map[string][]model.Label `json:"coords"`
	NonCentered []string                 `json:"noncentered"`
	// KeptCentered maps each node left centred because its data inform
	// it to the share of its posterior precision estimated to come from
	// the data.
	KeptCentered map[string]float64 `json:"kept_centered"`
}

type paramInfo struct {
	Name      string `json:"name"`
	ValueName string `json:"value_name"`
	Offset    int    `json:"offset"`
	Size      int    `json:"size"`
	Shape     []int  `json:"shape"`
	Transform string `json:"transform"`
	// Aux names the variable a non-centring block stands for.
	Aux string `json:"aux,omitempty"`
}

type varInfo struct {
	Name   string   `json:"name"`
	Kind   string   `json:"kind"`
	Shape  []int    `json:"shape"`
	Dims   []string `json:"dims"`
	Offset int      `json:"offset"`
	Size   int      `json:"size"`
}

func (t *compiledTarget) info() modelInfo {
	in := modelInfo{
		Dim:          t.c.Dim(),
		Vars:         varInfos(t.c.Vars()),
		Observed:     varInfos(t.c.Observed()),
		Coords:       t.c.Graph().Model.Coords,
		NonCentered:  t.c.NonCentered(),
		KeptCentered: map[string]float64{},
	}
	maps.Copy(in.KeptCentered, t.c.KeptCentred()) // {} rather than null when none
	for _, p := range t.c.Params() {
		in.Params = append(in.Params, paramInfo{
			Name: p.Name, ValueName: p.ValueName, Offset: p.Offset, Size: p.Size,
			Shape: p.Shape, Transform: p.Transform.String(), Aux: p.Aux,
		})
	}
	return in
}

func varInfos(vars []compile.Var) []varInfo {
	out := make([]varInfo, 0, len(vars))
	for _, v := range vars {
		out = append(out, varInfo{Name: v.Name, Kind: string(v.Kind), Shape: v.Shape, Dims: v.Dims, Offset: v.Offset, Size: v.Size})
	}
	return out
}

// marshal writes the document with every list present.
func (in modelInfo) marshal() ([]byte, error) {
	if in.Params == nil {
		in.Params = []paramInfo{}
	}
	for i := range in.Params {
		if in.Params[i].Shape == nil {
			in.Params[i].Shape = []int{}
		}
	}
	for _, list := range [][]varInfo{in.Vars, in.Observed} {
		for i := range list {
			if list[i].Shape == nil {
				list[i].Shape = []int{}
			}
			if list[i].Dims == nil {
				list[i].Dims = []string{}
			}
		}
	}
	if in.Vars == nil {
		in.Vars = []varInfo{}
	}
	if in.Observed == nil {
		in.Observed = []varInfo{}
	}
	if in.Coords == nil {
		in.Coords = map[string][]model.Label{}
	}
	if in.NonCentered == nil {
		in.NonCentered = []string{}
	}
	return json.Marshal(in)
}
