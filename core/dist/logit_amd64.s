//go:build !purego

#include "textflag.h"

#define VEC4(name, bits) \
	DATA name<>+0(SB)/8, bits; \
	DATA name<>+8(SB)/8, bits; \
	DATA name<>+16(SB)/8, bits; \
	DATA name<>+24(SB)/8, bits; \
	GLOBL name<>(SB), RODATA|NOPTR, $32

VEC4(one, $1.0)
VEC4(signBit, $0x8000000000000000)

// func logitBlocks(l, v, e, sp, d *float64, n int) (done int, sum float64)
//
// As the scalar loop: a = l with its sign flipped where v = 1; the
// negated log-density max(a, 0) + sp summed in four lanes; the derivative
// ±(a < 0 ? e : 1)/(1 + e), + for v = 1, chosen by the sign bits.
TEXT ·logitBlocks(SB), NOSPLIT, $0-64
	MOVQ l+0(FP), R8
	MOVQ v+8(FP), R9
	MOVQ e+16(FP), R10
	MOVQ sp+24(FP), R11
	MOVQ d+32(FP), DI
	MOVQ n+40(FP), CX
	XORQ AX, AX
	VMOVUPD one<>(SB), Y15
	VMOVUPD signBit<>(SB), Y14
	VXORPD  Y13, Y13, Y13      // 0
	VXORPD  Y12, Y12, Y12      // the sum

loop:
	CMPQ AX, CX
	JGE  finish
	VMOVUPD (R9)(AX*8), Y0     // v
	VCMPPD  $0x00, Y15, Y0, Y1 // v == 1
	VCMPPD  $0x00, Y13, Y0, Y2 // v == 0
	VORPD   Y2, Y1, Y2
	VMOVMSKPD Y2, BX
	CMPQ BX, $15
	JNE  finish
	VANDPD  Y14, Y1, Y1        // the sign bit where v == 1
	VXORPD  (R8)(AX*8), Y1, Y3 // a
	VMAXPD  Y3, Y13, Y4        // max(a, 0); a where a is NaN
	VADDPD  (R11)(AX*8), Y4, Y4
	VADDPD  Y4, Y12, Y12
	VMOVUPD (R10)(AX*8), Y5    // e
	VBLENDVPD Y3, Y5, Y15, Y6  // a < 0 ? e : 1
	VADDPD  Y15, Y5, Y7
	VDIVPD  Y7, Y6, Y6
	VXORPD  Y14, Y1, Y1        // sign bit where v == 0
	VXORPD  Y1, Y6, Y6
	VMOVUPD Y6, (DI)(AX*8)
	ADDQ $4, AX
	JMP  loop

finish:
	VEXTRACTF128 $1, Y12, X0
	VADDPD  X12, X0, X0
	VHADDPD X0, X0, X0
	// clean upper halves: left set, they slow later SSE code
	VZEROUPPER
	MOVQ  AX, done+48(FP)
	MOVSD X0, sum+56(FP)
	RET
