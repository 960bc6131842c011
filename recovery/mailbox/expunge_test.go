//go:build linux

package mailbox

import (
	"context"
	"crypto/tls"
	"net"
	"slices"
	"strconv"
	"testing"

	"github.com/emersion/go-imap/v2"

	"github.com/passcrow/passcrow-desktop/internal/mailtest"
)

// TestExpungeAloneKeepsOthers runs the path for servers without UID
// EXPUNGE against the real Dovecot (which has it, so the path is called
// directly): only the message asked for goes; a message the user marked
// \Deleted stays, still marked.
func TestExpungeAloneKeepsOthers(t *testing.T) {
	m := mailtest.Start(t)
	m.AddUser("erin", "erin-pw")
	host, port, _ := net.SplitHostPort(m.IMAPSAddr())
	p, _ := strconv.Atoi(port)
	a := Account{Host: host, Port: p, Security: TLS, Username: "erin", TLSConfig: &tls.Config{RootCAs: m.CertPool()}}
	s, err := dial(context.Background(), a, "erin-pw")
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	if _, err := s.ensureFolder(DefaultFolder); err != nil {
		t.Fatal(err)
	}
	for _, msg := range []string{
		"X-Passcrow-Fragment: ours\r\nSubject: ours\r\n\r\nx\r\n",
		"Subject: theirs, deleted\r\n\r\nx\r\n",
		"Subject: theirs\r\n\r\nx\r\n",
	} {
		if _, err := s.appendMessage(DefaultFolder, []byte(msg)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.selectFolder(DefaultFolder, false); err != nil {
		t.Fatal(err)
	}
	deleted := []imap.Flag{imap.FlagDeleted}
	if err := s.c.Store(imap.UIDSetNum(2), &imap.StoreFlags{Op: imap.StoreFlagsAdd, Flags: deleted}, nil).Close(); err != nil {
		t.Fatal(err)
	}
	ours, err := s.find(FragmentHeader, "ours")
	if err != nil || !slices.Equal(ours, []imap.UID{1}) {
		t.Fatalf("find: %v, %v", ours, err)
	}
	set := imap.UIDSetNum(ours...)
	if err := s.c.Store(set, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Flags: deleted}, nil).Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.expungeAlone(set); err != nil {
		t.Fatal(err)
	}
	msgs, err := s.c.Fetch(imap.UIDSetNum(1, 2, 3), &imap.FetchOptions{UID: true, Flags: true}).Collect()
	if err != nil {
		t.Fatal(err)
	}
	var left []imap.UID
	for _, msg := range msgs {
		left = append(left, msg.UID)
		if msg.UID == 2 && !slices.Contains(msg.Flags, imap.FlagDeleted) {
			t.Error("the user's message marked deleted lost its mark")
		}
	}
	slices.Sort(left)
	if !slices.Equal(left, []imap.UID{2, 3}) {
		t.Errorf("messages left: %v, want 2 and 3", left)
	}
}
