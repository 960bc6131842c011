package mailbox_test

import (
	"context"
	"errors"
	"net"
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
