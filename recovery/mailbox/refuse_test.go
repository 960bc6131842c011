package mailbox_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/recovery"
	"github.com/passcrow/passcrow-desktop/recovery/mailbox"
)

// TestPlainRefusedBeforeConnecting: no unencrypted connection to a host
// that is not a loopback IP literal, not even "localhost", and nothing is
// sent: the listener on localhost's address gets no connection.
func TestPlainRefusedBeforeConnecting(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port
	for _, host := range []string{"localhost", "192.0.2.1", "imap.example.org"} {
		a := mailbox.Account{Host: host, Port: port, Security: mailbox.Plain, Username: "alice"}
		loc, err := mailbox.NewLocation(a, "pw")
		if err != nil {
			t.Fatal(err)
		}
		_, err = loc.Place(context.Background(), recovery.Fragment("0123456789abcdef0"), recovery.PlaceOptions{Prefix: "1"})
		if !errors.Is(err, mailbox.ErrPlainRefused) {
			t.Errorf("plain to %s: %v, want ErrPlainRefused", host, err)
		}
		if _, err := mailbox.ListPacks(context.Background(), a, "pw"); !errors.Is(err, mailbox.ErrPlainRefused) {
			t.Errorf("list packs in plain from %s: %v, want ErrPlainRefused", host, err)
		}
	}
	// Had anything connected, the kernel would hold it in the backlog
	// now: Accept with a deadline in the past returns it, or times out.
	l.(*net.TCPListener).SetDeadline(time.Unix(1, 0))
	if c, err := l.Accept(); err == nil {
		c.Close()
		t.Error("a plain connection was made to localhost")
	}
}

// TestUnreachable: a port nothing listens on is ErrUnreachable.
func TestUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	for _, sec := range []mailbox.Security{mailbox.TLS, mailbox.StartTLS, mailbox.Plain} {
		a := mailbox.Account{Host: "127.0.0.1", Port: port, Security: sec, Username: "alice"}
		if _, err := mailbox.FetchPack(context.Background(), a, "pw", "wallet"); !errors.Is(err, mailbox.ErrUnreachable) {
			t.Errorf("%s to a closed port: %v, want ErrUnreachable", sec, err)
		}
	}
}

// TestSameMailboxTwiceRefused: the same server, user and folder chosen
// twice is one location; Protect refuses it before connecting anywhere
// (the server, in TEST-NET, would not answer). Another folder, or the
// server's name in capitals for another user, are other locations.
func TestSameMailboxTwiceRefused(t *testing.T) {
	loc := func(host, user, folder string) recovery.Location {
		l, err := mailbox.NewLocation(mailbox.Account{Host: host, Security: mailbox.TLS, Username: user, Folder: folder}, "pw")
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	_, err := recovery.Protect(context.Background(), recovery.ProtectRequest{
		Name: "x", Secret: []byte("s"), Policy: recovery.All(), Expires: time.Now().Add(time.Hour),
		Locations: []recovery.Location{loc("192.0.2.1", "alice", ""), loc("192.0.2.1", "alice", mailbox.DefaultFolder)},
	})
	if err == nil || !strings.Contains(err.Error(), "chosen twice") {
		t.Errorf("the same mailbox twice: %v, want 'chosen twice'", err)
	}
	a, b := loc("IMAP.example.org", "alice", "A").(recovery.Identifier), loc("imap.example.org", "alice", "A").(recovery.Identifier)
	if a.Identity() != b.Identity() {
		t.Errorf("identities differ by the case of the server's name: %q, %q", a.Identity(), b.Identity())
	}
	if c := loc("imap.example.org", "alice", "B").(recovery.Identifier); c.Identity() == a.Identity() {
		t.Error("another folder has the same identity")
	}
}
