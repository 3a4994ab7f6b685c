package dist

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
)

// Censored and truncated distributions are not rows of the catalogue: any
// variant with a log-CDF (CDF) is wrapped, when a model asks for it, into
// a variant of its own whose parameters are the base's followed by the
// bounds given, "lower" and/or "upper". Its kernel reads the base's
// kernel, log-CDF and log-survival function, so the Term, the compiler
// and the gradients treat it as any other elementwise variant, and every
// distribution that gains a log-CDF can be censored and truncated with no
// further code. A bound may be infinite (an element with no bound on that
// side).

// Wrapping is how a wrapped variant changes its base.
type Wrapping uint8

const (
	Censoring  Wrapping = iota + 1 // pm.Censored: values at a bound carry the mass beyond it
	Truncation                     // pm.Truncated: the density renormalised to the bounds
)

func (w Wrapping) String() string {
	if w == Censoring {
		return "Censored"
	}
	return "Truncated"
}

// wrap is what a wrapped variant knows of its base.
type wrap struct {
	kind   Wrapping
	base   *Variant
	lo, hi int // parameter indices of the bounds, -1 for none
}

type wrapKey struct {
	base   *Variant
	kind   Wrapping
	lo, hi bool
}

var (
	wrapMu sync.Mutex
	// wrapped holds each wrapped variant made, so that the same request
	// gives the same *Variant (the compiler compares them)
	wrapped = map[wrapKey]*Variant{}
)

// Wrap returns base censored or truncated at a lower bound, an upper
// bound, or both. Its parameters are base's, then "lower" and/or
// "upper". Base must be elementwise and have a log-CDF.
func Wrap(kind Wrapping, base *Variant, lower, upper bool) (*Variant, error) {
	if kind != Censoring && kind != Truncation {
		return nil, fmt.Errorf("unknown wrapping %d", kind)
	}
	if base.wrap != nil {
		return nil, fmt.Errorf("%s cannot be %s again", base.Dist.Name, kind)
	}
	if base.kernel == nil {
		return nil, fmt.Errorf("%s is not a distribution of one element at a time; only those can be %s", base.Dist.Name, kind)
	}
	if !base.HasCDF() {
		return nil, fmt.Errorf("%s has no log-CDF, so it cannot be %s (those with one: %s)", base.Dist.Name, kind, withCDF())
	}
	if !lower && !upper {
		return nil, fmt.Errorf("%s %s needs a lower bound, an upper bound, or both", kind, base.Dist.Name)
	}
	key := wrapKey{base, kind, lower, upper}
	wrapMu.Lock()
	defer wrapMu.Unlock()
	if v, ok := wrapped[key]; ok {
		return v, nil
	}
	name := fmt.Sprintf("%s(%s)", kind, base.Dist.Name)
	d := &Dist{Name: name, Discrete: base.Dist.Discrete}
	w := &wrap{kind: kind, base: base, lo: -1, hi: -1}
	v := &Variant{
		Dist: d, Params: append([]string{}, base.Params...), Defaults: map[string]float64{},
		Support: base.Support, Lower: base.Lower, Upper: base.Upper, Transform: base.Transform,
		IntervalLo: base.IntervalLo, IntervalHi: base.IntervalHi,
		domains: append([]domain{}, base.domains...), wrap: w,
	}
	for k, x := range base.Defaults {
		v.Defaults[k] = x
	}
	if lower {
		w.lo = len(v.Params)
		v.Params = append(v.Params, "lower")
		v.domains = append(v.domains, boundParam)
	}
	if upper {
		w.hi = len(v.Params)
		v.Params = append(v.Params, "upper")
		v.domains = append(v.domains, boundParam)
	}
	if len(v.Params) > maxParams {
		return nil, fmt.Errorf("%s has %d parameters with its bounds, more than the %d exmc's kernels take", name, len(v.Params), maxParams)
	}
	if kind == Truncation && !base.Dist.Discrete {
		// PyMC's transform of a truncated variable: the interval between
		// the bounds
		v.Lower, v.Upper = w.lo, w.hi
		switch {
		case lower && upper:
			v.Transform = IntervalTransform
		case lower:
			v.Transform = LowerBoundTransform
		default:
			v.Transform = UpperBoundTransform
		}
	}
	var k Kernel
	if kind == Censoring {
		k = censoredKernel{base.kernel, base.cdf, int8(w.lo), int8(w.hi), base.Dist.Discrete}
	} else {
		k = truncatedKernel{base.kernel, base.cdf, int8(w.lo), int8(w.hi), base.Dist.Discrete}
	}
	v.kernel = k
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
	if dr, ok := k.(Drawer); ok && base.Random != nil {
		v.Random = func(p []float64, r *rand.Rand) float64 {
			var a Args
			copy(a[:], p)
			return dr.Random(a, r)
		}
	}
	d.Variants = []*Variant{v}
	wrapped[key] = v
	return v, nil
}

// Wrapping reports how v wraps another variant, and which: 0 and nil for
// a catalogue row's own variant.
func (v *Variant) Wrapping() (Wrapping, *Variant) {
	if v.wrap == nil {
		return 0, nil
	}
	return v.wrap.kind, v.wrap.base
}

// withCDF lists the distributions with a log-CDF.
func withCDF() string {
	var out []string
	for _, name := range Names() {
		for _, v := range registry[name].Variants {
			if v.HasCDF() {
				out = append(out, name)
				break
			}
		}
	}
	return fmt.Sprint(out)
}

// wrapInSupport: the base's support, within the bounds (closed: a
// censored value sits on its bound, a truncated one may).
func (w *wrap) inSupport(x float64, p []float64) bool {
	if !w.base.InSupport(x, p[:len(w.base.Params)]) {
		return false
	}
	return (w.lo < 0 || x >= p[w.lo]) && (w.hi < 0 || x <= p[w.hi])
}

func (w *wrap) checkParams(p []float64) error {
	if err := w.base.CheckParams(p[:len(w.base.Params)]); err != nil {
		return err
	}
	if w.lo >= 0 && w.hi >= 0 && !(p[w.lo] <= p[w.hi]) {
		return fmt.Errorf("lower must be at most upper, got %g and %g", p[w.lo], p[w.hi])
	}
	return nil
}

func (w *wrap) supportString() string {
	s := w.base.SupportString()
	switch {
	case w.lo >= 0 && w.hi >= 0:
		return s + ", within [lower, upper]"
	case w.lo >= 0:
		return s + ", x >= lower"
	}
	return s + ", x <= upper"
}

// censoredKernel is pm.Censored's density: at x == lower the log-CDF
// there, at x == upper the log-survival function there (for a discrete
// base, log P(X >= upper): the log-survival function plus the mass at
// upper), between them the base's log-density, and -Inf outside. As in
// PyMC, the lower bound wins where the two coincide. The value is data,
// and a value on its bound stays there only while the bound does not
// move: as PyMC's, which evaluates the log-CDF at the value, the
// derivatives in the value and in the bounds are 0.
type censoredKernel struct {
	base     Kernel
	cdf      CDF
	lo, hi   int8
	discrete bool
}

func (k censoredKernel) Logp(x float64, p Args, need uint8) (float64, float64, Args) {
	if k.lo >= 0 {
		lo := p[k.lo]
		if math.IsNaN(lo) || x < lo {
			return negInf, 0, Args{}
		}
		if x == lo {
			l, _, dp := cleanCDF(k.cdf.LogCDF(lo, p, need))
			return l, 0, dp
		}
	}
	if k.hi >= 0 {
		hi := p[k.hi]
		if math.IsNaN(hi) || x > hi {
			return negInf, 0, Args{}
		}
		if x == hi {
			l, _, dp := cleanCDF(k.cdf.LogSF(hi, p, need))
			if k.discrete {
				// P(X >= hi) = P(X > hi) + P(X = hi)
				m, _, dm := logp(k.base, hi, p, need)
				var wl, wm float64
				l, wl, wm = logAddExp(l, m)
				for i := range dp {
					dp[i] = wl*dp[i] + wm*dm[i]
				}
			}
			return l, 0, dp
		}
	}
	return k.base.Logp(x, p, need)
}

// Random draws the base and clips the draw to the bounds.
func (k censoredKernel) Random(p Args, r *rand.Rand) float64 {
	x := k.base.(Drawer).Random(p, r)
	if k.lo >= 0 && x < p[k.lo] {
		x = p[k.lo]
	}
	if k.hi >= 0 && x > p[k.hi] {
		x = p[k.hi]
	}
	return x
}

// truncatedKernel is pm.Truncated's density: the base's log-density less
// the log-probability Z of the bounds' interval, -Inf outside it. Z is
// log(F(upper) - F(lower)) by the log-CDFs, or by the log-survival
// functions, log(S(lower) - S(upper)), when lower lies in the upper half,
// so that neither tail loses its digits; with one bound, log S(lower) or
// log F(upper). For a discrete base the lower bound itself is kept: F and
// S are taken at lower - 1, as PyMC does.
type truncatedKernel struct {
	base     Kernel
	cdf      CDF
	lo, hi   int8
	discrete bool
}

func (k truncatedKernel) Logp(x float64, p Args, need uint8) (float64, float64, Args) {
	lp, dx, dp := logp(k.base, x, p, need)
	if !(lp > negInf) {
		return negInf, 0, Args{}
	}
	var lo, hi float64
	if k.lo >= 0 {
		lo = p[k.lo]
		if math.IsNaN(lo) || x < lo {
			return negInf, 0, Args{}
		}
	}
	if k.hi >= 0 {
		hi = p[k.hi]
		if math.IsNaN(hi) || x > hi {
			return negInf, 0, Args{}
		}
	}
	z, dlo, dhi, dz := k.logMass(p, need)
	if !(z > negInf) {
		return negInf, 0, Args{}
	}
	if need != 0 {
		for i := range dp {
			dp[i] -= dz[i]
		}
		if k.lo >= 0 {
			dp[k.lo] = -dlo
		}
		if k.hi >= 0 {
			dp[k.hi] = -dhi
		}
	}
	return lp - z, dx, dp
}

// logMass is log P(lower <= X <= upper) with its derivatives in the
// bounds and the base's parameters.
func (k truncatedKernel) logMass(p Args, need uint8) (z, dlo, dhi float64, dp Args) {
	var lo float64
	if k.lo >= 0 {
		lo = p[k.lo]
		if k.discrete {
			lo--
		}
	}
	switch {
	case k.hi < 0:
		return k.sf(lo, p, need)
	case k.lo < 0:
		z, dhi, dp = cleanCDF(k.cdf.LogCDF(p[k.hi], p, need))
		return z, 0, dhi, dp
	}
	hi := p[k.hi]
	if !(lo <= hi) {
		return negInf, 0, 0, Args{}
	}
	a, da, dpa := cleanCDF(k.cdf.LogCDF(lo, p, need))
	upper := a > -math.Ln2 // lower lies above the median: work with S
	f := k.cdf.LogCDF
	if upper {
		f = k.cdf.LogSF
		a, da, dpa = cleanCDF(f(lo, p, need))
	}
	b, db, dpb := cleanCDF(f(hi, p, need))
	var wa, wb float64
	if upper {
		// log(S(lo) - S(hi))
		z, wa, wb = logDiffExp(a, b)
	} else {
		// log(F(hi) - F(lo))
		z, wb, wa = logDiffExp(b, a)
	}
	for i := range dp {
		dp[i] = wa*dpa[i] + wb*dpb[i]
	}
	return z, wa * da, wb * db, dp
}

func (k truncatedKernel) sf(lo float64, p Args, need uint8) (z, dlo, dhi float64, dp Args) {
	z, dlo, dp = cleanCDF(k.cdf.LogSF(lo, p, need))
	if lo == negInf {
		z, dlo, dp = 0, 0, Args{}
	}
	return z, dlo, 0, dp
}

// Random draws the base until a draw falls within the bounds, while the
// interval's probability is at least 1e-3 (a thousand draws expected at
// most); below that, it inverts the CDF between the bounds by bisection.
func (k truncatedKernel) Random(p Args, r *rand.Rand) float64 {
	z, _, _, _ := k.logMass(p, 0)
	lo, hi := math.Inf(-1), math.Inf(1)
	if k.lo >= 0 {
		lo = p[k.lo]
	}
	if k.hi >= 0 {
		hi = p[k.hi]
	}
	if z > math.Log(1e-3) {
		for {
			x := k.base.(Drawer).Random(p, r)
			if x >= lo && x <= hi {
				return x
			}
		}
	}
	return k.invert(p, lo, hi, r)
}

// invert draws by the inverse CDF: u uniform on the interval's share of
// the CDF (or of the survival function, in the upper tail), then the x
// where the base's CDF reaches it, by bisection in log space.
func (k truncatedKernel) invert(p Args, lo, hi float64, r *rand.Rand) float64 {
	if k.discrete {
		lo--
	}
	a, _, _ := k.cdf.LogCDF(lo, p, 0)
	useSF := a > -math.Ln2
	f := k.cdf.LogCDF
	if useSF {
		f = k.cdf.LogSF
	}
	la, _, _ := f(lo, p, 0)
	lb, _, _ := f(hi, p, 0)
	// target: log of a uniform point between exp(la) and exp(lb)
	u := r.Float64()
	var t float64
	if lb > la {
		d, _, _ := logDiffExp(lb, la)
		t, _, _ = logAddExp(la, math.Log(u)+d)
	} else {
		d, _, _ := logDiffExp(la, lb)
		t, _, _ = logAddExp(lb, math.Log(u)+d)
	}
	// bracket the root in finite numbers
	x0, x1 := lo, hi
	if math.IsInf(x0, -1) {
		x0 = -1
		for g, _, _ := f(x0, p, 0); (g > t) != useSF && !math.IsInf(x0, -1); g, _, _ = f(x0, p, 0) {
			x0 *= 2
		}
	}
	if math.IsInf(x1, 1) {
		x1 = math.Max(1, 2*math.Abs(x0))
		for g, _, _ := f(x1, p, 0); (g < t) != useSF && !math.IsInf(x1, 1); g, _, _ = f(x1, p, 0) {
			x1 *= 2
		}
	}
	for range 200 {
		m := 0.5 * (x0 + x1)
		if m == x0 || m == x1 {
			break
		}
		g, _, _ := f(m, p, 0)
		if (g < t) != useSF {
			x0 = m
		} else {
			x1 = m
		}
	}
	x := 0.5 * (x0 + x1)
	if k.discrete {
		x = math.Ceil(x1)
	}
	return x
}

// logAddExp is log(exp(a) + exp(b)) with its derivatives in a and b.
func logAddExp(a, b float64) (l, da, db float64) {
	if a < b {
		a, b = b, a
		l, da, db = logAddExp(a, b)
		return l, db, da
	}
	if b == negInf {
		return a, 1, 0
	}
	e := math.Exp(b - a)
	return a + math.Log1p(e), 1 / (1 + e), e / (1 + e)
}

// WrapBounds returns the parameter indices of a censored or truncated
// variant's bounds, -1 for a side without one (and for an unwrapped
// variant).
func (v *Variant) WrapBounds() (lower, upper int) {
	if v.wrap == nil {
		return -1, -1
	}
	return v.wrap.lo, v.wrap.hi
}

// SupportParam reports whether the support depends on parameter i: a
// bound of the base's support (Uniform's lower and upper), or a censoring
// or truncation bound.
func (v *Variant) SupportParam(i int) bool {
	if v.wrap != nil {
		return i == v.wrap.lo || i == v.wrap.hi || v.wrap.base.SupportParam(i)
	}
	switch v.Support {
	case Bounded, BoundedCount, CountRange:
		return i == v.Lower || i == v.Upper
	}
	return false
}
