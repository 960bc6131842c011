package screens

import (
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/app/state"
)

// A server that keeps a year, free only for 25 hours, must not read as
// "free": the longer stay costs a proof of work.
func TestDescribePayment(t *testing.T) {
	day := 24 * time.Hour
	for _, c := range []struct {
		p    state.ServerPolicy
		want string
	}{
		{state.ServerPolicy{MaxExpiry: day, FreeFor: day}, "free"},
		{state.ServerPolicy{MaxExpiry: 366 * day, FreeFor: 25 * time.Hour, WorkFor: 366 * day}, "free for 25 hours, longer for a few seconds of computer work"},
		{state.ServerPolicy{MaxExpiry: 366 * day, WorkFor: 366 * day}, "paid with a few seconds of computer work"},
		{state.ServerPolicy{MaxExpiry: 366 * day}, "payment unknown"},
	} {
		if got := describePayment(c.p); got != c.want {
			t.Errorf("%+v: %q, want %q", c.p, got, c.want)
		}
	}
}
