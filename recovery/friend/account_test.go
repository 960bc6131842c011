package friend_test

import (
	"context"
	"strings"
	"testing"

	"github.com/passcrow/passcrow-desktop/recovery"
	"github.com/passcrow/passcrow-desktop/recovery/friend"
)

// TestPlaceRefusesBeforeSending: settings that must never reach a mail
// server fail before any connection is made (the hosts do not exist).
func TestPlaceRefusesBeforeSending(t *testing.T) {
	ok := func() *friend.Account {
		return &friend.Account{Host: "127.0.0.1", Port: 1, TLS: friend.TLSNone, From: "Alice <alice@example.org>"}
	}
	for _, tc := range []struct {
		name string
		edit func(a *friend.Account, l *friend.Location)
		want string
	}{
		{"plain to a name", func(a *friend.Account, l *friend.Location) { a.Host = "localhost" }, "loopback IP"},
		{"plain to a remote host", func(a *friend.Account, l *friend.Location) { a.Host = "192.0.2.1" }, "loopback IP"},
		{"unknown TLS mode", func(a *friend.Account, l *friend.Location) { a.TLS = "ssl" }, `"ssl"`},
		{"no server", func(a *friend.Account, l *friend.Location) { a.Host = "" }, "no server"},
		{"bad friend address", func(a *friend.Account, l *friend.Location) { l.To = "bob at example" }, "friend's address"},
		{"bad own address", func(a *friend.Account, l *friend.Location) { a.From = "" }, "account's address"},
		{"header injection", func(a *friend.Account, l *friend.Location) { l.Owner = "Alice\r\nBcc: eve@example.org" }, "control character"},
		{"unknown language", func(a *friend.Account, l *friend.Location) { l.Language = "xx" }, `"xx"`},
		{"no account", func(a *friend.Account, l *friend.Location) { l.Account = nil }, "no mail account"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := ok()
			l := &friend.Location{Account: a, To: "bob@example.net"}
			tc.edit(a, l)
			_, err := l.Place(context.Background(), recovery.Fragment("0123456789abcdef0123456789abcdef\x01"), recovery.PlaceOptions{Prefix: "A"})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Place = %v, want an error saying %q", err, tc.want)
			}
		})
	}
}

func TestDescribeAndIdentity(t *testing.T) {
	l := &friend.Location{To: "Bob <Bob@Example.net>"}
	if d := l.Describe(); strings.Contains(d, "Bob@") || !strings.HasPrefix(d, "a friend, ") {
		t.Errorf("Describe = %q", d)
	}
	if id := l.Identity(); id != "bob@example.net" {
		t.Errorf("Identity = %q", id)
	}
}
