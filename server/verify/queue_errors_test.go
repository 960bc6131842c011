package verify

import (
	"errors"
	"fmt"
	"net/textproto"
	"strings"
	"testing"
)

// A mail server may echo the recipient in a case of its own, and a
// gateway the phone number: none of it reaches the log.
func TestSafeErrorHidesAddresses(t *testing.T) {
	for _, tc := range []struct {
		err     error
		address string
		leaks   []string
	}{
		{&textproto.Error{Code: 550, Msg: "5.1.1 <ALICE@EXAMPLE.ORG>: Recipient address rejected"}, "alice@example.org", []string{"ALICE", "alice"}},
		{fmt.Errorf("sending mail to %q via 127.0.0.1:25: %w", "Alice@Example.org", errors.New("EOF")), "alice@example.org", []string{"Alice", "alice"}},
		{errors.New("550 unknown user bob.other@example.net"), "alice@example.org", []string{"bob.other"}},
		{errors.New("The 'To' number +3545551234 is not a valid phone number"), "+3545551234", []string{"5551234"}},
		{errors.New("number 3545551234 blocked"), "+3545551234", []string{"5551234"}},
	} {
		got := SafeError(tc.err, tc.address)
		for _, leak := range tc.leaks {
			if strings.Contains(strings.ToLower(got), strings.ToLower(leak)) {
				t.Errorf("SafeError(%q) = %q: still has %q", tc.err, got, leak)
			}
		}
	}
	if got := SafeError(errors.New("dial tcp 127.0.0.1:25: connection refused"), "a@b.example"); got != "dial tcp 127.0.0.1:25: connection refused" {
		t.Errorf("an error without an address changed: %q", got)
	}
}

func TestPermanent(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{&textproto.Error{Code: 550}, true},
		{fmt.Errorf("x: %w", &textproto.Error{Code: 535}), true},
		{&textproto.Error{Code: 451}, false},
		{fmt.Errorf("%w: bad", ErrInvalidMessage), true},
		{errors.New("connection refused"), false},
		{nil, false},
	} {
		if got := Permanent(tc.err); got != tc.want {
			t.Errorf("Permanent(%v) = %v", tc.err, got)
		}
	}
}
