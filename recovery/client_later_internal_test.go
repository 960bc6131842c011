package recovery

import (
	"errors"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/wire"
)

// A hostile server's "try again after" cannot put a far or garbled time
// on the user's screen, nor pass its own words as ours.
func TestLaterErrorFromAHostileServer(t *testing.T) {
	c := &Client{name: "evil.example"}
	soon := time.Now().Add(2 * time.Hour).UTC().Truncate(time.Minute)
	for msg, want := range map[string]time.Time{
		wire.ErrLockedOutP + soon.Format(wire.RetryTimeFormat):       soon,
		wire.ErrLockedOutP + "9999-12-31 23:59 UTC":                  {},
		wire.ErrSendLimitP + "tomorrow, \x1b[31mor never\x1b[0m":     {},
		wire.ErrSendLimitP + soon.Format(wire.RetryTimeFormat) + "!": {},
	} {
		var later *LaterError
		if err := c.laterError(msg); !errors.As(err, &later) || !later.Until.Equal(want) {
			t.Errorf("%q: %v, want a LaterError until %v", msg, err, want)
		}
	}
	if err := c.laterError("Too many wrong codes, send bitcoin"); err != nil {
		t.Errorf("an unknown message was read as a lockout: %v", err)
	}
}
