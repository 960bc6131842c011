package hashcash

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The server accepts a token whose ts lies strictly between now-125 and
// now+5 seconds (payments.py): a little clock skew forward, two minutes back.
const (
	windowPast   = 125
	windowFuture = 5
)

// MinBits and MaxBits bound the work a scheme may ask for. Passcrow servers
// use 11 to 15; the check covers the low 64 bits of the digest.
const (
	MinBits = 1
	MaxBits = 64
)

var (
	// ErrMalformed means a token or cash string is not in the Passcrow form.
	ErrMalformed = errors.New("hashcash: malformed token")
	// ErrExpired means the token's timestamp is outside the accepted window.
	ErrExpired = errors.New("hashcash: timestamp outside the accepted window")
	// ErrInsufficientWork means the digest does not end in enough zero bits.
	ErrInsufficientWork = errors.New("hashcash: not enough work")
	// ErrBits means a bits value outside MinBits..MaxBits.
	ErrBits = errors.New("hashcash: bits out of range")
)

// Digest returns scrypt(data || hex(counter) || hex(ts) || data, "", N=256,
// r=8, p=1, 16 bytes), hex being lowercase without padding as Python's "%x".
func Digest(data []byte, counter uint64, ts int64) [16]byte {
	s := scrypters.Get().(*scrypter)
	defer scrypters.Put(s)
	d, _ := s.digest(nil, data, counter, ts)
	return d
}

// digest is Digest with the caller's scrypter and password buffer, which it
// returns for reuse.
func (s *scrypter) digest(buf, data []byte, counter uint64, ts int64) ([keyLen]byte, []byte) {
	buf = appendPassword(buf[:0], data, counter, ts)
	return s.key(buf), buf
}

func appendPassword(buf, data []byte, counter uint64, ts int64) []byte {
	buf = append(buf, data...)
	buf = strconv.AppendUint(buf, counter, 16)
	buf = strconv.AppendInt(buf, ts, 16)
	return append(buf, data...)
}

// enoughWork reports whether the digest, read as a big-endian 128-bit
// number, has its low bits zero. Leading zeros do not count.
func enoughWork(d [keyLen]byte, bits int) bool {
	mask := uint64(1)<<bits - 1 // all ones for bits == 64
	return binary.BigEndian.Uint64(d[8:])&mask == 0
}

func checkBits(bits int) error {
	if bits < MinBits || bits > MaxBits {
		return fmt.Errorf("%w: %d (want %d to %d)", ErrBits, bits, MinBits, MaxBits)
	}
	return nil
}

// Verify checks cash ("<counter hex>-<ts hex>", the part of a token after
// the scheme id) as a server does: well formed, ts strictly inside
// (now-125s, now+5s), and the digest over data ending in bits zero bits.
// data is the escrow request's escrow-data strings joined, as UTF-8.
// The error wraps ErrMalformed, ErrExpired, ErrInsufficientWork or ErrBits.
// Like the reference server it keeps no record of spent tokens.
func Verify(data []byte, bits int, cash string, now time.Time) error {
	if err := checkBits(bits); err != nil {
		return err
	}
	counter, ts, err := ParseCash(cash)
	if err != nil {
		return err
	}
	n := now.Unix()
	if ts <= n-windowPast || ts >= n+windowFuture {
		return fmt.Errorf("%w: ts %d is %d s from now", ErrExpired, ts, ts-n)
	}
	if !enoughWork(Digest(data, counter, ts), bits) {
		return ErrInsufficientWork
	}
	return nil
}

// ParseToken splits a payment token "<scheme-id>:<cash>" on its first ':',
// as the reference does, so cash may itself contain ':'.
func ParseToken(token string) (schemeID, cash string, err error) {
	schemeID, cash, ok := strings.Cut(token, ":")
	if !ok {
		return "", "", fmt.Errorf("%w: no ':' in %q", ErrMalformed, token)
	}
	return schemeID, cash, nil
}

// ParseCash reads "<counter hex>-<ts hex>". Like Python's int(x, 16) it takes
// upper- and lowercase digits and leading zeros; unlike it, it refuses signs,
// "0x", '_', spaces, non-ASCII digits and values beyond 64 bits (the counter)
// or 63 bits (ts), none of which a real client sends.
func ParseCash(cash string) (counter uint64, ts int64, err error) {
	c, t, ok := strings.Cut(cash, "-")
	if !ok || strings.Contains(t, "-") {
		return 0, 0, fmt.Errorf("%w: cash %q is not <counter>-<ts>", ErrMalformed, cash)
	}
	counter, err = parseHex(c, 64)
	if err != nil {
		return 0, 0, fmt.Errorf("%w: counter %q", ErrMalformed, c)
	}
	u, err := parseHex(t, 63)
	if err != nil {
		return 0, 0, fmt.Errorf("%w: ts %q", ErrMalformed, t)
	}
	return counter, int64(u), nil
}

// parseHex accepts only ASCII hex digits, any number of leading zeros, and
// a value that fits in bitSize bits.
func parseHex(s string, bitSize int) (uint64, error) {
	if s == "" {
		return 0, strconv.ErrSyntax
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return 0, strconv.ErrSyntax
		}
	}
	if t := strings.TrimLeft(s, "0"); t != "" {
		s = t
	} else {
		return 0, nil
	}
	return strconv.ParseUint(s, 16, bitSize)
}

// formatCash is the canonical spelling Solve produces: lowercase, unpadded.
func formatCash(counter uint64, ts int64) string {
	return strconv.FormatUint(counter, 16) + "-" + strconv.FormatInt(ts, 16)
}
