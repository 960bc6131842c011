//go:build linux

package friend_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/mailtest"
	"github.com/passcrow/passcrow-desktop/internal/papercode"
	"github.com/passcrow/passcrow-desktop/recovery"
	"github.com/passcrow/passcrow-desktop/recovery/friend"
	"github.com/passcrow/passcrow-desktop/recovery/media"
)

// account is Alice's own account: Dovecot's submission service with
// STARTTLS and AUTH PLAIN, relaying through OpenSMTPD to the friends'
// mailboxes.
func account(t *testing.T, m *mailtest.Mail, mode, addr string) *friend.Account {
	t.Helper()
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := strconv.Atoi(port)
	return &friend.Account{
		Host: host, Port: p, TLS: mode,
		Username: "alice", Password: "alice-pw",
		From:      "Alice Example <alice@mail.example.org>",
		TLSConfig: &tls.Config{RootCAs: m.CertPool()},
		Timeout:   30 * time.Second,
	}
}

func startMail(t *testing.T) *mailtest.Mail {
	m := mailtest.Start(t)
	m.NeedSubmission(t)
	for _, u := range []string{"alice", "bob", "carol", "dave"} {
		m.AddUser(u, u+"-pw")
	}
	return m
}

func letterFor(t *testing.T, ctx context.Context, m *mailtest.Mail, user, subject string) string {
	t.Helper()
	text, err := m.WaitForMail(ctx, user, user+"-pw", func(text string) bool {
		return strings.Contains(text, "passcrow-fragment-") && strings.Contains(text, subject)
	})
	if err != nil {
		t.Fatal(err)
	}
	return text
}

// TestRealMail places fragments with two friends and on a stick, "any 2",
// through real mail servers; the friends forward their letters back as
// mail programs do, the user saves them as .eml files, and every pair
// recovers the secret. Then the refusals: another pack's letter, a
// changed attachment, a wrong password (Protect leaves nothing behind).
func TestRealMail(t *testing.T) {
	m := startMail(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	acct := account(t, m, friend.TLSStartTLS, m.SubmissionAddr())
	stick := t.TempDir()
	secret := []byte("correct horse battery staple")
	p, err := recovery.Protect(ctx, recovery.ProtectRequest{
		Name: "wallet", Description: "My wallet", Secret: secret, Policy: recovery.NofM(2),
		Locations: []recovery.Location{
			&friend.Location{Account: acct, To: "Bob Builder <bob@friends.example>", Number: 1, Count: 2},
			&friend.Location{Account: acct, To: "carol@elsewhere.example", Language: "is", Number: 2, Count: 2},
			&media.Location{Dir: stick},
		},
		Expires: time.Now().AddDate(1, 0, 0),
	})
	if err != nil {
		t.Fatal(err)
	}
	bobRec, carolRec, stickRec := p.Records[0], p.Records[1], p.Records[2]

	// The pack names no friend.
	packText, err := p.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"bob", "carol", "friends.example", "elsewhere.example"} {
		if bytes.Contains(bytes.ToLower(packText), []byte(s)) {
			t.Errorf("the pack mentions %q:\n%s", s, packText)
		}
	}
	if bobRec.Hint != "a friend (fragment 1 of 2)" || carolRec.Hint != "a friend (fragment 2 of 2)" {
		t.Errorf("hints %q, %q", bobRec.Hint, carolRec.Hint)
	}

	// The letters as delivered.
	bobMail := letterFor(t, ctx, m, "bob", "Alice Example asks you")
	carolMail := letterFor(t, ctx, m, "carol", "Subject: =?")
	bob, carol := readLetter(t, bobMail), readLetter(t, carolMail)
	for who, l := range map[string]letterParts{"bob": bob, "carol": carol} {
		if l.inlineParts != 1 || l.attachmentsCount != 1 || !l.attachmentIsAtt || l.attachmentType != "application/octet-stream" {
			t.Errorf("%s's letter: %d text parts, %d attachments (%q, disposition attachment %v)", who, l.inlineParts, l.attachmentsCount, l.attachmentType, l.attachmentIsAtt)
		}
		if !strings.HasPrefix(l.file, "passcrow-fragment-") || !strings.HasSuffix(l.file, ".txt") {
			t.Errorf("%s's attachment is named %q", who, l.file)
		}
		if sealedIn(l.body) {
			t.Errorf("%s's letter has the sealed fragment in its body:\n%s", who, l.body)
		}
		if !sealedIn(string(l.attachment)) {
			t.Errorf("%s's attachment has no sealed fragment:\n%s", who, l.attachment)
		}
	}
	if !strings.HasPrefix(bob.body, "Hello Bob Builder,") || !strings.Contains(bob.body, "useless for good") {
		t.Errorf("bob's letter:\n%s", bob.body)
	}
	if carol.subject != "Alice Example biður þig um að geyma þetta (endurheimt með Passcrow)" || !strings.HasPrefix(carol.body, "Halló,") {
		t.Errorf("carol's letter: %q\n%s", carol.subject, carol.body)
	}

	// Bob forwards as an attachment; Carol forwards inline, attachment
	// re-attached. Alice saves what arrives as .eml files.
	dir := t.TempDir()
	save := func(name string, b []byte) recovery.Input {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return recovery.Input{File: b, FileName: name}
	}
	bobFwd := save("Fwd from Bob.eml", sendAndReceive(t, ctx, m, "bob@friends.example", "alice", "alice-pw", "<fwd-bob@friends.example>",
		forwardAsAttachment(t, "bob@friends.example", "alice@mail.example.org", "<fwd-bob@friends.example>", bobMail)))
	carolFwd := save("Fwd from Carol.eml", sendAndReceive(t, ctx, m, "carol@elsewhere.example", "alice", "alice-pw", "<fwd-carol@elsewhere.example>",
		forwardInline(t, "carol@elsewhere.example", "alice@mail.example.org", "<fwd-carol@elsewhere.example>", carol)))
	if sealedIn(bodyOf(t, bobFwd.File)) {
		t.Fatal("bob's forward has the fragment in its first text part: not a forward as attachment")
	}
	stickFile, err := os.ReadFile(filepath.Join(stick, fileOf(t, stickRec)))
	if err != nil {
		t.Fatal(err)
	}
	stickIn := recovery.Input{File: stickFile, FileName: "fragment.txt"}
	// Pasted: the attachment's text as a person would copy it.
	pasted := recovery.Input{Text: "here is what bob sent:\n\n" + string(bob.attachment)}
	bare := recovery.Input{File: carol.attachment, FileName: carol.file}

	keepers := recovery.NewKeepers(friend.Keeper{}, media.Keeper{})
	for _, tc := range []struct {
		name   string
		inputs []recovery.Input
		want   []recovery.Record
	}{
		{"bob's forward as attachment and the stick", []recovery.Input{bobFwd, stickIn}, []recovery.Record{bobRec, stickRec}},
		{"carol's inline forward and bob's forward", []recovery.Input{carolFwd, bobFwd}, []recovery.Record{carolRec, bobRec}},
		{"the stick and carol's bare attachment", []recovery.Input{stickIn, bare}, []recovery.Record{stickRec, carolRec}},
		{"bob's attachment pasted and carol's forward", []recovery.Input{pasted, carolFwd}, []recovery.Record{bobRec, carolRec}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := recovery.NewRecovery(p, keepers)
			for i, in := range tc.inputs {
				got, err := rec.GatherAny(ctx, in)
				if err != nil || got.Prefix != tc.want[i].Prefix {
					t.Fatalf("GatherAny(%q) = %q, %v; want %q", in.FileName, got.Prefix, err, tc.want[i].Prefix)
				}
			}
			s, bad, err := rec.Secret()
			if err != nil || bad != nil || !bytes.Equal(s, secret) {
				t.Fatalf("Secret = %q, %v, %v", s, bad, err)
			}
		})
	}

	t.Run("another pack's letter", func(t *testing.T) {
		other, err := recovery.Protect(ctx, recovery.ProtectRequest{
			Name: "other", Secret: []byte("other"), Policy: recovery.NofM(2),
			Locations: []recovery.Location{
				&friend.Location{Account: acct, To: "dave@friends.example", Owner: "Alice at work"},
				&media.Location{Dir: t.TempDir()},
			},
			Expires: time.Now().AddDate(1, 0, 0),
		})
		if err != nil {
			t.Fatal(err)
		}
		daveMail := letterFor(t, ctx, m, "dave", "Alice at work asks you")
		in := save("Dave.eml", []byte(daveMail))
		rec := recovery.NewRecovery(p, keepers)
		if _, err := rec.GatherAny(ctx, in); !errors.Is(err, recovery.ErrNotThisPack) {
			t.Fatalf("GatherAny(another pack's letter) = %v, want ErrNotThisPack", err)
		}
		_, err = friend.Keeper{}.Gather(ctx, bobRec, in)
		if !errors.Is(err, recovery.ErrNotThisPack) || !errors.Is(err, recovery.ErrWrongFragment) {
			t.Fatalf("Gather(bob, dave's letter) = %v, want ErrNotThisPack and ErrWrongFragment", err)
		}
		// It is that pack's, though.
		if _, err := recovery.NewRecovery(other, keepers).GatherAny(ctx, in); err != nil {
			t.Fatalf("the other pack refuses its own letter: %v", err)
		}
	})

	t.Run("a changed attachment", func(t *testing.T) {
		changed := bytes.Clone(bob.attachment)
		i := bytes.LastIndexAny(changed, codeChars) // the code's last character
		changed[i] = map[bool]byte{true: 'Q', false: 'P'}[changed[i] != 'Q']
		rec := recovery.NewRecovery(p, keepers)
		_, err := rec.Gather(ctx, bobRec.Prefix, recovery.Input{File: changed, FileName: bob.file})
		var typo *papercode.TypoError
		if !errors.Is(err, recovery.ErrWrongFragment) || !errors.As(err, &typo) || !strings.Contains(err.Error(), "a friend (fragment 1 of 2)") || !strings.Contains(err.Error(), bob.file) {
			t.Fatalf("Gather(changed) = %v, want ErrWrongFragment with the typo, naming the friend and the file", err)
		}
		t.Logf("changed: %v", err)
		_, err = rec.GatherAny(ctx, recovery.Input{File: changed, FileName: bob.file})
		if err == nil || !strings.Contains(err.Error(), "changed or damaged") {
			t.Fatalf("GatherAny(changed) = %v, want it said that the fragment was changed", err)
		}
	})

	t.Run("forget", func(t *testing.T) {
		if err := recovery.Forget(ctx, p, keepers); err != nil {
			t.Fatal(err)
		}
		if left, _ := os.ReadDir(stick); len(left) != 0 {
			t.Errorf("the stick still holds %d files", len(left))
		}
	})
}

func sealedIn(s string) bool { return strings.Contains(s, "PC1") }

func fileOf(t *testing.T, r recovery.Record) string {
	t.Helper()
	var d struct{ File string }
	if err := json.Unmarshal(r.Data, &d); err != nil || d.File == "" {
		t.Fatalf("media record %s: %v", r.Data, err)
	}
	return d.File
}

// codeChars are the characters of a sealed fragment's text (papercode).
const codeChars = "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L"
