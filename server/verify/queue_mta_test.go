//go:build linux

package verify_test

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/mailtest"
	"github.com/passcrow/passcrow-desktop/internal/syncbuf"
	"github.com/passcrow/passcrow-desktop/recovery"
	"github.com/passcrow/passcrow-desktop/server"
	"github.com/passcrow/passcrow-desktop/server/verify"
)

// smtpTo is the server's SMTP verifier for a loopback mail server at addr.
func smtpTo(t *testing.T, addr, mode string) *verify.SMTP {
	t.Helper()
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := strconv.Atoi(port)
	return &verify.SMTP{Host: host, Port: p, TLS: mode, From: "Passcrow Test <noreply@pcqueue.invalid>"}
}

func codeMessage(to, code string) verify.Message {
	return verify.Message{Kind: "email", Address: to, Language: "en", Code: code,
		Description: "queue test", Timeout: 30 * time.Minute}
}

// relay forwards every connection it accepts on ln to target: it is how
// a mail server "comes up" on an address the queue already tries.
func relay(t *testing.T, ln net.Listener, target string) {
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				u, err := net.Dial("tcp", target)
				if err != nil {
					return
				}
				defer u.Close()
				go io.Copy(u, c)
				io.Copy(c, u)
			}()
		}
	}()
}

// A mail server that is down when the code is queued and comes up later
// gets the message on a retry, and the requester was answered at once.
func TestQueueRetryDeliversWhenRealMTAComesUp(t *testing.T) {
	m := mailtest.Start(t)
	m.AddUser("alice", "alice-pw")

	// An address nothing listens on yet: the first try is refused.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()

	q := verify.NewQueue(smtpTo(t, addr, verify.TLSNone), verify.QueueConfig{})
	ev := hook(q)
	t.Cleanup(func() { q.Close(context.Background()) })

	if err := q.Send(t.Context(), codeMessage("alice@example.org", "1402917")); err != nil {
		t.Fatalf("Send: %v", err)
	}
	first := <-ev.ch
	if first.Err == nil || first.Final || first.Attempt != 1 {
		t.Fatalf("first try: %+v, want a refused connection and a retry", first)
	}
	if s := q.Stats(); s.Sent != 0 || s.Pending != 1 {
		t.Fatalf("after a failed try: %+v", s)
	}

	// The mail server comes up on that address; the retry may go.
	ln, err = net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("taking the address back: %v", err)
	}
	relay(t, ln, m.SMTPAddr())
	close(ev.retry)
	second := <-ev.ch
	if second.Err != nil || second.Attempt != 2 {
		t.Fatalf("second try: %+v", second)
	}
	text, err := m.WaitForMail(t.Context(), "alice", "alice-pw", func(s string) bool { return strings.Contains(s, "1402917") })
	if err != nil {
		t.Fatal(err)
	}
	if code, ok := verify.ReadCode(text); !ok || code != "1402917" {
		t.Errorf("code in the delivered mail: %q %v", code, ok)
	}
	if s := q.Stats(); s.Queued != 1 || s.Sent != 1 || s.Retries != 1 || s.Failed != 0 || s.Pending != 0 {
		t.Errorf("stats: %+v", s)
	}
}

// blockedMTA is a hostile mail server: it accepts connections and never
// says a word. accepted gets each connection.
func blockedMTA(t *testing.T) (addr string, accepted <-chan net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ch := make(chan net.Conn, 8)
	var mu sync.Mutex
	var conns []net.Conn
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			ch <- c
		}
	}()
	return ln.Addr().String(), ch
}

// A verification request to our server is answered while its mail is
// still stuck at a mail server that never answers; at Close the stuck
// try is abandoned (its connection closed) and counted as dropped.
func TestQueueBlockedMTADoesNotHoldVerificationRequest(t *testing.T) {
	addr, accepted := blockedMTA(t)
	var logBuf syncbuf.Buffer
	q := verify.NewQueue(smtpTo(t, addr, verify.TLSNone), verify.QueueConfig{
		AttemptTimeout: 24 * time.Hour, // only Close ends the stuck try
		Logger:         slog.New(slog.NewTextHandler(&logBuf, nil)),
	})
	ev := hook(q)
	srv, err := server.New(server.Config{
		Verifiers:     map[string]verify.Verifier{"email": q},
		MaxExpiration: 24 * time.Hour,
	})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(func() { hs.Close(); srv.Close() })

	c, err := recovery.NewClient(hs.URL)
	if err != nil {
		t.Fatal(err)
	}
	c.Interval = 0
	const who = "Victim.Person@Example.org"
	esc, err := c.Escrow(t.Context(), recovery.EscrowInput{
		Identity: "email:" + who, Secret: "fragment", Expires: time.Now().Add(time.Hour),
	})
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Verify(t.Context(), esc.ID, esc.Key, "1", "en")
	if err != nil {
		t.Fatalf("verification request: %v", err)
	}
	if res.Hint == "" {
		t.Errorf("answer without a hint: %+v", res)
	}
	// The answer came; the mail is still stuck inside the mail server.
	conn := <-accepted
	select {
	case e := <-ev.ch:
		t.Fatalf("the try ended (%+v) although the mail server never answered", e)
	default:
	}
	if s := q.Stats(); s.Sent != 0 || s.InFlight != 1 || s.Pending != 1 {
		t.Fatalf("stats while stuck: %+v", s)
	}

	// Shutdown with no time left to drain: the try is cancelled.
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := q.Close(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Close = %v, want it to say the queue was abandoned", err)
	}
	// The client never got a greeting, so it sent nothing: the copy ends
	// when, and only when, the abandoned try closes its connection.
	if n, err := io.Copy(io.Discard, conn); n != 0 || err != nil {
		t.Errorf("stuck connection: %d bytes, %v", n, err)
	}
	if s := q.Stats(); s.Dropped != 1 || s.Pending != 0 || s.InFlight != 0 || s.Sent != 0 {
		t.Errorf("stats after Close: %+v", s)
	}
	if err := q.Send(t.Context(), codeMessage("alice@example.org", "1000000")); !errors.Is(err, verify.ErrQueueClosed) {
		t.Errorf("Send after Close = %v", err)
	}
	if log := logBuf.String(); strings.Contains(strings.ToLower(log), "victim") || !strings.Contains(log, "abandoned") {
		t.Errorf("log names the recipient or not the abandoned message:\n%s", log)
	}
}

// A full queue refuses at once, so a dead mail server cannot make the
// server hold unbounded mail; Check's refusals are not queued.
func TestQueueFullAndInvalidRefusedAtOnce(t *testing.T) {
	addr, accepted := blockedMTA(t)
	q := verify.NewQueue(smtpTo(t, addr, verify.TLSNone), verify.QueueConfig{Workers: 1, Size: 1, AttemptTimeout: 24 * time.Hour})
	t.Cleanup(func() {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		q.Close(ctx)
	})
	if err := q.Send(t.Context(), codeMessage("alice@example.org", "1000001")); err != nil {
		t.Fatal(err)
	}
	<-accepted
	if err := q.Send(t.Context(), codeMessage("bob@example.org", "1000002")); !errors.Is(err, verify.ErrQueueFull) {
		t.Errorf("second Send = %v, want ErrQueueFull", err)
	}
	bad := codeMessage("alice@example.org\r\nRCPT TO:<eve@example.net>", "1000003")
	if err := q.Send(t.Context(), bad); !errors.Is(err, verify.ErrInvalidMessage) {
		t.Errorf("injection = %v, want ErrInvalidMessage", err)
	}
	sms := codeMessage("+3545551234", "1000004")
	sms.Kind = "sms"
	if err := q.Send(t.Context(), sms); !errors.Is(err, verify.ErrUnsupportedKind) {
		t.Errorf("sms by mail = %v, want ErrUnsupportedKind", err)
	}
	if s := q.Stats(); s.Queued != 1 {
		t.Errorf("queued %d, want 1", s.Queued)
	}
}

// Close with time to spare waits for the queue to empty: a message
// queued just before shutdown still reaches the real mailbox.
func TestQueueCloseDrainsToRealMTA(t *testing.T) {
	m := mailtest.Start(t)
	m.AddUser("carol", "carol-pw")
	q := verify.NewQueue(smtpTo(t, m.SMTPAddr(), verify.TLSNone), verify.QueueConfig{})
	for i, code := range []string{"1555001", "2555002", "3555003"} {
		if err := q.Send(t.Context(), codeMessage("carol@example.org", code)); err != nil {
			t.Fatalf("Send %d: %v", i, err)
		}
	}
	if err := q.Close(t.Context()); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if s := q.Stats(); s.Sent != 3 || s.Dropped != 0 || s.Pending != 0 {
		t.Errorf("stats after draining: %+v", s)
	}
	for _, code := range []string{"1555001", "2555002", "3555003"} {
		if _, err := m.WaitForMail(t.Context(), "carol", "carol-pw", func(s string) bool { return strings.Contains(s, code) }); err != nil {
			t.Error(err)
		}
	}
}

// A permanent refusal (a failed login: 535) is not retried, is counted
// as failed, and its log line names no address, in any letter case.
func TestQueuePermanentFailureNotRetriedRealMTA(t *testing.T) {
	m := mailtest.Start(t)
	m.NeedSubmission(t)
	m.AddUser("dave", "dave-pw")
	var logBuf syncbuf.Buffer
	s := smtpTo(t, m.SubmissionAddr(), verify.TLSStartTLS)
	s.TLSConfig = &tls.Config{RootCAs: m.CertPool()}
	s.Username, s.Password = "dave", "wrong-pw"
	q := verify.NewQueue(s, verify.QueueConfig{Logger: slog.New(slog.NewTextHandler(&logBuf, nil))})
	ev := hook(q)
	if err := q.Send(t.Context(), codeMessage("Dave.Secret@Example.org", "1777777")); err != nil {
		t.Fatal(err)
	}
	e := <-ev.ch
	if e.Err == nil || !e.Final || e.Attempt != 1 || !verify.Permanent(e.Err) {
		t.Fatalf("try: %+v, want a final, permanent failure", e)
	}
	if err := q.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	if st := q.Stats(); st.Failed != 1 || st.Retries != 0 || st.Sent != 0 {
		t.Errorf("stats: %+v", st)
	}
	log := logBuf.String()
	if !strings.Contains(log, "could not be sent") || strings.Contains(strings.ToLower(log), "dave.secret") || strings.Contains(log, "1777777") {
		t.Errorf("log:\n%s", log)
	}
}
