package papercode

import "testing"

// TestEmbed checks that GF(32) sits in our GF(1024) as a subfield: sums
// and products agree, and unembed undoes embed.
func TestEmbed(t *testing.T) {
	for a := range 32 {
		if unembed[embed[a]] != int8(a) {
			t.Fatalf("unembed(embed(%d)) = %d", a, unembed[embed[a]])
		}
		for b := range 32 {
			if embed[a^b] != embed[a]^embed[b] {
				t.Fatalf("embed(%d+%d) is not a sum", a, b)
			}
			if embed[gf32Mul[a][b]] != gfMul(embed[a], embed[b]) {
				t.Fatalf("embed(%d·%d) is not a product", a, b)
			}
		}
	}
	inField := 0
	for e := range unembed {
		if unembed[e] >= 0 {
			inField++
		}
	}
	if inField != 32 {
		t.Fatalf("%d elements map back to GF(32), want 32", inField)
	}
}

// TestCodeRoots checks the constants that locating rests on: the
// generators are BIP-93's (as written in its Mathematical Companion), and
// β^first … β^(first+7) are roots of them, with β of order length.
func TestCodeRoots(t *testing.T) {
	for _, c := range []struct {
		name string
		code *bchCode
		// BIP-93's generators, highest coefficient after the leading 1 first.
		companion string
	}{
		{"short", shortCode, "EM3GQEEELMCSS"},
		{"long", longCode, "02E6FE4XH4X9KYH"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code := c.code
			for i := range code.checkLen {
				if got, want := alphabet[code.gen[code.checkLen-1-i]], c.companion[i]; got != want {
					t.Errorf("coefficient of x^%d is %c, BIP-93 says %c", code.checkLen-1-i, got, want)
				}
			}
			g := func(z uint16) uint16 {
				v := uint16(1)
				for j := code.checkLen - 1; j >= 0; j-- {
					v = gfMul(v, z) ^ embed[code.gen[j]]
				}
				return v
			}
			for l := range 2 * maxErrors {
				if g(gfPow(code.betaLog*(code.first+l))) != 0 {
					t.Errorf("β^%d is not a root", code.first+l)
				}
			}
			ord := 1
			for beta := gfPow(code.betaLog); gfPow(code.betaLog*ord) != 1; ord++ {
				_ = beta
			}
			if ord != code.length {
				t.Errorf("β has order %d, want %d", ord, code.length)
			}
		})
	}
	// Our longest string must be within the long code's length.
	if n := dataChars(MaxPayload) + longCode.checkLen; n > longCode.length || n > 124 {
		t.Errorf("the longest code has %d characters after the prefix", n)
	}
	if n := dataChars(ShortMax) + shortCode.checkLen; n != shortCode.length {
		t.Errorf("the longest short code has %d characters after the prefix, want %d", n, shortCode.length)
	}
}
