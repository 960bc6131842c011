package server

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/server/verify"
)

// TestStores holds both Store implementations to the same contract.
func TestStores(t *testing.T) {
	for name, open := range map[string]func(t *testing.T) Store{
		"memory": func(*testing.T) Store { return NewMemoryStore() },
		"bolt": func(t *testing.T) Store {
			s, err := OpenBoltStore(t.TempDir())
			mustBeNil(t, err)
			return s
		},
	} {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			defer func() { mustBeNil(t, s.Close()) }()
			testStoreContract(t, s)
		})
	}
}

func testStoreContract(t *testing.T, s Store) {
	ctx := context.Background()
	now := time.Unix(testStart, 0)
	e := Escrow{ID: "abc", Kind: "email", Data: "sealed", Expiration: testStart + 100}

	if _, err := s.Escrow(ctx, "abc", now); !errors.Is(err, ErrNotFound) {
		t.Fatalf("absent escrow: %v", err)
	}
	mustBeNil(t, s.CreateEscrow(ctx, e, now))
	if err := s.CreateEscrow(ctx, Escrow{ID: "abc", Data: "other", Expiration: testStart + 999}, now); !errors.Is(err, ErrExists) {
		t.Fatalf("overwrite: %v", err)
	}
	got, err := s.Escrow(ctx, "abc", now)
	if err != nil || got != e {
		t.Fatalf("escrow %+v, %v", got, err)
	}
	if _, err := s.Escrow(ctx, "abc", now.Add(100*time.Second)); !errors.Is(err, ErrNotFound) {
		t.Fatalf("expired escrow is still read: %v", err)
	}

	// Codes: replaced by PutCode, changed or removed by UpdateCode.
	mustBeNil(t, s.PutCode(ctx, "abc", Code{Code: "1000000", Expiration: testStart + 50}))
	mustBeNil(t, s.PutCode(ctx, "abc", Code{Code: "1123456", Expiration: testStart + 60}))
	mustBeNil(t, s.UpdateCode(ctx, "abc", now, func(c *Code) bool {
		if c.Code != "1123456" || c.Expiration != testStart+60 || c.Failures != 0 {
			t.Errorf("code %+v", c)
		}
		c.Failures = 3
		return true
	}))
	mustBeNil(t, s.UpdateCode(ctx, "abc", now, func(c *Code) bool {
		if c.Failures != 3 {
			t.Errorf("failures %d, want 3", c.Failures)
		}
		return false
	}))
	if err := s.UpdateCode(ctx, "abc", now, func(*Code) bool { return true }); !errors.Is(err, ErrNotFound) {
		t.Fatalf("deleted code: %v", err)
	}
	mustBeNil(t, s.PutCode(ctx, "abc", Code{Code: "1123456", Expiration: testStart + 60}))
	if err := s.UpdateCode(ctx, "abc", now.Add(60*time.Second), func(*Code) bool { return true }); !errors.Is(err, ErrNotFound) {
		t.Fatalf("expired code: %v", err)
	}

	// Concurrent updates are atomic: no failure is lost.
	mustBeNil(t, s.PutCode(ctx, "abc", Code{Code: "1", Expiration: testStart + 60}))
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			mustBeNil(t, s.UpdateCode(ctx, "abc", now, func(c *Code) bool { c.Failures++; return true }))
		})
	}
	wg.Wait()
	mustBeNil(t, s.UpdateCode(ctx, "abc", now, func(c *Code) bool {
		if c.Failures != 20 {
			t.Errorf("failures %d after 20 concurrent updates", c.Failures)
		}
		return true
	}))

	// Deleting takes the code along; deleting nothing is fine.
	mustBeNil(t, s.DeleteEscrow(ctx, "abc"))
	mustBeNil(t, s.DeleteEscrow(ctx, "abc"))
	if err := s.UpdateCode(ctx, "abc", now, func(*Code) bool { return true }); !errors.Is(err, ErrNotFound) {
		t.Fatalf("code outlived its escrow: %v", err)
	}

	mustBeNil(t, s.SpendToken(ctx, "tok", testStart+130, now))
	if err := s.SpendToken(ctx, "tok", testStart+130, now); !errors.Is(err, ErrExists) {
		t.Fatalf("respent token: %v", err)
	}

	// Sweep removes what expired, physically: reading with an old clock
	// finds nothing any more.
	mustBeNil(t, s.CreateEscrow(ctx, Escrow{ID: "old", Kind: "email", Data: "x", Expiration: testStart + 10}, now))
	mustBeNil(t, s.CreateEscrow(ctx, Escrow{ID: "new", Kind: "email", Data: "y", Expiration: testStart + 1000}, now))
	mustBeNil(t, s.PutCode(ctx, "new", Code{Code: "1", Expiration: testStart + 20}))
	n, err := s.Sweep(ctx, now.Add(200*time.Second))
	mustBeNil(t, err)
	if n != 3 { // old escrow, code, spent token
		t.Errorf("swept %d entries, want 3", n)
	}
	if _, err := s.Escrow(ctx, "old", now); !errors.Is(err, ErrNotFound) {
		t.Error("swept escrow still there")
	}
	if err := s.UpdateCode(ctx, "new", now, func(*Code) bool { return true }); !errors.Is(err, ErrNotFound) {
		t.Error("swept code still there")
	}
	mustBeNil(t, s.SpendToken(ctx, "tok", testStart+130, now))
	if _, err := s.Escrow(ctx, "new", now); err != nil {
		t.Errorf("unexpired escrow swept: %v", err)
	}
}

// TestBoltPersistence: escrows and pending codes survive a restart, in a
// private file.
func TestBoltPersistence(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	env := newTestEnv(t, func(c *Config) { c.DataDir = dir })
	f := env.escrow(t, "kept on disk")
	code := env.verifyCode(t, f, "1")
	env.http.Close()
	mustBeNil(t, env.srv.Close())

	for path, want := range map[string]os.FileMode{dir: 0o700 | os.ModeDir, filepath.Join(dir, DBName): 0o600} {
		fi, err := os.Stat(path)
		mustBeNil(t, err)
		if fi.Mode() != want {
			t.Errorf("%s: mode %v, want %v", path, fi.Mode(), want)
		}
	}
	db, err := os.ReadFile(filepath.Join(dir, DBName))
	mustBeNil(t, err)
	if strings.Contains(string(db), "kept on disk") {
		t.Error("the file holds the secret in the clear")
	}

	env2 := newTestEnv(t, func(c *Config) { c.DataDir = dir; c.Now = env.clock.Now })
	if rec := env2.recover(t, f, code); rec.EscrowSecret != "kept on disk" {
		t.Fatalf("after reopening: %+v", rec)
	}
	// A second server on the same file is refused, not corrupted.
	if _, err := New(Config{DataDir: dir, Verifiers: env2.srv.cfg.Verifiers}); err == nil {
		t.Fatal("two servers opened one database")
	}
}

// TestSweepExpired advances the clock past an escrow's life: the sweep
// removes the escrow, its code and spent tokens.
func TestSweepExpired(t *testing.T) {
	dir := t.TempDir()
	env := newTestEnv(t, func(c *Config) { c.DataDir = dir })
	ctx := context.Background()
	f := env.escrow(t, "short-lived") // one hour
	env.verifyCode(t, f, "1")
	_, bare, _ := strings.Cut(f.id, "-")
	before := env.clock.Now()

	env.clock.advance(30 * time.Minute)
	env.srv.sweep(ctx)
	if _, err := env.srv.store.Escrow(ctx, bare, before); err != nil {
		t.Fatalf("swept too early: %v", err)
	}
	env.clock.advance(31 * time.Minute)
	if rec := env.recover(t, f, "1000000"); rec.Error != errStrNoEscrow {
		t.Errorf("expired escrow still answers: %+v", rec)
	}
	env.srv.sweep(ctx)
	if _, err := env.srv.store.Escrow(ctx, bare, before); !errors.Is(err, ErrNotFound) {
		t.Fatalf("expired escrow not swept: %v", err)
	}
	n, err := env.srv.store.Sweep(ctx, env.clock.Now().Add(1000*time.Hour))
	if err != nil || n != 0 {
		t.Fatalf("left after sweeping: %d, %v", n, err)
	}
}

// TestSweeperStopsOnClose: the background sweeper runs and Close stops it.
func TestSweeperStopsOnClose(t *testing.T) {
	swept := make(chan struct{}, 1)
	s, err := New(Config{
		Verifiers:     map[string]verify.Verifier{"email": &recordingVerifierFake{}},
		SweepInterval: time.Millisecond,
		Store:         &sweepSignalStore{MemoryStore: NewMemoryStore(), swept: swept},
		Logger:        testLogger(t),
	})
	mustBeNil(t, err)
	select {
	case <-swept:
	case <-time.After(10 * time.Second):
		t.Fatal("sweeper never ran")
	}
	mustBeNil(t, s.Close())
	mustBeNil(t, s.Close())
}

// sweepSignalStore reports each sweep of a real MemoryStore.
type sweepSignalStore struct {
	*MemoryStore
	swept chan struct{}
}

func (s *sweepSignalStore) Sweep(ctx context.Context, now time.Time) (int, error) {
	select {
	case s.swept <- struct{}{}:
	default:
	}
	return s.MemoryStore.Sweep(ctx, now)
}
