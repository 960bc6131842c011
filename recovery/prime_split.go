package recovery

import (
	"errors"
	"fmt"
	"io"
	"math/big"
)

// primeFieldBytes holds any element of the field mod 2^521-1 (66 bytes).
const primeFieldBytes = (521 + 7) / 8

// randomFieldElement draws a uniform integer in [0, p-1], as the
// reference's random_int(p - 1) does (its randint includes both ends):
// 521 random bits, drawn again in the one case they equal p.
func randomFieldElement(rand io.Reader) (*big.Int, error) {
	buf := make([]byte, primeFieldBytes)
	defer clear(buf)
	for {
		if _, err := io.ReadFull(rand, buf); err != nil {
			return nil, fmt.Errorf("drawing a polynomial coefficient: %w", err)
		}
		buf[0] &= 0x01 // 66 bytes are 528 bits; keep the low 521
		n := new(big.Int).SetBytes(buf)
		if n.Cmp(prime521) < 0 {
			return n, nil
		}
	}
}

// primeSplit shares secret the way the reference's make_random_shares
// does: a polynomial of degree threshold-1 over the field mod 2^521-1
// with f(0) = secret and random other coefficients, evaluated at
// x = 1..total, each share written "%x-%x". The reference refuses a
// threshold below 3 (its Lagrange code needs three points), so this does
// too.
func primeSplit(rand io.Reader, secret *big.Int, threshold, total int) ([]Fragment, error) {
	if threshold < 3 || threshold > total {
		return nil, fmt.Errorf("recovery: %d of %d reference shares cannot be recovered (need 3 <= threshold <= total)", threshold, total)
	}
	if secret.Sign() < 0 || secret.Cmp(prime521) >= 0 {
		return nil, errors.New("recovery: the secret is outside the field")
	}
	poly := []*big.Int{secret}
	for range threshold - 1 {
		c, err := randomFieldElement(rand)
		if err != nil {
			return nil, err
		}
		poly = append(poly, c)
	}
	out := make([]Fragment, total)
	for i := range total {
		x := big.NewInt(int64(i + 1))
		// Horner's rule, highest coefficient first, as _eval_at does.
		y := new(big.Int)
		for j := len(poly) - 1; j >= 0; j-- {
			y.Mul(y, x)
			y.Add(y, poly[j])
			y.Mod(y, prime521)
		}
		out[i] = Fragment(fmt.Sprintf("%x-%x", x, y))
	}
	for _, c := range poly[1:] {
		c.SetInt64(0)
	}
	return out, nil
}
