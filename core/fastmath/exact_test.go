package fastmath

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// The math package is itself off by up to an ulp or so (math.Exp on amd64
// by more), so the bounds the documentation states are checked here
// against values computed in 192-bit floating point.

const refPrec = 192

func bf() *big.Float { return new(big.Float).SetPrec(refPrec) }

// atanh by its series, for |s| <= 0.2.
func refAtanh(s *big.Float) *big.Float {
	sum, pow, s2 := bf().Set(s), bf().Set(s), bf().Mul(s, s)
	for k := int64(3); k < 400; k += 2 {
		pow.Mul(pow, s2)
		term := bf().Quo(pow, bf().SetInt64(k))
		sum.Add(sum, term)
		if term.Sign() == 0 || term.MantExp(nil)-sum.MantExp(nil) < -refPrec-4 {
			break
		}
	}
	return sum
}

var refLn2 = func() *big.Float {
	l := refAtanh(bf().Quo(bf().SetInt64(1), bf().SetInt64(3)))
	return l.Mul(l, bf().SetInt64(2))
}()

// refLogBig is log(y) for y > 0: y = 2^e m with m in [sqrt(1/2), sqrt(2)),
// log m = 2 atanh((m-1)/(m+1)).
func refLogBig(y *big.Float) *big.Float {
	m := bf()
	e := y.MantExp(m) // m in [0.5, 1)
	if m.Cmp(big.NewFloat(math.Sqrt2/2)) < 0 {
		m.SetMantExp(m, 1)
		e--
	}
	one := bf().SetInt64(1)
	l := refAtanh(bf().Quo(bf().Sub(m, one), bf().Add(m, one)))
	l.Mul(l, bf().SetInt64(2))
	return l.Add(l, bf().Mul(bf().SetInt64(int64(e)), refLn2))
}

func refLog(x float64) *big.Float { return refLogBig(bf().SetFloat64(x)) }

// refLog1p is log(1 + x) for x > -1: by its series for tiny x, where 1 + x
// would need thousands of bits, else through 1 + x held exactly.
func refLog1p(x float64) *big.Float {
	if math.Abs(x) < 0x1p-30 {
		xb := bf().SetFloat64(x)
		sum, pow := bf().Set(xb), bf().Set(xb)
		for k := int64(2); k < 12; k++ {
			pow.Mul(pow, xb)
			term := bf().Quo(pow, bf().SetInt64(k))
			if k%2 == 0 {
				term.Neg(term)
			}
			sum.Add(sum, term)
		}
		return sum
	}
	y := new(big.Float).SetPrec(1200).SetFloat64(x)
	y.Add(y, big.NewFloat(1))
	return refLogBig(y)
}

// refExp is e^x: x = k ln2 + r, |r| <= ln2/2, e^r by its Taylor series.
func refExp(x float64) *big.Float {
	k := math.Round(x / math.Ln2)
	r := bf().Sub(bf().SetFloat64(x), bf().Mul(bf().SetFloat64(k), refLn2))
	sum, term := bf().SetInt64(1), bf().SetInt64(1)
	for i := int64(1); i < 80; i++ {
		term.Mul(term, r)
		term.Quo(term, bf().SetInt64(i))
		sum.Add(sum, term)
	}
	return sum.SetMantExp(sum, int(k))
}

// ulpErr is |got - exact| in units of the last place of exact rounded to
// float64 (of the smallest subnormal below the normal range).
func ulpErr(got float64, exact *big.Float) float64 {
	want, _ := exact.Float64()
	u := math.Nextafter(math.Abs(want), math.Inf(1)) - math.Abs(want)
	if math.Abs(want) < 0x1p-1022 {
		u = math.SmallestNonzeroFloat64
	}
	d := bf().Sub(bf().SetFloat64(got), exact)
	e, _ := d.Abs(d).Float64()
	return e / u
}

type exactCheck struct {
	t     *testing.T
	name  string
	f     func(float64) float64
	ref   func(float64) *big.Float
	bound float64
	worst float64
	at    float64
}

func (c *exactCheck) check(x float64) {
	if e := ulpErr(c.f(x), c.ref(x)); e > c.worst {
		c.worst, c.at = e, x
	}
	if c.worst > c.bound {
		c.t.Fatalf("%s(%.17g) = %.17g: %.3f ulp from the exact value, above the bound %v", c.name, x, c.f(x), c.worst, c.bound)
	}
}

func (c *exactCheck) report() {
	c.t.Logf("%s: at most %.3f ulp from the exact value (at %.17g)", c.name, c.worst, c.at)
}

func exactPoints(t *testing.T) int {
	if testing.Short() || raceEnabled {
		return 3000
	}
	return 30000
}

func TestExpExact(t *testing.T) {
	c := &exactCheck{t: t, name: "Exp", f: Exp, ref: refExp, bound: 0.51}
	r := rand.New(rand.NewPCG(21, 22))
	for range exactPoints(t) {
		c.check(-708 + 1416*r.Float64())
		c.check(2*r.Float64() - 1)
		c.check(0.01 * (2*r.Float64() - 1))
	}
	c.report()
}

func TestLogExact(t *testing.T) {
	c := &exactCheck{t: t, name: "Log", f: Log, ref: refLog, bound: 0.8}
	r := rand.New(rand.NewPCG(23, 24))
	for range exactPoints(t) {
		c.check(math.Float64frombits(0x0010000000000000 + r.Uint64N(0x7ff0000000000000-0x0010000000000000)))
		c.check(0.5 + 1.5*r.Float64())
		c.check(0.97 + 0.06*r.Float64()) // the buckets next to 1, where the result is smallest
	}
	c.report()
}

func TestLog1pExact(t *testing.T) {
	c := &exactCheck{t: t, name: "Log1p", f: Log1p, ref: refLog1p, bound: 0.8}
	r := rand.New(rand.NewPCG(25, 26))
	for range exactPoints(t) {
		c.check(r.Float64())                    // [0, 1), the softplus range
		c.check(math.Exp(-60 * r.Float64()))    // down to 1e-26
		c.check(-1 + math.Exp(-30*r.Float64())) // (-1, 0)
		c.check(0.07*r.Float64() - 0.03)        // the buckets next to 1
		c.check(math.Exp(700 * r.Float64()))    // large x
	}
	c.report()
}

// intoBound is the slice kernels' bound: their vector forms (vector.go)
// reduce without tables and are held to an ulp; without them the kernels
// run the scalar functions.
func intoBound(scalar float64) float64 {
	if vectorOK {
		return 1
	}
	return scalar
}

// checkInto runs a slice kernel over xs and checks every element.
func checkInto(c *exactCheck, into func(dst, src []float64), xs []float64) {
	got := make([]float64, len(xs))
	into(got, xs)
	for i, x := range xs {
		c.f = func(float64) float64 { return got[i] }
		c.check(x)
	}
}

func TestExpIntoExact(t *testing.T) {
	c := &exactCheck{t: t, name: "ExpInto", ref: refExp, bound: intoBound(0.51)}
	r := rand.New(rand.NewPCG(27, 28))
	var xs []float64
	for range exactPoints(t) {
		xs = append(xs, -708+1416*r.Float64(), 2*r.Float64()-1, 0.01*(2*r.Float64()-1))
		// halves of ln2, where |r| is largest
		k := float64(r.IntN(2040) - 1020)
		xs = append(xs, (k+0.5)*math.Ln2)
	}
	checkInto(c, ExpInto, xs)
	c.report()
}

func TestLog1pIntoExact(t *testing.T) {
	c := &exactCheck{t: t, name: "Log1pInto", ref: refLog1p, bound: intoBound(0.8)}
	r := rand.New(rand.NewPCG(29, 30))
	var xs []float64
	for range exactPoints(t) {
		xs = append(xs,
			r.Float64(),                         // [0, 1), the softplus range
			math.Exp(-60*r.Float64()),           // down to 1e-26
			-1+math.Exp(-30*r.Float64()),        // (-1, 0)
			0.07*r.Float64()-0.03,               // around 0
			math.Sqrt2-1+0.02*(r.Float64()-0.5), // where k changes, above and below 0
			math.Sqrt2/2-1+0.02*(r.Float64()-0.5),
			math.Exp(700*r.Float64()), // large x
		)
	}
	checkInto(c, Log1pInto, xs)
	c.report()
}
