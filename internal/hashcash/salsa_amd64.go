//go:build !purego

package hashcash

import "encoding/binary"

//go:noescape
func blockMixSSE2(in, v, out *block)

// Every amd64 CPU has SSE2. An AVX-512VL variant (one-instruction rotate)
// was tried and measured no faster here, so it is not kept.
var defaultMixer = sse2Mixer

// usableMixers lists every BlockMix this CPU can run, for tests.
func usableMixers() []*mixer { return []*mixer{genericMixer, sse2Mixer} }

// sse2Mixer keeps at position i of each sub-block its word 5*i mod 16, the
// layout the assembly's Salsa20/8 works on.
var sse2Mixer = &mixer{
	name: "sse2",
	load: func(x *block, b []byte) {
		for k := 0; k < blockWords; k += 16 {
			for i := 0; i < 16; i++ {
				x[k+i] = binary.LittleEndian.Uint32(b[4*(k+i*5%16):])
			}
		}
	},
	store: func(b []byte, x *block) {
		for k := 0; k < blockWords; k += 16 {
			for i := 0; i < 16; i++ {
				binary.LittleEndian.PutUint32(b[4*(k+i*5%16):], x[k+i])
			}
		}
	},
	mix: blockMixSSE2,
}
