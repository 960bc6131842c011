package server

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// TestStoreLimits holds every Store to the contract of guess records,
// send counts and the server secret (store.go), which the guess budget
// and the send limit rely on.
func TestStoreLimits(t *testing.T) {
	for name, open := range storeBackends {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			defer func() { mustBeNil(t, s.Close()) }()
			testLimitContract(t, s)
		})
	}
}

func testLimitContract(t *testing.T, s Store) {
	ctx := context.Background()
	now := time.Unix(testStart, 0)

	if g, err := s.Guesses(ctx, "abc", now); err != nil || g != (Guesses{}) {
		t.Fatalf("absent guess record: %+v, %v", g, err)
	}
	want := Guesses{Expiration: testStart + 100, Wrong: 3, Lockouts: 1, LockedUntil: testStart + 50}
	mustBeNil(t, s.UpdateGuesses(ctx, "abc", now, func(g *Guesses) error {
		if *g != (Guesses{}) {
			t.Errorf("fn saw %+v for an absent record", *g)
		}
		*g = want
		return nil
	}))
	if g, err := s.Guesses(ctx, "abc", now); err != nil || g != want {
		t.Fatalf("stored guess record: %+v, %v; want %+v", g, err, want)
	}
	// A refusing fn writes nothing and its error comes back as it is.
	errNo := errors.New("no")
	if err := s.UpdateGuesses(ctx, "abc", now, func(g *Guesses) error { g.Wrong = 99; return errNo }); err != errNo {
		t.Fatalf("fn's error came back as %v", err)
	}
	if g, _ := s.Guesses(ctx, "abc", now); g != want {
		t.Fatalf("a refused update wrote %+v", g)
	}
	// At its expiration the record reads as absent, to fn as well.
	later := time.Unix(testStart+100, 0)
	if g, _ := s.Guesses(ctx, "abc", later); g != (Guesses{}) {
		t.Fatalf("expired guess record reads %+v", g)
	}

	// Concurrent updates are atomic: none is lost.
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			err := s.UpdateSends(ctx, "k", now, func(c *Sends) error {
				c.Expiration = testStart + 3600
				c.Hour++
				return nil
			})
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	var hour int
	readHour := func(c *Sends) error { hour = c.Hour; return errNo }
	if err := s.UpdateSends(ctx, "k", now, readHour); err != errNo {
		t.Fatal(err)
	}
	if hour != 20 {
		t.Fatalf("20 concurrent updates counted %d", hour)
	}

	// Sweep removes both kinds of record once expired.
	n, err := s.Sweep(ctx, time.Unix(testStart+3600, 0))
	mustBeNil(t, err)
	if n != 2 {
		t.Fatalf("sweep removed %d entries, want 2", n)
	}
	if err := s.UpdateSends(ctx, "k", now, readHour); err != errNo {
		t.Fatal(err)
	}
	if hour != 0 {
		t.Fatalf("swept send count still reads %d", hour)
	}

	// The first secret stays.
	a, err := s.ServerSecret(ctx, []byte("first secret"))
	mustBeNil(t, err)
	b, err := s.ServerSecret(ctx, []byte("second secret"))
	mustBeNil(t, err)
	if !bytes.Equal(a, []byte("first secret")) || !bytes.Equal(b, a) {
		t.Fatalf("secrets %q then %q", a, b)
	}
}

// TestBoltLimitsDurable: guess records, send counts and the secret survive a reopen
// of the file, as the budget must survive a restart.
func TestBoltLimitsDurable(t *testing.T) {
	ctx := context.Background()
	now := time.Unix(testStart, 0)
	dir := t.TempDir()
	s, err := OpenBoltStore(dir)
	mustBeNil(t, err)
	want := Guesses{Expiration: testStart + 100, Wrong: 4}
	mustBeNil(t, s.UpdateGuesses(ctx, "abc", now, func(g *Guesses) error { *g = want; return nil }))
	secret, err := s.ServerSecret(ctx, []byte("kept"))
	mustBeNil(t, err)
	// Send counts are written a second behind; Close writes them at once.
	for range 3 {
		mustBeNil(t, s.UpdateSends(ctx, "k", now, func(c *Sends) error {
			c.Expiration = testStart + 3600
			c.Day++
			return nil
		}))
	}
	mustBeNil(t, s.Close())
	if err := s.UpdateSends(ctx, "k", now, func(*Sends) error { return nil }); !errors.Is(err, ErrClosed) {
		t.Fatalf("a count after Close: %v, want ErrClosed", err)
	}

	s, err = OpenBoltStore(dir)
	mustBeNil(t, err)
	defer s.Close()
	if g, err := s.Guesses(ctx, "abc", now); err != nil || g != want {
		t.Fatalf("after reopening: %+v, %v; want %+v", g, err, want)
	}
	if again, _ := s.ServerSecret(ctx, []byte("new")); !bytes.Equal(again, secret) {
		t.Fatalf("secret after reopening %q, want %q", again, secret)
	}
	day := 0
	mustBeNil(t, s.UpdateSends(ctx, "k", now, func(c *Sends) error { day = c.Day; return nil }))
	if day != 3 {
		t.Fatalf("send count after reopening %d, want 3", day)
	}
}
