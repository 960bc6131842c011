package recovery

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
)

// A fragment that leaves the device for a mailbox, a friend, paper or a
// USB stick is sealed under a key of its own kept in the pack's record,
// so whoever holds it (a mail operator, a friend, the finder of a sheet)
// learns nothing without the pack, and a wrong or changed fragment is
// refused. The pack is needed for any recovery anyway (it holds the
// sealed secret), so sealing costs the user nothing.
//
// A sealed fragment is short enough to print: one version byte, then
// AES-256-GCM of the fragment with a zero nonce and a 16-byte tag. A zero
// nonce is safe because every seal key is random and seals exactly one
// fragment, once.

// SealKeySize is the size of a seal key.
const SealKeySize = 32

const (
	sealVersion = 1
	sealAAD     = "passcrow sealed fragment"
	// maxSealed bounds what OpenFragment reads: a sealed fragment is a
	// few dozen bytes; anything far larger is not one.
	maxSealed = 1024
)

// ErrWrongFragment means a sealed fragment does not open with the key its
// location's record holds: it belongs to another pack or location, or it
// was changed.
var ErrWrongFragment = errors.New("this is not the fragment of this location, or it was changed")

// NewSealKey makes a random seal key.
func NewSealKey() ([]byte, error) {
	k := make([]byte, SealKeySize)
	if _, err := rand.Read(k); err != nil {
		return nil, fmt.Errorf("recovery: no randomness for a seal key: %w", err)
	}
	return k, nil
}

// SealFragment seals f under key. Each key must seal one fragment only.
func SealFragment(key []byte, f Fragment) ([]byte, error) {
	aead, err := sealAEAD(key)
	if err != nil {
		return nil, err
	}
	out := []byte{sealVersion}
	return aead.Seal(out, make([]byte, aead.NonceSize()), f, []byte(sealAAD)), nil
}

// OpenFragment opens a sealed fragment; ErrWrongFragment when it does not
// belong to key.
func OpenFragment(key, sealed []byte) (Fragment, error) {
	aead, err := sealAEAD(key)
	if err != nil {
		return nil, err
	}
	if len(sealed) > maxSealed || len(sealed) < 1+aead.Overhead() {
		return nil, ErrWrongFragment
	}
	if sealed[0] != sealVersion {
		return nil, fmt.Errorf("%w (sealed with version %d; this program reads %d)", ErrWrongFragment, sealed[0], sealVersion)
	}
	f, err := aead.Open(nil, make([]byte, aead.NonceSize()), sealed[1:], []byte(sealAAD))
	if err != nil {
		return nil, ErrWrongFragment
	}
	return f, nil
}

func sealAEAD(key []byte) (cipher.AEAD, error) {
	if len(key) != SealKeySize {
		return nil, fmt.Errorf("recovery: a seal key has %d bytes, want %d", len(key), SealKeySize)
	}
	b, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(b)
}

// EncodeSealKey and DecodeSealKey spell a seal key in a record's data.
func EncodeSealKey(k []byte) string { return base64.StdEncoding.EncodeToString(k) }

// DecodeSealKey reads what EncodeSealKey wrote.
func DecodeSealKey(s string) ([]byte, error) {
	k, err := base64.StdEncoding.Strict().DecodeString(s)
	if err != nil || len(k) != SealKeySize {
		return nil, errors.New("the record's seal key is damaged")
	}
	return k, nil
}
