package sample

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"

	"github.com/exmc/exmc/core/nuts"
)

// MaxCount bounds the options that count (tune, first_chain): far beyond
// any real run, and low enough that no size computed from them overflows.
const MaxCount = 1 << 40

// MaxCores is the most chains a run samples at once (Options.Cores): each
// costs a host that runs chains on threads of its own (the C library) an
// operating system thread.
const MaxCores = 1024

// Type is the kind of value an Option takes, as the Python package sees it.
type Type string

const (
	TypeInt    Type = "int"
	TypeFloat  Type = "float"
	TypeBool   Type = "bool"
	TypeSeed   Type = "seed"   // an unsigned 64-bit integer; Python also takes None and a numpy Generator
	TypeChoice Type = "choice" // one of Choices, by name
	TypePoints Type = "points" // chains x dimension initial points (the C ABI's init pointer)
)

// Range is the interval an option's value must lie in. A nil end is
// unbounded, and excludes infinity: every value in a Range is finite.
type Range struct {
	Min, Max         *float64
	MinOpen, MaxOpen bool
}

// Choice is one named value of a TypeChoice option.
type Choice struct {
	Name  string  `json:"name"`
	Value float64 `json:"value"`
	Doc   string  `json:"doc"`
}

// Option describes one sampling option the way the C ABI and the Python
// package take it. Schema lists them all; Validate checks each against
// its Range or its Choices, and nowhere else checks them.
type Option struct {
	// Python is exmc.sample's keyword for the option; "" when the Python
	// package does not take it.
	Python string
	// C is the field of exmc_options, and CType its C type.
	C, CType string
	Type     Type
	// None, when not "", is what Python's None means for the option (the
	// Python default is then None).
	None string
	// Range bounds the option's value (in C's terms: for init, the jitter);
	// nil when Choices say what it may be, or anything goes.
	Range   *Range
	Choices []Choice
	Doc     string

	// get reads the option's value from Options: an int64, a float64, a
	// bool or a uint64; nil for TypePoints.
	get func(o *Options) any
}

// Name is the option's name in messages: Python's keyword, with the C
// field beside it when they differ; the C field for an option Python does
// not take.
func (opt *Option) Name() string {
	switch {
	case opt.Python == "":
		return opt.C
	case opt.Python != opt.C:
		return fmt.Sprintf("%s (exmc_options.%s)", opt.Python, opt.C)
	}
	return opt.Python
}

func bound(v float64) *float64 { return &v }

func choiceValue[T ~int](v T) float64 { return float64(v) }

// Schema is every option of exmc_options, in the order of its fields.
// Defaults are DefaultOptions'; the JSON form (SchemaJSON) is what the C
// ABI exports and the Python package makes its signatures from.
var Schema = sync.OnceValue(func() []Option {
	d := DefaultOptions()
	asInt := func(f func(o *Options) int) func(o *Options) any {
		return func(o *Options) any { return int64(f(o)) }
	}
	return []Option{
		{Python: "draws", C: "draws", CType: "int64_t", Type: TypeInt,
			Range: &Range{Min: bound(1)},
			Doc:   "draws kept per chain, after warmup",
			get:   asInt(func(o *Options) int { return o.Draws })},
		{Python: "tune", C: "tune", CType: "int64_t", Type: TypeInt,
			Range: &Range{Min: bound(0), Max: bound(MaxCount)},
			Doc:   "warmup iterations per chain",
			get:   asInt(func(o *Options) int { return o.Tune })},
		{Python: "chains", C: "chains", CType: "int64_t", Type: TypeInt,
			Range: &Range{Min: bound(1)},
			Doc:   "number of chains",
			get:   asInt(func(o *Options) int { return o.Chains })},
		{Python: "cores", C: "cores", CType: "int64_t", Type: TypeInt,
			None:  "0",
			Range: &Range{Min: bound(0), Max: bound(MaxCores)},
			Doc:   "chains sampled at once; 0: the library's threads, one per core the process may use",
			get:   asInt(func(o *Options) int { return o.Cores })},
		{Python: "random_seed", C: "seed", CType: "uint64_t", Type: TypeSeed,
			None: "a seed drawn from the operating system's entropy",
			Doc:  "random seed: a chain's draws depend on the seed and the chain's number only",
			get:  func(o *Options) any { return o.Seed }},
		{Python: "target_accept", C: "target_accept", CType: "double", Type: TypeFloat,
			Range: &Range{Min: bound(0), Max: bound(1), MinOpen: true, MaxOpen: true},
			Doc:   "the acceptance rate warmup adapts the step size to",
			get:   func(o *Options) any { return o.TargetAccept }},
		{Python: "max_treedepth", C: "max_treedepth", CType: "int64_t", Type: TypeInt,
			Range: &Range{Min: bound(1), Max: bound(nuts.MaxTreeDepthLimit)},
			Doc:   "the most doublings of a trajectory (2^depth - 1 leapfrog steps)",
			get:   asInt(func(o *Options) int { return o.MaxTreeDepth })},
		{C: "max_energy_error", CType: "double", Type: TypeFloat,
			Range: &Range{Min: bound(0), MinOpen: true},
			Doc:   "the energy error beyond which a transition is divergent",
			get:   func(o *Options) any { return o.MaxEnergyError }},
		{Python: "dense_mass", C: "dense_mass", CType: "int32_t", Type: TypeBool,
			Doc: "adapt a dense mass matrix instead of a diagonal one",
			get: func(o *Options) any { return o.Dense }},
		{Python: "save_warmup", C: "save_warmup", CType: "int32_t", Type: TypeBool,
			Doc: "keep the warmup draws in the result",
			get: func(o *Options) any { return o.SaveWarmup }},
		{Python: "log_likelihood", C: "log_likelihood", CType: "int32_t", Type: TypeBool,
			Doc: "add the observed variables' pointwise log-likelihood",
			// the C library's option: the core knows nothing of it
			get: func(o *Options) any { return false }},
		{Python: "init", C: "init_jitter", CType: "double", Type: TypeChoice,
			Range: &Range{Min: bound(0)},
			Choices: []Choice{
				{Name: "jitter", Value: d.InitJitter, Doc: fmt.Sprintf("uniform(-%v, %v) around zero in unconstrained space, as Stan", d.InitJitter, d.InitJitter)},
				{Name: "zero", Value: 0, Doc: "zero in unconstrained space"},
			},
			Doc: "initial points: uniform(-j, j) around zero in unconstrained space",
			get: func(o *Options) any { return o.InitJitter }},
		{C: "init", CType: "const double*", Type: TypePoints,
			Doc: "chains x dimension unconstrained initial points, or NULL"},
		{Python: "batch_size", C: "batch_size", CType: "int64_t", Type: TypeInt,
			Range: &Range{Min: bound(1)},
			Doc:   "draws per streamed batch of a chain",
			get:   asInt(func(o *Options) int { return o.BatchSize })},
		{C: "first_chain", CType: "int64_t", Type: TypeInt,
			Range: &Range{Min: bound(0), Max: bound(MaxCount)},
			Doc:   "the number of the run's first chain",
			get:   asInt(func(o *Options) int { return o.FirstChain })},
		{Python: "metric", C: "metric", CType: "int32_t", Type: TypeChoice,
			Choices: []Choice{
				{Name: "gradient", Value: choiceValue(MetricGradient), Doc: "sqrt(var(draws) / var(gradients)) per coordinate, as nutpie"},
				{Name: "variance", Value: choiceValue(MetricVariance), Doc: "the draws' regularised variance, as Stan and PyMC"},
				{Name: "low_rank", Value: choiceValue(MetricLowRank), Doc: "the gradient estimate's diagonal corrected in the few directions of strongest correlation, as nutpie's low-rank mass matrix"},
			},
			Doc: "how warmup estimates the mass matrix when dense_mass is false",
			get: asInt(func(o *Options) int { return int(o.Metric) })},
		{Python: "schedule", C: "schedule", CType: "int32_t", Type: TypeChoice,
			Choices: []Choice{
				{Name: "online", Value: choiceValue(ScheduleOnline), Doc: "after every draw, from running estimators, as nutpie"},
				{Name: "windowed", Value: choiceValue(ScheduleWindowed), Doc: "at the end of doubling windows, as Stan and PyMC"},
			},
			Doc: "when warmup updates a diagonal metric (a dense one is always windowed)",
			get: asInt(func(o *Options) int { return int(o.Schedule) })},
		{Python: "criterion", C: "criterion", CType: "int32_t", Type: TypeChoice,
			Choices: []Choice{
				{Name: "displacement", Value: choiceValue(nuts.CriterionDisplacement), Doc: "the span's displacement against the momentum at an end, as nutpie"},
				{Name: "momentum_sum", Value: choiceValue(nuts.CriterionMomentumSum), Doc: "the span's summed momentum, as Stan and PyMC"},
			},
			Doc: "NUTS's U-turn test",
			get: asInt(func(o *Options) int { return int(o.Criterion) })},
	}
})

// Default is the option's value in DefaultOptions, in C's terms: a number
// (0 or 1 for a bool), or nil for TypePoints.
func (opt *Option) Default() any {
	if opt.get == nil {
		return nil
	}
	d := DefaultOptions()
	switch v := opt.get(&d).(type) {
	case bool:
		if v {
			return int64(1)
		}
		return int64(0)
	default:
		return v
	}
}

// PythonDefault is the default of the option's Python keyword: None when
// None means something, a choice's name, a bool, or the number.
func (opt *Option) PythonDefault() any {
	if opt.None != "" || opt.get == nil {
		return nil
	}
	d := DefaultOptions()
	v := opt.get(&d)
	if opt.Type == TypeChoice {
		x := number(v)
		for _, c := range opt.Choices {
			if c.Value == x {
				return c.Name
			}
		}
		panic(fmt.Sprintf("sample: %s's default %v is none of its choices", opt.C, v))
	}
	return v
}

func number(v any) float64 {
	switch v := v.(type) {
	case int64:
		return float64(v)
	case uint64:
		return float64(v)
	case float64:
		return v
	case bool:
		if v {
			return 1
		}
		return 0
	}
	panic(fmt.Sprintf("sample: an option's value of type %T", v))
}

// formatNumber writes v as an integer when it is one.
func formatNumber(v float64) string {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// contains reports whether v lies in r; an int64 is compared exactly.
func (r *Range) contains(v any) bool {
	switch v := v.(type) {
	case int64:
		// the ends are integers well within float64's exact range
		if r.Min != nil && (v < int64(*r.Min) || r.MinOpen && v == int64(*r.Min)) {
			return false
		}
		if r.Max != nil && (v > int64(*r.Max) || r.MaxOpen && v == int64(*r.Max)) {
			return false
		}
		return true
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
		if r.Min != nil && (v < *r.Min || r.MinOpen && v == *r.Min) {
			return false
		}
		if r.Max != nil && (v > *r.Max || r.MaxOpen && v == *r.Max) {
			return false
		}
		return true
	}
	return true
}

// describe says what r asks of a value: "at least 1", "in (0, 1)".
func (r *Range) describe(t Type) string {
	finite := ""
	if t != TypeInt {
		finite = "finite and "
	}
	switch {
	case r.Min != nil && r.Max != nil:
		lo, hi := "[", "]"
		if r.MinOpen {
			lo = "("
		}
		if r.MaxOpen {
			hi = ")"
		}
		return fmt.Sprintf("in %s%s, %s%s", lo, formatNumber(*r.Min), formatNumber(*r.Max), hi)
	case r.Min != nil && r.MinOpen:
		return fmt.Sprintf("%sgreater than %s", finite, formatNumber(*r.Min))
	case r.Min != nil:
		return fmt.Sprintf("%sat least %s", finite, formatNumber(*r.Min))
	case r.Max != nil && r.MaxOpen:
		return fmt.Sprintf("%sless than %s", finite, formatNumber(*r.Max))
	case r.Max != nil:
		return fmt.Sprintf("%sat most %s", finite, formatNumber(*r.Max))
	}
	return "finite"
}

// RangeText says what the option's Range asks of a value, as Validate's
// messages do: "in (0, 1)", "at least 1"; "" without a Range.
func (opt *Option) RangeText() string {
	if opt.Range == nil {
		return ""
	}
	return opt.Range.describe(opt.Type)
}

// check reports the option's value in o when it is out of its range or
// none of its choices.
func (opt *Option) check(o *Options) error {
	if opt.get == nil {
		return nil
	}
	v := opt.get(o)
	got := fmt.Sprint(v)
	if f, ok := v.(float64); ok {
		got = formatNumber(f)
	}
	switch {
	case opt.Range != nil:
		if !opt.Range.contains(v) {
			return &OptionError{Option: opt, Reason: fmt.Sprintf("must be %s, got %s", opt.Range.describe(opt.Type), got)}
		}
	case len(opt.Choices) > 0:
		x := number(v)
		names := make([]string, len(opt.Choices))
		for i, c := range opt.Choices {
			if c.Value == x {
				return nil
			}
			names[i] = fmt.Sprintf("%s (%s)", c.Name, formatNumber(c.Value))
		}
		return &OptionError{Option: opt, Reason: fmt.Sprintf("must be one of %s, got %s", strings.Join(names, ", "), got)}
	}
	return nil
}

// OptionError is an option out of its range (or none of its choices).
type OptionError struct {
	Option *Option
	// Reason is what is wrong: "must be in (0, 1), got 1.5".
	Reason string
}

// Message names the option and says what is wrong with it.
func (e *OptionError) Message() string { return e.Option.Name() + " " + e.Reason }

func (e *OptionError) Error() string { return "sample: invalid options: " + e.Message() }

// checkSchema checks every option of the Schema in o.
func (o *Options) checkSchema() error {
	opts := Schema()
	for i := range opts {
		if err := opts[i].check(o); err != nil {
			return err
		}
	}
	return nil
}

// SchemaVersion is the version of SchemaJSON's layout.
const SchemaVersion = 1

// SchemaJSON is the Schema as JSON: {"version": 1, "options": [{"python"
// (null: not Python's), "c", "c_type", "type", "default" (C's value; null
// for a pointer), "python_default", "none" (what Python's None means, or
// null), "range" ({"min", "max", "min_open", "max_open"}, null ends
// unbounded and every value finite; or null), "choices" ([{"name",
// "value", "doc"}] or null), "doc"}]}.
var SchemaJSON = sync.OnceValue(func() []byte {
	type jsonRange struct {
		Min     *float64 `json:"min"`
		Max     *float64 `json:"max"`
		MinOpen bool     `json:"min_open"`
		MaxOpen bool     `json:"max_open"`
	}
	type jsonOption struct {
		Python        *string    `json:"python"`
		C             string     `json:"c"`
		CType         string     `json:"c_type"`
		Type          Type       `json:"type"`
		Default       any        `json:"default"`
		PythonDefault any        `json:"python_default"`
		None          *string    `json:"none"`
		Range         *jsonRange `json:"range"`
		Choices       []Choice   `json:"choices"`
		Doc           string     `json:"doc"`
	}
	var out []jsonOption
	for _, opt := range Schema() {
		j := jsonOption{C: opt.C, CType: opt.CType, Type: opt.Type, Default: opt.Default(),
			PythonDefault: opt.PythonDefault(), Choices: opt.Choices, Doc: opt.Doc}
		if opt.Python != "" {
			j.Python = &opt.Python
		}
		if opt.None != "" {
			j.None = &opt.None
		}
		if r := opt.Range; r != nil {
			j.Range = &jsonRange{Min: r.Min, Max: r.Max, MinOpen: r.MinOpen, MaxOpen: r.MaxOpen}
		}
		out = append(out, j)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(map[string]any{"version": SchemaVersion, "options": out}); err != nil {
		panic(err)
	}
	return bytes.TrimSpace(buf.Bytes())
})
