package server

import (
	"context"
	"errors"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/server/verify"
)

// TestSendWindowsSlide runs testSendWindows on every local store;
// TestPostgres runs it on PostgreSQL.
func TestSendWindowsSlide(t *testing.T) {
	for name, open := range storeBackends {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			defer func() { mustBeNil(t, s.Close()) }()
			testSendWindows(t, s)
		})
	}
}

// testSendWindows: "6 an hour, 20 a day" holds in every hour and every
// 24 hours, not only in windows that start at a first message, and a
// refusal comes only when the address really had its fill, naming the
// second it may have the next one.
func testSendWindows(t *testing.T, s Store) {
	ctx := context.Background()
	l, err := newSendLimiter(s, Config{MaxSendsPerHour: 6, MaxSendsPerDay: 20})
	mustBeNil(t, err)
	t0 := time.Unix(testStart, 0)
	take := func(address string, at time.Time) (time.Time, error) {
		_, err := l.take(ctx, "email", address, at)
		var se *sendLimitError
		if errors.As(err, &se) {
			return se.until, err
		}
		return time.Time{}, err
	}

	// The edge of an hour: one message, five in the hour's last
	// minute, then at the hour only the first has stopped counting.
	// Windows fixed at the first message let six more through here.
	at := t0
	mustBeNil(t, second(take("edge@example.org", at)))
	at = t0.Add(59 * time.Minute)
	for range 5 {
		mustBeNil(t, second(take("edge@example.org", at)))
	}
	if until, err := take("edge@example.org", at); !errors.Is(err, ErrSendLimit) || !until.Equal(t0.Add(time.Hour)) {
		t.Fatalf("the seventh in an hour: %v, next at %v; want refused until %v", err, until, t0.Add(time.Hour))
	}
	at = t0.Add(time.Hour)
	mustBeNil(t, second(take("edge@example.org", at)))
	if until, err := take("edge@example.org", at); !errors.Is(err, ErrSendLimit) || !until.Equal(t0.Add(119*time.Minute)) {
		t.Fatalf("the second at the hour: %v, next at %v; want refused until %v", err, until, t0.Add(119*time.Minute))
	}

	// A message given back no longer counts.
	give, err := l.take(ctx, "email", "give@example.org", t0)
	mustBeNil(t, err)
	for range 5 {
		mustBeNil(t, second(take("give@example.org", t0)))
	}
	give()
	mustBeNil(t, second(take("give@example.org", t0)))

	// Asks at random moments over three days: every hour and every 24
	// hours hold at most the limit, and each refusal is owed.
	rng := rand.New(rand.NewPCG(9, 9))
	var sent []int64
	in := func(end, span int64) int {
		n := 0
		for _, s := range sent {
			if s > end-span && s <= end {
				n++
			}
		}
		return n
	}
	for at := t0; at.Before(t0.Add(72 * time.Hour)); at = at.Add(time.Duration(1+rng.IntN(900)) * time.Second) {
		now := at.Unix()
		until, err := take("random@example.org", at)
		switch {
		case err == nil:
			sent = append(sent, now)
			if in(now, sendHour) > 6 || in(now, sendDay) > 20 {
				t.Fatalf("at +%ds: %d in the last hour, %d in the last day", now-testStart, in(now, sendHour), in(now, sendDay))
			}
		case errors.Is(err, ErrSendLimit):
			hourFull, dayFull := in(now, sendHour) == 6, in(now, sendDay) == 20
			if !hourFull && !dayFull {
				t.Fatalf("at +%ds: refused with %d in the hour and %d in the day", now-testStart, in(now, sendHour), in(now, sendDay))
			}
			want := sent[len(sent)-6] + sendHour
			if !hourFull {
				want = sent[len(sent)-20] + sendDay
			}
			if until.Unix() != want {
				t.Fatalf("at +%ds: next at +%ds, want +%ds", now-testStart, until.Unix()-testStart, want-testStart)
			}
		default:
			t.Fatal(err)
		}
	}
	if len(sent) < 40 {
		t.Fatalf("only %d sent in three days", len(sent))
	}
}

func second[T any](_ T, err error) error { return err }

// A record written by a release that kept only fixed windows counts its
// messages from the start of their window, and counts that such a
// release adds beside this one during a rolling upgrade are not lost.
func TestSendsCatchUpFromFixedWindows(t *testing.T) {
	t0 := int64(testStart)
	old := Sends{Expiration: t0 + sendDay, HourStart: t0, Hour: 3, DayStart: t0 - 7200, Day: 10}
	old.catchUp(t0 + 10)
	if n, _ := old.counted(t0+10, sendHour, 6); n != 3 {
		t.Fatalf("%d in the hour, want 3: %v", n, old.Times)
	}
	if n, _ := old.counted(t0+10, sendDay, 20); n != 10 {
		t.Fatalf("%d in the day, want 10: %v", n, old.Times)
	}

	// This release records two messages; the old one, reading the
	// counts it knows, adds two more.
	var c Sends
	for _, at := range []int64{t0, t0 + 60} {
		c.catchUp(at)
		c.record(at, 20)
	}
	if c.HourStart != t0 || c.Hour != 2 || c.DayStart != t0 || c.Day != 2 || c.Expiration != t0+60+sendDay {
		t.Fatalf("fixed-window counts written %+v", c)
	}
	c.Hour += 2
	c.Day += 2
	c.catchUp(t0 + 120)
	if n, _ := c.counted(t0+120, sendHour, 6); n != 4 {
		t.Fatalf("%d in the hour after the old release's two, want 4: %v", n, c.Times)
	}

	// Windows that ended count nothing, and times older than a day go.
	stale := Sends{Times: []int64{t0 - sendDay, t0 - 5000, t0 - 10}, HourStart: t0 - 4000, Hour: 5, DayStart: t0 - sendDay - 1, Day: 9}
	given, want := stale.Times, slices.Clone(stale.Times)
	stale.catchUp(t0)
	if !slices.Equal(stale.Times, []int64{t0 - 5000, t0 - 10}) {
		t.Fatalf("times %v", stale.Times)
	}
	if n, _ := stale.counted(t0, sendHour, 6); n != 1 {
		t.Fatalf("%d in the hour, want 1", n)
	}
	// A store may still be writing out the slice it handed over.
	stale.record(t0, 20)
	stale.forget(t0-10, t0)
	if !slices.Equal(given, want) {
		t.Fatalf("the record's own slice was changed: %v", given)
	}
}

// An operator's limit over what a record keeps is refused at start.
func TestSendLimitTooHigh(t *testing.T) {
	cfg := Config{Store: NewMemoryStore(), Verifiers: map[string]verify.Verifier{"email": discardVerifierFake{}}, MaxSendsPerDay: maxSendsKept + 1}
	if _, err := New(cfg); err == nil {
		t.Fatal("a limit of 1,001 a day was taken")
	}
}
