//go:build linux

package e2e_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/cli"
	"github.com/passcrow/passcrow-desktop/internal/mailtest"
	"github.com/passcrow/passcrow-desktop/server/verify"
)

// TestEmail is issue 2's end-to-end test: our server sends real e-mail,
// the codes come back over IMAP, and the secret is recovered. One pair of
// mail servers (there can be one OpenSMTPD per machine) serves both TLS
// modes of the server's SMTP client, each with its own `passcrow serve`.
func TestEmail(t *testing.T) {
	start := time.Now()
	m := mailtest.Start(t)
	m.NeedSubmission(t)
	t.Logf("mail servers up in %v", time.Since(start).Round(time.Millisecond))
	m.AddUser("sender", "sender-pw-e2e")
	t.Run("starttls", func(t *testing.T) {
		t.Parallel()
		testTwoOfThree(t, m, startServe(t, m, m.SubmissionAddr(), verify.TLSStartTLS, "sender", "sender-pw-e2e"))
	})
	t.Run("tls", func(t *testing.T) {
		t.Parallel()
		testAnyOne(t, m, startServe(t, m, m.SubmissionsAddr(), verify.TLSImplicit, "sender", "sender-pw-e2e"))
	})
}

type mailbox struct{ user, password, address string }

// testTwoOfThree protects a 64 KiB random secret with three e-mail
// identities, 2 of 3; recovers it with codes from two mailboxes, a typo
// first; then forgets it and checks the escrows are gone from the server.
func testTwoOfThree(t *testing.T, m *mailtest.Mail, srv *served) {
	boxes := []mailbox{
		{"alice", "alice-pw", "alice@example.org"},
		{"bob", "bob-pw", "bob@example.com"},
		{"carol", "carol-pw", "carol@mail.example.net"},
	}
	for _, b := range boxes {
		m.AddUser(b.user, b.password)
	}
	dir := t.TempDir()
	home := filepath.Join(dir, "home")
	secret := make([]byte, 64<<10)
	rand.Read(secret)
	secretFile := filepath.Join(dir, "secret.bin")
	if err := os.WriteFile(secretFile, secret, 0o600); err != nil {
		t.Fatal(err)
	}

	out := mustRun(t, cli.ExitOK, home, "protect", "vault", "--secret-file", secretFile,
		"--id", "email:"+boxes[0].address, "--id", "email:"+boxes[1].address, "--id", "email:"+boxes[2].address,
		"--threshold", "2", "--server", srv.URL, "--days", "1", "--json")
	var prot struct {
		Need      int `json:"need"`
		Locations []struct{ Prefix, Hint string }
	}
	decode(t, out, &prot)
	if prot.Need != 2 || len(prot.Locations) != 3 {
		t.Fatalf("protect: need %d of %d locations, want 2 of 3:\n%s", prot.Need, len(prot.Locations), out)
	}

	codes := requestCodes(t, m, home, "vault", boxes)
	alice, bob := codes[0], codes[1]

	// A typo in alice's code, bob's right: not yet (exit 4), bob's kept.
	typo := alice[:len(alice)-1] + string('0'+(alice[len(alice)-1]-'0'+1)%10)
	got := filepath.Join(dir, "recovered.bin")
	mustRun(t, cli.ExitIncomplete, home, "recover", "vault", "--code", typo, "--code", bob, "--out", got)
	if _, err := os.Stat(got); err == nil {
		t.Fatal("an incomplete recovery wrote the output file")
	}
	// The right code finishes it, with bob's fragment from the first run.
	mustRun(t, cli.ExitOK, home, "recover", "vault", "--code", alice, "--out", got)
	b, err := os.ReadFile(got)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, secret) {
		t.Fatalf("recovered %d bytes that differ from the %d-byte secret", len(b), len(secret))
	}
	if fi, _ := os.Stat(got); fi.Mode().Perm() != 0o600 {
		t.Errorf("recovered file has mode %04o, want 0600", fi.Mode().Perm())
	}

	// forget deletes the escrows: a copy of the pack kept elsewhere can
	// no longer have codes sent.
	pack := filepath.Join(dir, "vault.pack")
	mustRun(t, cli.ExitOK, home, "export", "vault", "--out", pack)
	mustRun(t, cli.ExitOK, home, "forget", "vault")
	mustRun(t, cli.ExitNotFound, home, "verify", "vault")
	home2 := filepath.Join(dir, "home2")
	mustRun(t, cli.ExitOK, home2, "import", pack)
	// A fresh home has chosen no server yet: the imported pack's is
	// trusted explicitly (without it, verify stops before sending anything).
	out = mustRun(t, cli.ExitServer, home2, "verify", "vault", "--json", "--trust-servers")
	var after struct {
		Exit int
		Sent []struct{ Prefix, Error string }
	}
	decode(t, out, &after)
	if after.Exit != cli.ExitServer || len(after.Sent) != 3 {
		t.Fatalf("verify after forget: want exit %d and 3 refusals:\n%s", cli.ExitServer, out)
	}
	for _, s := range after.Sent {
		if !strings.Contains(s.Error, "No such escrow") {
			t.Errorf("verify after forget: location %s: error %q, want the server's \"No such escrow\"", s.Prefix, s.Error)
		}
	}
	srv.assertLogClean(t, append(codes, "sender-pw-e2e")...)
}

// testAnyOne protects with two identities, any one of which recovers (the
// pack keeps extra fragments of its own), and recovers with one code
// delivered over implicit TLS.
func testAnyOne(t *testing.T, m *mailtest.Mail, srv *served) {
	boxes := []mailbox{
		{"dave", "dave-pw", "dave@example.is"},
		{"erin", "erin-pw", "erin@example.de"},
	}
	for _, b := range boxes {
		m.AddUser(b.user, b.password)
	}
	dir := t.TempDir()
	home := filepath.Join(dir, "home")
	secret := []byte("correct horse battery staple, þíð")
	secretFile := filepath.Join(dir, "secret")
	if err := os.WriteFile(secretFile, secret, 0o600); err != nil {
		t.Fatal(err)
	}
	mustRun(t, cli.ExitOK, home, "protect", "mail", "--secret-file", secretFile,
		"--id", "email:"+boxes[0].address, "--id", "email:"+boxes[1].address,
		"--threshold", "1", "--server", srv.URL, "--days", "1")
	codes := requestCodes(t, m, home, "mail", boxes)

	out := mustRun(t, cli.ExitOK, home, "recover", "mail", "--code", codes[1], "--json")
	var rec struct{ Secret string }
	decode(t, out, &rec)
	if rec.Secret != string(secret) {
		t.Fatalf("recovered %q, want %q", rec.Secret, secret)
	}
	mustRun(t, cli.ExitOK, home, "forget", "mail")
	srv.assertLogClean(t, append(codes, "sender-pw-e2e", string(secret))...)
}

// requestCodes runs verify and reads each mailbox's code over IMAP; box i
// holds the code with the i-th prefix.
func requestCodes(t *testing.T, m *mailtest.Mail, home, name string, boxes []mailbox) []string {
	t.Helper()
	sent := time.Now()
	out := mustRun(t, cli.ExitOK, home, "verify", name, "--json")
	var ver struct {
		Sent []struct{ Prefix, Hint, Error string }
	}
	decode(t, out, &ver)
	if len(ver.Sent) != len(boxes) {
		t.Fatalf("verify: %d codes sent, want %d:\n%s", len(ver.Sent), len(boxes), out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var codes []string
	for i, b := range boxes {
		prefix := ver.Sent[i].Prefix
		if ver.Sent[i].Error != "" || !strings.HasPrefix(ver.Sent[i].Hint, b.address[:1]+"*@") {
			t.Fatalf("verify: location %s: hint %q, error %q; want a hint for %s", prefix, ver.Sent[i].Hint, ver.Sent[i].Error, b.address)
		}
		text, err := m.WaitForMail(ctx, b.user, b.password, func(text string) bool {
			code, ok := verify.ReadCode(text)
			return ok && strings.HasPrefix(code, prefix)
		})
		if err != nil {
			t.Fatalf("no code %s… for %s: %v", prefix, b.user, err)
		}
		code, _ := verify.ReadCode(text)
		if !strings.Contains(text, "\r\nTo: "+b.address+"\r\n") {
			t.Errorf("the mail with code %s… is not addressed to %s", prefix, b.address)
		}
		// RFC 3848: ESMTPSA = ESMTP over TLS with AUTH, the hop from
		// our server into the submission service.
		if !strings.Contains(text, " with ESMTPSA") {
			t.Errorf("the mail to %s did not arrive over TLS with AUTH:\n%s", b.address, text)
		}
		codes = append(codes, code)
	}
	t.Logf("%d codes in the mailboxes %v after verify started", len(codes), time.Since(sent).Round(time.Millisecond))
	return codes
}

// decode reads the one JSON object --json promises on stdout.
func decode(t *testing.T, out string, v any) {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(out))
	if err := dec.Decode(v); err != nil {
		t.Fatalf("not a JSON object: %v\n%s", err, out)
	}
	if dec.More() {
		t.Fatalf("more than one JSON object on stdout:\n%s", out)
	}
}
