package sample

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/exmc/exmc/core/nuts"
)

// setters write a value into the option of Options that Schema names by
// its C field: every option with a range or choices must have one here.
var setters = map[string]func(o *Options, v float64){
	"draws":            func(o *Options, v float64) { o.Draws = int(v) },
	"tune":             func(o *Options, v float64) { o.Tune = int(v) },
	"chains":           func(o *Options, v float64) { o.Chains = int(v) },
	"cores":            func(o *Options, v float64) { o.Cores = int(v) },
	"target_accept":    func(o *Options, v float64) { o.TargetAccept = v },
	"max_treedepth":    func(o *Options, v float64) { o.MaxTreeDepth = int(v) },
	"max_energy_error": func(o *Options, v float64) { o.MaxEnergyError = v },
	"init_jitter":      func(o *Options, v float64) { o.InitJitter = v },
	"batch_size":       func(o *Options, v float64) { o.BatchSize = int(v) },
	"first_chain":      func(o *Options, v float64) { o.FirstChain = int(v) },
	"metric":           func(o *Options, v float64) { o.Metric = Metric(v) },
	"schedule":         func(o *Options, v float64) { o.Schedule = Schedule(v) },
	"criterion":        func(o *Options, v float64) { o.Criterion = nuts.Criterion(v) },
}

// Each end of each option's range is where Validate says it is: a value
// just outside is refused by a message naming the option as Python and C
// users know it, the end itself is accepted when the end is closed; a
// choice option takes its choices' values and no other.
func TestValidateFollowsTheSchema(t *testing.T) {
	for _, opt := range Schema() {
		if opt.Range == nil && len(opt.Choices) == 0 {
			continue
		}
		set := setters[opt.C]
		if set == nil {
			t.Errorf("%s has a range or choices and no setter in this test", opt.C)
			continue
		}
		step := 1.0
		if opt.Type == TypeFloat {
			step = 1e-9
		}
		try := func(v float64, ok bool) {
			t.Helper()
			o := DefaultOptions()
			set(&o, v)
			err := o.Validate()
			if ok && err != nil {
				t.Errorf("%s = %v refused: %v", opt.C, v, err)
			}
			if !ok {
				if err == nil || !strings.HasPrefix(err.Error(), "sample: invalid options: "+opt.Name()+" must be ") {
					t.Errorf("%s = %v: %v, want an error naming %s", opt.C, v, err, opt.Name())
				}
			}
		}
		if r := opt.Range; r != nil {
			if r.Min != nil {
				try(*r.Min, !r.MinOpen)
				try(*r.Min-step, false)
			}
			if r.Max != nil {
				try(*r.Max, !r.MaxOpen)
				try(*r.Max+step, false)
			}
			if opt.Type == TypeFloat {
				try(math.NaN(), false)
				try(math.Inf(1), false)
			}
			continue
		}
		top := 0.0
		for _, c := range opt.Choices {
			try(c.Value, true)
			top = max(top, c.Value)
		}
		try(top+1, false)
		try(-1, false)
	}
}

// The defaults the schema states are DefaultOptions', and valid; a choice
// option's Python default is one of its choices.
func TestSchemaDefaults(t *testing.T) {
	if err := DefaultOptions().Validate(); err != nil {
		t.Fatal(err)
	}
	d := DefaultOptions()
	seen := map[string]bool{}
	for _, opt := range Schema() {
		if seen[opt.C] {
			t.Errorf("%s is in the schema twice", opt.C)
		}
		seen[opt.C] = true
		if opt.Doc == "" || strings.Contains(opt.Doc, "\n") {
			t.Errorf("%s: the doc must be one line, got %q", opt.C, opt.Doc)
		}
		if opt.get == nil {
			if opt.Type != TypePoints || opt.Default() != nil {
				t.Errorf("%s has no value in Options", opt.C)
			}
			continue
		}
		if got, want := number(opt.Default()), number(opt.get(&d)); got != want {
			t.Errorf("%s: default %v, DefaultOptions has %v", opt.C, got, want)
		}
		if opt.Type == TypeChoice {
			name, _ := opt.PythonDefault().(string)
			found := false
			for _, c := range opt.Choices {
				found = found || c.Name == name
			}
			if !found {
				t.Errorf("%s: Python default %v is none of the choices", opt.C, opt.PythonDefault())
			}
		}
		if opt.None != "" && opt.PythonDefault() != nil {
			t.Errorf("%s: Python's default is None when None means something", opt.C)
		}
	}
}

func TestSchemaJSON(t *testing.T) {
	var doc struct {
		Version int              `json:"version"`
		Options []map[string]any `json:"options"`
	}
	if err := json.Unmarshal(SchemaJSON(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Version != SchemaVersion || len(doc.Options) != len(Schema()) {
		t.Fatalf("version %d, %d options", doc.Version, len(doc.Options))
	}
	byC := map[string]map[string]any{}
	for _, o := range doc.Options {
		byC[o["c"].(string)] = o
	}
	for _, tc := range []struct {
		c, key string
		want   any
	}{
		{"seed", "python", "random_seed"},
		{"seed", "python_default", nil},
		{"init_jitter", "python", "init"},
		{"init_jitter", "python_default", "jitter"},
		{"init_jitter", "default", 2.0},
		{"target_accept", "default", 0.8},
		{"target_accept", "python_default", 0.8},
		{"dense_mass", "default", 0.0},
		{"dense_mass", "python_default", false},
		{"max_energy_error", "python", nil},
		{"metric", "python_default", "gradient"},
		{"cores", "python_default", nil},
		{"init", "default", nil},
	} {
		if got := byC[tc.c][tc.key]; got != tc.want {
			t.Errorf("%s.%s = %#v, want %#v", tc.c, tc.key, got, tc.want)
		}
	}
	r := byC["target_accept"]["range"].(map[string]any)
	if r["min"] != 0.0 || r["max"] != 1.0 || r["min_open"] != true || r["max_open"] != true {
		t.Errorf("target_accept's range %v", r)
	}
	if r := byC["draws"]["range"].(map[string]any); r["max"] != nil {
		t.Errorf("draws' range %v", r)
	}
}
