package hashcash

import (
	"encoding/binary"
	"math/bits"
)

// genericMixer is portable Go on blocks in their natural word order. It
// follows golang.org/x/crypto/scrypt (BSD licence, The Go Authors).
var genericMixer = &mixer{
	name: "generic",
	load: func(x *block, b []byte) {
		for i := range x {
			x[i] = binary.LittleEndian.Uint32(b[4*i:])
		}
	},
	store: func(b []byte, x *block) {
		for i, w := range x {
			binary.LittleEndian.PutUint32(b[4*i:], w)
		}
	},
	mix: blockMixGeneric,
}

// blockMixGeneric sets out = BlockMix(in ^ v), with the even sub-blocks in
// the first half of out and the odd ones in the second.
func blockMixGeneric(in, v, out *block) {
	var last [16]uint32
	for i := range last {
		last[i] = in[blockWords-16+i] ^ v[blockWords-16+i]
	}
	prev := &last
	for i := 0; i < 2*scryptR; i += 2 {
		o := (*[16]uint32)(out[i*8:])
		salsaXOR(prev, (*[16]uint32)(in[i*16:]), (*[16]uint32)(v[i*16:]), o)
		prev = o
		o = (*[16]uint32)(out[i*8+scryptR*16:])
		salsaXOR(prev, (*[16]uint32)(in[i*16+16:]), (*[16]uint32)(v[i*16+16:]), o)
		prev = o
	}
}

// salsaXOR sets out = Salsa20/8(prev ^ in ^ v); out may alias only prev.
func salsaXOR(prev, in, v, out *[16]uint32) {
	w0 := prev[0] ^ in[0] ^ v[0]
	w1 := prev[1] ^ in[1] ^ v[1]
	w2 := prev[2] ^ in[2] ^ v[2]
	w3 := prev[3] ^ in[3] ^ v[3]
	w4 := prev[4] ^ in[4] ^ v[4]
	w5 := prev[5] ^ in[5] ^ v[5]
	w6 := prev[6] ^ in[6] ^ v[6]
	w7 := prev[7] ^ in[7] ^ v[7]
	w8 := prev[8] ^ in[8] ^ v[8]
	w9 := prev[9] ^ in[9] ^ v[9]
	w10 := prev[10] ^ in[10] ^ v[10]
	w11 := prev[11] ^ in[11] ^ v[11]
	w12 := prev[12] ^ in[12] ^ v[12]
	w13 := prev[13] ^ in[13] ^ v[13]
	w14 := prev[14] ^ in[14] ^ v[14]
	w15 := prev[15] ^ in[15] ^ v[15]

	x0, x1, x2, x3, x4, x5, x6, x7, x8 := w0, w1, w2, w3, w4, w5, w6, w7, w8
	x9, x10, x11, x12, x13, x14, x15 := w9, w10, w11, w12, w13, w14, w15

	for i := 0; i < 8; i += 2 {
		x4 ^= bits.RotateLeft32(x0+x12, 7)
		x8 ^= bits.RotateLeft32(x4+x0, 9)
		x12 ^= bits.RotateLeft32(x8+x4, 13)
		x0 ^= bits.RotateLeft32(x12+x8, 18)

		x9 ^= bits.RotateLeft32(x5+x1, 7)
		x13 ^= bits.RotateLeft32(x9+x5, 9)
		x1 ^= bits.RotateLeft32(x13+x9, 13)
		x5 ^= bits.RotateLeft32(x1+x13, 18)

		x14 ^= bits.RotateLeft32(x10+x6, 7)
		x2 ^= bits.RotateLeft32(x14+x10, 9)
		x6 ^= bits.RotateLeft32(x2+x14, 13)
		x10 ^= bits.RotateLeft32(x6+x2, 18)

		x3 ^= bits.RotateLeft32(x15+x11, 7)
		x7 ^= bits.RotateLeft32(x3+x15, 9)
		x11 ^= bits.RotateLeft32(x7+x3, 13)
		x15 ^= bits.RotateLeft32(x11+x7, 18)

		x1 ^= bits.RotateLeft32(x0+x3, 7)
		x2 ^= bits.RotateLeft32(x1+x0, 9)
		x3 ^= bits.RotateLeft32(x2+x1, 13)
		x0 ^= bits.RotateLeft32(x3+x2, 18)

		x6 ^= bits.RotateLeft32(x5+x4, 7)
		x7 ^= bits.RotateLeft32(x6+x5, 9)
		x4 ^= bits.RotateLeft32(x7+x6, 13)
		x5 ^= bits.RotateLeft32(x4+x7, 18)

		x11 ^= bits.RotateLeft32(x10+x9, 7)
		x8 ^= bits.RotateLeft32(x11+x10, 9)
		x9 ^= bits.RotateLeft32(x8+x11, 13)
		x10 ^= bits.RotateLeft32(x9+x8, 18)

		x12 ^= bits.RotateLeft32(x15+x14, 7)
		x13 ^= bits.RotateLeft32(x12+x15, 9)
		x14 ^= bits.RotateLeft32(x13+x12, 13)
		x15 ^= bits.RotateLeft32(x14+x13, 18)
	}

	out[0] = x0 + w0
	out[1] = x1 + w1
	out[2] = x2 + w2
	out[3] = x3 + w3
	out[4] = x4 + w4
	out[5] = x5 + w5
	out[6] = x6 + w6
	out[7] = x7 + w7
	out[8] = x8 + w8
	out[9] = x9 + w9
	out[10] = x10 + w10
	out[11] = x11 + w11
	out[12] = x12 + w12
	out[13] = x13 + w13
	out[14] = x14 + w14
	out[15] = x15 + w15
}
