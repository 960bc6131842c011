package screens

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/recovery"
)

// A server's lockout and send limit are said in words with the local
// time to try again, not as the server's message.
func TestPlainReasonSaysWhenToTryAgain(t *testing.T) {
	until := time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
	local := until.Local().Format("2006-01-02 15:04")
	for _, tc := range []struct {
		err  error
		want []string
	}{
		{fmt.Errorf("recover: %w", &recovery.LaterError{Server: "passcrow.example.org", Until: until, Reason: recovery.ErrLockedOut}),
			[]string{"no more codes for this fragment", local}},
		{&recovery.LaterError{Server: "passcrow.example.org", Until: until, Reason: recovery.ErrSendLimited},
			[]string{"as many codes to that address", local}},
		{&recovery.LaterError{Server: "passcrow.example.org", Reason: recovery.ErrLockedOut},
			[]string{"Try again after a while"}},
	} {
		got := plainReason(tc.err)
		for _, w := range tc.want {
			if !strings.Contains(got, w) {
				t.Errorf("plainReason(%v) = %q, want it to contain %q", tc.err, got, w)
			}
		}
		if strings.Contains(got, "passcrow server") || strings.Contains(got, "UTC") {
			t.Errorf("plainReason(%v) = %q: the server's own words leaked", tc.err, got)
		}
	}
}
