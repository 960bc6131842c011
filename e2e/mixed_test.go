//go:build linux

package e2e_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/mailtest"
	"github.com/passcrow/passcrow-desktop/internal/qrscan"
	"github.com/passcrow/passcrow-desktop/internal/servertest"
	"github.com/passcrow/passcrow-desktop/internal/testreal"
	"github.com/passcrow/passcrow-desktop/recovery"
	"github.com/passcrow/passcrow-desktop/recovery/friend"
	imapbox "github.com/passcrow/passcrow-desktop/recovery/mailbox"
	"github.com/passcrow/passcrow-desktop/recovery/paper"
	"github.com/passcrow/passcrow-desktop/server"
	"github.com/passcrow/passcrow-desktop/server/verify"
)

// TestMixedPolicy is issue 7's "any 3 of 5" across every kind that is
// not a USB stick: two of our Passcrow servers, the user's IMAP mailbox
// on the real Dovecot, a printed sheet (rendered with pdftoppm and read
// back through its QR code) and a friend reached through real SMTP. It is
// recovered from several different subsets, each in its own Recovery, as
// a user on a fresh computer with only the pack would.
func TestMixedPolicy(t *testing.T) {
	_, err := exec.LookPath("pdftoppm")
	testreal.Require(t, "pdftoppm (poppler-utils)", err)
	m := mailtest.Start(t)
	m.NeedSubmission(t)
	m.AddUser("owner", "owner-pw")
	m.AddUser("friend", "friend-pw")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	clients := map[string]*recovery.Client{}
	var recorders []*servertest.Recorder
	var servers []recovery.Location
	for _, id := range []string{"email:owner@example.org", "email:owner@example.net"} {
		c, rec := mixedServer(t)
		clients[c.Server()] = c
		recorders = append(recorders, rec)
		l, err := recovery.NewPasscrowLocation(c, id)
		if err != nil {
			t.Fatal(err)
		}
		servers = append(servers, l)
	}
	host, port := splitHostPort(t, m.IMAPAddr())
	acct := imapbox.Account{Host: host, Port: port, Security: imapbox.StartTLS, Username: "owner", TLSConfig: &tls.Config{RootCAs: m.CertPool()}}
	box, err := imapbox.NewLocation(acct, "owner-pw")
	if err != nil {
		t.Fatal(err)
	}
	sheetDir := t.TempDir()
	sheet := &paper.Location{Dir: sheetDir, Title: "Family photos", Owner: "Owner", Label: "Sheet 1 of 1"}
	shost, sport := splitHostPort(t, m.SubmissionAddr())
	pal := &friend.Location{
		Account: &friend.Account{Host: shost, Port: sport, TLS: friend.TLSStartTLS, Username: "owner", Password: "owner-pw",
			From: "Owner <owner@example.org>", TLSConfig: &tls.Config{RootCAs: m.CertPool()}, Timeout: 30 * time.Second},
		To: "Friend <friend@example.com>", Number: 1, Count: 1,
	}
	keepers := recovery.NewKeepers(
		&recovery.PasscrowKeeper{Client: func(s string) (*recovery.Client, error) { return clients[s], nil }},
		&imapbox.Keeper{TLSConfig: &tls.Config{RootCAs: m.CertPool()}},
		paper.Keeper{}, friend.Keeper{},
	)
	secret := []byte("the family photos' passphrase: þórður")
	p, err := recovery.Protect(ctx, recovery.ProtectRequest{
		Name: "photos", Description: "Family photos", Secret: secret, Policy: recovery.NofM(3),
		Locations: []recovery.Location{servers[0], servers[1], box, sheet, pal},
		Expires:   time.Now().Add(20 * time.Hour),
		Keepers:   keepers,
	})
	if err != nil {
		t.Fatal(err)
	}
	// Only the pack survives the lost laptop; it is all a recovery starts from.
	raw, err := p.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	pack, err := recovery.ParsePack(raw)
	if err != nil {
		t.Fatal(err)
	}

	// What the user has at hand: the sheet as a photo, the friend's letter.
	pdfs, _ := filepath.Glob(filepath.Join(sheetDir, "*.pdf"))
	if len(pdfs) != 1 {
		t.Fatalf("%d sheets", len(pdfs))
	}
	out := filepath.Join(t.TempDir(), "photo")
	if b, err := exec.Command("pdftoppm", "-r", "150", "-png", "-singlefile", pdfs[0], out).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, b)
	}
	photo, err := os.ReadFile(out + ".png")
	if err != nil {
		t.Fatal(err)
	}
	letter, err := m.WaitForMail(ctx, "friend", "friend-pw", func(s string) bool { return strings.Contains(s, "passcrow-fragment-") })
	if err != nil {
		t.Fatal(err)
	}

	type step struct {
		name string
		do   func(*recovery.Recovery) error
	}
	code := func(i int, addr string) step {
		return step{fmt.Sprintf("server %d", i+1), func(r *recovery.Recovery) error {
			for _, res := range r.RequestCodes(ctx, "en") {
				if res.Err != nil && !errors.Is(res.Err, recovery.ErrTooSoon) {
					return res.Err
				}
			}
			_, err := r.SubmitCode(ctx, recorders[i].CodeFor(t, addr))
			return err
		}}
	}
	imapStep := step{"mailbox", func(r *recovery.Recovery) error {
		_, err := r.Gather(ctx, pack.Records[2].Prefix, recovery.Input{Login: &recovery.Login{Password: "owner-pw"}})
		return err
	}}
	sheetStep := step{"sheet photo", func(r *recovery.Recovery) error {
		_, err := r.GatherAny(ctx, recovery.Input{File: photo, FileName: "photo.png"})
		return err
	}}
	friendStep := step{"friend's letter", func(r *recovery.Recovery) error {
		_, err := r.GatherAny(ctx, recovery.Input{File: []byte(letter), FileName: "letter.eml"})
		return err
	}}
	s1, s2 := code(0, "owner@example.org"), code(1, "owner@example.net")
	for _, subset := range [][]step{
		{s1, s2, imapStep},
		{sheetStep, friendStep, s1},
		{imapStep, sheetStep, friendStep},
		{friendStep, s2, imapStep},
	} {
		var names []string
		for _, s := range subset {
			names = append(names, s.name)
		}
		t.Run(strings.Join(names, ", "), func(t *testing.T) {
			r := recovery.NewRecovery(pack, keepers)
			for i, s := range subset {
				if _, _, err := r.Secret(); !errors.Is(err, recovery.ErrNeedMoreCodes) {
					t.Fatalf("before %s: %v, want more needed", s.name, err)
				}
				if err := s.do(r); err != nil {
					t.Fatalf("%s: %v", s.name, err)
				}
				if have, need := r.Progress(); have != i+1 || need != 3 {
					t.Errorf("after %s: progress %d of %d", s.name, have, need)
				}
			}
			got, bad, err := r.Secret()
			if err != nil || bad != nil || !bytes.Equal(got, secret) {
				t.Fatalf("secret: %q, %v, %v", got, bad, err)
			}
		})
	}

	t.Run("wrong input is refused and names the location", func(t *testing.T) {
		r := recovery.NewRecovery(pack, keepers)
		_, err := r.Gather(ctx, pack.Records[2].Prefix, recovery.Input{Login: &recovery.Login{Password: "wrong"}})
		if err == nil || !strings.Contains(err.Error(), pack.Records[2].Hint) {
			t.Errorf("wrong mailbox password: %v", err)
		}
		// The sheet's text pasted as the friend's fragment: a whole
		// fragment of this pack, but another location's.
		sheetText, err := qrscan.DecodeBytes(photo)
		if err != nil {
			t.Fatal(err)
		}
		_, err = r.Gather(ctx, pack.Records[4].Prefix, recovery.Input{Text: sheetText})
		if !errors.Is(err, recovery.ErrWrongFragment) || !strings.Contains(err.Error(), pack.Records[4].Hint) {
			t.Errorf("the sheet's text as the friend's: %v", err)
		}
		// The friend's letter offered as the sheet holds no sheet.
		if _, err := r.Gather(ctx, pack.Records[3].Prefix, recovery.Input{File: []byte(letter), FileName: "letter.eml"}); err == nil || !strings.Contains(err.Error(), pack.Records[3].Hint) {
			t.Errorf("the letter as the sheet: %v", err)
		}
		if have, _ := r.Progress(); have != 0 {
			t.Errorf("wrong input left %d fragments", have)
		}
	})
	t.Run("forget", func(t *testing.T) {
		// Deleting the mailbox's message needs its password: the app asks,
		// or takes it from the keychain when the user let it keep it.
		k := recovery.NewKeepers(
			&recovery.PasscrowKeeper{Client: func(s string) (*recovery.Client, error) { return clients[s], nil }},
			&imapbox.Keeper{TLSConfig: &tls.Config{RootCAs: m.CertPool()}, Login: func(context.Context, recovery.Record) (*recovery.Login, error) {
				return &recovery.Login{Password: "owner-pw"}, nil
			}},
			paper.Keeper{}, friend.Keeper{},
		)
		if err := recovery.Forget(ctx, pack, k); err != nil {
			t.Fatal(err)
		}
		r := recovery.NewRecovery(pack, k)
		if _, err := r.Gather(ctx, pack.Records[2].Prefix, recovery.Input{Login: &recovery.Login{Password: "owner-pw"}}); err == nil {
			t.Error("the mailbox still has the fragment after Forget")
		}
		if left, _ := filepath.Glob(filepath.Join(sheetDir, "*.pdf")); len(left) != 0 {
			t.Errorf("sheet files left: %v", left)
		}
	})
}

func mixedServer(t *testing.T) (*recovery.Client, *servertest.Recorder) {
	t.Helper()
	rec := &servertest.Recorder{}
	srv, err := server.New(server.Config{
		Verifiers:      map[string]verify.Verifier{"email": rec},
		MaxExpiration:  3 * 24 * time.Hour,
		SweepInterval:  -1,
		ResendInterval: -1,
		// Codes go to one address in a loop: no per-address limit here.
		MaxSendsPerHour: -1,
		MaxSendsPerDay:  -1,
		Logger:          slog.New(slog.NewTextHandler(io.Discard, nil)),
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
	return c, rec
}

func splitHostPort(t *testing.T, addr string) (string, int) {
	t.Helper()
	h, p, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	n, _ := strconv.Atoi(p)
	return h, n
}
