package verify

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Message is one verification code on its way to an identity.
type Message struct {
	Kind        string        // identity kind, e.g. "email" or "sms"
	Address     string        // the identity without its kind, e.g. "alice@example.org"
	Language    string        // the requester's language, e.g. "en" or "is"
	Code        string        // the verification code; a secret until it is used
	Description string        // what the fragment protects, chosen by its owner
	AboutURL    string        // where the recipient can read about the server
	Timeout     time.Duration // how long the code stays valid
}

// Verifier delivers a Message. An error means the code did not go out, so
// the server must not keep it.
type Verifier interface {
	Send(ctx context.Context, m Message) error
}

var (
	// ErrInvalidMessage is returned for a Message that cannot be sent as
	// given: a malformed address, or a field that would break out of its
	// header (CR, LF or another control character).
	ErrInvalidMessage = errors.New("invalid verification message")

	// ErrUnsupportedKind is returned by a Verifier asked to reach a kind of
	// identity it cannot reach.
	ErrUnsupportedKind = errors.New("unsupported kind of identity")
)

// checkField refuses control characters: in a header they would let the
// sender of a request inject headers or a whole new body.
func checkField(name, v string) error {
	if i := strings.IndexFunc(v, isControl); i >= 0 {
		return fmt.Errorf("%w: %s %q contains a control character", ErrInvalidMessage, name, v)
	}
	return nil
}

func isControl(r rune) bool {
	return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\u2028' || r == '\u2029'
}
