//go:build linux

package mailbox_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/passcrow/passcrow-desktop/internal/mailtest"
	"github.com/passcrow/passcrow-desktop/recovery"
	"github.com/passcrow/passcrow-desktop/recovery/mailbox"
)

// TestMailbox runs every test that needs the real Dovecot (one per test
// process: OpenSMTPD allows one instance per machine). Each subtest has
// mailboxes of its own.
func TestMailbox(t *testing.T) {
	m := mailtest.Start(t)
	for _, tc := range []struct {
		name string
		f    func(*testing.T, *mailtest.Mail)
	}{
		{"ProtectGatherTwoMailboxes", testProtectGather},
		{"PackCopyRestore", testPackCopyRestore},
		{"PackCopyRefusedBesideFragments", testPackCopyRefused},
		{"PackCopyGroupedPolicy", testPackCopyGrouped},
		{"WrongPassword", testWrongPassword},
		{"DeletedByUser", testDeletedByUser},
		{"TamperedAttachment", testTampered},
		{"TLSWrongCA", testWrongCA},
		{"FullMailbox", testFullMailbox},
		{"ForgetDeletesAndExpunges", testForget},
		{"LoginMethods", testLoginMethods},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.f(t, m)
		})
	}
}

// user is a mailbox of the test's own on the real Dovecot.
type user struct {
	name, password string
}

func newUser(t *testing.T, m *mailtest.Mail, name string) user {
	b := make([]byte, 4)
	rand.Read(b)
	u := user{name: name + "-" + hex.EncodeToString(b), password: "pw-" + name + "-" + hex.EncodeToString(b)}
	m.AddUser(u.name, u.password)
	return u
}

// account is u's account on m over sec, trusting m's throwaway CA.
func account(m *mailtest.Mail, u user, sec mailbox.Security) mailbox.Account {
	addr := m.IMAPAddr()
	if sec == mailbox.TLS {
		addr = m.IMAPSAddr()
	}
	host, port, _ := net.SplitHostPort(addr)
	p, _ := strconv.Atoi(port)
	return mailbox.Account{
		Host: host, Port: p, Security: sec, Username: u.name,
		TLSConfig: &tls.Config{RootCAs: m.CertPool()},
	}
}

func location(t *testing.T, a mailbox.Account, password string) *mailbox.Location {
	t.Helper()
	l, err := mailbox.NewLocation(a, password)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// keeper is how a program that trusts m's CA uses mailbox records; its
// Login answers from logins, keyed by username.
func keeper(m *mailtest.Mail, logins ...user) *mailbox.Keeper {
	return &mailbox.Keeper{
		TLSConfig: &tls.Config{RootCAs: m.CertPool()},
		Login: func(_ context.Context, r recovery.Record) (*recovery.Login, error) {
			a, err := mailbox.RecordAccount(r)
			if err != nil {
				return nil, err
			}
			for _, u := range logins {
				if u.name == a.Username {
					return &recovery.Login{Username: u.name, Password: u.password}, nil
				}
			}
			return nil, errors.New("no login for " + a.Username)
		},
	}
}

// protect protects secret at locs with policy and returns the pack as
// another process would read it: from its bytes.
func protect(t *testing.T, secret []byte, policy recovery.Policy, locs ...recovery.Location) (*recovery.Pack, []byte) {
	t.Helper()
	p, err := recovery.Protect(context.Background(), recovery.ProtectRequest{
		Name:        "wallet",
		Description: "My wallet – Þórður's",
		Secret:      secret,
		Policy:      policy,
		Locations:   locs,
		Expires:     time.Now().AddDate(1, 0, 0),
	})
	if err != nil {
		t.Fatalf("protect: %v", err)
	}
	b, err := p.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	p, err = recovery.ParsePack(b)
	if err != nil {
		t.Fatal(err)
	}
	return p, b
}

func newSecret() []byte {
	s := make([]byte, 300)
	rand.Read(s)
	return s
}

// raw logs in as u on the plain port, as the user's mail program would.
func raw(t *testing.T, m *mailtest.Mail, u user) *imapclient.Client {
	t.Helper()
	c, err := imapclient.DialInsecure(m.IMAPAddr(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Login(u.name, u.password).Wait(); err != nil {
		t.Fatal(err)
	}
	return c
}

// folderMessages returns the full text of every message in folder, and
// whether the folder exists.
func folderMessages(t *testing.T, c *imapclient.Client, folder string) ([]string, bool) {
	t.Helper()
	list, err := c.List("", folder, nil).Collect()
	if err != nil {
		t.Fatal(err)
	}
	if len(list) == 0 {
		return nil, false
	}
	sel, err := c.Select(folder, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		t.Fatal(err)
	}
	defer func() { c.Unselect().Wait() }()
	if sel.NumMessages == 0 {
		return nil, true
	}
	section := &imap.FetchItemBodySection{Peek: true}
	msgs, err := c.Fetch(imap.SeqSetNum(seq(sel.NumMessages)...), &imap.FetchOptions{BodySection: []*imap.FetchItemBodySection{section}}).Collect()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, msg := range msgs {
		out = append(out, string(msg.FindBodySection(section)))
	}
	return out, true
}

func seq(n uint32) []uint32 {
	var s []uint32
	for i := uint32(1); i <= n; i++ {
		s = append(s, i)
	}
	return s
}

// gatherAll gathers every record of p with logins and opens the secret.
func gatherAll(t *testing.T, p *recovery.Pack, k *mailbox.Keeper, logins map[string]user) []byte {
	t.Helper()
	r := recovery.NewRecovery(p, recovery.NewKeepers(k))
	needs := r.Needs()
	for _, rec := range p.Records {
		if needs[rec.Prefix] != recovery.AskLogin {
			t.Fatalf("record %s asks %v, want a login", rec.Prefix, needs[rec.Prefix])
		}
		a, err := mailbox.RecordAccount(rec)
		if err != nil {
			t.Fatal(err)
		}
		u := logins[a.Username]
		if _, err := r.Gather(context.Background(), rec.Prefix, recovery.Input{Login: &recovery.Login{Username: u.name, Password: u.password}}); err != nil {
			t.Fatalf("gather %s: %v", rec.Hint, err)
		}
	}
	secret, bad, err := r.Secret()
	if err != nil || bad != nil {
		t.Fatalf("secret: %v (bad %v)", err, bad)
	}
	return secret
}

// testProtectGather places fragments in two accounts (implicit TLS, and
// STARTTLS with a folder named in Icelandic), reads what is in the
// mailboxes as the user would, then recovers from the pack's bytes alone.
func testProtectGather(t *testing.T, m *mailtest.Mail) {
	alice, bob := newUser(t, m, "alice"), newUser(t, m, "bob")
	ba := account(m, bob, mailbox.StartTLS)
	ba.Folder = "Endurheimt lykils"
	secret := newSecret()
	p, _ := protect(t, secret, recovery.All(),
		location(t, account(m, alice, mailbox.TLS), alice.password),
		location(t, ba, bob.password))

	if got, want := p.Records[0].Hint, "mailbox "+alice.name[:len(alice.name)/3]+"* at 127.0.0.1"; got != want {
		t.Errorf("hint %q, want %q", got, want)
	}
	msgs, ok := folderMessages(t, raw(t, m, alice), mailbox.DefaultFolder)
	if !ok || len(msgs) != 1 {
		t.Fatalf("alice's folder %q: %d messages (exists %v), want 1", mailbox.DefaultFolder, len(msgs), ok)
	}
	msg := msgs[0]
	for _, want := range []string{"X-Passcrow-Fragment: ", "Content-Disposition: attachment; filename=passcrow-fragment.txt", "Please do not delete this message", "Subject: =?utf-8?q?Passcrow_recovery_fragment_for"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the message lacks %q:\n%s", want, msg)
		}
	}
	if msgs, ok := folderMessages(t, raw(t, m, bob), "Endurheimt lykils"); !ok || len(msgs) != 1 {
		t.Fatalf("bob's folder: %d messages (exists %v), want 1", len(msgs), ok)
	}

	got := gatherAll(t, p, keeper(m), map[string]user{alice.name: alice, bob.name: bob})
	if !bytes.Equal(got, secret) {
		t.Fatal("the recovered secret differs")
	}
	// Check sees both messages.
	k := keeper(m, alice, bob)
	for _, rec := range p.Records {
		h, err := k.Check(context.Background(), rec, recovery.Input{})
		if err != nil || !h.Present {
			t.Errorf("check %s: %+v, %v", rec.Hint, h, err)
		}
	}
}

// testPackCopyRestore saves the pack in a third mailbox, twice (the
// second replaces the first), "loses" the local pack, restores it from
// the mailbox and recovers the secret with it.
func testPackCopyRestore(t *testing.T, m *mailtest.Mail) {
	alice, bob, carol := newUser(t, m, "alice"), newUser(t, m, "bob"), newUser(t, m, "carol")
	secret := newSecret()
	_, b := protect(t, secret, recovery.All(),
		location(t, account(m, alice, mailbox.TLS), alice.password),
		location(t, account(m, bob, mailbox.StartTLS), bob.password))
	ca := account(m, carol, mailbox.TLS)
	ctx := context.Background()
	const name = "wallet – Þórður"
	for range 2 {
		if err := mailbox.SavePack(ctx, ca, carol.password, name, b); err != nil {
			t.Fatalf("save pack: %v", err)
		}
	}
	if err := mailbox.SavePack(ctx, ca, carol.password, "other", b); err != nil {
		t.Fatalf("save pack: %v", err)
	}
	msgs, _ := folderMessages(t, raw(t, m, carol), mailbox.DefaultFolder)
	if len(msgs) != 2 {
		t.Fatalf("%d messages in carol's folder after saving one name twice and another once, want 2", len(msgs))
	}

	// A fresh install: nothing but the mailbox's login.
	b = nil
	copies, err := mailbox.ListPacks(ctx, ca, carol.password)
	if err != nil {
		t.Fatal(err)
	}
	if len(copies) != 2 || copies[0].Name != "other" || copies[1].Name != name || copies[1].Description != "My wallet – Þórður's" || copies[1].Saved.IsZero() {
		t.Fatalf("copies: %+v", copies)
	}
	got, err := mailbox.FetchPack(ctx, ca, carol.password, name)
	if err != nil {
		t.Fatal(err)
	}
	p, err := recovery.ParsePack(got)
	if err != nil {
		t.Fatal(err)
	}
	if s := gatherAll(t, p, keeper(m), map[string]user{alice.name: alice, bob.name: bob}); !bytes.Equal(s, secret) {
		t.Fatal("the recovered secret differs")
	}
	if _, err := mailbox.FetchPack(ctx, ca, carol.password, "no such pack"); !errors.Is(err, mailbox.ErrNoPack) {
		t.Errorf("fetch of a pack not saved: %v, want ErrNoPack", err)
	}
	// Alice never saved a pack: no folder... she has one, with her fragment only.
	if c, err := mailbox.ListPacks(ctx, account(m, alice, mailbox.TLS), alice.password); err != nil || len(c) != 0 {
		t.Errorf("alice's packs: %v, %v; want none", c, err)
	}
}

// testPackCopyRefused: a pack whose policy needs one location may not be
// kept in the mailbox that holds a fragment of it; with All it may.
func testPackCopyRefused(t *testing.T, m *mailtest.Mail) {
	alice, bob := newUser(t, m, "alice"), newUser(t, m, "bob")
	aa, ab := account(m, alice, mailbox.TLS), account(m, bob, mailbox.TLS)
	ctx := context.Background()
	_, any1 := protect(t, newSecret(), recovery.AnyOne(), location(t, aa, alice.password), location(t, ab, bob.password))
	// The same server and user on the STARTTLS port, in another folder,
	// is the same mailbox.
	same := account(m, alice, mailbox.StartTLS)
	same.Folder = "Elsewhere"
	err := mailbox.SavePack(ctx, same, alice.password, "wallet", any1)
	if !errors.Is(err, mailbox.ErrPackBesideFragments) {
		t.Fatalf("saving a 1-of-2 pack beside its fragment: %v, want ErrPackBesideFragments", err)
	}
	if _, ok := folderMessages(t, raw(t, m, alice), "Elsewhere"); ok {
		t.Error("the refused save created its folder")
	}
	_, all := protect(t, newSecret(), recovery.All(), location(t, aa, alice.password), location(t, ab, bob.password))
	if err := mailbox.SavePack(ctx, aa, alice.password, "wallet", all); err != nil {
		t.Fatalf("saving a 2-of-2 pack beside one fragment: %v", err)
	}
	if err := mailbox.SavePack(ctx, aa, alice.password, "junk", []byte(`{"not":"a pack"}`)); err == nil {
		t.Error("saved something that is not a pack")
	}
}

// testPackCopyGrouped: with a grouped policy, what counts is whether the
// mailbox's fragments complete enough groups, not how many there are.
func testPackCopyGrouped(t *testing.T, m *mailtest.Mail) {
	alice, bob, carol := newUser(t, m, "alice"), newUser(t, m, "bob"), newUser(t, m, "carol")
	in := func(u user, folder string) recovery.Location {
		a := account(m, u, mailbox.TLS)
		a.Folder = folder
		return location(t, a, u.password)
	}
	grouped := func(first recovery.Group, second recovery.Group) []byte {
		p, err := recovery.Protect(context.Background(), recovery.ProtectRequest{
			Name: "wallet", Secret: newSecret(), Expires: time.Now().AddDate(1, 0, 0),
			Groups: []recovery.Group{first, second}, GroupsNeeded: recovery.AnyOne(),
		})
		if err != nil {
			t.Fatal(err)
		}
		b, err := p.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	ctx := context.Background()
	// Two of alice's folders in a group that needs three: the pack needs
	// one location at least (carol's group), yet alice's two complete
	// nothing, so a copy may go beside them.
	b := grouped(
		recovery.Group{Name: "mailboxes", Policy: recovery.All(), Locations: []recovery.Location{in(alice, "A1"), in(alice, "A2"), in(bob, "B")}},
		recovery.Group{Name: "carol", Policy: recovery.All(), Locations: []recovery.Location{in(carol, "C")}})
	if err := mailbox.SavePack(ctx, account(m, alice, mailbox.TLS), alice.password, "wallet", b); err != nil {
		t.Errorf("a copy beside fragments that complete no group: %v", err)
	}
	// Alice's two folders are a whole group, and one group is enough.
	b = grouped(
		recovery.Group{Name: "alice", Policy: recovery.All(), Locations: []recovery.Location{in(alice, "A3"), in(alice, "A4")}},
		recovery.Group{Name: "bob", Policy: recovery.All(), Locations: []recovery.Location{in(bob, "B2")}})
	if err := mailbox.SavePack(ctx, account(m, alice, mailbox.TLS), alice.password, "wallet2", b); !errors.Is(err, mailbox.ErrPackBesideFragments) {
		t.Errorf("a copy beside a whole group: %v, want ErrPackBesideFragments", err)
	}
}

func testWrongPassword(t *testing.T, m *mailtest.Mail) {
	alice := newUser(t, m, "alice")
	p, _ := protect(t, newSecret(), recovery.AnyOne(), location(t, account(m, alice, mailbox.TLS), alice.password))
	r := recovery.NewRecovery(p, recovery.NewKeepers(keeper(m)))
	_, err := r.Gather(context.Background(), p.Records[0].Prefix, recovery.Input{Login: &recovery.Login{Password: "wrong"}})
	if !errors.Is(err, mailbox.ErrLogin) {
		t.Fatalf("gather with a wrong password: %v, want ErrLogin", err)
	}
	if !strings.Contains(err.Error(), p.Records[0].Hint) {
		t.Errorf("the error %q does not name the mailbox %q", err, p.Records[0].Hint)
	}
	if _, err := mailbox.ListPacks(context.Background(), account(m, alice, mailbox.TLS), "wrong"); !errors.Is(err, mailbox.ErrLogin) || !strings.Contains(err.Error(), "at 127.0.0.1") {
		t.Errorf("list packs with a wrong password: %v, want ErrLogin naming the mailbox", err)
	}
}

// deleteAll deletes (and expunges) every message in folder as the user
// would in a mail program.
func deleteAll(t *testing.T, c *imapclient.Client, folder string) {
	t.Helper()
	if _, err := c.Select(folder, nil).Wait(); err != nil {
		t.Fatal(err)
	}
	if err := c.Store(imap.SeqSetNum(1), &imap.StoreFlags{Op: imap.StoreFlagsAdd, Flags: []imap.Flag{imap.FlagDeleted}}, nil).Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.Expunge().Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.Unselect().Wait(); err != nil {
		t.Fatal(err)
	}
}

func testDeletedByUser(t *testing.T, m *mailtest.Mail) {
	alice := newUser(t, m, "alice")
	p, _ := protect(t, newSecret(), recovery.AnyOne(), location(t, account(m, alice, mailbox.StartTLS), alice.password))
	deleteAll(t, raw(t, m, alice), mailbox.DefaultFolder)
	k := keeper(m, alice)
	login := &recovery.Login{Username: alice.name, Password: alice.password}
	r := recovery.NewRecovery(p, recovery.NewKeepers(k))
	_, err := r.Gather(context.Background(), p.Records[0].Prefix, recovery.Input{Login: login})
	if !errors.Is(err, mailbox.ErrGone) {
		t.Fatalf("gather of a deleted message: %v, want ErrGone", err)
	}
	h, err := k.Check(context.Background(), p.Records[0], recovery.Input{})
	if err != nil || h.Present {
		t.Errorf("check of a deleted message: %+v, %v; want not present", h, err)
	}
	if err := k.Delete(context.Background(), p.Records[0]); err != nil {
		t.Errorf("delete of a message gone already: %v", err)
	}
}

// testTampered replaces the message's attachment, as someone with access
// to the mailbox could: with a fragment of another pack, and with the
// right fragment changed by one character.
func testTampered(t *testing.T, m *mailtest.Mail) {
	alice := newUser(t, m, "alice")
	aa := account(m, alice, mailbox.TLS)
	aa.Folder = "One"
	p, _ := protect(t, newSecret(), recovery.AnyOne(), location(t, aa, alice.password))
	aa.Folder = "Two"
	protect(t, newSecret(), recovery.AnyOne(), location(t, aa, alice.password))
	c := raw(t, m, alice)
	mine, _ := folderMessages(t, c, "One")
	theirs, _ := folderMessages(t, c, "Two")
	id := header(mine[0], mailbox.FragmentHeader)

	k := keeper(m, alice)
	for _, tc := range []struct {
		name, msg string
	}{
		{"another pack's fragment", strings.Replace(theirs[0], header(theirs[0], mailbox.FragmentHeader), id, 1)},
		{"a changed character", changeAttachment(t, mine[0])},
	} {
		deleteAll(t, c, "One")
		appendRaw(t, c, "One", tc.msg)
		r := recovery.NewRecovery(p, recovery.NewKeepers(k))
		_, err := r.Gather(context.Background(), p.Records[0].Prefix, recovery.Input{Login: &recovery.Login{Password: alice.password}})
		if !errors.Is(err, recovery.ErrWrongFragment) || !strings.Contains(err.Error(), p.Records[0].Hint) {
			t.Errorf("%s: %v, want ErrWrongFragment naming %q", tc.name, err, p.Records[0].Hint)
		}
		h, err := k.Check(context.Background(), p.Records[0], recovery.Input{})
		if err != nil || h.Present || !strings.Contains(h.Detail, "does not open") {
			t.Errorf("%s: check %+v, %v; want not present, does not open", tc.name, h, err)
		}
	}
}

func header(msg, key string) string {
	for _, line := range strings.Split(msg, "\r\n") {
		if v, ok := strings.CutPrefix(line, key+": "); ok {
			return v
		}
	}
	return ""
}

// changeAttachment changes one character of the attachment's text.
func changeAttachment(t *testing.T, msg string) string {
	t.Helper()
	i := strings.Index(msg, "filename=passcrow-fragment.txt")
	j := strings.Index(msg[i:], "\r\n\r\n")
	if i < 0 || j < 0 {
		t.Fatalf("no attachment in\n%s", msg)
	}
	k := i + j + 4 + 10 // a character inside the sealed text
	c := byte('A')
	if msg[k] == 'A' {
		c = 'B'
	}
	return msg[:k] + string(c) + msg[k+1:]
}

func appendRaw(t *testing.T, c *imapclient.Client, folder, msg string) {
	t.Helper()
	cmd := c.Append(folder, int64(len(msg)), nil)
	cmd.Write([]byte(msg))
	cmd.Close()
	if _, err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
}

// testWrongCA: a server whose certificate the program does not trust is
// refused, over implicit TLS and STARTTLS, and nothing is placed.
func testWrongCA(t *testing.T, m *mailtest.Mail) {
	alice := newUser(t, m, "alice")
	for _, sec := range []mailbox.Security{mailbox.TLS, mailbox.StartTLS} {
		a := account(m, alice, sec)
		a.TLSConfig = nil // the system's roots: the throwaway CA is not among them
		_, err := location(t, a, alice.password).Place(context.Background(), recovery.Fragment("0123456789abcdef0"), recovery.PlaceOptions{Prefix: "1"})
		if !errors.Is(err, mailbox.ErrTLS) {
			t.Errorf("%s to an untrusted server: %v, want ErrTLS", sec, err)
		}
		if _, err := mailbox.ListPacks(context.Background(), a, alice.password); !errors.Is(err, mailbox.ErrTLS) {
			t.Errorf("%s list packs from an untrusted server: %v, want ErrTLS", sec, err)
		}
	}
	if _, ok := folderMessages(t, raw(t, m, alice), mailbox.DefaultFolder); ok {
		t.Error("a folder was created over an untrusted connection")
	}
}

// testFullMailbox: a mailbox over its quota refuses the message; the
// folder Place created is removed, and in a policy of two locations the
// fragment placed first is deleted again.
func testFullMailbox(t *testing.T, m *mailtest.Mail) {
	alice := newUser(t, m, "alice")
	dave := user{name: "dave-full", password: "dave-pw"}
	m.AddUserQuota(dave.name, dave.password, 1)
	_, err := recovery.Protect(context.Background(), recovery.ProtectRequest{
		Name: "wallet", Secret: newSecret(), Policy: recovery.All(),
		Locations: []recovery.Location{
			location(t, account(m, alice, mailbox.TLS), alice.password),
			location(t, account(m, dave, mailbox.TLS), dave.password),
		},
		Expires: time.Now().AddDate(1, 0, 0),
	})
	if !errors.Is(err, mailbox.ErrFull) {
		t.Fatalf("protect with a full mailbox: %v, want ErrFull", err)
	}
	if _, ok := folderMessages(t, raw(t, m, dave), mailbox.DefaultFolder); ok {
		t.Error("the folder created for the refused message is still there")
	}
	if msgs, _ := folderMessages(t, raw(t, m, alice), mailbox.DefaultFolder); len(msgs) != 0 {
		t.Errorf("%d messages left in the first mailbox after the rollback, want 0", len(msgs))
	}
	bob := newUser(t, m, "bob")
	_, all := protect(t, newSecret(), recovery.All(), location(t, account(m, alice, mailbox.TLS), alice.password), location(t, account(m, bob, mailbox.TLS), bob.password))
	if err := mailbox.SavePack(context.Background(), account(m, dave, mailbox.TLS), dave.password, "wallet", all); !errors.Is(err, mailbox.ErrFull) {
		t.Errorf("save pack in a full mailbox: %v, want ErrFull", err)
	}
	if _, ok := folderMessages(t, raw(t, m, dave), mailbox.DefaultFolder); ok {
		t.Error("the folder created for the refused pack copy is still there")
	}
}

// testForget: Forget deletes and expunges the fragments' messages, and
// nothing else, not even a message the user marked deleted.
func testForget(t *testing.T, m *mailtest.Mail) {
	alice, bob := newUser(t, m, "alice"), newUser(t, m, "bob")
	p, _ := protect(t, newSecret(), recovery.All(),
		location(t, account(m, alice, mailbox.TLS), alice.password),
		location(t, account(m, bob, mailbox.StartTLS), bob.password))
	c := raw(t, m, alice)
	keep := "Subject: mine\r\n\r\nkeep me\r\n"
	appendRaw(t, c, mailbox.DefaultFolder, keep)
	if _, err := c.Select(mailbox.DefaultFolder, nil).Wait(); err != nil {
		t.Fatal(err)
	}
	if err := c.Store(imap.SeqSetNum(2), &imap.StoreFlags{Op: imap.StoreFlagsAdd, Flags: []imap.Flag{imap.FlagDeleted}}, nil).Close(); err != nil {
		t.Fatal(err)
	}
	c.Unselect().Wait()

	k := keeper(m, alice, bob)
	if err := recovery.Forget(context.Background(), p, recovery.NewKeepers(k)); err != nil {
		t.Fatalf("forget: %v", err)
	}
	msgs, _ := folderMessages(t, c, mailbox.DefaultFolder)
	if len(msgs) != 1 || !strings.Contains(msgs[0], "keep me") {
		t.Errorf("alice's folder after forget: %d messages, want only hers", len(msgs))
	}
	if msgs, _ := folderMessages(t, raw(t, m, bob), mailbox.DefaultFolder); len(msgs) != 0 {
		t.Errorf("bob's folder after forget: %d messages, want none", len(msgs))
	}
	if err := recovery.Forget(context.Background(), p, recovery.NewKeepers(k)); err != nil {
		t.Errorf("forget again: %v", err)
	}
	// Without a way to log in, Delete says so.
	if err := (&mailbox.Keeper{}).Delete(context.Background(), p.Records[0]); err == nil || !strings.Contains(err.Error(), "password") {
		t.Errorf("delete with no login: %v", err)
	}
}

func testLoginMethods(t *testing.T, m *mailtest.Mail) {
	alice := newUser(t, m, "alice")
	for i, method := range []mailbox.AuthMethod{mailbox.AuthLogin, mailbox.AuthPlain} {
		a := account(m, alice, mailbox.Plain)
		a.Auth = method
		a.Folder = "F" + strconv.Itoa(i)
		secret := newSecret()
		p, _ := protect(t, secret, recovery.AnyOne(), location(t, a, alice.password))
		if got := gatherAll(t, p, keeper(m), map[string]user{alice.name: alice}); !bytes.Equal(got, secret) {
			t.Errorf("%s: the recovered secret differs", method)
		}
	}
}
