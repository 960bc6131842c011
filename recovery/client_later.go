package recovery

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/wire"
)

// Refusals from our server that end at a known time. Match them with
// errors.Is; errors.As with *LaterError gives the time.
var (
	// ErrLockedOut means the server stopped taking codes for this
	// fragment after too many wrong ones, until a time it names. The
	// owner of the escrow is told when that happens.
	ErrLockedOut = errors.New("too many wrong codes: the server takes no code for this fragment for now")
	// ErrSendLimited means the server sent as many codes to this
	// address as it may for now.
	ErrSendLimited = errors.New("the server sent as many codes to this address as it may for now")
)

// LaterError is a refusal that ends at Until (zero when the server did
// not say a time this client could read).
type LaterError struct {
	Server string
	Until  time.Time
	Reason error // ErrLockedOut or ErrSendLimited
}

func (e *LaterError) Error() string {
	if e.Until.IsZero() {
		return fmt.Sprintf("passcrow server %s: %v", e.Server, e.Reason)
	}
	return fmt.Sprintf("passcrow server %s: %v; try again after %s", e.Server, e.Reason, e.Until.UTC().Format(wire.RetryTimeFormat))
}

func (e *LaterError) Unwrap() error { return e.Reason }

// laterError reads our server's "try again after" answers; nil for any
// other message. A time that does not parse, or one more than a year and
// a day away (a hostile server's), is left out rather than shown.
func (c *Client) laterError(msg string) error {
	var reason error
	var rest string
	switch {
	case strings.HasPrefix(msg, wire.ErrLockedOutP):
		reason, rest = ErrLockedOut, strings.TrimPrefix(msg, wire.ErrLockedOutP)
	case strings.HasPrefix(msg, wire.ErrSendLimitP):
		reason, rest = ErrSendLimited, strings.TrimPrefix(msg, wire.ErrSendLimitP)
	default:
		return nil
	}
	e := &LaterError{Server: c.name, Reason: reason}
	if t, err := time.Parse(wire.RetryTimeFormat, rest); err == nil && t.Before(time.Now().Add(366*24*time.Hour)) {
		e.Until = t
	}
	return e
}
