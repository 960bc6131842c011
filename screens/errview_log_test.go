package screens

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/passcrow/passcrow-desktop/app/logfile"
)

// TestErrorLogHoldsNoCodeOrKey: a recovery that meets errors (a wrong
// code, then the server gone while a code is checked) writes the
// technical side to the error log, and the log holds none of the codes
// typed, none of the pack's keys and not the secret.
func TestErrorLogHoldsNoCodeOrKey(t *testing.T) {
	u := newTestUI(t)
	u.Log = logfile.New(t.TempDir())
	protectForTest(t, u, "Disk")
	rec := startRecoveryForTest(t, u, "Disk")
	codes := codesInOrder(t, u, rec)
	wrong := wrongCode(codes[0])
	submitForTest(t, u, rec, wrong)
	submitForTest(t, u, rec, codes[0])

	if err := u.State.Close(); err != nil { // stops the demo server
		t.Fatal(err)
	}
	submitForTest(t, u, rec, codes[1])
	var msg string
	look(u, func() { msg = rec.Problem.Text() })
	if !strings.HasPrefix(msg, "That code could not be checked.") {
		t.Fatalf("with the server gone: %q", msg)
	}

	b, err := os.ReadFile(u.Log.Path())
	if err != nil {
		t.Fatal(err)
	}
	log := string(b)
	if !strings.Contains(log, "connection refused") {
		t.Fatalf("the log lacks the error:\n%s", log)
	}
	secrets := []string{codes[0], codes[1], wrong, TourSecret}
	pack, err := u.State.Export("Disk")
	if err != nil {
		t.Fatal(err)
	}
	// The pack's keys, ids and sealed data: every long run with a digit.
	for _, tok := range regexp.MustCompile(`[A-Za-z0-9+/_-]{16,}`).FindAllString(string(pack), -1) {
		if strings.ContainsAny(tok, "0123456789") {
			secrets = append(secrets, tok)
		}
	}
	if len(secrets) < 6 {
		t.Fatalf("found only %d secrets to look for in the pack", len(secrets))
	}
	for _, s := range secrets {
		if strings.Contains(log, s) {
			t.Errorf("the log holds %q:\n%s", s, log)
		}
	}
}
