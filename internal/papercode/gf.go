package papercode

// Two finite fields. The characters are elements of GF(32), with bech32's
// multiplication (polynomials over GF(2) modulo x^5+x^3+1), because the
// codex32 generator constants are written in that field. The roots of the
// generators lie in GF(1024), the field where locating errors happens; we
// build it as GF(2)[x]/(x^10+x^3+1), which is primitive, so log and
// exponent tables give every product, and embed GF(32) into it as the
// subfield of elements whose logarithm is a multiple of 33.

const (
	gf32Mod   = 0x29  // x^5 + x^3 + 1
	gf1024Mod = 0x409 // x^10 + x^3 + 1
	gfOrder   = 1023  // multiplicative order of GF(1024)
)

var (
	gf32Mul [32][32]uint8
	gf32Inv [32]uint8 // gf32Inv[0] is unused

	gfExp [2 * gfOrder]uint16 // gfExp[i] = γ^i, twice over so sums of logs need no reduction
	gfLog [1024]int           // gfLog[0] is unused

	embed   [32]uint16 // a GF(32) character as an element of GF(1024)
	unembed [1024]int8 // the inverse of embed, -1 outside the subfield
)

func init() {
	for a := range 32 {
		for b := range 32 {
			gf32Mul[a][b] = mul32(uint8(a), uint8(b))
			if gf32Mul[a][b] == 1 {
				gf32Inv[a] = uint8(b)
			}
		}
	}

	x := uint16(1)
	for i := range gfOrder {
		gfExp[i], gfExp[i+gfOrder] = x, x
		gfLog[x] = i
		x <<= 1
		if x&1024 != 0 {
			x ^= gf1024Mod
		}
	}

	// ω is a root of x^5+x^3+1 in the subfield (logarithm a multiple of
	// 33); sending bech32's x to ω is then a field isomorphism onto it.
	var omega uint16
	for k := 1; k < 31 && omega == 0; k++ {
		w := gfExp[33*k]
		w3 := gfMul(gfMul(w, w), w)
		if gfMul(gfMul(w3, w), w)^w3^1 == 0 {
			omega = w
		}
	}
	for i := range unembed {
		unembed[i] = -1
	}
	for v := range 32 {
		var e uint16
		p := uint16(1)
		for bit := range 5 {
			if v>>bit&1 == 1 {
				e ^= p
			}
			p = gfMul(p, omega)
		}
		embed[v] = e
		unembed[e] = int8(v)
	}
}

// mul32 multiplies in bech32's GF(32), bit by bit.
func mul32(a, b uint8) uint8 {
	var r uint8
	for range 5 {
		if b&1 == 1 {
			r ^= a
		}
		b >>= 1
		a <<= 1
		if a&32 != 0 {
			a ^= gf32Mod
		}
	}
	return r
}

func gfMul(a, b uint16) uint16 {
	if a == 0 || b == 0 {
		return 0
	}
	return gfExp[gfLog[a]+gfLog[b]]
}

// gfDiv returns a/b; b must not be 0.
func gfDiv(a, b uint16) uint16 {
	if a == 0 {
		return 0
	}
	return gfExp[gfLog[a]+gfOrder-gfLog[b]]
}

// gfPow returns γ^e for any integer e.
func gfPow(e int) uint16 {
	e %= gfOrder
	if e < 0 {
		e += gfOrder
	}
	return gfExp[e]
}
