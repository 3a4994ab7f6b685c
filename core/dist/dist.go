// Package dist holds exmc's probability distributions: log-densities with
// their gradients, supports, default transforms and random draws, each
// parameterised exactly as PyMC does so that a PyMC model maps one to one
// and the log-densities agree to rounding error, normalising constants
// included.
//
// A distribution (Dist) has one or more parameter sets (Variant), e.g.
// Bernoulli with p or with logit_p. The compiler picks a Variant with
// Dist.Variant, then builds a fused Term over the node's value.
package dist

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
)

// Support is the set of values a distribution puts mass on.
type Support int

const (
	Real          Support = iota // all reals
	Positive                     // x > 0
	NonNegative                  // x >= 0
	UnitInterval                 // 0 < x < 1
	Bounded                      // lower < x < upper, bounds are parameters (Variant.Lower/Upper)
	Binary                       // x in {0, 1}
	Count                        // x in {0, 1, 2, ...}
	BoundedCount                 // x in {0..n}, n a parameter (Variant.Upper)
	PositiveCount                // x in {1, 2, ...}
	CountRange                   // x in {lower, ..., upper}, integer bounds are parameters (Variant.Lower/Upper)
	Simplex                      // an event of values in [0, 1] summing to one (Event layout)
	AtLeast                      // x >= lower, the bound a parameter (Variant.Lower)
	Circle                       // -pi <= x <= pi, an angle
	ZeroSum                      // an event summing to zero along each of its axes (Event layout)
	Counts                       // an event of counts summing to n (Event layout)
	DrawnCount                   // x in {max(0, n-N+k), ..., min(k, n)}: HyperGeometric's, parameters (N, k, n)
	Category                     // x in {0, ..., K-1}, K the component axis's length plus Variant's extra categories
)

func (s Support) String() string {
	switch s {
	case Real:
		return "real"
	case Positive:
		return "x > 0"
	case NonNegative:
		return "x >= 0"
	case UnitInterval:
		return "0 < x < 1"
	case Bounded:
		return "lower < x < upper"
	case Binary:
		return "x in {0, 1}"
	case Count:
		return "x in {0, 1, 2, ...}"
	case BoundedCount:
		return "x in {0, ..., n}"
	case PositiveCount:
		return "x in {1, 2, ...}"
	case CountRange:
		return "x in {lower, ..., upper}"
	case Simplex:
		return "x >= 0, sum(x) = 1"
	case AtLeast:
		return "x >= lower"
	case Circle:
		return "-pi <= x <= pi"
	case ZeroSum:
		return "real, summing to zero"
	case Counts:
		return "x in {0, 1, 2, ...}, sum(x) = n"
	case DrawnCount:
		return "max(0, n-N+k), ..., min(k, n)"
	case Category:
		return "x in {0, ..., K-1}"
	}
	return fmt.Sprintf("Support(%d)", int(s))
}

// TransformKind is the bijection PyMC applies by default to a free variable
// so that the sampler works on the whole real line.
type TransformKind int

const (
	NoTransform         TransformKind = iota
	LogTransform                      // x = exp(y)
	IntervalTransform                 // x = lo + (hi-lo)*sigmoid(y); bounds: constants IntervalLo/IntervalHi, or parameters Lower/Upper when those are >= 0
	LowerBoundTransform               // x = lo + exp(y), lo the parameter Lower (a truncated variable's, Pareto's: PyMC's interval transform with no upper bound)
	UpperBoundTransform               // x = hi - exp(y), hi the parameter Upper
	SimplexTransform                  // PyMC's simplex: K values summing to one from K-1 (core/transform)
	ZeroSumTransform                  // PyMC's zerosum: each event axis of length n from n-1 (core/transform)
	CircularTransform                 // x = atan2(sin y, cos y), an angle (PyMC's circular transform)
	// CholeskyCovPackedTransform: PyMC's for LKJCholeskyCov, exp on the
	// diagonal of the packed lower triangle (core/transform)
	CholeskyCovPackedTransform
)

// Dist is one named distribution.
type Dist struct {
	Name     string
	Variants []*Variant // alternative parameter sets, e.g. Bernoulli {p} and {logit_p}
	Discrete bool       // likelihood only
	Vector   bool       // density couples elements along the last axis (GaussianRandomWalk)
	// Components: every parameter carries a trailing axis of mixture
	// components beyond the value's shape (NormalMixture).
	Components bool
	Layout     Layout
	// the Event layout's (Spec's fields of the same names)
	event          EventKernel
	valueDims      int
	valueDimsParam string
	shapeFrom      string
}

// Variant is one parameter set of a distribution.
type Variant struct {
	Dist       *Dist
	Params     []string           // canonical order; the compiler passes parameter arrays in this order
	Defaults   map[string]float64 // parameters that may be omitted
	Support    Support
	Lower      int // parameter index of a bound for Bounded/BoundedCount/CountRange/AtLeast support, -1 if none
	Upper      int
	Transform  TransformKind // PyMC's default transform for a free variable
	IntervalLo float64       // constant bounds when Transform is IntervalTransform and Lower/Upper are -1
	IntervalHi float64

	// Logp returns the log-density of one element x with parameters p
	// (len(p) == len(Params)), its derivative in x, and writes d logp / d p[i]
	// into dp[i]. dp may be nil when no parameter gradient is wanted. nil for
	// Vector distributions.
	Logp func(x float64, p, dp []float64) (lp, dx float64)
	// Random draws one element with parameters p; nil for Vector and for the
	// improper Flat and HalfFlat. Parameters are assumed valid (CheckParams).
	Random func(p []float64, r *rand.Rand) float64

	form    form     // the hand-fused loop it may take, fGeneric for none
	kernel  Kernel   // the element's density; nil unless Elementwise
	cdf     CDF      // the kernel's log-CDF, when it has one
	wrap    *wrap    // a censored or truncated variant's base (wrap.go)
	domains []domain // valid range of each parameter, in Params order
	// Event layout: each parameter's event axes, and which are static
	eventDims []int
	static    []bool
	// Components layout: the element's density, which parameters have no
	// component axis, what the axis holds, and the categories beyond its
	// length (Category support)
	vec             vecDensity
	perElement      []bool
	axis            string
	extraCategories int
}

// CategoryCount is the number of values of a Category support whose
// parameters' component axis has length k.
func (v *Variant) CategoryCount(k int) int { return k + v.extraCategories }

// Lookup returns the distribution called name.
func Lookup(name string) (*Dist, error) {
	if d, ok := registry[name]; ok {
		return d, nil
	}
	return nil, fmt.Errorf("unknown distribution %q (known: %s)", name, strings.Join(Names(), ", "))
}

// Names lists the known distributions in alphabetical order.
func Names() []string {
	names := make([]string, 0, len(registry))
	for n := range registry {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// ParamIndex returns the position of a parameter in Params, or -1.
func (v *Variant) ParamIndex(name string) int {
	for i, p := range v.Params {
		if p == name {
			return i
		}
	}
	return -1
}

// Variant picks the parameter set matching the given names; defaults may
// fill the rest. Errors name the distribution and the unknown, duplicated,
// missing or conflicting parameters.
func (d *Dist) Variant(given []string) (*Variant, error) {
	seen := make(map[string]bool, len(given))
	for _, g := range given {
		if seen[g] {
			return nil, fmt.Errorf("%s: parameter %q given twice", d.Name, g)
		}
		seen[g] = true
		if !d.knows(g) {
			return nil, fmt.Errorf("%s: unknown parameter %q (parameters: %s)", d.Name, g, d.paramList())
		}
	}
	var candidates []*Variant
	for _, v := range d.Variants {
		if v.accepts(given) {
			candidates = append(candidates, v)
		}
	}
	if len(candidates) == 0 {
		a, b := d.conflict(given)
		return nil, fmt.Errorf("%s: give one of %s or %s, not both", d.Name, a, b)
	}
	for _, v := range candidates {
		if len(v.missing(seen)) == 0 {
			return v, nil
		}
	}
	if len(candidates) == 1 {
		m := candidates[0].missing(seen)
		if len(m) == 1 {
			return nil, fmt.Errorf("%s: missing parameter %q", d.Name, m[0])
		}
		return nil, fmt.Errorf("%s: missing parameters %s", d.Name, quoteList(m))
	}
	// Several parameter sets could still be completed: say which choices exist.
	single := true
	var opts []string
	for _, v := range candidates {
		m := v.missing(seen)
		single = single && len(m) == 1
		opts = append(opts, strings.Join(m, ", "))
	}
	if single {
		return nil, fmt.Errorf("%s: missing parameter: give one of %s", d.Name, strings.Join(opts, " or "))
	}
	return nil, fmt.Errorf("%s: missing parameters: give one of {%s}", d.Name, strings.Join(opts, "} or {"))
}

func (d *Dist) knows(name string) bool {
	for _, v := range d.Variants {
		if v.ParamIndex(name) >= 0 {
			return true
		}
	}
	return false
}

// paramList is the union of the variants' parameters in first-seen order,
// so that an error lists every name the distribution accepts.
func (d *Dist) paramList() string {
	if len(d.Variants) == 0 || len(d.Variants[0].Params) == 0 {
		return "none"
	}
	var out []string
	for _, v := range d.Variants {
		for _, p := range v.Params {
			if !contains(out, p) {
				out = append(out, p)
			}
		}
	}
	return strings.Join(out, ", ")
}

// accepts reports whether every given name is one of v's parameters.
func (v *Variant) accepts(given []string) bool {
	for _, g := range given {
		if v.ParamIndex(g) < 0 {
			return false
		}
	}
	return true
}

// missing lists v's parameters that are neither given nor defaulted.
func (v *Variant) missing(given map[string]bool) []string {
	var m []string
	for _, p := range v.Params {
		if _, ok := v.Defaults[p]; !given[p] && !ok {
			m = append(m, p)
		}
	}
	return m
}

// conflict finds two given names that no single variant takes together.
func (d *Dist) conflict(given []string) (string, string) {
	for i, a := range given {
		for _, b := range given[i+1:] {
			if !d.together(a, b) {
				return a, b
			}
		}
	}
	return given[0], given[len(given)-1]
}

func (d *Dist) together(a, b string) bool {
	for _, v := range d.Variants {
		if v.ParamIndex(a) >= 0 && v.ParamIndex(b) >= 0 {
			return true
		}
	}
	return false
}

// CheckParam validates a constant parameter value before compiling.
func (v *Variant) CheckParam(name string, value float64) error {
	i := v.ParamIndex(name)
	if i < 0 {
		return fmt.Errorf("%s: unknown parameter %q (parameters: %s)", v.Dist.Name, name, v.Dist.paramList())
	}
	return v.domains[i].check(name, value)
}

// CheckParams validates one element's full parameter vector (in Params
// order), including relations between parameters such as lower < upper.
func (v *Variant) CheckParams(p []float64) error {
	if len(p) != len(v.Params) {
		return fmt.Errorf("%s: %d parameters given, want %d", v.Dist.Name, len(p), len(v.Params))
	}
	if v.wrap != nil {
		return v.wrap.checkParams(p)
	}
	for i, name := range v.Params {
		if err := v.domains[i].check(name, p[i]); err != nil {
			return err
		}
	}
	if v.Support == Bounded && !(p[v.Lower] < p[v.Upper]) {
		return fmt.Errorf("%s must be less than %s, got %g and %g",
			v.Params[v.Lower], v.Params[v.Upper], p[v.Lower], p[v.Upper])
	}
	if v.Support == DrawnCount && !hyperGeometricValid(Args{p[0], p[1], p[2]}) {
		return fmt.Errorf("k and n must be at most N, got N = %g, k = %g, n = %g", p[0], p[1], p[2])
	}
	if v.Support == CountRange && !(p[v.Lower] <= p[v.Upper]) {
		return fmt.Errorf("%s must be at most %s, got %g and %g",
			v.Params[v.Lower], v.Params[v.Upper], p[v.Lower], p[v.Upper])
	}
	if r, ok := v.kernel.(relations); ok {
		var a Args
		copy(a[:], p)
		if err := r.relations(a); err != nil {
			return fmt.Errorf("%s: %w", v.Dist.Name, err)
		}
	}
	return nil
}

// relations is a Kernel whose parameters must also stand in a relation
// the bounds' check does not cover (Triangular's lower <= c <= upper).
type relations interface {
	relations(p Args) error
}

// InSupport reports whether x is in the support given parameters p (for
// checking observed data). Non-finite x is never in the support.
func (v *Variant) InSupport(x float64, p []float64) bool {
	if !finite(x) {
		return false
	}
	if v.wrap != nil {
		return v.wrap.inSupport(x, p)
	}
	switch v.Support {
	case Real:
		return true
	case Positive:
		return x > 0
	case NonNegative:
		return x >= 0
	case UnitInterval:
		return x > 0 && x < 1
	case Bounded:
		return x > p[v.Lower] && x < p[v.Upper]
	case Binary:
		return x == 0 || x == 1
	case Count:
		return isCount(x)
	case BoundedCount:
		return isCount(x) && x <= p[v.Upper]
	case PositiveCount:
		return isCount(x) && x >= 1
	case CountRange:
		return isInteger(x) && x >= p[v.Lower] && x <= p[v.Upper]
	case Simplex:
		return x >= 0 && x <= 1
	case AtLeast:
		return x >= p[v.Lower]
	case Circle:
		return x >= -math.Pi && x <= math.Pi
	case ZeroSum:
		return true
	case Counts:
		return isCount(x)
	case Category:
		return isCount(x) // below the number of categories: checked with the parameters' shapes
	case DrawnCount:
		var a Args
		copy(a[:], p)
		return hyperGeometricIn(x, a)
	}
	return false
}

func contains(s []string, x string) bool {
	for _, e := range s {
		if e == x {
			return true
		}
	}
	return false
}

func quoteList(s []string) string {
	q := make([]string, len(s))
	for i, e := range s {
		q[i] = fmt.Sprintf("%q", e)
	}
	return strings.Join(q, ", ")
}

// CheckParamAt validates a constant value of parameter i (in Params
// order), which a name cannot always say: a truncated Uniform has two
// parameters called lower.
func (v *Variant) CheckParamAt(i int, value float64) error {
	if i < 0 || i >= len(v.Params) {
		return fmt.Errorf("%s: no parameter %d", v.Dist.Name, i)
	}
	return v.domains[i].check(v.Params[i], value)
}
