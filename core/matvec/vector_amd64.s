//go:build !purego

#include "textflag.h"

// func mulRows(dst, a, x *float64, rows4, cols4, stride, add int)
//
// Eight rows at a time (then four): a dot product per row in Y0-Y7, their
// FMA chains independent, summed across lanes four rows at a time by two
// horizontal adds and two 128-bit permutations into one vector of four
// results.
TEXT ·mulRows(SB), NOSPLIT, $0-56
	MOVQ dst+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ x+16(FP), DX
	MOVQ rows4+24(FP), CX
	MOVQ cols4+32(FP), R14
	SHLQ $3, R14           // bytes of a row's vector part
	MOVQ stride+40(FP), R8
	SHLQ $3, R8            // bytes from row to row
	MOVQ add+48(FP), R15
	LEAQ (R8)(R8*2), R9    // three rows

rows8:
	CMPQ CX, $8
	JLT  rows4
	MOVQ SI, R10           // rows 0-3: R10, +R8, +2 R8, +R9
	LEAQ (SI)(R8*4), R11   // rows 4-7
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	VXORPD Y6, Y6, Y6
	VXORPD Y7, Y7, Y7
	XORQ BX, BX

rows8Cols:
	CMPQ BX, R14
	JGE  rows8Sum
	VMOVUPD (DX)(BX*1), Y8
	LEAQ (R10)(BX*1), R12
	LEAQ (R11)(BX*1), R13
	VFMADD231PD (R12), Y8, Y0
	VFMADD231PD (R12)(R8*1), Y8, Y1
	VFMADD231PD (R12)(R8*2), Y8, Y2
	VFMADD231PD (R12)(R9*1), Y8, Y3
	VFMADD231PD (R13), Y8, Y4
	VFMADD231PD (R13)(R8*1), Y8, Y5
	VFMADD231PD (R13)(R8*2), Y8, Y6
	VFMADD231PD (R13)(R9*1), Y8, Y7
	ADDQ $32, BX
	JMP  rows8Cols

rows8Sum:
	VHADDPD    Y1, Y0, Y0  // rows 0 and 1: lanes 0+1 and 2+3
	VHADDPD    Y3, Y2, Y2
	VPERM2F128 $0x20, Y2, Y0, Y1
	VPERM2F128 $0x31, Y2, Y0, Y3
	VADDPD     Y3, Y1, Y1  // rows 0-3
	VHADDPD    Y5, Y4, Y4
	VHADDPD    Y7, Y6, Y6
	VPERM2F128 $0x20, Y6, Y4, Y5
	VPERM2F128 $0x31, Y6, Y4, Y7
	VADDPD     Y7, Y5, Y5  // rows 4-7
	TESTQ R15, R15
	JZ    rows8Store
	VADDPD (DI), Y1, Y1
	VADDPD 32(DI), Y5, Y5

rows8Store:
	VMOVUPD Y1, (DI)
	VMOVUPD Y5, 32(DI)
	ADDQ $64, DI
	LEAQ (R11)(R8*4), SI
	SUBQ $8, CX
	JMP  rows8

rows4:
	CMPQ CX, $4
	JLT  rowsDone
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	XORQ BX, BX

rows4Cols:
	CMPQ BX, R14
	JGE  rows4Sum
	VMOVUPD (DX)(BX*1), Y8
	LEAQ (SI)(BX*1), R12
	VFMADD231PD (R12), Y8, Y0
	VFMADD231PD (R12)(R8*1), Y8, Y1
	VFMADD231PD (R12)(R8*2), Y8, Y2
	VFMADD231PD (R12)(R9*1), Y8, Y3
	ADDQ $32, BX
	JMP  rows4Cols

rows4Sum:
	VHADDPD    Y1, Y0, Y0
	VHADDPD    Y3, Y2, Y2
	VPERM2F128 $0x20, Y2, Y0, Y1
	VPERM2F128 $0x31, Y2, Y0, Y3
	VADDPD     Y3, Y1, Y1
	TESTQ R15, R15
	JZ    rows4Store
	VADDPD (DI), Y1, Y1

rows4Store:
	VMOVUPD Y1, (DI)

rowsDone:
	// clean upper halves: left set, they slow later SSE code
	VZEROUPPER
	RET

// func mulCols(dst, a, y *float64, rows, cols4, stride, add int)
//
// A block of up to twelve groups of four columns per pass over the rows:
// accumulators Y0-Y11, y[i] broadcast in Y12. A block narrower than twelve
// leaves the row's loop after its last group; the branches go the same
// way for every row.
TEXT ·mulCols(SB), NOSPLIT, $0-56
	MOVQ dst+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ y+16(FP), DX
	MOVQ rows+24(FP), CX
	MOVQ cols4+32(FP), R14
	SHRQ $2, R14           // groups of four columns left
	MOVQ stride+40(FP), R8
	SHLQ $3, R8
	MOVQ add+48(FP), R15

colBlock:
	TESTQ R14, R14
	JZ    colsDone
	MOVQ  R14, R9
	CMPQ  R9, $12
	JLE   colWidth
	MOVQ  $12, R9

colWidth:

	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	VXORPD Y6, Y6, Y6
	VXORPD Y7, Y7, Y7
	VXORPD Y8, Y8, Y8
	VXORPD Y9, Y9, Y9
	VXORPD Y10, Y10, Y10
	VXORPD Y11, Y11, Y11
	MOVQ SI, R10
	MOVQ DX, R11
	MOVQ CX, R12
	TESTQ R12, R12
	JZ   colStore

colRow:
	VBROADCASTSD (R11), Y12
	VFMADD231PD 0(R10), Y12, Y0
	CMPQ R9, $1
	JEQ  colNext
	VFMADD231PD 32(R10), Y12, Y1
	CMPQ R9, $2
	JEQ  colNext
	VFMADD231PD 64(R10), Y12, Y2
	CMPQ R9, $3
	JEQ  colNext
	VFMADD231PD 96(R10), Y12, Y3
	CMPQ R9, $4
	JEQ  colNext
	VFMADD231PD 128(R10), Y12, Y4
	CMPQ R9, $5
	JEQ  colNext
	VFMADD231PD 160(R10), Y12, Y5
	CMPQ R9, $6
	JEQ  colNext
	VFMADD231PD 192(R10), Y12, Y6
	CMPQ R9, $7
	JEQ  colNext
	VFMADD231PD 224(R10), Y12, Y7
	CMPQ R9, $8
	JEQ  colNext
	VFMADD231PD 256(R10), Y12, Y8
	CMPQ R9, $9
	JEQ  colNext
	VFMADD231PD 288(R10), Y12, Y9
	CMPQ R9, $10
	JEQ  colNext
	VFMADD231PD 320(R10), Y12, Y10
	CMPQ R9, $11
	JEQ  colNext
	VFMADD231PD 352(R10), Y12, Y11

colNext:
	ADDQ R8, R10
	ADDQ $8, R11
	DECQ R12
	JNZ  colRow

colStore:
	TESTQ R15, R15
	JZ    colPut
	VADDPD 0(DI), Y0, Y0
	CMPQ R9, $1
	JEQ  colPut
	VADDPD 32(DI), Y1, Y1
	CMPQ R9, $2
	JEQ  colPut
	VADDPD 64(DI), Y2, Y2
	CMPQ R9, $3
	JEQ  colPut
	VADDPD 96(DI), Y3, Y3
	CMPQ R9, $4
	JEQ  colPut
	VADDPD 128(DI), Y4, Y4
	CMPQ R9, $5
	JEQ  colPut
	VADDPD 160(DI), Y5, Y5
	CMPQ R9, $6
	JEQ  colPut
	VADDPD 192(DI), Y6, Y6
	CMPQ R9, $7
	JEQ  colPut
	VADDPD 224(DI), Y7, Y7
	CMPQ R9, $8
	JEQ  colPut
	VADDPD 256(DI), Y8, Y8
	CMPQ R9, $9
	JEQ  colPut
	VADDPD 288(DI), Y9, Y9
	CMPQ R9, $10
	JEQ  colPut
	VADDPD 320(DI), Y10, Y10
	CMPQ R9, $11
	JEQ  colPut
	VADDPD 352(DI), Y11, Y11

colPut:
	VMOVUPD Y0, 0(DI)
	CMPQ R9, $1
	JEQ  colAdvance
	VMOVUPD Y1, 32(DI)
	CMPQ R9, $2
	JEQ  colAdvance
	VMOVUPD Y2, 64(DI)
	CMPQ R9, $3
	JEQ  colAdvance
	VMOVUPD Y3, 96(DI)
	CMPQ R9, $4
	JEQ  colAdvance
	VMOVUPD Y4, 128(DI)
	CMPQ R9, $5
	JEQ  colAdvance
	VMOVUPD Y5, 160(DI)
	CMPQ R9, $6
	JEQ  colAdvance
	VMOVUPD Y6, 192(DI)
	CMPQ R9, $7
	JEQ  colAdvance
	VMOVUPD Y7, 224(DI)
	CMPQ R9, $8
	JEQ  colAdvance
	VMOVUPD Y8, 256(DI)
	CMPQ R9, $9
	JEQ  colAdvance
	VMOVUPD Y9, 288(DI)
	CMPQ R9, $10
	JEQ  colAdvance
	VMOVUPD Y10, 320(DI)
	CMPQ R9, $11
	JEQ  colAdvance
	VMOVUPD Y11, 352(DI)

colAdvance:
	MOVQ R9, BX
	SHLQ $5, BX            // bytes of the block
	ADDQ BX, DI
	ADDQ BX, SI
	SUBQ R9, R14
	JMP  colBlock

colsDone:
	VZEROUPPER
	RET
