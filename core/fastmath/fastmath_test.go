package fastmath

import (
	"math"
	"math/rand/v2"
	"testing"
)

// The bound every fast path is held to against the math package: the
// functions here are within about half an ulp of the exact value and the
// math package's within an ulp, so that they differ by less than 4e-16
// relative (under 2 ulp anywhere in a binade).
const relTol = 4e-16

// ulps is the distance from got to want in units of want's last place.
func ulps(got, want float64) float64 {
	if got == want {
		return 0
	}
	u := math.Nextafter(math.Abs(want), math.Inf(1)) - math.Abs(want)
	if want == 0 || math.IsInf(u, 0) {
		u = math.Abs(want) - math.Nextafter(math.Abs(want), 0)
	}
	if u == 0 {
		u = math.SmallestNonzeroFloat64
	}
	return math.Abs(got-want) / u
}

// same reports whether a and b are the same float64, NaN and the sign of
// zero included.
func same(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return math.Float64bits(a) == math.Float64bits(b)
}

type checker struct {
	t       *testing.T
	name    string
	f, ref  func(float64) float64
	maxRel  float64
	maxUlps float64
	worst   float64
}

func (c *checker) check(x float64) {
	got, want := c.f(x), c.ref(x)
	if math.IsNaN(want) || math.IsInf(want, 0) || want == 0 {
		if !same(got, want) {
			c.t.Fatalf("%s(%v) = %v, math gives %v", c.name, x, got, want)
		}
		return
	}
	rel := math.Abs(got-want) / math.Abs(want)
	// subnormal results have fewer digits; there only the ulp count counts
	// (the comparisons are written so that a NaN fails them)
	if math.Abs(want) >= 0x1p-1022 && !(rel <= relTol) {
		c.t.Fatalf("%s(%.17g) = %.17g, math gives %.17g: relative error %.3g", c.name, x, got, want, rel)
	}
	u := ulps(got, want)
	if !(u <= 2) {
		c.t.Fatalf("%s(%.17g) = %.17g, math gives %.17g: %.2f ulp apart", c.name, x, got, want, u)
	}
	if rel > c.maxRel {
		c.maxRel = rel
	}
	if u > c.maxUlps {
		c.maxUlps, c.worst = u, x
	}
}

func (c *checker) report() {
	c.t.Logf("%s: at most %.3g relative, %.2f ulp from math (at %.17g)", c.name, c.maxRel, c.maxUlps, c.worst)
}

var raceEnabled bool

// n is the number of random points per family; -short and -race run a
// tenth.
func n(t *testing.T) int {
	if testing.Short() || raceEnabled {
		return 200_000
	}
	return 2_000_000
}

var specials = []float64{
	0, math.Copysign(0, -1), 1, -1, 2, 0.5, math.Inf(1), math.Inf(-1), math.NaN(),
	math.SmallestNonzeroFloat64, -math.SmallestNonzeroFloat64, 0x1p-1022, -0x1p-1022,
	0x1p-1022 - 0x1p-1074, math.MaxFloat64, -math.MaxFloat64, 0x1p-53, -0x1p-53,
	0x1p-54, 0x1p-60, 1e-300, -1e-300, math.Ln2, -math.Ln2, math.E, math.Pi,
	708, -708, math.Nextafter(708, 1000), math.Nextafter(-708, -1000), 709.78, 709.8, -745, -745.2,
	-744.44, 1e10, -1e10, 0.75, 1.5, math.Nextafter(1, 0), math.Nextafter(1, 2),
	math.Nextafter(0.75, 0), math.Nextafter(1.5, 2), -0.5, -0.25, math.Nextafter(-1, 0),
	-1 + 0x1p-30, 0x1p53, 0x1p54, 0x1p54 + 4, 0x1p1023, 1.5 * 0x1p1023,
	math.Nextafter(0x1p1023, 0), math.Nextafter(1.5*0x1p1023, 0), 0x1.fffp1023,
}

func TestExp(t *testing.T) {
	c := &checker{t: t, name: "Exp", f: Exp, ref: math.Exp}
	slice := &checker{t: t, name: "ExpInto", ref: math.Exp, f: func(x float64) float64 {
		d := []float64{x}
		ExpInto(d, d)
		return d[0]
	}}
	for _, x := range specials {
		c.check(x)
		slice.check(x)
	}
	if Exp(0) != 1 || Exp(math.Copysign(0, -1)) != 1 {
		t.Fatal("Exp(±0) != 1")
	}
	r := rand.New(rand.NewPCG(1, 2))
	N := n(t)
	for range N {
		c.check(-746 + 1456*r.Float64())                                    // the whole range, subnormal to overflow
		c.check(2*r.Float64() - 1)                                          // near 0, where e^x is near 1
		c.check(math.Copysign(math.Exp(-700*r.Float64()), r.Float64()-0.5)) // |x| from 1e-304 to 1
		c.check(-745.2 + 37.2*r.Float64())                                  // subnormal results and the edge of the fast path
		c.check(705 + 4.8*r.Float64())                                      // near overflow
		// integers and half-integers times ln2/N, where r is at its extremes
		k := float64(r.IntN(1<<19) - 1<<18)
		c.check((k + 0.5) * (math.Ln2 / 128))
	}
	c.report()
}

// The slice kernels give the scalar functions' results, in place or not:
// to the bit for every special value (NaN, infinities, zeros, subnormal
// results, all of which their vector forms leave to the scalar code), and
// elsewhere to the bit where there is no vector form, within 2 ulp where
// there is one (both are within an ulp of the exact value; exact_test.go
// holds the kernels to their bound).
func TestInto(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	src := append([]float64{}, specials...)
	for range 10000 {
		src = append(src, -800+1600*r.Float64(), randPositive(r), -randPositive(r), r.Float64())
	}
	for _, k := range []struct {
		name string
		into func(dst, src []float64)
		f    func(float64) float64
	}{{"Exp", ExpInto, Exp}, {"Log", LogInto, Log}, {"Log1p", Log1pInto, Log1p}} {
		// every length, so that each position of a tail is covered
		for _, l := range []int{len(src), len(src) - 1, len(src) - 2, len(src) - 3, 5, 3, 0} {
			src := src[:l]
			dst := make([]float64, l+3)
			k.into(dst, src)
			inPlace := append([]float64{}, src...)
			k.into(inPlace, inPlace)
			for i, x := range src {
				want := k.f(x)
				exact := !vectorOK || math.IsNaN(want) || math.IsInf(want, 0) || math.Abs(want) < 0x1p-1022
				for _, got := range []float64{dst[i], inPlace[i]} {
					if exact && !same(got, want) || !exact && !(ulps(got, want) <= 2) {
						t.Fatalf("%sInto at %v (element %d of %d): %v, %s %v", k.name, x, i, l, got, k.name, want)
					}
				}
			}
			for _, v := range dst[l:] {
				if v != 0 {
					t.Fatalf("%sInto wrote past the end of src (length %d)", k.name, l)
				}
			}
		}
	}
}

// randPositive draws a positive finite double with uniformly random bits,
// so that every binade, subnormals included, is sampled alike.
func randPositive(r *rand.Rand) float64 {
	for {
		x := math.Float64frombits(r.Uint64() >> 1)
		if x > 0 && !math.IsInf(x, 0) && !math.IsNaN(x) {
			return x
		}
	}
}

func TestLog(t *testing.T) {
	c := &checker{t: t, name: "Log", f: Log, ref: math.Log}
	for _, x := range specials {
		c.check(x)
	}
	if Log(1) != 0 || math.Signbit(Log(1)) {
		t.Fatal("Log(1) != +0")
	}
	r := rand.New(rand.NewPCG(3, 4))
	N := n(t)
	for range N {
		c.check(randPositive(r))
		c.check(0.5 + 1.5*r.Float64())                                         // the buckets, k = -1 and 0
		c.check(1 + math.Copysign(math.Exp(-40*r.Float64()), r.Float64()-0.5)) // near 1, both sides
		c.check(math.Float64frombits(0x3ff0000000000000 + r.Uint64()>>40))     // just above 1, bit by bit
		c.check(math.Float64frombits(0x3ff0000000000000 - r.Uint64()>>40))     // just below 1
	}
	c.report()
}

func TestLog1p(t *testing.T) {
	c := &checker{t: t, name: "Log1p", f: Log1p, ref: math.Log1p}
	for _, x := range specials {
		c.check(x)
	}
	for _, x := range []float64{0, math.Copysign(0, -1)} {
		if !same(Log1p(x), x) {
			t.Fatalf("Log1p(%v) = %v", x, Log1p(x))
		}
	}
	r := rand.New(rand.NewPCG(5, 6))
	N := n(t)
	for range N {
		c.check(randPositive(r))
		c.check(-math.Float64frombits(r.Uint64() >> 2 & (0x3ff0000000000000 - 1)))  // (-1, 0], all binades
		c.check(r.Float64())                                                        // [0, 1), the softplus range
		c.check(math.Exp(-745 * r.Float64()))                                       // log-uniform in (0, 1]
		c.check(-1 + math.Exp(-36*r.Float64()))                                     // near -1
		c.check(math.Copysign(math.Exp(-20*r.Float64()), r.Float64()-0.5) * 0x1p-7) // the central buckets
		c.check(1e3 * math.Exp(40*r.Float64()))                                     // large x
	}
	c.report()
}

var sink float64

func benchInputs(lo, hi float64) []float64 {
	r := rand.New(rand.NewPCG(7, 8))
	x := make([]float64, 1024)
	for i := range x {
		x[i] = lo + (hi-lo)*r.Float64()
	}
	return x
}

func benchScalar(b *testing.B, f func(float64) float64, x []float64) {
	var s float64
	for b.Loop() {
		for _, v := range x {
			s += f(v)
		}
	}
	sink = s
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(x)), "ns/elem")
}

func BenchmarkExp(b *testing.B) {
	x := benchInputs(-30, 0)
	b.Run("fastmath", func(b *testing.B) { benchScalar(b, Exp, x) })
	b.Run("math", func(b *testing.B) { benchScalar(b, math.Exp, x) })
	b.Run("into", func(b *testing.B) { benchInto(b, ExpInto, x) })
}

func benchInto(b *testing.B, into func(dst, src []float64), x []float64) {
	d := make([]float64, len(x))
	for b.Loop() {
		into(d, x)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(x)), "ns/elem")
}

func BenchmarkLog(b *testing.B) {
	x := benchInputs(0.01, 100)
	b.Run("fastmath", func(b *testing.B) { benchScalar(b, Log, x) })
	b.Run("math", func(b *testing.B) { benchScalar(b, math.Log, x) })
	b.Run("into", func(b *testing.B) { benchInto(b, LogInto, x) })
}

func BenchmarkLog1p(b *testing.B) {
	x := benchInputs(0, 1)
	b.Run("fastmath", func(b *testing.B) { benchScalar(b, Log1p, x) })
	b.Run("math", func(b *testing.B) { benchScalar(b, math.Log1p, x) })
	b.Run("into", func(b *testing.B) { benchInto(b, Log1pInto, x) })
}
