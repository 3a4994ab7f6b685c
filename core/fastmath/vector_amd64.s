//go:build !purego

#include "textflag.h"

// Four-lane constants: VEX encodings take no broadcast memory operands.
#define VEC4(name, bits) \
	DATA name<>+0(SB)/8, bits; \
	DATA name<>+8(SB)/8, bits; \
	DATA name<>+16(SB)/8, bits; \
	DATA name<>+24(SB)/8, bits; \
	GLOBL name<>(SB), RODATA|NOPTR, $32

VEC4(absMask, $0x7fffffffffffffff)
VEC4(expLim, $700.0)
VEC4(invLn2, $1.4426950408889634)
VEC4(roundShift, $0x4338000000000000) // 0x1.8p52
VEC4(negLn2Hi, $-0.6931471803691238)  // -0x1.62e42fee00000p-1: k ln2Hi exact for |k| < 2^20
VEC4(negLn2Lo, $-1.9082149292705877e-10)
VEC4(expBias, $0x3ff0000000000000)    // 1023 << 52
VEC4(e13, $1.6059043836821613e-10)    // 1/13!
VEC4(e12, $2.08767569878681e-09)      // 1/12!
VEC4(e11, $2.505210838544172e-08)
VEC4(e10, $2.755731922398589e-07)
VEC4(e9, $2.7557319223985893e-06)
VEC4(e8, $2.48015873015873e-05)
VEC4(e7, $0.0001984126984126984)
VEC4(e6, $0.001388888888888889)
VEC4(e5, $0.008333333333333333)
VEC4(e4, $0.041666666666666664)
VEC4(e3, $0.16666666666666666)
VEC4(half, $0.5)

// func expBlocks(dst, src *float64, n int) int
//
// Per block: k = round(x/ln2) by adding 1.5 2^52 (k lands in the low bits),
// r = x - k ln2 with k ln2Hi exact and the rounding of the rest carried in
// rErr, e^r - 1 = r + rErr + r^2 (1/2 + r/6 + ... + r^11/13!) (the first
// term left out is below 2^-59 relative), and 2^k built in the exponent
// bits (|x| <= 700 keeps it normal); e^x = 2^k + 2^k (e^r - 1).
TEXT ·expBlocks(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	XORQ AX, AX
	VMOVUPD absMask<>(SB), Y15
	VMOVUPD expLim<>(SB), Y14
	VMOVUPD invLn2<>(SB), Y13
	VMOVUPD roundShift<>(SB), Y12
	VMOVUPD negLn2Hi<>(SB), Y11
	VMOVUPD negLn2Lo<>(SB), Y10
	VMOVUPD expBias<>(SB), Y9

expLoop:
	CMPQ AX, CX
	JGE  expDone
	VMOVUPD (SI)(AX*8), Y0
	VANDPD  Y15, Y0, Y1
	VCMPPD  $0x12, Y14, Y1, Y1 // |x| <= lim, false for NaN
	VMOVMSKPD Y1, BX
	CMPQ BX, $15
	JNE  expDone

	VMOVAPD     Y0, Y2
	VFMADD213PD Y12, Y13, Y2   // x/ln2 + shift
	VPSLLQ      $52, Y2, Y3
	VPADDQ      Y9, Y3, Y3     // 2^k
	VSUBPD      Y12, Y2, Y2    // k
	VMOVAPD     Y0, Y4
	VFMADD231PD Y11, Y2, Y4    // rHi = x - k ln2Hi, exact
	VMOVAPD     Y4, Y5
	VFMADD231PD Y10, Y2, Y5    // r = rHi - k ln2Lo
	VSUBPD      Y5, Y4, Y6
	VFMADD231PD Y10, Y2, Y6    // rErr = (rHi - r) - k ln2Lo

	VMOVUPD     e13<>(SB), Y7
	VFMADD213PD e12<>(SB), Y5, Y7
	VFMADD213PD e11<>(SB), Y5, Y7
	VFMADD213PD e10<>(SB), Y5, Y7
	VFMADD213PD e9<>(SB), Y5, Y7
	VFMADD213PD e8<>(SB), Y5, Y7
	VFMADD213PD e7<>(SB), Y5, Y7
	VFMADD213PD e6<>(SB), Y5, Y7
	VFMADD213PD e5<>(SB), Y5, Y7
	VFMADD213PD e4<>(SB), Y5, Y7
	VFMADD213PD e3<>(SB), Y5, Y7
	VFMADD213PD half<>(SB), Y5, Y7
	VMULPD      Y5, Y7, Y7
	VADDPD      Y6, Y5, Y6
	VFMADD213PD Y6, Y5, Y7     // e^r - 1
	VFMADD213PD Y3, Y3, Y7     // 2^k + 2^k (e^r - 1)
	VMOVUPD     Y7, (DI)(AX*8)
	ADDQ $4, AX
	JMP  expLoop

expDone:
	// clean upper halves: left set, they slow later SSE code
	VZEROUPPER
	MOVQ AX, ret+24(FP)
	RET

VEC4(one, $1.0)
VEC4(two, $2.0)
VEC4(minusOne, $-1.0)
VEC4(log1pHi, $0x7e70000000000000) // 2^1000
VEC4(sqrt2, $1.4142135623730951)
VEC4(mantissa, $0x000fffffffffffff)
VEC4(expField, $0x4330000000000000) // exponent field ORed into 2^52's mantissa
VEC4(expFieldBias, $0x43300000000003ff) // 2^52 + 1023
VEC4(a9, $0.10526315789473684) // 2/19
VEC4(a8, $0.11764705882352941) // 2/17
VEC4(a7, $0.13333333333333333)
VEC4(a6, $0.15384615384615385)
VEC4(a5, $0.18181818181818182)
VEC4(a4, $0.2222222222222222)
VEC4(a3, $0.2857142857142857)
VEC4(a2, $0.4)
VEC4(a1, $0.6666666666666666)
VEC4(ln2Hi, $0.6931471803691238)
VEC4(ln2Lo, $1.9082149292705877e-10)

// func log1pBlocks(dst, src *float64, n int) int
//
// With u = 1 + x rounded = 2^k m, m in [sqrt(1/2), sqrt(2)), and f = m - 1
// (exact): log(1 + x) = k ln2 + log(1 + f) + log(1 + c/u), where
// c = x - (u - 1) is what rounding u lost; for k = 0, f is x itself and c
// is not needed. log(1 + f) = f - (f^2/2 - s (f^2/2 + R(s^2))) with
// s = f/(2 + f) and R the atanh series from s^2 on, to s^18 (the first
// term left out is below 2^-54 relative). Where k != 0 the result is at
// least 0.34 in magnitude and c/u needs only a few correct digits: 1/m is
// its Taylor polynomial to f^4, within 1% for |f| <= 0.42.
TEXT ·log1pBlocks(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	XORQ AX, AX
	VMOVUPD one<>(SB), Y15
	VMOVUPD minusOne<>(SB), Y14
	VMOVUPD log1pHi<>(SB), Y13
	VXORPD  Y12, Y12, Y12      // 0

log1pLoop:
	CMPQ AX, CX
	JGE  log1pDone
	VMOVUPD (SI)(AX*8), Y0
	VCMPPD  $0x1e, Y14, Y0, Y1 // x > -1
	VCMPPD  $0x11, Y13, Y0, Y2 // x < 2^1000
	VANDPD  Y2, Y1, Y1
	VCMPPD  $0x0c, Y12, Y0, Y2 // x != 0 (and not NaN)
	VANDPD  Y2, Y1, Y1
	VMOVMSKPD Y1, BX
	CMPQ BX, $15
	JNE  log1pDone

	VADDPD    Y15, Y0, Y1      // u
	VANDPD    mantissa<>(SB), Y1, Y2
	VORPD     Y15, Y2, Y2      // u's mantissa in [1, 2)
	VPSRLQ    $52, Y1, Y3
	VPOR      expField<>(SB), Y3, Y3
	VSUBPD    expFieldBias<>(SB), Y3, Y3 // k
	VCMPPD    $0x1e, sqrt2<>(SB), Y2, Y4 // mantissa > sqrt(2)
	VMULPD    half<>(SB), Y2, Y5
	VBLENDVPD Y4, Y5, Y2, Y2   // m
	VADDPD    Y15, Y3, Y5
	VBLENDVPD Y4, Y5, Y3, Y3   // k
	VCMPPD    $0x00, Y12, Y3, Y4 // k == 0
	VSUBPD    Y15, Y2, Y5      // f = m - 1

	VSUBPD    Y15, Y1, Y7
	VSUBPD    Y7, Y0, Y7       // c = x - (u - 1)
	VPSUBQ    Y1, Y2, Y8
	VPADDQ    Y15, Y8, Y8      // 2^-k from the exponents of m and u
	VSUBPD    Y5, Y15, Y9      // 1 - f
	VFNMADD213PD Y15, Y5, Y9   // 1 - f (1 - f)
	VFNMADD213PD Y15, Y5, Y9
	VFNMADD213PD Y15, Y5, Y9   // 1/m to f^4
	VMULPD    Y8, Y7, Y7
	VMULPD    Y9, Y7, Y7       // c/u
	VBLENDVPD Y4, Y0, Y5, Y5   // f = x where k = 0
	VBLENDVPD Y4, Y12, Y7, Y7  // c = 0 there

	VADDPD    two<>(SB), Y5, Y8
	VDIVPD    Y8, Y5, Y8       // s
	VMULPD    Y8, Y8, Y9       // z = s^2
	VMOVUPD   a9<>(SB), Y10
	VFMADD213PD a8<>(SB), Y9, Y10
	VFMADD213PD a7<>(SB), Y9, Y10
	VFMADD213PD a6<>(SB), Y9, Y10
	VFMADD213PD a5<>(SB), Y9, Y10
	VFMADD213PD a4<>(SB), Y9, Y10
	VFMADD213PD a3<>(SB), Y9, Y10
	VFMADD213PD a2<>(SB), Y9, Y10
	VFMADD213PD a1<>(SB), Y9, Y10
	VMULPD    Y9, Y10, Y10     // R
	VMULPD    Y5, Y5, Y11
	VMULPD    half<>(SB), Y11, Y11 // f^2/2
	VADDPD    Y11, Y10, Y10
	VFMADD231PD ln2Lo<>(SB), Y3, Y7 // k ln2Lo + c
	VFMADD231PD Y10, Y8, Y7    // t = s (f^2/2 + R) + k ln2Lo + c
	VSUBPD    Y7, Y11, Y11
	VSUBPD    Y11, Y5, Y5      // f - (f^2/2 - t)
	VFMADD231PD ln2Hi<>(SB), Y3, Y5
	VMOVUPD   Y5, (DI)(AX*8)
	ADDQ $4, AX
	JMP  log1pLoop

log1pDone:
	VZEROUPPER
	MOVQ AX, ret+24(FP)
	RET
