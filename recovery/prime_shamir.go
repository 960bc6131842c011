package recovery

import (
	"errors"
	"fmt"
	"math/big"
	"strings"
)

// The reference client shares its key over the prime field of
// p = 2^521 - 1 (secret_share.py). We only ever combine such shares, to
// import packs it made; new packs use vault's GF(2^8) shares.
var prime521 = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 521), big.NewInt(1))

// primeShare is one share "x-y" of the reference, x and y lowercase hex.
type primeShare struct{ x, y *big.Int }

func parsePrimeShare(s string) (primeShare, error) {
	xs, ys, ok := strings.Cut(s, "-")
	if !ok {
		return primeShare{}, errors.New("share is not \"x-y\"")
	}
	x, okx := parseHexInt(xs)
	y, oky := parseHexInt(ys)
	if !okx || !oky {
		return primeShare{}, errors.New("share is not two hex numbers")
	}
	if x.Sign() == 0 || x.Cmp(prime521) >= 0 || y.Cmp(prime521) >= 0 {
		return primeShare{}, errors.New("share is outside the field")
	}
	return primeShare{x, y}, nil
}

// parseHexInt takes plain hex digits only (no sign, no "0x", no spaces),
// so that a share has a single spelling in packs.
func parseHexInt(s string) (*big.Int, bool) {
	if s == "" || len(s) > 140 {
		return nil, false
	}
	for _, r := range s {
		if !('0' <= r && r <= '9' || 'a' <= r && r <= 'f' || 'A' <= r && r <= 'F') {
			return nil, false
		}
	}
	return new(big.Int).SetString(s, 16)
}

// primeCombine interpolates the shares' polynomial at 0 (Lagrange). Like
// the reference, it cannot tell when there are too few or wrong shares:
// the result is then simply a wrong number.
func primeCombine(shares []primeShare) (*big.Int, error) {
	if len(shares) == 0 {
		return nil, errors.New("no shares")
	}
	secret := new(big.Int)
	for i, si := range shares {
		num, den := big.NewInt(1), big.NewInt(1)
		for j, sj := range shares {
			if i == j {
				continue
			}
			if si.x.Cmp(sj.x) == 0 {
				return nil, fmt.Errorf("two shares have x = %x", si.x)
			}
			// l_i(0) = prod (0 - x_j) / (x_i - x_j)
			num.Mul(num, new(big.Int).Neg(sj.x))
			num.Mod(num, prime521)
			den.Mul(den, new(big.Int).Sub(si.x, sj.x))
			den.Mod(den, prime521)
		}
		inv := new(big.Int).ModInverse(den, prime521)
		term := new(big.Int).Mul(si.y, num)
		term.Mul(term, inv)
		secret.Add(secret, term)
		secret.Mod(secret, prime521)
	}
	return secret, nil
}

// keyFromInt turns the reference's key integer back into key bytes. The
// reference writes the minimal big-endian bytes, which drops a leading
// zero byte (about one key in 256); we left-pad to 32 bytes instead.
func keyFromInt(n *big.Int) ([]byte, error) {
	if n.Sign() < 0 || n.BitLen() > 8*KeySize {
		return nil, fmt.Errorf("key integer has %d bits, more than %d", n.BitLen(), 8*KeySize)
	}
	return n.FillBytes(make([]byte, KeySize)), nil
}

// intFromKey is how the reference turns a key into its Shamir secret.
func intFromKey(key []byte) *big.Int { return new(big.Int).SetBytes(key) }
