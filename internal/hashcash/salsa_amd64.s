//go:build !purego

#include "textflag.h"

// Salsa20/8 on a 64-byte sub-block held in X0..X3 in the diagonal layout of
// Colin Percival's crypto_scrypt-sse.c: position i holds the sub-block's
// word 5*i mod 16, so each column and each row of the Salsa matrix sits
// across the four registers and one quarter-round step is one SIMD step.
// X8 and X9 are scratch.

// QR sets C ^= rotl(A+B, S); RS = 32-S.
#define QR(A, B, C, S, RS) \
	MOVO A, X8; \
	PADDL B, X8; \
	MOVO X8, X9; \
	PSLLL $S, X8; \
	PSRLL $RS, X9; \
	PXOR X8, C; \
	PXOR X9, C

#define DOUBLEROUND \
	QR(X0, X3, X1, 7, 25); \
	QR(X1, X0, X2, 9, 23); \
	QR(X2, X1, X3, 13, 19); \
	QR(X3, X2, X0, 18, 14); \
	PSHUFL $0x93, X1, X1; \
	PSHUFL $0x4E, X2, X2; \
	PSHUFL $0x39, X3, X3; \
	QR(X0, X1, X3, 7, 25); \
	QR(X3, X0, X2, 9, 23); \
	QR(X2, X3, X1, 13, 19); \
	QR(X1, X2, X0, 18, 14); \
	PSHUFL $0x39, X1, X1; \
	PSHUFL $0x4E, X2, X2; \
	PSHUFL $0x93, X3, X3

// SUBBLOCK sets X0..X3 = Salsa20/8(X0..X3 ^ in ^ v) for the sub-block at SI
// and DI and stores the result at DST.
#define SUBBLOCK(DST) \
	MOVOU 0(SI), X4; \
	MOVOU 16(SI), X5; \
	MOVOU 32(SI), X6; \
	MOVOU 48(SI), X7; \
	MOVOU 0(DI), X10; \
	MOVOU 16(DI), X11; \
	MOVOU 32(DI), X12; \
	MOVOU 48(DI), X13; \
	PXOR X10, X4; \
	PXOR X11, X5; \
	PXOR X12, X6; \
	PXOR X13, X7; \
	PXOR X4, X0; \
	PXOR X5, X1; \
	PXOR X6, X2; \
	PXOR X7, X3; \
	MOVO X0, X4; \
	MOVO X1, X5; \
	MOVO X2, X6; \
	MOVO X3, X7; \
	DOUBLEROUND; \
	DOUBLEROUND; \
	DOUBLEROUND; \
	DOUBLEROUND; \
	PADDL X4, X0; \
	PADDL X5, X1; \
	PADDL X6, X2; \
	PADDL X7, X3; \
	MOVOU X0, 0(DST); \
	MOVOU X1, 16(DST); \
	MOVOU X2, 32(DST); \
	MOVOU X3, 48(DST)

// func blockMixSSE2(in, v, out *block)
// out = BlockMix(in ^ v) for r=8 (1024-byte blocks, 16 sub-blocks), all in
// the diagonal layout; out must not alias in or v.
TEXT ·blockMixSSE2(SB), NOSPLIT, $0-24
	MOVQ in+0(FP), SI
	MOVQ v+8(FP), DI
	MOVQ out+16(FP), DX
	LEAQ 512(DX), R8

	// X = in[15] ^ v[15]
	MOVOU 960(SI), X0
	MOVOU 976(SI), X1
	MOVOU 992(SI), X2
	MOVOU 1008(SI), X3
	MOVOU 960(DI), X10
	MOVOU 976(DI), X11
	MOVOU 992(DI), X12
	MOVOU 1008(DI), X13
	PXOR X10, X0
	PXOR X11, X1
	PXOR X12, X2
	PXOR X13, X3

	MOVQ $8, CX

loop:
	SUBBLOCK(DX)
	ADDQ $64, SI
	ADDQ $64, DI
	ADDQ $64, DX
	SUBBLOCK(R8)
	ADDQ $64, SI
	ADDQ $64, DI
	ADDQ $64, R8
	DECQ CX
	JNZ loop
	RET
