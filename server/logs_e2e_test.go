package server

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/passcrow/passcrow-desktop/internal/syncbuf"
	"github.com/passcrow/passcrow-desktop/internal/wire"
	"github.com/passcrow/passcrow-desktop/recovery"
	"github.com/passcrow/passcrow-desktop/server/verify"
)

// TestLogsHoldNoSecrets runs whole rounds (protect, verify, recover,
// delete, and the usual mistakes: a wrong code, a taken prefer-id, a code
// asked again too soon, a wrong key) against our server over loopback,
// with the real outbox verifier, logging everything down to Debug, then
// greps the log for every identity, escrow id, prefer-id, code and key
// used: none may be there, in any case.
func TestLogsHoldNoSecrets(t *testing.T) {
	for _, format := range []string{"json", "text"} {
		t.Run(format, func(t *testing.T) {
			var buf syncbuf.Buffer
			logger, err := NewLogger(&buf, format, slog.LevelDebug)
			mustBeNil(t, err)
			outbox := t.TempDir()
			srv, err := New(Config{
				DataDir:       t.TempDir(),
				Verifiers:     map[string]verify.Verifier{"email": &verify.Outbox{Dir: outbox}},
				MaxExpiration: 24 * time.Hour,
				SweepInterval: -1,
				Logger:        logger,
			})
			mustBeNil(t, err)
			addr := startWire(t, srv, ServeOptions{Logger: logger})
			t.Cleanup(func() { srv.Close() })
			client, err := recovery.NewClient("http://" + addr)
			mustBeNil(t, err)
			client.Interval = 0
			ctx := context.Background()

			var secrets []string
			escrow := func(identity, prefer string) recovery.EscrowResult {
				t.Helper()
				res, err := client.Escrow(ctx, recovery.EscrowInput{
					Identity: identity, Secret: "fragment", Expires: time.Now().Add(time.Hour), PreferID: prefer})
				mustBeNil(t, err)
				secrets = append(secrets, res.ID, wire.EncodeKey(res.Key), hex.EncodeToString(res.Key),
					base64.StdEncoding.EncodeToString(res.Key), base64.RawURLEncoding.EncodeToString(res.Key))
				if _, bare, ok := strings.Cut(res.ID, "-"); ok {
					secrets = append(secrets, bare)
				}
				return res
			}
			alice := "Alice.Logtest@Example.org"
			prefer := "ab12cd34ef56ab12cd34ef56ab12cd34"
			secrets = append(secrets, alice, "email:"+alice, prefer)
			a := escrow("email:"+alice, prefer)
			b := escrow("email:bob.logtest@example.net", "")
			secrets = append(secrets, "bob.logtest@example.net")

			// The prefer-id again: refused, and the refusal is logged.
			_, err = client.Escrow(ctx, recovery.EscrowInput{
				Identity: "email:" + alice, Secret: "x", Expires: time.Now().Add(time.Hour), PreferID: prefer})
			if err == nil {
				t.Fatal("a taken prefer-id was granted")
			}
			for _, e := range []recovery.EscrowResult{a, b} {
				_, err := client.Verify(ctx, e.ID, e.Key, "", "en")
				mustBeNil(t, err)
				if _, err := client.Verify(ctx, e.ID, e.Key, "", "en"); err == nil {
					t.Fatal("a second code within the minute")
				}
			}
			codes := outboxCodes(t, outbox)
			if len(codes) != 2 {
				t.Fatalf("%d codes in the outbox", len(codes))
			}
			secrets = append(secrets, codes...)
			wrong := "000000"
			if codes[0] == wrong {
				wrong = "000001"
			}
			secrets = append(secrets, wrong)
			if _, err := client.Recover(ctx, a.ID, a.Key, wrong); err == nil {
				t.Fatal("a wrong code recovered")
			}
			wrongKey := make([]byte, 32)
			if _, err := client.Recover(ctx, b.ID, wrongKey, codes[1]); err == nil {
				t.Fatal("a wrong key recovered")
			}
			for _, e := range []recovery.EscrowResult{a, b} {
				var got string
				for _, c := range codes {
					if s, err := client.Recover(ctx, e.ID, e.Key, c); err == nil {
						got = s
						break
					}
				}
				if got != "fragment" {
					t.Fatalf("recovery of %s failed", e.ID)
				}
				mustBeNil(t, client.Delete(ctx, e.ID, e.Key))
			}
			_ = client.Delete(ctx, a.ID, a.Key) // gone already: another refusal

			log := buf.String()
			if strings.Count(log, "request refused") < 4 {
				t.Fatalf("too little logged to prove anything:\n%s", log)
			}
			assertNoneLogged(t, log, secrets...)
		})
	}
}

// TestLogsHoldNoAddressFromMailServer: a mail server that refuses the
// recipient and echoes the address in its own spelling (upper case) does
// not get it into the log. The mail server is go-smtp's, on loopback;
// its refusal of this one recipient is the stand-in part.
func TestLogsHoldNoAddressFromMailServer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	mustBeNil(t, err)
	mta := smtp.NewServer(refusingBackend{})
	mta.Domain = "localhost"
	go mta.Serve(ln)
	t.Cleanup(func() { mta.Close() })

	var buf syncbuf.Buffer
	logger, err := NewLogger(&buf, "text", slog.LevelDebug)
	mustBeNil(t, err)
	port := ln.Addr().(*net.TCPAddr).Port
	srv, err := New(Config{
		Verifiers:     map[string]verify.Verifier{"email": &verify.SMTP{Host: "127.0.0.1", Port: port, TLS: "none", From: "passcrow@example.org"}},
		MaxExpiration: 24 * time.Hour,
		SweepInterval: -1,
		Logger:        logger,
	})
	mustBeNil(t, err)
	addr := startWire(t, srv, ServeOptions{Logger: logger})
	t.Cleanup(func() { srv.Close() })
	client, err := recovery.NewClient("http://" + addr)
	mustBeNil(t, err)
	client.Interval = 0
	ctx := context.Background()
	identity := "carol.echo@mail.example.net"
	res, err := client.Escrow(ctx, recovery.EscrowInput{Identity: "email:" + identity, Secret: "s", Expires: time.Now().Add(time.Hour)})
	mustBeNil(t, err)
	if _, err := client.Verify(ctx, res.ID, res.Key, "", "en"); err == nil {
		t.Fatal("the refused mail was reported sent")
	}
	log := buf.String()
	if !strings.Contains(log, "550") {
		t.Fatalf("the mail server's refusal was not logged:\n%s", log)
	}
	assertNoneLogged(t, log, identity, "carol.echo", res.ID, wire.EncodeKey(res.Key))
}

// refusingBackend is an SMTP server that refuses every recipient,
// echoing the address in upper case as some servers do.
type refusingBackend struct{}

func (refusingBackend) NewSession(*smtp.Conn) (smtp.Session, error) { return refusingSession{}, nil }

type refusingSession struct{}

func (refusingSession) Mail(string, *smtp.MailOptions) error { return nil }
func (refusingSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1},
		Message: "<" + strings.ToUpper(to) + ">: Recipient address rejected: User unknown"}
}
func (refusingSession) Data(io.Reader) error { return errors.New("no recipients") }
func (refusingSession) Reset()               {}
func (refusingSession) Logout() error        { return nil }

func outboxCodes(t *testing.T, dir string) []string {
	t.Helper()
	var codes []string
	for _, f := range globAll(t, dir) {
		if c, ok := verify.ReadCode(f); ok {
			codes = append(codes, c)
		}
	}
	return codes
}

// globAll returns the text of every file in dir.
func globAll(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	mustBeNil(t, err)
	var texts []string
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		mustBeNil(t, err)
		texts = append(texts, string(b))
	}
	return texts
}
