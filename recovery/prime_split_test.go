package recovery

import (
	"bytes"
	"crypto/rand"
	"math/big"
	"slices"
	"strings"
	"testing"
)

// With the vectors' polynomial coefficients as the random draws,
// primeSplit makes the vectors' shares: the reference's field, x values,
// evaluation and spelling.
func TestPrimeSplitVectors(t *testing.T) {
	var v struct {
		Vectors []struct {
			Coeffs    []string `json:"poly_coeffs_hex_low_to_high"`
			Threshold int      `json:"threshold"`
			Shares    []string `json:"shares"`
		} `json:"vectors"`
	}
	readVector(t, "standalone/shamir.json", &v)
	checked := 0
	for i, vec := range v.Vectors {
		if len(vec.Coeffs) == 0 {
			continue
		}
		var draws []byte
		for _, c := range vec.Coeffs[1:] {
			n, ok := new(big.Int).SetString(c, 16)
			if !ok {
				t.Fatalf("vector %d: coefficient %q", i, c)
			}
			draws = append(draws, n.FillBytes(make([]byte, primeFieldBytes))...)
		}
		secret, _ := new(big.Int).SetString(vec.Coeffs[0], 16)
		got, err := primeSplit(bytes.NewReader(draws), secret, vec.Threshold, len(vec.Shares))
		if err != nil {
			t.Fatalf("vector %d: %v", i, err)
		}
		for j := range got {
			if string(got[j]) != vec.Shares[j] {
				t.Errorf("vector %d share %d: %s, want %s", i, j, got[j], vec.Shares[j])
			}
		}
		checked++
	}
	if checked < 3 {
		t.Errorf("checked %d vectors", checked)
	}

	// A draw of p itself (all 521 bits set) is drawn again; the bits
	// above 521 are dropped.
	p := prime521.FillBytes(make([]byte, primeFieldBytes))
	high := make([]byte, primeFieldBytes)
	high[0], high[primeFieldBytes-1] = 0xfe, 9 // 0xfe above bit 520: only 9 is left
	got, err := randomFieldElement(bytes.NewReader(slices.Concat(p, high)))
	if err != nil || got.Int64() != 9 {
		t.Errorf("randomFieldElement: %v, %v; want 9", got, err)
	}
	for _, tc := range [][2]int{{2, 3}, {4, 3}} {
		if _, err := primeSplit(bytes.NewReader(nil), big.NewInt(1), tc[0], tc[1]); err == nil {
			t.Errorf("%d of %d shares: no error", tc[0], tc[1])
		}
	}
}

// The user key is drawn as the reference draws it, and drawn again when
// too few characters survive its filter; a Recovery Key never starts
// with a zero byte.
func TestEphemeralDraws(t *testing.T) {
	allSlashes := bytes.Repeat([]byte{0xff}, 32) // base64 "////...w=": 2 characters survive
	uk, err := newUserKey(bytes.NewReader(slices.Concat(allSlashes, userKeyDraw(t))))
	if err != nil || uk != recordedUserKey {
		t.Errorf("user key %q, %v; want the second draw", uk, err)
	}
	if _, err := normaliseUserKey(uk); err != nil {
		t.Errorf("a drawn user key does not parse: %v", err)
	}
	zeroFirst := make([]byte, KeySize)
	zeroFirst[5] = 1
	good := bytes.Repeat([]byte{7}, KeySize)
	k, err := newReferenceKey(bytes.NewReader(slices.Concat(zeroFirst, good)))
	if err != nil || !bytes.Equal(k, good) {
		t.Errorf("key %x, %v; want the second draw", k, err)
	}
	// Many real draws: each a valid user key.
	for range 200 {
		uk, err := newUserKey(rand.Reader)
		if err == nil {
			_, err = normaliseUserKey(uk)
		}
		if err != nil || strings.ContainsAny(uk, "/+1lO0=") {
			t.Fatalf("user key %q: %v", uk, err)
		}
	}
}
