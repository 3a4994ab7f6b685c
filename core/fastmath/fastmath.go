// Package fastmath holds exp, log and log1p for float64 within 0.8 ulp of
// the exact result over their whole domain (the math package's are within
// about an ulp, math.Exp on amd64 1.6), faster than the math package's,
// and slice kernels that run them without a call per element, for the
// per-element loops of log-densities.
//
// math.Log on amd64 is an assembly routine with a division and a long
// dependency chain, and math.Log1p and math.Exp are general-purpose too;
// here each function reduces its argument with a 128-entry table to an
// interval of width about 2^-8, where a short Taylor polynomial is exact to
// well below an ulp, and rebuilds the result without a division. Arguments
// outside the fast path's range (non-finite, subnormal, overflowing or
// underflowing results) are passed on to the math package, so that the
// special values are exactly its own.
//
// ExpInto and Log1pInto run four elements at a time on amd64 with AVX2
// and FMA (vector_amd64.go); their results are then within 1 ulp of the
// exact value and may differ from Exp's and Log1p's in the last bit.
package fastmath

import "math"

//go:generate go run ./internal/gentables -o tables.go

// The generator must use the same values (see internal/gentables).
const (
	expBits  = 7
	logBits  = 7
	logOff   = 0x3fe8000000000000
	expShift = 0x1.8p52 // adding it rounds |x| < 2^51 to an integer in the low bits
	// Exp takes the fast path for |x| <= expMax: e^x and 2^k for the k of
	// the reduction are then normal, finite doubles.
	expMax = 708
)

// Exp returns e^x with an error below 0.51 ulp; it is math.Exp(x) for
// NaN, ±Inf and |x| > 708, where e^x overflows or is nearly or wholly
// subnormal.
func Exp(x float64) float64 {
	if !(math.Abs(x) <= expMax) {
		return math.Exp(x)
	}
	s, tail, r := expReduce(x)
	return s + s*(expm1Poly(r)+tail)
}

// ExpInto writes e^src[i] into dst[i] for every i; dst and src may be the
// same slice. dst must be at least as long as src.
func ExpInto(dst, src []float64) {
	dst = dst[:len(src)]
	done := expVector(dst, src)
	for i, x := range src[done:] {
		i += done
		if !(math.Abs(x) <= expMax) {
			dst[i] = math.Exp(x)
			continue
		}
		s, tail, r := expReduce(x)
		dst[i] = s + s*(expm1Poly(r)+tail)
	}
}

// The fast paths are split into pieces small enough for the compiler to
// inline, so that the slice kernels run without a call per element.

// expReduce writes x (|x| <= expMax) as (k N + j) ln2/N + r with
// |r| <= ln2/(2N) and returns s = 2^(k + j/N) rounded, the relative error
// tail of that rounding, and r; then e^x = s (1 + tail) e^r.
func expReduce(x float64) (s, tail, r float64) {
	kd := x*invLn2N + expShift
	ki := math.Float64bits(kd)
	kd -= expShift
	// kd*ln2NHead is exact and so is x - kd*ln2NHead (Sterbenz), so that r
	// carries only the rounding of the tail's product
	r = (x - kd*ln2NHead) - kd*ln2NTail
	e := &expTab[ki&(1<<expBits-1)]
	return math.Float64frombits(e.bits + ki<<(52-expBits)), e.tail, r
}

// expm1Poly is e^r - 1 for |r| <= ln2/(2N) by its Taylor polynomial to
// r^5: the first term left out is below 2^-60.
func expm1Poly(r float64) float64 {
	r2 := r * r
	return r + r2*((1.0/2+r*(1.0/6))+r2*(1.0/24+r*(1.0/120)))
}

// inLogRange reports whether the bits ix are those of a number in the
// range of the fast path of Log and Log1p: positive, normal and below
// 2^1023, so that the 2^-k logReduce builds from bits is finite. One
// unsigned comparison rejects zero, subnormals, negative numbers, the top
// binade, +Inf and NaN.
func inLogRange(ix uint64) bool {
	return ix-0x0010000000000000 < 0x7fe0000000000000-0x0010000000000000
}

// Log returns the natural logarithm of x with an error below 0.8 ulp; it
// is math.Log(x) for x <= 0, subnormal x, x >= 2^1023, +Inf and NaN.
func Log(x float64) float64 {
	ix := math.Float64bits(x)
	if !inLogRange(ix) {
		return math.Log(x)
	}
	return logFinish(logReduce(ix, 0))
}

// LogInto writes log(src[i]) into dst[i] for every i; dst and src may be
// the same slice. dst must be at least as long as src.
func LogInto(dst, src []float64) {
	dst = dst[:len(src)]
	for i, x := range src {
		ix := math.Float64bits(x)
		if !inLogRange(ix) {
			dst[i] = math.Log(x)
			continue
		}
		dst[i] = logFinish(logReduce(ix, 0))
	}
}

// Log1p returns log(1 + x) with an error below 0.8 ulp; it is
// math.Log1p(x) for x <= -1, x = ±0, x >= 2^1023, +Inf and NaN.
func Log1p(x float64) float64 {
	u := 1 + x
	iu := math.Float64bits(u)
	if !inLogRange(iu) || x == 0 {
		return math.Log1p(x)
	}
	// 1 + x = u + (x - (u-1)) exactly: u - 1 is exact for every u the sum
	// can produce above 0
	return logFinish(logReduce(iu, x-(u-1)))
}

// Log1pInto writes log(1 + src[i]) into dst[i] for every i; dst and src
// may be the same slice. dst must be at least as long as src.
func Log1pInto(dst, src []float64) {
	dst = dst[:len(src)]
	done := log1pVector(dst, src)
	for i, x := range src[done:] {
		i += done
		u := 1 + x
		iu := math.Float64bits(u)
		if !inLogRange(iu) || x == 0 {
			dst[i] = math.Log1p(x)
			continue
		}
		dst[i] = logFinish(logReduce(iu, x-(u-1)))
	}
}

// logReduce writes u + d, u positive, normal and finite with bits iu and d
// at most an ulp of u (u < 2^1023; d = 0 unless 2^-k is normal), as
// 2^k z (1 + r) with m = u 2^-k in [0.75, 1.5) and z the centre of m's
// bucket, so that |r| <= 2^-7, and returns
// w = k ln2 + log(z) rounded to a multiple of 2^-42 (exactly), r, and the
// rest of k ln2 + log(z).
func logReduce(iu uint64, d float64) (w, r, rest float64) {
	tmp := iu - logOff
	hk := tmp & (0xfff << 52) // k << 52
	e := &logTab[tmp>>(52-logBits)&(1<<logBits-1)]
	// m - z is exact (Sterbenz), and so is adding d 2^-k to it wherever d
	// is not 0 (d tiny, k < 54)
	r = (math.Float64frombits(iu-hk) - e.z + d*math.Float64frombits(0x3ff0000000000000-hk)) * e.c
	kf := float64(int64(tmp) >> 52)
	return kf*ln2Head + e.head, r, kf*ln2Tail + e.tail
}

// logFinish is w + log(1 + r) + rest: hi + lo is w + r exactly, as
// |w| >= |r| unless w = 0, and log(1 + r) - r is its Taylor polynomial to
// r^8, the first term left out below 2^-59 relative to r.
func logFinish(w, r, rest float64) float64 {
	hi := w + r
	r2 := r * r
	q := ((-1.0/2 + r*(1.0/3)) + r2*(-1.0/4+r*(1.0/5))) +
		r2*r2*((-1.0/6+r*(1.0/7))+r2*(-1.0/8))
	return hi + (((w - hi) + r) + rest + r2*q)
}
