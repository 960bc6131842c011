package recovery_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/servertest"
	"github.com/passcrow/passcrow-desktop/recovery"
	"github.com/passcrow/passcrow-desktop/server"
	"github.com/passcrow/passcrow-desktop/server/verify"
)

// ourServerResending is ourServer sending a new code whenever asked, as
// one test here recovers the same pack several times in a row.
func ourServerResending(t *testing.T) (*httptest.Server, *servertest.Recorder) {
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
	t.Cleanup(func() {
		hs.Close()
		srv.Close()
	})
	return hs, rec
}

// groupedPack protects a secret under "2 of 3 servers AND 1 of 2 family
// addresses", each location on its own real server of ours, and returns
// the pack, the servers' recorders (in location order) and the keepers.
func groupedPack(t *testing.T, secret []byte) (*recovery.Pack, []*servertest.Recorder, []string, recovery.Keepers) {
	t.Helper()
	ids := []string{"email:s1@example.org", "email:s2@example.net", "email:s3@example.com", "email:mum@example.org", "email:dad@example.net"}
	var locs []recovery.Location
	var recs []*servertest.Recorder
	clients := map[string]*recovery.Client{}
	for _, id := range ids {
		hs, rec := ourServerResending(t)
		c, err := recovery.NewClient(hs.URL)
		if err != nil {
			t.Fatal(err)
		}
		c.Interval = 0
		clients[c.Server()] = c
		l, err := recovery.NewPasscrowLocation(c, id)
		if err != nil {
			t.Fatal(err)
		}
		locs = append(locs, l)
		recs = append(recs, rec)
	}
	keepers := recovery.NewKeepers(&recovery.PasscrowKeeper{Client: func(server string) (*recovery.Client, error) {
		return clients[server], nil
	}})
	p, err := recovery.Protect(context.Background(), recovery.ProtectRequest{
		Name:   "grouped",
		Secret: secret,
		Groups: []recovery.Group{
			{Name: "servers", Policy: recovery.NofM(2), Locations: locs[:3]},
			{Name: "family", Policy: recovery.AnyOne(), Locations: locs[3:]},
		},
		GroupsNeeded: recovery.All(),
		Expires:      time.Now().Add(20 * time.Hour),
		Keepers:      keepers,
	})
	if err != nil {
		t.Fatal(err)
	}
	addrs := make([]string, len(ids))
	for i, id := range ids {
		addrs[i] = strings.TrimPrefix(id, "email:")
	}
	return p, recs, addrs, keepers
}

// recoverWith asks for codes and types the ones of the locations listed.
func recoverWith(t *testing.T, p *recovery.Pack, recs []*servertest.Recorder, addrs []string, keepers recovery.Keepers, which ...int) *recovery.Recovery {
	t.Helper()
	ctx := context.Background()
	r := recovery.NewRecovery(p, keepers)
	for _, res := range r.RequestCodes(ctx, "en") {
		if res.Err != nil {
			t.Fatal(res.Err)
		}
	}
	for _, i := range which {
		if _, err := r.SubmitCode(ctx, recs[i].CodeFor(t, addrs[i])); err != nil {
			t.Fatalf("code of location %d: %v", i, err)
		}
	}
	return r
}

func TestGroupedPolicyAgainstOurServers(t *testing.T) {
	secret := []byte("the family photos passphrase")
	p, recs, addrs, keepers := groupedPack(t, secret)

	// The pack says what it is and survives a round trip as version 2.
	raw, err := p.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(raw, []byte(`"passcrow-pack": 2`)) || !bytes.Contains(raw, []byte(`"policy": "all groups"`)) {
		t.Fatalf("grouped pack is not version 2 with a groups policy:\n%s", raw)
	}
	back, err := recovery.ParsePack(raw)
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := back.Marshal(); !bytes.Equal(again, raw) {
		t.Fatal("parse then marshal changed the grouped pack")
	}
	if p.Need() != 3 {
		t.Errorf("Need() = %d, want 3 (2 servers + 1 of the family)", p.Need())
	}

	t.Run("enough in every group, any order", func(t *testing.T) {
		for _, which := range [][]int{{0, 1, 3}, {4, 2, 0}, {1, 2, 4}, {3, 1, 2}} {
			r := recoverWith(t, back, recs, addrs, keepers, which...)
			got, bad, err := r.Secret()
			if err != nil || bad != nil || !bytes.Equal(got, secret) {
				t.Fatalf("locations %v: %q, %v, %v", which, got, bad, err)
			}
		}
	})
	t.Run("too few in one group", func(t *testing.T) {
		// Three fragments, as many as Need, but only one server.
		r := recoverWith(t, back, recs, addrs, keepers, 0, 3, 4)
		_, _, err := r.Secret()
		if !errors.Is(err, recovery.ErrNeedMoreCodes) || !strings.Contains(err.Error(), "servers 1 of 2") || !strings.Contains(err.Error(), "family 1 of 1 (done)") {
			t.Fatalf("err = %v; want more codes, servers 1 of 2", err)
		}
		if have, need := r.Progress(); have != 3 || need != 4 {
			t.Errorf("Progress() = %d, %d; want 3, 4", have, need)
		}
		groups, n := r.Groups()
		if n != 2 || len(groups) != 2 || groups[0].Done() || !groups[1].Done() {
			t.Errorf("Groups() = %+v, %d", groups, n)
		}
		if _, _, err := recovery.Combine(back, r.Fetched()); !errors.Is(err, recovery.ErrNotEnough) {
			t.Errorf("Combine with too few servers: %v, want ErrNotEnough", err)
		}
	})
	t.Run("no family at all", func(t *testing.T) {
		r := recoverWith(t, back, recs, addrs, keepers, 0, 1, 2)
		if _, _, err := r.Secret(); !errors.Is(err, recovery.ErrNeedMoreCodes) || !strings.Contains(err.Error(), "family 0 of 1") {
			t.Fatalf("err = %v; want more codes, family 0 of 1", err)
		}
	})
	t.Run("a wrong fragment is named within its group", func(t *testing.T) {
		r := recoverWith(t, back, recs, addrs, keepers, 0, 1, 2, 3)
		fetched := r.Fetched()
		bad := back.Records[1].Prefix
		fetched[bad] = append(recovery.Fragment(nil), fetched[bad]...)
		fetched[bad][5] ^= 0x40
		got, badErr, err := recovery.Combine(back, fetched)
		if err != nil || !bytes.Equal(got, secret) {
			t.Fatalf("with one wrong server fragment of three: %v", err)
		}
		if badErr == nil || len(badErr.Prefixes) != 1 || badErr.Prefixes[0] != bad {
			t.Fatalf("bad = %v, want prefix %s", badErr, bad)
		}
	})
	t.Run("a changed group check is noticed", func(t *testing.T) {
		tampered := strings.Replace(string(raw), back.Groups[0].Check, strings.Repeat("A", 22)+"==", 1)
		tp, err := recovery.ParsePack([]byte(tampered))
		if err != nil {
			t.Fatal(err)
		}
		r := recoverWith(t, tp, recs, addrs, keepers, 0, 1, 3)
		if _, _, err := r.Secret(); !errors.Is(err, recovery.ErrNotEnough) || !errors.Is(err, recovery.ErrNoMatch) {
			t.Fatalf("err = %v; want the servers group not to match", err)
		}
	})
	t.Run("forget deletes every group's escrows", func(t *testing.T) {
		if err := recovery.Forget(context.Background(), back, keepers); err != nil {
			t.Fatal(err)
		}
		r := recovery.NewRecovery(back, keepers)
		for _, res := range r.RequestCodes(context.Background(), "en") {
			if res.Err == nil {
				t.Errorf("%s still answers after Forget", res.Record.Hint)
			}
		}
	})
}

func TestMailpileGroups(t *testing.T) {
	a, b, c := fakeLocationNamed("imap a"), fakeLocationNamed("imap b"), fakeLocationNamed("friend c")
	groups, needed := recovery.MailpileGroups([]recovery.Location{a, b}, []recovery.Location{c})
	if len(groups) != 2 || needed != recovery.All() {
		t.Fatalf("groups %+v, needed %v", groups, needed)
	}
	if groups[0].Policy != recovery.NofM(1) || groups[1].Policy != recovery.All() {
		t.Errorf("policies %v, %v; want any one (all but one of 2) and all (1 correspondent)", groups[0].Policy, groups[1].Policy)
	}
	if g, _ := recovery.MailpileGroups(nil, []recovery.Location{a, b, c}); len(g) != 1 || g[0].Policy != recovery.NofM(2) {
		t.Errorf("correspondents only: %+v", g)
	}
}

// fakeLocationNamed is a Location that is never placed: policy tests only.
type fakeLocationNamed string

func (l fakeLocationNamed) Kind() string     { return "never-placed" }
func (l fakeLocationNamed) Describe() string { return string(l) }
func (l fakeLocationNamed) Place(context.Context, recovery.Fragment, recovery.PlaceOptions) (recovery.Record, error) {
	return recovery.Record{}, errors.New("not placed in policy tests")
}
