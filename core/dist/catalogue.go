package dist

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
)

// The catalogue: every distribution is one Spec, registered from the file
// that implements it. Everything else that lists distributions (the C
// ABI's exmc_catalogue, the Python classes, the PyMC translator's tables,
// the table in docs/model-format.md) is derived from these rows.

// Spec is one distribution's row.
type Spec struct {
	Name     string // as in the model's JSON and in exmc's Python API
	PyMC     string // PyMC's class, when its name differs from Name
	Doc      string // one sentence: what it is
	Discrete bool   // observed only
	Layout   Layout
	// Params in PyMC's positional order; a variant reads a subset.
	Params   []Param
	Variants []VariantSpec
	// Aliases are parameters PyMC also accepts, as powers of a canonical
	// one: Normal's tau is sigma^-2, so sigma = tau^-0.5.
	Aliases []Alias
	// Options are further keyword options of the Python API (for
	// GaussianRandomWalk, steps and init_dist).
	Options []string
	// Notes is said after the table in the model format's docs.
	Notes string
	// Event is the density of one event, for the Event layout (and only
	// for it); its value has ValueDims trailing event axes, or as many as
	// the static parameter ValueDimsParam says, and ShapeFrom names the
	// parameter whose trailing ValueDims axes are the value's event shape
	// ("" when only the node's shape can say, as for ZeroSumNormal).
	Event          EventKernel
	ValueDims      int
	ValueDimsParam string
	ShapeFrom      string
}

// Layout is how a distribution's parameters meet its value.
type Layout uint8

const (
	Elementwise   Layout = iota // each element of the value has its own density
	AlongLastAxis               // the density couples the value along its last axis (a random walk)
	Components                  // parameters have a last axis of components, categories or cutpoints beyond the value's shape (components.go)
	// Event: the value's last axes are one event (Dirichlet's simplex);
	// each parameter has its own event axes (Param.EventDims) and
	// broadcasts over the axes before them, the batch axes; the density
	// is one per event (docs/DECISIONS.md, 46)
	Event
)

var layoutNames = [...]string{Elementwise: "elementwise", AlongLastAxis: "along_last_axis", Components: "components", Event: "event"}

// Param is one parameter of a distribution.
type Param struct {
	Name    string
	Domain  domain
	Doc     string   // a few words: "rate", "location"
	Default *float64 // nil: required
	// EventDims is the number of the parameter's trailing axes that belong
	// to one event (Event layout): 1 for Dirichlet's a, 2 for a matrix.
	EventDims int
	// Static: a whole number fixed when the model compiles, which may set
	// the value's event axes (ZeroSumNormal's n_zerosum_axes); it must be
	// a constant and takes no gradient.
	Static bool
	// PerElement: in the Components layout, the parameter broadcasts to
	// the value's shape, with no component axis (OrderedLogistic's eta)
	PerElement bool
}

// VariantSpec is one parameter set of a distribution, with its density.
type VariantSpec struct {
	Params []string // the set, in the order the kernel reads them
	Kernel Kernel   // nil for a layout other than Elementwise
	// Vec is the density of a Components variant; Axis names what its
	// component axis holds ("components" when empty), and Categories, for
	// a Category support, how many values lie beyond the axis's length
	// (1 for cutpoints: K-1 of them make K categories).
	Vec        vecDensity
	Axis       string
	Categories int
	Support    Support
	Transform  TransformKind
	// Lower and Upper name the parameters that bound the support (Bounded,
	// BoundedCount, CountRange, AtLeast); Interval holds constant bounds of an
	// IntervalTransform otherwise.
	Lower, Upper string
	Interval     [2]float64
	// loop names a hand-fused loop of this package for the variant, when
	// it has one.
	loop form
}

// Alias is a parameter given in place of another: Param = value^Power.
type Alias struct {
	Name  string
	Param string
	Power float64
}

// Args holds one element's parameters in a variant's order. Kernels take
// and return it by value, so that an interface call allocates nothing.
type Args [maxParams]float64

// Kernel is the log-density of one element of an Elementwise variant.
// Logp returns log p(x | p), its derivative in x and, in dp, the
// derivative in p[i] for each bit i set in need (with need == 0, dp is
// not read). Outside the support, or with invalid parameters, lp is -Inf
// (the caller zeroes the gradients).
type Kernel interface {
	Logp(x float64, p Args, need uint8) (lp, dx float64, dp Args)
}

// Drawer is a Kernel that can draw an element; p is valid
// (Variant.CheckParams). The improper Flat and HalfFlat are not Drawers.
type Drawer interface {
	Random(p Args, r *rand.Rand) float64
}

func def(x float64) *float64 { return &x }

var registry = map[string]*Dist{}

// specs keeps the rows, in registration order, for the catalogue.
var specs = map[string]*Spec{}

// register adds a distribution to the catalogue. It panics on a row that
// contradicts itself: a mistake in this package, found by its tests.
func register(s Spec) {
	if _, dup := registry[s.Name]; dup {
		panic("dist: " + s.Name + " registered twice")
	}
	byName := map[string]Param{}
	for _, p := range s.Params {
		byName[p.Name] = p
	}
	d := &Dist{Name: s.Name, Discrete: s.Discrete, Vector: s.Layout == AlongLastAxis, Components: s.Layout == Components,
		Layout: s.Layout, event: s.Event}
	if (s.Layout == Event) != (s.Event != nil) {
		panic(fmt.Sprintf("dist: %s: the event layout needs an event kernel, and only it", s.Name))
	}
	for _, p := range s.Params {
		if (p.EventDims != 0 || p.Static) && s.Layout != Event {
			panic(fmt.Sprintf("dist: %s: parameter %q has event axes or is static outside the event layout", s.Name, p.Name))
		}
	}
	if s.Layout == Event {
		if s.ValueDimsParam != "" {
			if p, ok := byName[s.ValueDimsParam]; !ok || !p.Static {
				panic(fmt.Sprintf("dist: %s: ValueDimsParam %q is not a static parameter", s.Name, s.ValueDimsParam))
			}
		} else if s.ValueDims < 1 {
			panic(fmt.Sprintf("dist: %s: an event distribution's value has at least one event axis", s.Name))
		}
		if p, ok := byName[s.ShapeFrom]; s.ShapeFrom != "" && (!ok || p.EventDims != s.ValueDims) {
			panic(fmt.Sprintf("dist: %s: ShapeFrom %q is not a parameter with the value's event axes", s.Name, s.ShapeFrom))
		}
		d.valueDims, d.valueDimsParam, d.shapeFrom = s.ValueDims, s.ValueDimsParam, s.ShapeFrom
	}
	for _, vs := range s.Variants {
		if len(vs.Params) > maxParams {
			panic(fmt.Sprintf("dist: %s has a variant of %d parameters, more than %d", s.Name, len(vs.Params), maxParams))
		}
		v := &Variant{
			Dist: d, Defaults: map[string]float64{}, Support: vs.Support, Transform: vs.Transform,
			Lower: -1, Upper: -1, IntervalLo: vs.Interval[0], IntervalHi: vs.Interval[1],
			form: vs.loop, kernel: vs.Kernel, vec: vs.Vec, axis: vs.Axis, extraCategories: vs.Categories,
		}
		for i, name := range vs.Params {
			p, ok := byName[name]
			if !ok {
				panic(fmt.Sprintf("dist: %s's variant reads %q, which is not among its parameters", s.Name, name))
			}
			v.Params = append(v.Params, name)
			v.domains = append(v.domains, p.Domain)
			v.eventDims = append(v.eventDims, p.EventDims)
			v.static = append(v.static, p.Static)
			v.perElement = append(v.perElement, p.PerElement)
			if p.PerElement && s.Layout != Components {
				panic(fmt.Sprintf("dist: %s: parameter %q is per element outside the Components layout", s.Name, name))
			}
			if p.Default != nil {
				v.Defaults[name] = *p.Default
			}
			if name == vs.Lower {
				v.Lower = i
			}
			if name == vs.Upper {
				v.Upper = i
			}
		}
		if (s.Layout == Elementwise) != (vs.Kernel != nil) {
			panic(fmt.Sprintf("dist: %s: an elementwise variant needs a kernel, and only it", s.Name))
		}
		if (s.Layout == Components) != (vs.Vec != nil) {
			panic(fmt.Sprintf("dist: %s: a Components variant needs a vecDensity, and only it", s.Name))
		}
		if k := vs.Kernel; k != nil {
			all := uint8(1)<<len(v.Params) - 1
			v.Logp = func(x float64, p, dp []float64) (float64, float64) {
				var a Args
				copy(a[:], p)
				if dp == nil {
					lp, dx, _ := logp(k, x, a, 0)
					return lp, dx
				}
				lp, dx, g := logp(k, x, a, all)
				copy(dp, g[:len(dp)])
				return lp, dx
			}
			if c, ok := k.(CDF); ok {
				v.cdf = c
			}
			if dr, ok := k.(Drawer); ok {
				v.Random = func(p []float64, r *rand.Rand) float64 {
					var a Args
					copy(a[:], p)
					return dr.Random(a, r)
				}
			}
		}
		d.Variants = append(d.Variants, v)
	}
	registry[s.Name] = d
	specs[s.Name] = &s
}

// logp evaluates a kernel and makes a rejected point clean: -Inf with a
// zero gradient, never NaN.
func logp(k Kernel, x float64, p Args, need uint8) (float64, float64, Args) {
	lp, dx, dp := k.Logp(x, p, need)
	if !(lp > negInf) {
		return negInf, 0, Args{}
	}
	return lp, dx, dp
}

// Catalogue is the catalogue as data: what exmc_catalogue returns, as
// JSON, and what the Python package and the docs are made from.
type Catalogue struct {
	Version       int            `json:"version"`
	Distributions []CatalogueRow `json:"distributions"`
}

// CatalogueRow is one distribution in the catalogue's JSON form.
type CatalogueRow struct {
	Name     string             `json:"name"`
	PyMC     string             `json:"pymc"`
	Doc      string             `json:"doc"`
	Discrete bool               `json:"discrete"`
	Layout   string             `json:"layout"`
	Params   []CatalogueParam   `json:"params"`
	Variants []CatalogueVariant `json:"variants"`
	Aliases  []CatalogueAlias   `json:"aliases"`
	Options  []string           `json:"options"`
	Notes    string             `json:"notes,omitempty"`
	// the Event layout's: the value's event axes (or the static parameter
	// that says how many) and the parameter whose trailing axes they are
	ValueDims      int    `json:"value_dims"`
	ValueDimsParam string `json:"value_dims_param"`
	ShapeFrom      string `json:"shape_from"`
}

// CatalogueParam is one parameter in the catalogue's JSON form.
type CatalogueParam struct {
	Name    string   `json:"name"`
	Domain  string   `json:"domain"`
	Doc     string   `json:"doc"`
	Default *float64 `json:"default"`
	// EventDims and Static as in Param (Event layout)
	EventDims int  `json:"event_dims"`
	Static    bool `json:"static"`
	// ComponentAxis: the parameter carries the Components layout's last axis
	ComponentAxis bool `json:"component_axis"`
}

// CatalogueVariant is one variant in the catalogue's JSON form.
type CatalogueVariant struct {
	Params    []string `json:"params"`
	Required  []string `json:"required"`
	Support   string   `json:"support"`
	Transform string   `json:"transform"`
	// CDF: the variant has a log-CDF and log-survival function (its
	// kernel implements CDF), so it may be censored or truncated
	CDF bool `json:"cdf"`
}

// CatalogueAlias is one alias in the catalogue's JSON form.
type CatalogueAlias struct {
	Name  string  `json:"name"`
	Param string  `json:"param"`
	Power float64 `json:"power"`
}

// CatalogueVersion changes when the JSON form changes incompatibly.
const CatalogueVersion = 1

// Table returns the catalogue, distributions in alphabetical order.
func Table() Catalogue {
	c := Catalogue{Version: CatalogueVersion}
	for _, name := range Names() {
		s := specs[name]
		row := CatalogueRow{
			Name: s.Name, PyMC: s.PyMC, Doc: s.Doc, Discrete: s.Discrete, Layout: layoutNames[s.Layout],
			Params: []CatalogueParam{}, Variants: []CatalogueVariant{}, Aliases: []CatalogueAlias{},
			Options: append([]string{}, s.Options...), Notes: s.Notes,
			ValueDims: s.ValueDims, ValueDimsParam: s.ValueDimsParam, ShapeFrom: s.ShapeFrom,
		}
		if row.PyMC == "" {
			row.PyMC = s.Name
		}
		for _, p := range s.Params {
			row.Params = append(row.Params, CatalogueParam{Name: p.Name, Domain: p.Domain.String(), Doc: p.Doc, Default: p.Default,
				EventDims: p.EventDims, Static: p.Static, ComponentAxis: s.Layout == Components && !p.PerElement})
		}
		for _, v := range registry[name].Variants {
			cv := CatalogueVariant{
				Params: append([]string{}, v.Params...), Required: []string{},
				Support: v.SupportString(), Transform: v.TransformString(), CDF: v.HasCDF(),
			}
			for _, p := range v.Params {
				if _, ok := v.Defaults[p]; !ok {
					cv.Required = append(cv.Required, p)
				}
			}
			row.Variants = append(row.Variants, cv)
		}
		for _, a := range s.Aliases {
			row.Aliases = append(row.Aliases, CatalogueAlias(a))
		}
		c.Distributions = append(c.Distributions, row)
	}
	return c
}

// JSON is the catalogue's JSON form.
func JSON() []byte {
	b, err := json.MarshalIndent(Table(), "", " ")
	if err != nil {
		panic(err) // plain data: cannot fail
	}
	return b
}

// SupportString says where a variant's values lie, naming its bounding
// parameters.
func (v *Variant) SupportString() string {
	if v.wrap != nil {
		return v.wrap.supportString()
	}
	switch v.Support {
	case Bounded:
		return fmt.Sprintf("%s < x < %s", v.Params[v.Lower], v.Params[v.Upper])
	case BoundedCount:
		return fmt.Sprintf("0, 1, ..., %s", v.Params[v.Upper])
	case CountRange:
		return fmt.Sprintf("%s, ..., %s", v.Params[v.Lower], v.Params[v.Upper])
	case AtLeast:
		return fmt.Sprintf("x >= %s", v.Params[v.Lower])
	case Category:
		if v.extraCategories == 0 {
			return fmt.Sprintf("0, ..., K-1 (K: the last axis of %s)", v.axisParams())
		}
		return fmt.Sprintf("0, ..., K (K: the last axis of %s)", v.axisParams())
	}
	return v.Support.String()
}

// TransformString names a variant's default transform for a free
// variable: "none", "log", "circular", or "interval(lo, hi)" (lo "-inf" or
// hi "inf" for a support bounded on one side), as PyMC names them.
func (v *Variant) TransformString() string {
	switch v.Transform {
	case LogTransform:
		return "log"
	case SimplexTransform:
		return "simplex"
	case ZeroSumTransform:
		return "zerosum"
	case CircularTransform:
		return "circular"
	case CholeskyCovPackedTransform:
		return "cholesky-cov-packed"
	case IntervalTransform:
		if v.Lower >= 0 && v.Upper >= 0 {
			return fmt.Sprintf("interval(%s, %s)", v.Params[v.Lower], v.Params[v.Upper])
		}
		return fmt.Sprintf("interval(%g, %g)", v.IntervalLo, v.IntervalHi)
	case LowerBoundTransform:
		return fmt.Sprintf("interval(%s, inf)", v.Params[v.Lower])
	case UpperBoundTransform:
		return fmt.Sprintf("interval(-inf, %s)", v.Params[v.Upper])
	}
	return "none"
}

// MarkdownTable renders the catalogue as the table of
// docs/model-format.md, followed by each distribution's notes.
func MarkdownTable() string {
	var b strings.Builder
	b.WriteString("| dist | PyMC | params (default) | support | default transform | log-CDF |\n|---|---|---|---|---|---|\n")
	var notes []string
	for _, row := range Table().Distributions {
		var ps []string
		for _, p := range row.Params {
			s := "`" + p.Name + "`"
			var bits []string
			if p.Doc != "" {
				bits = append(bits, p.Doc)
			}
			if p.Default != nil {
				bits = append(bits, fmt.Sprintf("%g", *p.Default))
			}
			if p.EventDims > 0 {
				bits = append(bits, fmt.Sprintf("%d event %s", p.EventDims, plural(p.EventDims, "axis", "axes")))
			}
			if p.Static {
				bits = append(bits, "a constant")
			}
			if len(bits) > 0 {
				s += " (" + strings.Join(bits, ", ") + ")"
			}
			ps = append(ps, s)
		}
		for _, a := range row.Aliases {
			ps = append(ps, fmt.Sprintf("`%s` for `%s`^%g", a.Name, a.Param, 1/a.Power))
		}
		params := strings.Join(ps, ", ")
		if params == "" {
			params = "none"
		}
		if len(row.Variants) > 1 {
			var sets []string
			for _, v := range row.Variants {
				sets = append(sets, "{"+strings.Join(v.Params, ", ")+"}")
			}
			params += "; one of " + strings.Join(sets, ", ")
		}
		support, transform := row.Variants[0].Support, row.Variants[0].Transform
		if row.Layout == layoutNames[AlongLastAxis] {
			support += ", along the last axis"
		}
		if row.Layout == layoutNames[Event] {
			support += eventAxesPhrase(row)
		}
		if row.Discrete {
			transform = "observed only"
		}
		cdf := "no"
		for _, v := range row.Variants {
			if v.CDF {
				cdf = "yes"
			}
		}
		fmt.Fprintf(&b, "| `%s` | `pm.%s` | %s | %s | %s | %s |\n", row.Name, row.PyMC, params, support, transform, cdf)
		if row.Notes != "" {
			notes = append(notes, row.Notes)
		}
	}
	for _, n := range notes {
		b.WriteString("\n" + n + "\n")
	}
	return b.String()
}

// Alias returns the alias of d called name, if it has one.
func (d *Dist) Alias(name string) (Alias, bool) {
	for _, a := range specs[d.Name].Aliases {
		if a.Name == name {
			return a, true
		}
	}
	return Alias{}, false
}
