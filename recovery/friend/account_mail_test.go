//go:build linux

package friend_test

import (
	"context"
	"crypto/tls"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/recovery"
	"github.com/passcrow/passcrow-desktop/recovery/friend"
	"github.com/passcrow/passcrow-desktop/recovery/media"
)

// TestAccountModes sends through each way of reaching a mail server the
// account allows, and checks each refusal against the real servers.
func TestAccountModes(t *testing.T) {
	m := startMail(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	place := func(a *friend.Account, to string) error {
		_, err := (&friend.Location{Account: a, To: to}).Place(ctx, recovery.Fragment("0123456789abcdef0123456789abcdef\x01"), recovery.PlaceOptions{Prefix: "A"})
		return err
	}

	t.Run("implicit TLS", func(t *testing.T) {
		if err := place(account(t, m, friend.TLSImplicit, m.SubmissionsAddr()), "bob@x.example"); err != nil {
			t.Fatal(err)
		}
		letterFor(t, ctx, m, "bob", "Alice Example asks you")
	})
	t.Run("no TLS to a loopback IP", func(t *testing.T) {
		a := account(t, m, friend.TLSNone, m.SMTPAddr())
		a.Username, a.Password = "", "" // OpenSMTPD's test port takes mail without AUTH
		if err := place(a, "carol@x.example"); err != nil {
			t.Fatal(err)
		}
		letterFor(t, ctx, m, "carol", "Alice Example asks you")
	})
	t.Run("no STARTTLS offered", func(t *testing.T) {
		err := place(account(t, m, friend.TLSStartTLS, m.SMTPAddr()), "dave@x.example")
		if !errors.Is(err, friend.ErrNoTLS) {
			t.Fatalf("STARTTLS to a server without it: %v, want ErrNoTLS", err)
		}
	})
	t.Run("untrusted certificate", func(t *testing.T) {
		a := account(t, m, friend.TLSStartTLS, m.SubmissionAddr())
		a.TLSConfig = &tls.Config{} // the system roots do not know the test CA
		err := place(a, "dave@x.example")
		var ce *tls.CertificateVerificationError
		if !errors.As(err, &ce) {
			t.Fatalf("a certificate from an unknown CA: %v, want a verification error", err)
		}
		t.Logf("untrusted: %v", err)
	})
	t.Run("wrong password", func(t *testing.T) {
		a := account(t, m, friend.TLSStartTLS, m.SubmissionAddr())
		a.Password = "not-alice-pw"
		err := place(a, "dave@x.example")
		if !errors.Is(err, friend.ErrAuth) || strings.Contains(err.Error(), a.Password) {
			t.Fatalf("a wrong password: %v, want ErrAuth without the password", err)
		}
		t.Logf("wrong password: %v", err)

		// Placed after a stick: Protect deletes the stick's file.
		stick := t.TempDir()
		_, err = recovery.Protect(ctx, recovery.ProtectRequest{
			Name: "t", Secret: []byte("s"), Policy: recovery.NofM(2),
			Locations: []recovery.Location{&media.Location{Dir: stick}, &friend.Location{Account: a, To: "dave@x.example"}},
			Expires:   time.Now().AddDate(1, 0, 0),
		})
		if !errors.Is(err, friend.ErrAuth) {
			t.Fatalf("Protect: %v, want ErrAuth", err)
		}
		if left, _ := os.ReadDir(stick); len(left) != 0 {
			t.Fatalf("the failed Protect left %d files on the stick", len(left))
		}
	})
}
