package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/passcrow/passcrow-desktop/internal/syncbuf"
)

// assertNoneLogged fails for each secret found in log, in any case.
func assertNoneLogged(t *testing.T, log string, secrets ...string) {
	t.Helper()
	low := strings.ToLower(log)
	for _, s := range secrets {
		if s != "" && strings.Contains(low, strings.ToLower(s)) {
			t.Errorf("the log holds %q:\n%s", s, log)
		}
	}
}

func TestRedact(t *testing.T) {
	h := Redacting(slog.NewTextHandler(&bytes.Buffer{}, nil)).(*redactHandler)
	for _, tc := range []struct{ in, keep string }{
		{`sending mail to "alice@example.org" via mx:25: 550 <ALICE@EXAMPLE.ORG> unknown`, `sending mail to "" via mx:25: 550 <> unknown`},
		{"hint a*@e*ple.org", "hint "},
		{`escrow-data-id already in use: "19bd1f2c-0123456789abcdef0123456789abcdef"`, `escrow-data-id already in use: ""`},
		{`malformed escrow-data-id: "abc12345678"`, `malformed escrow-data-id: ""`},
		{"incorrect verification code K123456; 9876543 too", "incorrect verification code ;  too"},
		{"key dGhpcyBpcyBhIHRlc3Qga2V5IG9mIDMyIGJ5dGVzIQ rejected", "key  rejected"},
		{"key AbCdEfGhIjKlMnOpQrStUvWxYz rejected", "key  rejected"},
		{"sms to +354 555 1234 failed, and to (555) 123-4567", "sms to  failed, and to "},
		{"request refused route=POST /passcrow/verificationrequest rpc=verificationrequest", "request refused route=POST /passcrow/verificationrequest rpc=verificationrequest"},
		{"Sorry, rate limited. 5 wrong guesses, 10 a day, 366 days", "Sorry, rate limited. 5 wrong guesses, 10 a day, 366 days"},
	} {
		out := h.redact(tc.in)
		// What is left once the hashes are taken out is what was kept.
		stripped := out
		for {
			i := strings.IndexByte(stripped, '#')
			if i < 0 || i+9 > len(stripped) {
				break
			}
			stripped = stripped[:i] + stripped[i+9:]
		}
		if stripped != tc.keep {
			t.Errorf("redact(%q) = %q, want %q around the hashes", tc.in, out, tc.keep)
		}
		if again := h.redact(out); again != out {
			t.Errorf("redacting twice changes %q to %q", out, again)
		}
	}
	// One value, one hash, whatever its case: a client's failures can be
	// followed, its address not read.
	if a, b := h.redact("x@example.org"), h.redact("X@EXAMPLE.ORG"); a != b {
		t.Errorf("%q and %q differ", a, b)
	}
}

// Every way of logging goes through the redaction: message, attributes
// of any kind, errors, groups, WithAttrs, JSON and text.
func TestRedactingLogger(t *testing.T) {
	for _, format := range []string{"json", "text"} {
		var buf syncbuf.Buffer
		log, err := NewLogger(&buf, format, slog.LevelDebug)
		mustBeNil(t, err)
		secret := "bob@example.net"
		log = log.With("who", secret).WithGroup("g")
		log.Info("sent to "+secret, "err", fmt.Errorf("wrapped: %w", errors.New("550 "+strings.ToUpper(secret))),
			"any", struct{ A string }{secret}, slog.Group("inner", "s", secret), "n", 42)
		log.Log(context.Background(), slog.LevelWarn, "code", "code", "Q654321")
		out := buf.String()
		assertNoneLogged(t, out, secret, "654321")
		if !strings.Contains(out, "42") || !strings.Contains(out, "sent to") {
			t.Errorf("%s: too much went:\n%s", format, out)
		}
	}
	if _, err := NewLogger(&bytes.Buffer{}, "xml", slog.LevelInfo); err == nil {
		t.Fatal("xml log format accepted")
	}
}

// The operator's own hosts are named in the log even when shaped like a
// secret, so a failed send says which server failed; nothing else is
// let through with them.
func TestRedactingLoggerKeepsOperatorHosts(t *testing.T) {
	var buf syncbuf.Buffer
	log, err := NewLogger(&buf, "text", slog.LevelInfo, "192.0.2.25", "")
	mustBeNil(t, err)
	log.Error("send failed", "err", errors.New(`sending mail to "bob@example.net" via 192.0.2.25:587: dial tcp 192.0.2.25:587: connect: connection refused; also 198.51.100.7`))
	out := buf.String()
	if !strings.Contains(out, "via 192.0.2.25:587") {
		t.Errorf("the operator's mail server was hidden:\n%s", out)
	}
	assertNoneLogged(t, out, "bob@example.net", "198.51.100.7")

	// A logger with attributes or a group keeps the same hosts.
	log.With("queue", "smtp").WithGroup("send").Error("send failed", "err", "dial tcp 192.0.2.25:587 from 198.51.100.8")
	out = buf.String()
	if !strings.Contains(out, "dial tcp 192.0.2.25:587 from") {
		t.Errorf("a derived logger hid the operator's mail server:\n%s", out)
	}
	assertNoneLogged(t, out, "198.51.100.8")
}
