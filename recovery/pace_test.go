package recovery

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/servertest"
	"github.com/passcrow/passcrow-desktop/server"
	"github.com/passcrow/passcrow-desktop/server/verify"
)

// pacingClock stands in for the clock and sleep of pacing: a sleep moves
// the clock on at once and is counted, so the test sees every wait
// without waiting.
type pacingClock struct {
	mu    sync.Mutex
	now   time.Time
	waits []time.Duration
}

func fakePacing(t *testing.T) *pacingClock {
	c := &pacingClock{now: time.Unix(1_800_000_000, 0)}
	oldNow, oldSleep := paceNow, paceSleep
	paceNow = func() time.Time {
		c.mu.Lock()
		defer c.mu.Unlock()
		return c.now
	}
	paceSleep = func(_ context.Context, d time.Duration) error {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.now = c.now.Add(d)
		c.waits = append(c.waits, d)
		return nil
	}
	t.Cleanup(func() { paceNow, paceSleep = oldNow, oldSleep })
	return c
}

func (c *pacingClock) total() (time.Duration, []time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var sum time.Duration
	for _, d := range c.waits {
		sum += d
	}
	return sum, append([]time.Duration(nil), c.waits...)
}

// paceServer starts our server with the rate limit `passcrow serve` has
// by default (2 a second, bursts of 10); reference-shaped hides every
// extension, as a reference server has none.
func paceServer(t *testing.T, referenceShaped bool) string {
	srv, err := server.New(server.Config{
		Verifiers:     map[string]verify.Verifier{"email": &servertest.Recorder{}},
		RateLimit:     2,
		RateBurst:     10,
		NoExtensions:  referenceShaped,
		SweepInterval: -1,
		Logger:        slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(func() {
		hs.Close()
		srv.Close()
	})
	return hs.URL
}

// protectThree protects a secret with 3 fragments on one server, with the
// client's default pacing (one request a second unless the server says
// otherwise).
func protectThree(t *testing.T, url string) {
	c, err := NewClient(url)
	if err != nil {
		t.Fatal(err)
	}
	if c.Interval != DefaultInterval {
		t.Fatalf("a new client's interval is %v", c.Interval)
	}
	var locs []Location
	for _, id := range []string{"email:alice@example.org", "email:alice@work.example", "email:friend@example.net"} {
		l, err := NewPasscrowLocation(c, id)
		if err != nil {
			t.Fatal(err)
		}
		locs = append(locs, l)
	}
	_, err = Protect(context.Background(), ProtectRequest{
		Name: "pace", Secret: []byte("a secret"), Policy: NofM(2), Locations: locs,
		Expires: time.Now().Add(20 * time.Hour),
		Keepers: NewKeepers(&PasscrowKeeper{Client: func(string) (*Client, error) { return c, nil }}),
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Against our server, which states its rate, 3 fragments take at most a
// second of pacing (the target; the bucket of 10 makes it none).
func TestPaceByStatedRate(t *testing.T) {
	clock := fakePacing(t)
	protectThree(t, paceServer(t, false))
	if sum, waits := clock.total(); sum > time.Second {
		t.Errorf("paced %v in all (%v), want at most 1s", sum, waits)
	}
	sum, _ := clock.total()
	t.Logf("paced %v in all", sum)
}

// A reference-shaped server (ours with NoExtensions) states nothing, so
// the client keeps to one request a second: policy and 3 escrows make 3
// waits of a second each.
func TestPaceOneASecondWithoutStatedRate(t *testing.T) {
	clock := fakePacing(t)
	protectThree(t, paceServer(t, true))
	sum, waits := clock.total()
	if len(waits) < 3 {
		t.Fatalf("%d pacing waits (%v), want at least 3", len(waits), waits)
	}
	for _, d := range waits {
		if d < time.Second {
			t.Errorf("a wait of %v (all: %v), want at least 1s", d, waits)
		}
	}
	t.Logf("paced %v in all", sum)
}

// What a server claims is bounded, and garbage is no claim at all.
func TestStatedPaceBounds(t *testing.T) {
	for _, tc := range []struct {
		rate, burst string
		want        pace
		ok          bool
	}{
		{"2", "10", pace{2, 10}, true},
		{"2.5", "", pace{2.5, 1}, true},
		{"1000000000", "1000000", pace{maxStatedRate, maxStatedBurst}, true},
		{"1e9", "10", pace{}, false},
		{"1.2.3", "10", pace{}, false},
		{"50", "-3", pace{50, 1}, true},
		{"", "10", pace{}, false},
		{"abc", "10", pace{}, false},
		{"-1", "10", pace{}, false},
		{"0", "10", pace{}, false},
		{"0.01", "10", pace{}, false},
		{"NaN", "10", pace{}, false},
		{"+Inf", "10", pace{}, false},
		{"0x10", "10", pace{}, false},
		{"2" + string(make([]byte, 40)), "10", pace{}, false},
	} {
		h := http.Header{}
		h.Set(headerRate, tc.rate)
		h.Set(headerBurst, tc.burst)
		got, ok := statedPace(h)
		if got != tc.want || ok != tc.ok {
			t.Errorf("rate %q burst %q: %+v %v, want %+v %v", tc.rate, tc.burst, got, ok, tc.want, tc.ok)
		}
	}
}

// A hostile server claiming a huge rate still gets at most 50 requests a
// second from us once its claimed burst (at most 20) is spent.
func TestStatedPaceHostileServer(t *testing.T) {
	clock := fakePacing(t)
	policy := capturedPolicy(t)
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set(headerRate, "999999999999")
		w.Header().Set(headerBurst, "999999")
		w.Write([]byte(policy))
	}))
	t.Cleanup(hs.Close)
	c, err := NewClient(hs.URL)
	if err != nil {
		t.Fatal(err)
	}
	for range 25 {
		c.mu.Lock()
		c.policy = nil // ask again every time
		c.mu.Unlock()
		if _, err := c.Policy(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	// 25 requests: the first is free and 19 more come from the burst
	// of 20; the 5 after it need 4/50 s of refill between them at least.
	sum, waits := clock.total()
	if want := time.Duration(25-1-maxStatedBurst) * time.Second / maxStatedRate; sum < want {
		t.Errorf("paced %v in all (%v), want at least %v", sum, waits, want)
	}
}
