package verify

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// Configuration mistakes are refused before any connection is made; the
// exchanges themselves are tested against a real OpenSMTPD in
// internal/mailtest.
func TestSMTPRefusesBadConfig(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		s    SMTP
		want string
	}{
		{SMTP{}, "no host"},
		{SMTP{Host: "mail.example.org", TLS: "none"}, "only allowed for a loopback host"},
		{SMTP{Host: "127.0.0.2.example.org", TLS: "none"}, "only allowed for a loopback host"},
		{SMTP{Host: "mail.example.org", TLS: "ssl"}, "unknown TLS mode"},
	} {
		err := tc.s.Send(ctx, testMessage("en"))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: err = %v, want %q", tc.s, err, tc.want)
		}
	}
	s := &SMTP{Host: "127.0.0.1", TLS: "none"}
	m := testMessage("en")
	m.Kind = "sms"
	if err := s.Send(ctx, m); !errors.Is(err, ErrUnsupportedKind) {
		t.Errorf("sms: err = %v", err)
	}
	m = testMessage("en")
	m.Address = "alice@example.org\r\nRCPT TO:<eve@example.net>"
	if err := s.Send(ctx, m); !errors.Is(err, ErrInvalidMessage) {
		t.Errorf("injection: err = %v", err)
	}
}
