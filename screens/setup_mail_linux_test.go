package screens

import (
	"crypto/rand"
	"encoding/hex"
	"net"
	"strings"
	"testing"

	"github.com/passcrow/passcrow-desktop/app/state"
	"github.com/passcrow/passcrow-desktop/internal/mailtest"
)

type mailUser struct{ name, password string }

func newMailUser(m *mailtest.Mail, name string) mailUser {
	b := make([]byte, 4)
	rand.Read(b)
	u := mailUser{name + "-" + hex.EncodeToString(b), "pw-" + hex.EncodeToString(b)}
	m.AddUser(u.name, u.password)
	return u
}

// fillMailbox types a mailbox of m (plain IMAP on loopback) into f.
func fillMailbox(u *UI, f *KindForm, m *mailtest.Mail, mu mailUser, keep bool) {
	host, port, _ := net.SplitHostPort(m.IMAPAddr())
	typeIn(u, f.Host, host)
	typeIn(u, f.Port, port)
	look(u, func() { f.Security.SetSelectedIndex(2) }) // none: this computer only
	typeIn(u, f.User, mu.name)
	typeIn(u, f.Password, mu.password)
	look(u, func() { f.KeepPassword.SetChecked(keep) })
}

// TestSetupMailpileRealMail: two mailboxes of the user's and a friend's
// inbox on real Dovecot and OpenSMTPD, Mailpile's preset (1 of the 2
// mailboxes and the friend), no Passcrow server needed, a copy of the
// pack kept in the first mailbox; then Check now asks for the password
// not kept and finds both messages, and says a friend cannot be checked.
func TestSetupMailpileRealMail(t *testing.T) {
	m := mailtest.Start(t)
	box1, box2, friendUser := newMailUser(m, "box1"), newMailUser(m, "box2"), newMailUser(m, "friend")
	u := newTestUI(t)
	s := startSetupForTest(t, u, "Mail")
	if msg := addKindForTest(t, u, s, state.ExtraMailbox, func(f *KindForm) { fillMailbox(u, f, m, box1, true) }); msg != "" {
		t.Fatalf("mailbox 1 refused: %s", msg)
	}
	if msg := addKindForTest(t, u, s, state.ExtraMailbox, func(f *KindForm) { fillMailbox(u, f, m, box2, false) }); msg != "" {
		t.Fatalf("mailbox 2 refused: %s", msg)
	}
	smtpHost, smtpPort, _ := net.SplitHostPort(m.SMTPAddr())
	if msg := addKindForTest(t, u, s, state.ExtraFriend, func(f *KindForm) {
		typeIn(u, f.To, friendUser.name+"@friends.example")
		typeIn(u, f.From, "Alice <alice@example.org>")
		typeIn(u, f.Host, smtpHost)
		typeIn(u, f.Port, smtpPort)
		look(u, func() { f.Security.SetSelectedIndex(2) })
	}); msg != "" {
		t.Fatalf("the friend was refused: %s", msg)
	}
	tap(u, s.Next) // → policy
	look(u, func() {
		if !s.Mailpile.Visible() || !s.Mailpile.Checked {
			t.Fatal("Mailpile's preset is not offered and chosen by default")
		}
		if !strings.Contains(s.Explain.Text, "1 of your 2 mailboxes and 1 of your 1 friends") {
			t.Errorf("policy explains %q", s.Explain.Text)
		}
	})
	finishSetupForTest(t, u, s) // no server step: nothing on a Passcrow server
	look(u, func() {
		if !s.PackCopy.Visible() {
			t.Fatal("no pack copy offered with mailboxes")
		}
		s.PackCopy.SetChecked(true)
	})
	protectKindsForTest(t, u, s)
	look(u, func() {
		if !strings.Contains(s.CopyResult.Text, box1.name) {
			t.Errorf("pack copy result %q, want it kept in %s", s.CopyResult.Text, box1.name)
		}
	})
	if it, _ := u.State.Items(); len(it) != 1 || it[0].Threshold != 2 {
		t.Fatalf("items %+v, want one needing 2", it)
	}

	look(u, u.ShowOverview)
	over := u.Current().(*Overview)
	tap(u, over.CheckNow["Mail"])
	h := u.Current().(*Health)
	var entries int
	look(u, func() {
		entries = len(h.Passwords)
		for _, e := range h.Passwords {
			e.SetText(box2.password)
		}
	})
	if entries != 1 {
		t.Fatalf("%d password fields, want 1 (the first mailbox's is kept)", entries)
	}
	tap(u, h.Check)
	var done chan struct{}
	look(u, func() { done = h.done })
	if err := wait(done, TourStepTimeout, "the check"); err != nil {
		t.Fatal(err)
	}
	look(u, func() {
		for i, r := range h.Results {
			text := h.Rows[i].Text
			switch r.Kind {
			case "imap":
				if r.State != state.HealthPresent || !strings.Contains(text, "last seen") {
					t.Errorf("mailbox row %q (%s), want present with a date", text, r.Detail)
				}
			case "friend":
				if !strings.Contains(text, "ask your friend") {
					t.Errorf("friend row %q", text)
				}
			}
		}
	})
}

// TestMailCopyRefusedBesideFragments: the overview's "Save a copy in my
// mailbox" into the only mailbox of an "any one" item is refused, in
// words: whoever reads it could recover with the pack.
func TestMailCopyRefusedBesideFragments(t *testing.T) {
	m := mailtest.Start(t)
	box := newMailUser(m, "only")
	u := newTestUI(t)
	s := startSetupForTest(t, u, "Solo")
	if msg := addKindForTest(t, u, s, state.ExtraMailbox, func(f *KindForm) { fillMailbox(u, f, m, box, false) }); msg != "" {
		t.Fatalf("mailbox refused: %s", msg)
	}
	if msg := addKindForTest(t, u, s, state.ExtraMedia, func(f *KindForm) { typeIn(u, f.Dir, t.TempDir()) }); msg != "" {
		t.Fatalf("stick refused: %s", msg)
	}
	tap(u, s.Next)
	look(u, func() { s.Policy.SetSelected(s.Policy.Options[1]) }) // any one
	finishSetupForTest(t, u, s)
	protectKindsForTest(t, u, s)

	look(u, u.ShowOverview)
	over := u.Current().(*Overview)
	tap(u, over.MailCopy["Solo"])
	var mc *MailCopy
	look(u, func() { mc = over.LastMailCopy })
	fillMailbox(u, mc.Form, m, box, false)
	tap(u, mc.Save)
	var done chan struct{}
	look(u, func() { done = mc.done })
	if err := wait(done, TourStepTimeout, "saving the copy"); err != nil {
		t.Fatal(err)
	}
	look(u, func() {
		if mc.Result.Text != packBesideText() {
			t.Errorf("result %q, want the refusal explained", mc.Result.Text)
		}
	})
}
