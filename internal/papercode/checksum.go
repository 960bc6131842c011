package papercode

import "math/big"

// A bchCode is one of codex32's two checksums (BIP-93): a BCH code over
// GF(32) whose generator g has degree checkLen and, among its roots,
// β^first … β^(first+7) for an element β of GF(1024) of order length. Eight
// consecutive roots give minimum distance 9: up to 8 wrong characters are
// always detected and up to 4 can be located, in any string of at most
// length characters.
type bchCode struct {
	checkLen int
	gen      [maxCheck]uint8 // g(x) - x^checkLen, gen[j] the coefficient of x^j
	target   residue         // the residue of every valid string
	betaLog  int             // β = γ^betaLog in our GF(1024)
	first    int             // the first of the eight consecutive roots
	length   int             // ord(β): the longest string the guarantees hold for
}

const maxCheck = 15

// A residue is a polynomial of degree below checkLen, r[j] the coefficient
// of x^j: what is left of a string's polynomial after dividing by g.
type residue [maxCheck]uint8

// The constants are BIP-93's, written as it writes them (GEN[0] of
// ms32_polymod is g without its leading term; MS32_CONST is the residue of
// a valid string, "SECRETSHARE32" in bech32 characters). betaLog and first
// depend on our GF(1024) and were found by searching all its elements;
// TestCodeRoots checks them.
var (
	shortCode = newCode(13, "19dc500ce73fde210", "10ce0795c2fd1e62a", 154, 77, 93)
	longCode  = newCode(15, "3d59d273535ea62d897", "43381e570bf4798ab26", 152, 1019, 1023)

	// initResidue is codex32's starting value for the division; it stands
	// for a fixed prefix in front of every string.
	initResidue = residueFromHex("23181b3", 15)
)

func newCode(checkLen int, gen, target string, betaLog, first, length int) *bchCode {
	c := &bchCode{checkLen: checkLen, betaLog: betaLog, first: first, length: length}
	c.gen = residueFromHex(gen, checkLen)
	c.target = residueFromHex(target, checkLen)
	return c
}

// residueFromHex splits a number into n 5-bit coefficients, lowest first.
func residueFromHex(h string, n int) residue {
	v, ok := new(big.Int).SetString(h, 16)
	if !ok || v.BitLen() > 5*n {
		panic("papercode: bad constant " + h)
	}
	var r residue
	for j := range n {
		r[j] = uint8(new(big.Int).Rsh(v, uint(5*j)).Uint64() & 31)
	}
	return r
}

// update appends one character to the string whose residue is r: r·x + v
// modulo g, using x^checkLen ≡ gen.
func (c *bchCode) update(r *residue, v uint8) {
	top := r[c.checkLen-1]
	for j := c.checkLen - 1; j > 0; j-- {
		r[j] = r[j-1] ^ gf32Mul[top][c.gen[j]]
	}
	r[0] = v ^ gf32Mul[top][c.gen[0]]
}

// polymod is the residue of prefix followed by data, from initResidue.
func (c *bchCode) polymod(prefix, data []uint8) residue {
	r := initResidue
	for j := c.checkLen; j < maxCheck; j++ {
		r[j] = 0
	}
	for _, v := range prefix {
		c.update(&r, v)
	}
	for _, v := range data {
		c.update(&r, v)
	}
	return r
}

// checksum returns the characters that make prefix+data+checksum valid:
// the residue of data followed by checkLen zeros, minus the target, highest
// coefficient first.
func (c *bchCode) checksum(prefix, data []uint8) []uint8 {
	r := c.polymod(prefix, data)
	for range c.checkLen {
		c.update(&r, 0)
	}
	out := make([]uint8, c.checkLen)
	for i := range out {
		j := c.checkLen - 1 - i
		out[i] = r[j] ^ c.target[j]
	}
	return out
}

// syndrome is the residue of a received string minus the target: the
// error's own residue, zero when the string is valid.
func (c *bchCode) syndrome(prefix, data []uint8) residue {
	r := c.polymod(prefix, data)
	for j := range c.checkLen {
		r[j] ^= c.target[j]
	}
	return r
}
