//go:build linux

package mailtest

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/server/verify"
)

func smtpFor(t *testing.T, addr, mode string) *verify.SMTP {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := strconv.Atoi(port)
	return &verify.SMTP{Host: host, Port: p, TLS: mode, From: "Passcrow Test <noreply@pcpeer.invalid>", Timeout: 10 * time.Second}
}

func message(to, code, lang string) verify.Message {
	return verify.Message{
		Kind: "email", Address: to, Language: lang, Code: code,
		Description: "mailtest", AboutURL: "https://passcrow.example.org/",
		Timeout: 30 * time.Minute,
	}
}

// TestDelivery sends a code with the server's SMTP verifier in each TLS
// mode, through real servers, and reads it back from Dovecot over IMAP:
// plain SMTP to OpenSMTPD; STARTTLS and implicit TLS, with AUTH PLAIN, to
// Dovecot's submission service, which relays to OpenSMTPD.
func TestDelivery(t *testing.T) {
	start := time.Now()
	m := Start(t)
	t.Logf("mail servers up in %v", time.Since(start).Round(time.Millisecond))
	m.AddUser("alice", "alice-pw")
	m.AddUser("bjorn", "bjorn-pw")

	for _, tc := range []struct {
		mode, addr, login, to, user, pw, lang, code string
	}{
		{verify.TLSNone, m.SMTPAddr(), "", "alice@example.org", "alice", "alice-pw", "en", "1111487"},
		{verify.TLSStartTLS, m.SubmissionAddr(), "bjorn", "bjorn@example.is", "bjorn", "bjorn-pw", "is", "2068568"},
		{verify.TLSImplicit, m.SubmissionsAddr(), "alice", "alice@mail.example.net", "alice", "alice-pw", "de", "3610414"},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			if tc.mode != verify.TLSNone {
				m.NeedSubmission(t)
			}
			s := smtpFor(t, tc.addr, tc.mode)
			s.TLSConfig = &tls.Config{RootCAs: m.CertPool()}
			if tc.login != "" {
				s.Username, s.Password = tc.login, tc.pw
			}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()

			sent := time.Now()
			if err := s.Send(ctx, message(tc.to, tc.code, tc.lang)); err != nil {
				t.Fatal(err)
			}
			accepted := time.Since(sent)
			text, err := m.WaitForMail(ctx, tc.user, tc.pw, func(text string) bool {
				code, ok := verify.ReadCode(text)
				return ok && code == tc.code
			})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: SMTP accepted in %v, in the INBOX after %v", tc.mode,
				accepted.Round(time.Microsecond), time.Since(sent).Round(time.Microsecond))
			if !strings.Contains(text, "\r\nTo: "+tc.to+"\r\n") {
				t.Errorf("delivered mail lacks To: %s:\n%s", tc.to, text)
			}
			// RFC 3848: ESMTPSA = ESMTP over TLS, authenticated.
			if tc.mode != verify.TLSNone && !strings.Contains(text, " with ESMTPSA\r\n") {
				t.Errorf("no TLS+AUTH hop in the Received headers of a %s delivery:\n%s", tc.mode, text)
			}
		})
	}
}

// A verifier that cannot make the exchange it is configured for must
// return an error (so the server keeps no code), and name the cause.
func TestSendRefused(t *testing.T) {
	m := Start(t)
	m.AddUser("alice", "alice-pw")
	msg := message("alice@example.org", "1234567", "en")
	ctx := context.Background()

	// OpenSMTPD's plain port offers no STARTTLS: no sending in clear.
	s := smtpFor(t, m.SMTPAddr(), verify.TLSStartTLS)
	if err := s.Send(ctx, msg); !errors.Is(err, verify.ErrNoTLS) {
		t.Errorf("starttls to a plain server: err = %v, want ErrNoTLS", err)
	}
	m.NeedSubmission(t)
	// The throwaway certificate is not in the system roots.
	s = smtpFor(t, m.SubmissionAddr(), verify.TLSStartTLS)
	s.Username, s.Password = "alice", "alice-pw"
	if err := s.Send(ctx, msg); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("untrusted certificate: err = %v, want a certificate error", err)
	}
	// A wrong password, which must not show in the error.
	s.TLSConfig = &tls.Config{RootCAs: m.CertPool()}
	s.Password = "wrong-pw-6b1f"
	err := s.Send(ctx, msg)
	if err == nil || !strings.Contains(err.Error(), "authenticating") {
		t.Errorf("wrong password: err = %v, want an authentication error", err)
	}
	if err != nil && (strings.Contains(err.Error(), s.Password) || strings.Contains(err.Error(), "1234567")) {
		t.Errorf("error %q reveals a secret", err)
	}
	// Submission without AUTH is refused.
	s.Username, s.Password = "", ""
	if err := s.Send(ctx, msg); err == nil {
		t.Error("submission without AUTH succeeded")
	}
}

// TestServerDown: with nothing listening, Send fails, so the server will
// not store a code that never went out.
func TestServerDown(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // a port that was just free and is now closed

	s := smtpFor(t, addr, verify.TLSNone)
	start := time.Now()
	err = s.Send(context.Background(), message("alice@example.org", "1234567", "en"))
	if err == nil {
		t.Fatal("Send to a closed port succeeded")
	}
	if strings.Contains(err.Error(), "1234567") {
		t.Errorf("error %q reveals the code", err)
	}
	t.Logf("failed in %v: %v", time.Since(start).Round(time.Microsecond), err)
}

// TestSendDeadline: a server that accepts the connection but never
// greets must not hold Send past the context's deadline.
func TestSendDeadline(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close() // silent until the test ends
		}
	}()
	s := smtpFor(t, l.Addr().String(), verify.TLSNone)
	// No bound on how long Send took (a loaded machine, -race): the
	// server stays mute until the test ends, so a Send that returns at
	// all was ended by the deadline, and says so: the context's, or the
	// connection's that Send set from it (either timer may fire first).
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	err = s.Send(ctx, message("alice@example.org", "1234567", "en"))
	if !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("Send to a mute server: %v, want a deadline error", err)
	}
}
