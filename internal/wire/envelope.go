package wire

import (
	"bytes"
	"compress/zlib"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
)

// AAD is the associated data of every Passcrow envelope
// (DEFAULT_ASSOC_DATA in the reference's aes_utils.py).
const AAD = "Passcrow Encrypted Data"

// NonceSize is 16, not GCM's usual 12: the reference uses os.urandom(16).
const NonceSize = 16

// KeySize is the size of every key we make; Open also takes 16 and 24.
const KeySize = 32

// ErrDecrypt means an envelope did not authenticate under the key given:
// a wrong key or tampered data. It never says which.
var ErrDecrypt = errors.New("wire: decryption failed (wrong key or tampered data)")

// maxInflate caps what a compressed envelope may expand to, so a hostile
// peer cannot exhaust memory with a zlib bomb.
const maxInflate = 16 << 20

func newGCM(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("wire: bad key: %w", err)
	}
	return cipher.NewGCMWithNonceSize(block, NonceSize)
}

// Seal encrypts plaintext under key and returns the wire form:
// standard base64 of nonce || ciphertext || tag.
func Seal(key, plaintext []byte) (string, error) {
	return sealWithNonce(rand.Reader, key, plaintext)
}

// SealFrom is Seal with the nonce read from random instead of
// crypto/rand, so that tests can replay recorded requests byte for byte.
func SealFrom(random io.Reader, key, plaintext []byte) (string, error) {
	return sealWithNonce(random, key, plaintext)
}

func sealWithNonce(random io.Reader, key, plaintext []byte) (string, error) {
	aead, err := newGCM(key)
	if err != nil {
		return "", err
	}
	out := make([]byte, NonceSize, NonceSize+len(plaintext)+aead.Overhead())
	if _, err := io.ReadFull(random, out); err != nil {
		return "", fmt.Errorf("wire: reading random nonce: %w", err)
	}
	out = aead.Seal(out, out[:NonceSize], plaintext, []byte(AAD))
	return base64.StdEncoding.EncodeToString(out), nil
}

// Open reverses Seal. Base64 with non-zero padding bits is refused.
func Open(key []byte, sealed string) ([]byte, error) {
	aead, err := newGCM(key)
	if err != nil {
		return nil, err
	}
	raw, err := base64.StdEncoding.Strict().DecodeString(sealed)
	if err != nil {
		return nil, fmt.Errorf("wire: envelope is not base64: %w", err)
	}
	if len(raw) < NonceSize+aead.Overhead() {
		return nil, fmt.Errorf("wire: envelope too short (%d bytes)", len(raw))
	}
	pt, err := aead.Open(nil, raw[:NonceSize], raw[NonceSize:], []byte(AAD))
	if err != nil {
		return nil, ErrDecrypt
	}
	return pt, nil
}

// SealCompressed is Seal of zlib.compress(plaintext, 9), the reference's
// compress=True, used for the ephemeral recovery pack.
func SealCompressed(key, plaintext []byte) (string, error) {
	var buf bytes.Buffer
	zw, err := zlib.NewWriterLevel(&buf, zlib.BestCompression)
	if err != nil {
		return "", err
	}
	if _, err := zw.Write(plaintext); err != nil {
		return "", err
	}
	if err := zw.Close(); err != nil {
		return "", err
	}
	return Seal(key, buf.Bytes())
}

// OpenCompressed reverses SealCompressed.
func OpenCompressed(key []byte, sealed string) ([]byte, error) {
	z, err := Open(key, sealed)
	if err != nil {
		return nil, err
	}
	zr, err := zlib.NewReader(bytes.NewReader(z))
	if err != nil {
		return nil, fmt.Errorf("wire: compressed envelope: %w", err)
	}
	defer zr.Close()
	pt, err := io.ReadAll(io.LimitReader(zr, maxInflate+1))
	if err != nil {
		return nil, fmt.Errorf("wire: compressed envelope: %w", err)
	}
	if len(pt) > maxInflate {
		return nil, errors.New("wire: compressed envelope expands beyond 16 MiB")
	}
	return pt, nil
}

// EncodeKey and DecodeKey give a key's wire spelling: plain standard base64.
func EncodeKey(key []byte) string { return base64.StdEncoding.EncodeToString(key) }

// DecodeKey accepts AES-128, -192 and -256 keys, as the reference does.
func DecodeKey(s string) ([]byte, error) {
	k, err := base64.StdEncoding.Strict().DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("wire: key is not base64: %w", err)
	}
	switch len(k) {
	case 16, 24, 32:
		return k, nil
	}
	return nil, fmt.Errorf("wire: key has %d bytes, want 16, 24 or 32", len(k))
}
