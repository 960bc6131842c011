package recovery

import (
	"crypto/rand"
	"errors"
	"fmt"

	"github.com/passcrow/passcrow-desktop/internal/wire"
)

// KeySize is the size of a Recovery Key: AES-256.
const KeySize = 32

// ErrEmptySecret means there was nothing to protect.
var ErrEmptySecret = errors.New("recovery: the secret is empty")

// newKey makes a Recovery Key.
func newKey() ([]byte, error) {
	k := make([]byte, KeySize)
	if _, err := rand.Read(k); err != nil {
		return nil, fmt.Errorf("recovery: making a key: %w", err)
	}
	return k, nil
}

// sealSecret seals the secret under the Recovery Key with the same
// AES-GCM envelope the protocol uses (16-byte nonce, fixed AAD), so one
// well-tested piece of code does all our encryption.
func sealSecret(key, secret []byte) (string, error) {
	if len(secret) == 0 {
		return "", ErrEmptySecret
	}
	return wire.Seal(key, secret)
}
