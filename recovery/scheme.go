package recovery

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/hashicorp/vault/shamir"

	"github.com/passcrow/passcrow-desktop/internal/wire"
)

// A scheme is one way of splitting the Recovery Key and sealing the
// secret: ours (vault's GF(2^8) shares, raw secret) or the reference's
// (shares mod 2^521-1, secret wrapped in {"data": base64}).
type scheme interface {
	// check tells a well-formed fragment and returns its x coordinate.
	check(f Fragment) (x string, err error)
	// encode and decode give a fragment's spelling in a pack.
	encode(f Fragment) string
	decode(s string) (Fragment, error)
	// combine gives the key the fragments stand for, right or wrong.
	combine(fs []Fragment) ([]byte, error)
	// open opens the sealed secret with a key; an error means the key is wrong.
	open(key []byte, sealed string) ([]byte, error)
}

var schemes = map[string]scheme{
	SchemeGF256: gf256{},
	SchemeP521:  p521{},
}

type gf256 struct{}

func (gf256) check(f Fragment) (string, error) {
	if len(f) != KeySize+shamir.ShareOverhead {
		return "", fmt.Errorf("fragment has %d bytes, want %d", len(f), KeySize+shamir.ShareOverhead)
	}
	x := f[len(f)-1]
	if x == 0 {
		// x = 0 would be the key itself.
		return "", errors.New("fragment has x coordinate 0")
	}
	return fmt.Sprint(x), nil
}

func (gf256) encode(f Fragment) string { return base64.StdEncoding.EncodeToString(f) }

func (gf256) decode(s string) (Fragment, error) {
	b, err := base64.StdEncoding.Strict().DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("not base64: %w", err)
	}
	return b, nil
}

func (gf256) combine(fs []Fragment) ([]byte, error) {
	parts := make([][]byte, len(fs))
	for i, f := range fs {
		parts[i] = f
	}
	return shamir.Combine(parts)
}

func (gf256) open(key []byte, sealed string) ([]byte, error) { return wire.Open(key, sealed) }

type p521 struct{}

func (p521) check(f Fragment) (string, error) {
	s, err := parsePrimeShare(string(f))
	if err != nil {
		return "", err
	}
	if string(f) != fmt.Sprintf("%x-%x", s.x, s.y) {
		// One spelling per share keeps packs canonical.
		return "", errors.New("share is not in lowercase hex without leading zeros")
	}
	return s.x.String(), nil
}

func (p521) encode(f Fragment) string { return string(f) }

func (p521) decode(s string) (Fragment, error) { return Fragment(s), nil }

func (p521) combine(fs []Fragment) ([]byte, error) {
	shares := make([]primeShare, len(fs))
	for i, f := range fs {
		s, err := parsePrimeShare(string(f))
		if err != nil {
			return nil, err
		}
		shares[i] = s
	}
	n, err := primeCombine(shares)
	if err != nil {
		return nil, err
	}
	return keyFromInt(n)
}

// referenceBlob is the reference's EncryptedBlob: the secret in base64.
type referenceBlob struct {
	Data string `json:"data"`
}

func (p521) open(key []byte, sealed string) ([]byte, error) {
	pt, err := wire.Open(key, sealed)
	if err != nil {
		return nil, err
	}
	var blob referenceBlob
	if err := json.Unmarshal(pt, &blob); err != nil {
		return nil, fmt.Errorf("sealed secret is not the reference's blob: %w", err)
	}
	secret, err := base64.StdEncoding.DecodeString(blob.Data)
	if err != nil {
		return nil, fmt.Errorf("sealed secret's data is not base64: %w", err)
	}
	return secret, nil
}
