package mailbox_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/passcrow/passcrow-desktop/recovery"
	"github.com/passcrow/passcrow-desktop/recovery/mailbox"
)

// hostileIMAPStandIn is a stand-in for a hostile IMAP server (Dovecot
// cannot be made to misbehave): it logs anyone in and answers LIST with
// a mailbox name of size bytes, which go-imap reads into memory whole.
// written counts what it could send before the client hung up.
func hostileIMAPStandIn(t *testing.T, size int64) (port int, written *atomic.Int64) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	written = new(atomic.Int64)
	go func() {
		c, err := l.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		fmt.Fprint(c, "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] stand-in ready\r\n")
		r := bufio.NewReader(c)
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			tag, cmd, _ := strings.Cut(strings.TrimSpace(line), " ")
			switch verb, _, _ := strings.Cut(strings.ToUpper(cmd), " "); verb {
			case "AUTHENTICATE":
				fmt.Fprint(c, "+ \r\n")
				if _, err := r.ReadString('\n'); err != nil {
					return
				}
				fmt.Fprintf(c, "%s OK logged in\r\n", tag)
			case "LIST":
				fmt.Fprintf(c, "* LIST () \"/\" {%d}\r\n", size)
				chunk := bytes.Repeat([]byte("x"), 64<<10)
				for sent := int64(0); sent < size; sent += int64(len(chunk)) {
					n, err := c.Write(chunk)
					written.Add(int64(n))
					if err != nil {
						return
					}
				}
				return
			default:
				fmt.Fprintf(c, "%s OK done\r\n", tag)
			}
		}
	}()
	return l.Addr().(*net.TCPAddr).Port, written
}

// TestHostileServerHasAReadBudget: a server that sends without end is
// cut off after a few megabytes, not read into memory to the end.
func TestHostileServerHasAReadBudget(t *testing.T) {
	const size = 256 << 20
	port, written := hostileIMAPStandIn(t, size)
	a := mailbox.Account{Host: "127.0.0.1", Port: port, Security: mailbox.Plain, Username: "alice"}
	_, err := mailbox.ListPacks(context.Background(), a, "pw")
	if !errors.Is(err, mailbox.ErrUnreachable) {
		t.Fatalf("ListPacks from a hostile server: %v, want ErrUnreachable", err)
	}
	// What the kernel's buffers hold besides is a few megabytes.
	if n := written.Load(); n > 32<<20 {
		t.Fatalf("the client read %d MB of a %d MB answer", n>>20, size>>20)
	}
}

// TestRecordHostShownInASCII: a pack names the server the user's password
// goes to, so its name is used and shown as DNS has it: a look-alike in
// another script is plain to see, and a username cannot reorder the
// prompt with bidi controls.
func TestRecordHostShownInASCII(t *testing.T) {
	record := func(host, user string) recovery.Record {
		return recovery.Record{Kind: mailbox.Kind, Prefix: "1", Data: []byte(fmt.Sprintf(
			`{"host":%q,"port":993,"security":"tls","username":%q,"folder":"P","fragment-id":"%s","seal-key":"%s"}`,
			host, user, strings.Repeat("a", 32), base64.StdEncoding.EncodeToString(make([]byte, 32))))}
	}
	a, err := mailbox.RecordAccount(record("imap.gm\u0430il.com", "me@gmail.com"))
	if err != nil {
		t.Fatal(err)
	}
	if a.Host != "imap.xn--gmil-63d.com" || !strings.Contains(a.Describe(), "xn--gmil-63d") {
		t.Errorf("a look-alike server is %q, described %q", a.Host, a.Describe())
	}
	if a, err := mailbox.RecordAccount(record("IMAP.Ísland.example", "me")); err != nil || a.Host != "imap.xn--sland-ysa.example" {
		t.Errorf("Ísland: %q, %v", a.Host, err)
	}
	for _, user := range []string{"me\u202egro.elpmaxe", "me\u2066x", "me\u200fx"} {
		if _, err := mailbox.RecordAccount(record("imap.example.org", user)); err == nil {
			t.Errorf("username %q with a bidi control accepted", user)
		}
	}
}
