package screens

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/passcrow/passcrow-desktop/app/state"
	"github.com/passcrow/passcrow-desktop/internal/mailtest"
	"github.com/passcrow/passcrow-desktop/recovery"
	"github.com/passcrow/passcrow-desktop/recovery/friend"
	"github.com/passcrow/passcrow-desktop/recovery/mailbox"
	"github.com/passcrow/passcrow-desktop/recovery/media"
)

// TestMailboxScreens runs the screens' tests that need the real Dovecot
// (one per test process).
func TestMailboxScreens(t *testing.T) {
	m := mailtest.Start(t)
	t.Run("RecoverWithPassword", func(t *testing.T) { testRecoverWithPassword(t, m) })
	t.Run("RestoreFromMailbox", func(t *testing.T) { testRestoreFromMailbox(t, m) })
	t.Run("FriendsLetters", func(t *testing.T) { testFriendsLetters(t, m) })
	t.Run("ForgetAsksPassword", func(t *testing.T) { testForgetAsksPassword(t, m) })
}

// testForgetAsksPassword: forgetting an item whose mailbox password was
// not kept asks for it in a dialog, and the fragment's message is then
// deleted from the real mailbox.
func testForgetAsksPassword(t *testing.T, m *mailtest.Mail) {
	u := newTestUI(t)
	a := plainAccount(t, m, "daveforget", "dave-pw-1")
	box, err := mailbox.NewLocation(a, "dave-pw-1")
	if err != nil {
		t.Fatal(err)
	}
	packForTest(t, u, "Forget me", recovery.ProtectRequest{Policy: recovery.NofM(2), Locations: []recovery.Location{
		box, &media.Location{Dir: t.TempDir(), Label: "the stick"},
	}})
	b, err := u.State.Export("Forget me")
	if err != nil {
		t.Fatal(err)
	}
	p, err := recovery.ParsePack(b)
	if err != nil {
		t.Fatal(err)
	}
	boxRec := p.Records[0]
	if boxRec.Kind != mailbox.Kind {
		t.Fatalf("record 0 is %q", boxRec.Kind)
	}
	asked := make(chan *widget.Entry, 1)
	passwordAsked = func(e *widget.Entry) { asked <- e }
	t.Cleanup(func() { passwordAsked = nil })
	forgot := make(chan error, 1)
	go func() { forgot <- u.State.Forget(context.Background(), "Forget me") }()
	var pw *widget.Entry
	select {
	case pw = <-asked:
	case err := <-forgot:
		t.Fatalf("forgot without asking: %v", err)
	}
	look(u, func() {
		pw.SetText("dave-pw-1")
		ok := findButtonDeep(u.Win.Canvas().Overlays().Top(), "Open the mailbox")
		if ok == nil {
			t.Fatal("no Open the mailbox button in the dialog")
		}
		test.Tap(ok)
	})
	if err := <-forgot; err != nil {
		t.Fatal(err)
	}
	_, err = (&mailbox.Keeper{}).Gather(context.Background(), boxRec, recovery.Input{Login: &recovery.Login{Password: "dave-pw-1"}})
	if !errors.Is(err, mailbox.ErrGone) {
		t.Fatalf("the fragment's message after forgetting: %v", err)
	}
}

// testFriendsLetters: a pack of 2 of two friends' letters and a stick,
// the letters sent through real submission into the friends' Dovecot
// inboxes. The page asks once for a friend's mail; another pack's letter
// is refused; with both friends' mails (as .eml) the secret opens.
func testFriendsLetters(t *testing.T, m *mailtest.Mail) {
	m.NeedSubmission(t)
	for _, n := range []string{"ownerf", "bobf", "carolf"} {
		m.AddUser(n, n+"-pw")
	}
	host, port, _ := net.SplitHostPort(m.SubmissionAddr())
	p, _ := strconv.Atoi(port)
	acct := &friend.Account{Host: host, Port: p, TLS: friend.TLSStartTLS, Username: "ownerf", Password: "ownerf-pw",
		From: "Owner <ownerf@example.org>", TLSConfig: &tls.Config{RootCAs: m.CertPool()}, Timeout: 30 * time.Second}
	u := newTestUI(t)
	packForTest(t, u, "Letters", recovery.ProtectRequest{Policy: recovery.NofM(2), Locations: []recovery.Location{
		&friend.Location{Account: acct, To: "bobf@example.org", Number: 1, Count: 2},
		&friend.Location{Account: acct, To: "carolf@example.org", Number: 2, Count: 2},
		&media.Location{Dir: t.TempDir(), Label: "the stick"},
	}})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	letter := func(user string) []byte {
		text, err := m.WaitForMail(ctx, user, user+"-pw", func(text string) bool { return strings.Contains(text, "passcrow-fragment-") })
		if err != nil {
			t.Fatal(err)
		}
		return []byte(text)
	}
	bob, carol := letter("bobf"), letter("carolf")

	rec := startRecoveryForTest(t, u, "Letters")
	l := rec.Gathers[""]
	if l == nil || l.Open == nil || len(rec.Gathers) != 2 {
		t.Fatalf("lines %v", rec.Gathers)
	}
	useFileForTest(t, u, rec, l, "junk.eml", []byte("From: x@example.org\r\nSubject: hi\r\n\r\nnothing here\r\n"))
	look(u, func() {
		if !strings.Contains(l.Status.Text, "your friends' mails") {
			t.Errorf("a mail with no fragment: %q", l.Status.Text)
		}
	})
	useFileForTest(t, u, rec, l, "bob.eml", bob)
	look(u, func() {
		if l.Status.Text != "A friend's fragment is in." || rec.Secret != nil {
			t.Errorf("bob's letter: %q", l.Status.Text)
		}
	})
	useFileForTest(t, u, rec, l, "carol.eml", carol)
	look(u, func() {
		if rec.Secret == nil || rec.Secret.Text != TourSecret {
			t.Errorf("no secret after both letters: %q %q", l.Status.Text, rec.Error.Text)
		}
	})
}

// plainAccount is name's mailbox on m over plain IMAP on 127.0.0.1.
func plainAccount(t *testing.T, m *mailtest.Mail, name, password string) mailbox.Account {
	t.Helper()
	m.AddUser(name, password)
	host, port, _ := net.SplitHostPort(m.IMAPAddr())
	p, _ := strconv.Atoi(port)
	return mailbox.Account{Host: host, Port: p, Security: mailbox.Plain, Username: name}
}

// testRecoverWithPassword: a pack of 2 of a mailbox and a USB stick, from
// elsewhere. The mailbox's line names the account and warns that the
// user never chose its server; a wrong password is refused naming the
// mailbox; the right one, with "keep" ticked, is kept in the store;
// with the stick the secret opens.
func testRecoverWithPassword(t *testing.T, m *mailtest.Mail) {
	u := newTestUI(t)
	a := plainAccount(t, m, "alicerecover", "alice-pw-1")
	stick := t.TempDir()
	box, err := mailbox.NewLocation(a, "alice-pw-1")
	if err != nil {
		t.Fatal(err)
	}
	packForTest(t, u, "Mail", recovery.ProtectRequest{Policy: recovery.NofM(2), Locations: []recovery.Location{
		box, &media.Location{Dir: stick, Label: "the stick"},
	}})
	rec := startRecoveryForTest(t, u, "Mail")
	var l *GatherLine
	look(u, func() {
		for _, g := range rec.Gathers {
			if g.Pass != nil {
				l = g
			}
		}
	})
	if l == nil {
		t.Fatal("no mailbox line")
	}
	look(u, func() {
		if l.Title.Text != "Password for mailbox "+state.MaskedUser(a.Username)+" at 127.0.0.1" || !l.G.Unchosen || l.Keep.Checked {
			t.Errorf("mailbox line %q, unchosen %v, keep ticked %v", l.Title.Text, l.G.Unchosen, l.Keep.Checked)
		}
	})
	gatherForTest(t, u, rec, func() {
		typeIn(u, l.Pass, "wrong")
		tap(u, l.UseIt)
	})
	look(u, func() {
		if !strings.Contains(l.Status.Text, state.MaskedUser(a.Username)+" (127.0.0.1)") || !strings.Contains(l.Status.Text, "refused the username or password") {
			t.Errorf("a wrong password: %q", l.Status.Text)
		}
	})
	if pw := u.State.MailboxPassword(a); pw != "" {
		t.Fatal("a password was kept unasked")
	}
	gatherForTest(t, u, rec, func() {
		typeIn(u, l.Pass, "alice-pw-1")
		look(u, func() { l.Keep.SetChecked(true) })
		tap(u, l.UseIt)
	})
	look(u, func() {
		if l.Status.Text != "Received" || l.Pass.Text != "" {
			t.Errorf("the right password: %q", l.Status.Text)
		}
	})
	if pw := u.State.MailboxPassword(a); pw != "alice-pw-1" {
		t.Errorf("kept password %q", pw)
	}
	var sl *GatherLine
	look(u, func() {
		for _, g := range rec.Gathers {
			if g != l {
				sl = g
			}
		}
	})
	useFileForTest(t, u, rec, sl, "f", fragmentFile(t, stick))
	look(u, func() {
		if rec.Secret == nil || rec.Secret.Text != TourSecret {
			t.Errorf("no secret: %q", rec.Error.Text)
		}
	})
}

// testRestoreFromMailbox: a pack kept in a mailbox from the lost
// computer comes back on a fresh install: the wrong password is told,
// the copy is listed, its server (one the user never chose) is shown
// with the warning, and once kept the item is there and its server
// counts as chosen.
func testRestoreFromMailbox(t *testing.T, m *mailtest.Mail) {
	clk := &heirClock{t: time.Now()}
	_, url, _ := heirServer(t, clk)
	c, err := recovery.NewClient(url)
	if err != nil {
		t.Fatal(err)
	}
	c.Interval = 0
	loc, err := recovery.NewPasscrowLocation(c, "email:bob@example.org")
	if err != nil {
		t.Fatal(err)
	}
	stick := t.TempDir()
	p, err := recovery.Protect(context.Background(), recovery.ProtectRequest{
		Name: "Laptop disk", Secret: []byte(TourSecret), Policy: recovery.NofM(2),
		Locations: []recovery.Location{loc, &media.Location{Dir: stick, Label: "the stick"}},
		Expires:   time.Now().Add(20 * time.Hour), // the server keeps it free for 25
		Keepers: recovery.NewKeepers(media.Keeper{},
			&recovery.PasscrowKeeper{Client: func(string) (*recovery.Client, error) { return c, nil }}),
	})
	if err != nil {
		t.Fatal(err)
	}
	b, err := p.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	a := plainAccount(t, m, "bobrestore", "bob-pw-1")
	if err := mailbox.SavePack(context.Background(), a, "bob-pw-1", "Laptop disk", b); err != nil {
		t.Fatal(err)
	}

	u := newTestUI(t)
	look(u, u.Start)
	tap(u, u.Current().(*Welcome).Restore)
	s := u.Current().(*RestoreMailbox)
	step := func(f func()) {
		t.Helper()
		f()
		var done chan struct{}
		look(u, func() { done = s.done })
		if err := wait(done, TourStepTimeout, "the mailbox"); err != nil {
			t.Fatal(err)
		}
	}
	typeIn(u, s.Host, m.IMAPAddr())
	typeIn(u, s.User, a.Username)
	look(u, func() { s.Security.SetSelected("Unencrypted (this computer only)") })
	step(func() {
		typeIn(u, s.Password, "nope")
		tap(u, s.Look)
	})
	look(u, func() {
		if !strings.Contains(s.Error.Text, "refused the username or password") {
			t.Errorf("a wrong password: %q", s.Error.Text)
		}
	})
	step(func() {
		typeIn(u, s.Password, "bob-pw-1")
		tap(u, s.Look)
	})
	look(u, func() {
		if len(s.Copies.Options) != 1 || s.Copies.Selected != "Laptop disk" {
			t.Fatalf("copies %v, %q", s.Copies.Options, s.Error.Text)
		}
	})
	step(func() { tap(u, s.Fetch) })
	look(u, func() {
		if u.Current() != s || !s.Warning.Visible() || !strings.Contains(s.Servers.Text, "127.0.0.1") {
			t.Fatalf("trust page: servers %q, warning shown %v, error %q", s.Servers.Text, s.Warning.Visible(), s.Error.Text)
		}
	})
	tap(u, s.Keep)
	if _, ok := u.Current().(*Overview); !ok {
		t.Fatalf("after keeping: %T", u.Current())
	}
	items, err := u.State.Items()
	if err != nil || len(items) != 1 || items[0].Name != "Laptop disk" {
		t.Fatalf("items %+v %v", items, err)
	}
	if _, unknown, err := u.State.PackServers("Laptop disk"); err != nil || len(unknown) != 0 {
		t.Errorf("after restoring, servers still unknown: %v %v", unknown, err)
	}
}
