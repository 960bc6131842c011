package recovery_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/wire"
	"github.com/passcrow/passcrow-desktop/recovery"
	"github.com/passcrow/passcrow-desktop/recovery/media"
)

// timeline is one ordered log of what the servers received and of the
// waits a Spread reported and made, so the test can see the waits fall
// between one server and the next without sleeping.
type timeline struct {
	mu     sync.Mutex
	events []string
	waits  []time.Duration
}

func (tl *timeline) add(e string) {
	tl.mu.Lock()
	tl.events = append(tl.events, e)
	tl.mu.Unlock()
}

func (tl *timeline) reset() {
	tl.mu.Lock()
	tl.events, tl.waits = nil, nil
	tl.mu.Unlock()
}

func (tl *timeline) snapshot() ([]string, []time.Duration) {
	tl.mu.Lock()
	defer tl.mu.Unlock()
	return slices.Clone(tl.events), slices.Clone(tl.waits)
}

// spread records its waits instead of sleeping.
func (tl *timeline) spread() *recovery.Spread {
	return &recovery.Spread{
		Min: recovery.DefaultSpreadMin,
		Max: recovery.DefaultSpreadMax,
		Sleep: func(_ context.Context, d time.Duration) error {
			tl.mu.Lock()
			tl.events = append(tl.events, "wait")
			tl.waits = append(tl.waits, d)
			tl.mu.Unlock()
			return nil
		},
	}
}

// progress notes each wait reported, with its words checked.
func (tl *timeline) progress(t *testing.T) func(recovery.Progress) {
	return func(p recovery.Progress) {
		if p.Wait == 0 {
			return
		}
		if p.Stage != recovery.WaitingStage(p.Wait) || !strings.HasSuffix(p.Stage, " s so servers cannot link your requests") {
			t.Errorf("wait reported as %q", p.Stage)
		}
		tl.add(fmt.Sprintf("told %v", p.Wait))
	}
}

// spreadServers starts n real servers of ours that log method's arrivals
// on tl as "server K".
func spreadServers(t *testing.T, n int, tl *timeline, method string) []string {
	var urls []string
	for k := range n {
		hs, _, w := witnessedServer(t, false)
		w.onRequest = func(path string) {
			if path == "/passcrow/"+method {
				tl.add(fmt.Sprintf("server %d", k))
			}
		}
		urls = append(urls, hs.URL)
	}
	return urls
}

// checkSpread checks one run's timeline: every server once, a wait
// (told first) between each server and the next and nowhere else, each
// within the bounds. It returns the order the servers were reached in.
func checkSpread(t *testing.T, tl *timeline, n int) string {
	t.Helper()
	events, waits := tl.snapshot()
	var order []string
	var want []string
	for _, e := range events {
		if s, ok := strings.CutPrefix(e, "server "); ok {
			order = append(order, s)
			if len(order) > 1 {
				want = append(want, fmt.Sprintf("told %v", waits[len(order)-2]), "wait")
			}
			want = append(want, e)
		}
	}
	if len(waits) != n-1 || len(order) != n {
		t.Fatalf("%d waits and %d servers reached; want %d and %d: %q", len(waits), len(order), n-1, n, events)
	}
	if !slices.Equal(events, want) {
		t.Errorf("timeline %q; want %q", events, want)
	}
	for _, d := range waits {
		if d < recovery.DefaultSpreadMin || d > recovery.DefaultSpreadMax {
			t.Errorf("a wait of %v, outside %v to %v", d, recovery.DefaultSpreadMin, recovery.DefaultSpreadMax)
		}
	}
	sorted := slices.Clone(order)
	slices.Sort(sorted)
	if !slices.Equal(sorted, []string{"0", "1", "2", "3"}[:n]) {
		t.Errorf("servers reached %q: not each once", order)
	}
	return strings.Join(order, " ")
}

// TestSpreadProtect: with a Spread, Protect reaches four real servers of
// ours in an order that changes from run to run, waits between each
// server and the next (told through Progress first), not before a file
// on a USB stick (which contacts no one), and still returns the records
// in the order the locations were given. The waits are recorded, not
// slept.
func TestSpreadProtect(t *testing.T) {
	const n = 4
	tl := &timeline{}
	urls := spreadServers(t, n, tl, wire.MethodEscrow)
	orders := map[string]bool{}
	for run := range 6 {
		tl.reset()
		var locs []recovery.Location
		for k, u := range urls {
			c, err := recovery.NewClient(u)
			if err != nil {
				t.Fatal(err)
			}
			c.Interval = 0
			l, err := recovery.NewPasscrowLocation(c, fmt.Sprintf("email:user%d@example.org", k))
			if err != nil {
				t.Fatal(err)
			}
			locs = append(locs, l)
		}
		locs = append(locs, &media.Location{Dir: t.TempDir()})
		pack, err := recovery.Protect(context.Background(), recovery.ProtectRequest{
			Name: "wallet", Secret: []byte("seed words"), Policy: recovery.NofM(3), Locations: locs,
			Expires: time.Now().Add(20 * time.Hour), Spread: tl.spread(), Progress: tl.progress(t),
		})
		if err != nil {
			t.Fatalf("run %d: %v", run, err)
		}
		orders[checkSpread(t, tl, n)] = true
		// One coarse expiry for all, granted as asked: the start of an
		// hour here (the stay is under two days).
		if exp := pack.Records[0].Expires; exp%3600 != 0 || exp <= time.Now().Unix() {
			t.Errorf("expiry %s is not the start of an hour to come", time.Unix(exp, 0).UTC())
		}
		for i, r := range pack.Records {
			if i < n && r.Expires != pack.Records[0].Expires {
				t.Errorf("record %d expires at %d, record 0 at %d", i, r.Expires, pack.Records[0].Expires)
			}
			if want := map[bool]string{true: media.Kind, false: recovery.KindPasscrow}[i == n]; r.Kind != want {
				t.Errorf("record %d is of kind %q, want %q", i, r.Kind, want)
			}
			if i < n && !strings.HasSuffix(r.Hint, strings.TrimPrefix(urls[i], "http://")) {
				t.Errorf("record %d has hint %q; want server %s", i, r.Hint, urls[i])
			}
		}
	}
	if len(orders) < 2 {
		t.Errorf("six runs reached the servers in one order: %v", orders)
	}
}

// TestSpreadRequestCodes: asking four real servers of ours for codes, a
// Spread changes the order from run to run and waits between servers;
// the results come in the pack's order.
func TestSpreadRequestCodes(t *testing.T) {
	const n = 4
	tl := &timeline{}
	urls := spreadServers(t, n, tl, wire.MethodVerification)
	orders := map[string]bool{}
	for range 6 {
		// A fresh pack each run: a server sends one code per minute.
		var locs []recovery.Location
		for k, u := range urls {
			c, _ := recovery.NewClient(u)
			c.Interval = 0
			l, err := recovery.NewPasscrowLocation(c, fmt.Sprintf("email:user%d@example.org", k))
			if err != nil {
				t.Fatal(err)
			}
			locs = append(locs, l)
		}
		pack, err := recovery.Protect(context.Background(), recovery.ProtectRequest{
			Name: "wallet", Secret: []byte("seed words"), Policy: recovery.NofM(2), Locations: locs,
			Expires: time.Now().Add(20 * time.Hour),
		})
		if err != nil {
			t.Fatal(err)
		}
		tl.reset()
		keepers := recovery.NewKeepers(&recovery.PasscrowKeeper{Client: func(s string) (*recovery.Client, error) {
			c, err := recovery.NewClient(s)
			if err == nil {
				c.Interval = 0
			}
			return c, err
		}})
		results := recovery.NewRecovery(pack, keepers).RequestCodesSpread(context.Background(), "en", tl.spread(), tl.progress(t))
		orders[checkSpread(t, tl, n)] = true
		for i, res := range results {
			if res.Err != nil || res.Record.Prefix != pack.Records[i].Prefix {
				t.Errorf("result %d: prefix %q, %v; want prefix %q", i, res.Record.Prefix, res.Err, pack.Records[i].Prefix)
			}
		}
	}
	if len(orders) < 2 {
		t.Errorf("six runs reached the servers in one order: %v", orders)
	}
}

// A wait cut short (the user cancels) rolls back what was placed.
func TestSpreadCancelledRollsBack(t *testing.T) {
	tl := &timeline{}
	urls := spreadServers(t, 2, tl, wire.MethodDeletion)
	var locs []recovery.Location
	for k, u := range urls {
		c, _ := recovery.NewClient(u)
		c.Interval = 0
		l, _ := recovery.NewPasscrowLocation(c, fmt.Sprintf("email:user%d@example.org", k))
		locs = append(locs, l)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := tl.spread()
	s.Sleep = func(context.Context, time.Duration) error {
		cancel()
		return context.Canceled
	}
	_, err := recovery.Protect(ctx, recovery.ProtectRequest{
		Name: "wallet", Secret: []byte("seed words"), Policy: recovery.All(), Locations: locs,
		Expires: time.Now().Add(20 * time.Hour), Spread: s,
		Keepers: recovery.NewKeepers(&recovery.PasscrowKeeper{Client: func(s string) (*recovery.Client, error) {
			c, err := recovery.NewClient(s)
			if err == nil {
				c.Interval = 0
			}
			return c, err
		}}),
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if events, _ := tl.snapshot(); len(events) != 1 {
		t.Errorf("deletions: %q; want the one placed escrow deleted", events)
	}
}
