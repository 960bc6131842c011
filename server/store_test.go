package server

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/server/verify"
	bolt "go.etcd.io/bbolt"
)

// storeBackends opens each Store implementation afresh.
var storeBackends = map[string]func(t *testing.T) Store{
	"memory": func(*testing.T) Store { return NewMemoryStore() },
	"bolt": func(t *testing.T) Store {
		s, err := OpenBoltStore(t.TempDir())
		mustBeNil(t, err)
		return s
	},
}

// TestStores holds both Store implementations to the same contract: the
// escrow part (durable in bbolt) and the code and token part (the memory
// table both share), and how the two meet.
func TestStores(t *testing.T) {
	for name, open := range storeBackends {
		for part, contract := range map[string]func(*testing.T, Store){
			"escrows": testEscrowContract,
			"codes":   testCodeContract,
			"both":    testEscrowCodeContract,
		} {
			t.Run(name+"/"+part, func(t *testing.T) {
				s := open(t)
				defer func() { mustBeNil(t, s.Close()) }()
				contract(t, s)
			})
		}
	}
}

func testEscrowContract(t *testing.T, s Store) {
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
	// Once expired, the id may be taken again.
	e2 := Escrow{ID: "abc", Kind: "email", Data: "again", Expiration: testStart + 500}
	mustBeNil(t, s.CreateEscrow(ctx, e2, now.Add(100*time.Second)))
	if got, err := s.Escrow(ctx, "abc", now); err != nil || got != e2 {
		t.Fatalf("escrow after reuse %+v, %v", got, err)
	}
	mustBeNil(t, s.DeleteEscrow(ctx, "abc"))
	mustBeNil(t, s.DeleteEscrow(ctx, "abc"))
	if _, err := s.Escrow(ctx, "abc", now); !errors.Is(err, ErrNotFound) {
		t.Fatalf("deleted escrow: %v", err)
	}

	// Sweep removes what expired, physically: reading with an old clock
	// finds nothing any more.
	mustBeNil(t, s.CreateEscrow(ctx, Escrow{ID: "old", Kind: "email", Data: "x", Expiration: testStart + 10}, now))
	mustBeNil(t, s.CreateEscrow(ctx, Escrow{ID: "new", Kind: "email", Data: "y", Expiration: testStart + 1000}, now))
	n, err := s.Sweep(ctx, now.Add(200*time.Second))
	mustBeNil(t, err)
	if n != 1 {
		t.Errorf("swept %d entries, want 1", n)
	}
	if _, err := s.Escrow(ctx, "old", now); !errors.Is(err, ErrNotFound) {
		t.Error("swept escrow still there")
	}
	if _, err := s.Escrow(ctx, "new", now); err != nil {
		t.Errorf("unexpired escrow swept: %v", err)
	}
}

func testCodeContract(t *testing.T, s Store) {
	ctx := context.Background()
	now := time.Unix(testStart, 0)

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
		wg.Go(func() { // t.Error, not t.Fatal: FailNow must run on the test's goroutine
			if err := s.UpdateCode(ctx, "abc", now, func(c *Code) bool { c.Failures++; return true }); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	mustBeNil(t, s.UpdateCode(ctx, "abc", now, func(c *Code) bool {
		if c.Failures != 20 {
			t.Errorf("failures %d after 20 concurrent updates", c.Failures)
		}
		return true
	}))

	// Of many concurrent spends of one token exactly one succeeds, and
	// it stays spent until its time is up.
	var spent atomic.Int32
	for range 20 {
		wg.Go(func() {
			err := s.SpendToken(ctx, "tok", testStart+130, now)
			if err == nil {
				spent.Add(1)
			} else if !errors.Is(err, ErrExists) {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if spent.Load() != 1 {
		t.Fatalf("one token spent %d times", spent.Load())
	}
	if err := s.SpendToken(ctx, "tok", testStart+130, now.Add(129*time.Second)); !errors.Is(err, ErrExists) {
		t.Fatalf("respent token: %v", err)
	}

	// Sweep removes expired codes and tokens, physically: reading with
	// an old clock finds nothing any more.
	mustBeNil(t, s.PutCode(ctx, "new", Code{Code: "1", Expiration: testStart + 20}))
	mustBeNil(t, s.PutCode(ctx, "later", Code{Code: "1", Expiration: testStart + 1000}))
	n, err := s.Sweep(ctx, now.Add(200*time.Second))
	mustBeNil(t, err)
	if n != 3 { // codes abc and new, spent token
		t.Errorf("swept %d entries, want 3", n)
	}
	if err := s.UpdateCode(ctx, "new", now, func(*Code) bool { return true }); !errors.Is(err, ErrNotFound) {
		t.Error("swept code still there")
	}
	mustBeNil(t, s.SpendToken(ctx, "tok", testStart+130, now))
	mustBeNil(t, s.UpdateCode(ctx, "later", now, func(*Code) bool { return true }))
}

// testEscrowCodeContract: a code belongs to its escrow. Deleting the
// escrow takes the code along, and a new escrow under the id of an expired
// one does not inherit its code.
func testEscrowCodeContract(t *testing.T, s Store) {
	ctx := context.Background()
	now := time.Unix(testStart, 0)
	mustBeNil(t, s.CreateEscrow(ctx, Escrow{ID: "abc", Kind: "email", Data: "x", Expiration: testStart + 10}, now))
	mustBeNil(t, s.PutCode(ctx, "abc", Code{Code: "1", Expiration: testStart + 60}))
	mustBeNil(t, s.DeleteEscrow(ctx, "abc"))
	if err := s.UpdateCode(ctx, "abc", now, func(*Code) bool { return true }); !errors.Is(err, ErrNotFound) {
		t.Fatalf("code outlived its escrow: %v", err)
	}

	mustBeNil(t, s.CreateEscrow(ctx, Escrow{ID: "abc", Kind: "email", Data: "x", Expiration: testStart + 10}, now))
	mustBeNil(t, s.PutCode(ctx, "abc", Code{Code: "1", Expiration: testStart + 60}))
	later := now.Add(20 * time.Second)
	mustBeNil(t, s.CreateEscrow(ctx, Escrow{ID: "abc", Kind: "email", Data: "y", Expiration: testStart + 100}, later))
	if err := s.UpdateCode(ctx, "abc", later, func(*Code) bool { return true }); !errors.Is(err, ErrNotFound) {
		t.Fatalf("new escrow inherited the code of an expired one: %v", err)
	}
}

// TestBoltPersistence: escrows survive a restart, in a private file; a
// pending code does not (see Store), so the user asks for a new one.
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
	if strings.Contains(string(db), code) {
		t.Error("the file holds the verification code")
	}

	env2 := newTestEnv(t, func(c *Config) { c.DataDir = dir; c.Now = env.clock.Now })
	if rec := env2.recover(t, f, code); rec.Error != errStrNoCode {
		t.Fatalf("a code outlived the restart: %+v", rec)
	}
	code = env2.verifyCode(t, f, "1")
	if rec := env2.recover(t, f, code); rec.EscrowSecret != "kept on disk" {
		t.Fatalf("after reopening: %+v", rec)
	}
	// A second server on the same file is refused, not corrupted.
	if _, err := New(Config{DataDir: dir, Verifiers: env2.srv.cfg.Verifiers}); err == nil {
		t.Fatal("two servers opened one database")
	}
}

// TestBoltDropsLegacyBuckets: a file from before codes and spent tokens
// moved to memory loses them, with their index entries, on open; its
// escrows stay.
func TestBoltDropsLegacyBuckets(t *testing.T) {
	dir := t.TempDir()
	s, err := OpenBoltStore(dir)
	mustBeNil(t, err)
	ctx := context.Background()
	now := time.Unix(testStart, 0)
	mustBeNil(t, s.CreateEscrow(ctx, Escrow{ID: "abc", Kind: "email", Data: "x", Expiration: testStart + 100}, now))
	mustBeNil(t, s.Close())

	db, err := bolt.Open(filepath.Join(dir, DBName), 0o600, nil)
	mustBeNil(t, err)
	mustBeNil(t, db.Update(func(tx *bolt.Tx) error {
		for tag, name := range legacyBuckets {
			b, err := tx.CreateBucket(name)
			if err != nil {
				return err
			}
			for i := range 3 {
				key := fmt.Appendf(nil, "old%d", i)
				if err := b.Put(key, make([]byte, 8)); err != nil {
					return err
				}
				k := append([]byte{tag}, make([]byte, 8)...)
				if err := tx.Bucket(bucketExpiry).Put(append(k, key...), nil); err != nil {
					return err
				}
			}
		}
		return nil
	}))
	mustBeNil(t, db.Close())

	s, err = OpenBoltStore(dir)
	mustBeNil(t, err)
	mustBeNil(t, s.db.View(func(tx *bolt.Tx) error {
		for _, name := range legacyBuckets {
			if tx.Bucket(name) != nil {
				t.Errorf("bucket %q still there", name)
			}
		}
		var tags []byte
		tx.Bucket(bucketExpiry).ForEach(func(k, _ []byte) error {
			tags = append(tags, k[0])
			return nil
		})
		if string(tags) != "e" {
			t.Errorf("expiry index tags %q, want just the escrow's", tags)
		}
		return nil
	}))
	if _, err := s.Escrow(ctx, "abc", now); err != nil {
		t.Errorf("escrow lost: %v", err)
	}
	mustBeNil(t, s.Close())
}

// TestSweepExpired advances the clock past an escrow's life: the sweep
// removes the escrow, its code and the hashcash token that paid for
// another escrow, once each has expired, and nothing before.
func TestSweepExpired(t *testing.T) {
	dir := t.TempDir()
	env := newTestEnv(t, func(c *Config) { c.DataDir = dir })
	ctx := context.Background()

	// A token spent on an escrow (the reference client's hashcash-12,
	// for an hour); spent, it is refused a second time.
	req, p, paidAt := recordedEscrow(t)
	env.clock.set(paidAt)
	p.Expiration = paidAt + 3600
	paid := withParams(t, req, p)
	if _, err := env.srv.processEscrow(ctx, paid); err != nil {
		t.Fatalf("escrow paid with hashcash: %v", err)
	}
	_, cash, _ := strings.Cut(p.Payment, ":")
	token, tokenUntil, err := spentKey(cash, []byte(req.EscrowData[0]))
	mustBeNil(t, err)
	spentAt := env.clock.Now()
	if err := env.srv.store.SpendToken(ctx, token, tokenUntil, spentAt); !errors.Is(err, ErrExists) {
		t.Fatalf("the token is not recorded as spent: %v", err)
	}

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
	// Gone, not just expired: with the clock of its spending, the token
	// can be spent again (so it was not there to refuse it).
	if err := env.srv.store.SpendToken(ctx, token, tokenUntil, spentAt); err != nil {
		t.Fatalf("the spent token outlived the sweep: %v", err)
	}
	if err := env.srv.store.UpdateCode(ctx, bare, before, func(*Code) bool { return true }); !errors.Is(err, ErrNotFound) {
		t.Fatalf("the code outlived the sweep: %v", err)
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
