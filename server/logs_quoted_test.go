package server

import (
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/syncbuf"
)

// A verifier refuses an address it cannot write (a quoted local part, a
// zero-width space) with the address in %q, escaped; the server swapped
// only the address as given for its hint, so the escaped form, and with
// it the words of the local part, reached the log (the redacting handler
// hashes only the part next to the '@'). Both refusals logged here, of a
// code's address and of an owner's, must hold no word of either.
func TestLogsHoldNoEscapedAddress(t *testing.T) {
	var buf syncbuf.Buffer
	logger, err := NewLogger(&buf, "text", slog.LevelDebug)
	mustBeNil(t, err)
	env := newSecEnv(t, "", func(c *Config) { c.Logger = logger })
	f := env.escrow("email:\"zebulon quux\"@example.org", "", "test", time.Hour)
	if _, e, _ := env.askCode(f); e == "" {
		t.Fatal("a code went to a quoted local part")
	}
	g := env.escrow("email:alice@example.org", "email:\"mirabel\u200bfoo\"@example.org", "test", time.Hour)
	if _, e, _ := env.askCode(g); e != "" {
		t.Fatalf("no code: %q", e)
	}
	log := strings.ToLower(buf.String())
	if !strings.Contains(log, "request refused") || !strings.Contains(log, "owner not told") {
		t.Fatalf("the refusals were not logged:\n%s", log)
	}
	for _, w := range []string{"zebulon", "quux", "mirabel", "foo"} {
		if strings.Contains(log, w) {
			t.Errorf("%q is in the log:\n%s", w, log)
		}
	}
}
