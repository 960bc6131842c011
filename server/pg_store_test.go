//go:build linux

package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/passcrow/passcrow-desktop/internal/pgtest"
	"golang.org/x/crypto/acme/autocert"
)

// TestPostgres runs everything that needs PostgreSQL as subtests, so
// the package starts one server (pgtest) and each subtest gets a
// database of its own.
func TestPostgres(t *testing.T) {
	pg := pgtest.Start(t)
	for part, contract := range map[string]func(*testing.T, Store){
		"escrows": testEscrowContract,
		"codes":   testCodeContract,
		"both":    testEscrowCodeContract,
		"limits":  testLimitContract,
	} {
		t.Run("contract/"+part, func(t *testing.T) { contract(t, openPg(t, pg.NewDB(t))) })
	}
	t.Run("contract/releases", func(t *testing.T) { testReleaseContract(t, openPg(t, pg.NewDB(t))) })
	t.Run("send-windows", func(t *testing.T) { testSendWindows(t, openPg(t, pg.NewDB(t))) })
	t.Run("lazy-give-back", func(t *testing.T) { testPgLazyCommit(t, openPg(t, pg.NewDB(t)+"&pool_max_conns=1")) })
	t.Run("certcache", func(t *testing.T) { testPgCertCache(t, pg.NewDB(t)) })
	t.Run("acme-shared", func(t *testing.T) { testPgACMEShared(t, pg.NewDB(t)) })
	t.Run("migrations", func(t *testing.T) { testPgMigrations(t, pg) })
	t.Run("bad-dsn", func(t *testing.T) { testPgBadDSN(t, pg) })
	t.Run("sweep-together", func(t *testing.T) { testPgSweepTogether(t, pg.NewDB(t)) })
	t.Run("two-instances", func(t *testing.T) { testPgTwoInstances(t, pg.NewDB(t)) })
	t.Run("shared-limits", func(t *testing.T) { testPgSharedLimits(t, pg.NewDB(t)) })
	// Last: every database on the server goes through the crash.
	t.Run("crash", func(t *testing.T) { testPgCrash(t, pg) })
}

// openPg opens a PgStore, closed when t ends (before its database is
// dropped: cleanups run last first).
func openPg(t *testing.T, dsn string) *PgStore {
	t.Helper()
	s, err := OpenPgStore(context.Background(), dsn)
	mustBeNil(t, err)
	t.Cleanup(func() { mustBeNil(t, s.Close()) })
	return s
}

// TestReleaseStores holds the stores that keep waiting periods to one
// contract; TestPostgres adds PgStore.
func TestReleaseStores(t *testing.T) {
	for name, open := range storeBackends {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			defer func() { mustBeNil(t, s.Close()) }()
			testReleaseContract(t, s)
		})
	}
}

func testReleaseContract(t *testing.T, s Store) {
	rs, ok := s.(ReleaseStore)
	if !ok {
		t.Fatalf("%T keeps no releases", s)
	}
	ctx := context.Background()
	now := time.Unix(testStart, 0)
	e := Escrow{ID: "abc", Kind: "email", Data: "sealed", Expiration: testStart + 100}
	r := Release{Expiration: e.Expiration, DelayDays: 7, OwnerHash: []byte{1, 2, 3}, Language: "is"}

	if _, err := rs.Release(ctx, "abc"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("absent release: %v", err)
	}
	mustBeNil(t, s.PutCode(ctx, "abc", Code{Code: "1", Expiration: testStart + 60}))
	mustBeNil(t, rs.CreateDelayedEscrow(ctx, e, r, now))
	if err := s.UpdateCode(ctx, "abc", now, func(*Code) bool { return true }); !errors.Is(err, ErrNotFound) {
		t.Errorf("a new delayed escrow kept an old code: %v", err)
	}
	if err := rs.CreateDelayedEscrow(ctx, Escrow{ID: "abc", Data: "other", Expiration: testStart + 999}, r, now); !errors.Is(err, ErrExists) {
		t.Fatalf("overwrite: %v", err)
	}
	if got, err := s.Escrow(ctx, "abc", now); err != nil || got != e {
		t.Fatalf("escrow %+v, %v", got, err)
	}
	if got, err := rs.Release(ctx, "abc"); err != nil || !reflect.DeepEqual(got, r) {
		t.Fatalf("release %+v, %v; want %+v", got, err, r)
	}

	// An update that fails writes nothing and returns fn's error.
	errNo := errors.New("no")
	if err := rs.UpdateRelease(ctx, "abc", func(r *Release) error { r.DelayDays = 1; return errNo }); err != errNo {
		t.Fatalf("fn's error came back as %v", err)
	}
	claim := &Claim{Since: testStart, ReleaseAt: testStart + 7*86400, Notify: "email:owner@example.org", HeirHint: "h***@example.org"}
	mustBeNil(t, rs.UpdateRelease(ctx, "abc", func(r *Release) error {
		if r.DelayDays != 7 {
			t.Errorf("a failed update wrote: %+v", r)
		}
		r.Claim = claim
		return nil
	}))
	got, err := rs.Release(ctx, "abc")
	mustBeNil(t, err)
	if got.Claim == nil || *got.Claim != *claim {
		t.Fatalf("claim %+v, want %+v", got.Claim, claim)
	}
	if err := rs.UpdateRelease(ctx, "nope", func(*Release) error { return nil }); !errors.Is(err, ErrNotFound) {
		t.Fatalf("update of an absent release: %v", err)
	}

	// Concurrent updates are atomic: none is lost.
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if err := rs.UpdateRelease(ctx, "abc", func(r *Release) error { r.Claim.RemindedAt++; return nil }); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if got, _ := rs.Release(ctx, "abc"); got.Claim.RemindedAt != 20 {
		t.Fatalf("20 concurrent updates counted %d", got.Claim.RemindedAt)
	}

	// Listed a page at a time, in id order, each id once.
	for _, id := range []string{"abd", "ab", "b", "a"} {
		mustBeNil(t, rs.CreateDelayedEscrow(ctx, Escrow{ID: id, Kind: "email", Data: "x", Expiration: e.Expiration}, r, now))
	}
	var listed []string
	for after := ""; ; {
		page, err := rs.ReleasesAfter(ctx, after, 2)
		mustBeNil(t, err)
		for _, p := range page {
			listed = append(listed, p.ID)
			if p.ID == "abc" && (p.Claim == nil || p.Claim.RemindedAt != 20) {
				t.Errorf("listed release abc: %+v", p.Release)
			}
		}
		if len(page) < 2 {
			break
		}
		after = page[len(page)-1].ID
	}
	if want := []string{"a", "ab", "abc", "abd", "b"}; !slices.Equal(listed, want) {
		t.Fatalf("listed releases %q, want %q", listed, want)
	}
	for _, id := range []string{"abd", "ab", "b", "a"} {
		mustBeNil(t, rs.DeleteRelease(ctx, id, e.Expiration))
	}
	// A release is deleted only with the expiration of its escrow.
	mustBeNil(t, rs.DeleteRelease(ctx, "abc", testStart+1))
	if _, err := rs.Release(ctx, "abc"); err != nil {
		t.Fatalf("deleted with another escrow's expiration: %v", err)
	}
	mustBeNil(t, rs.DeleteRelease(ctx, "abc", e.Expiration))
	mustBeNil(t, rs.DeleteRelease(ctx, "abc", e.Expiration))
	if _, err := rs.Release(ctx, "abc"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("deleted release: %v", err)
	}
}

func testPgCertCache(t *testing.T, dsn string) {
	ctx := context.Background()
	// Two stores on one database, as two instances would have.
	a, b := openPg(t, dsn).CertCache(), openPg(t, dsn).CertCache()
	if _, err := a.Get(ctx, "passcrow.example.org"); err != autocert.ErrCacheMiss {
		t.Fatalf("absent name: %v, want autocert.ErrCacheMiss", err)
	}
	cert := []byte("-----BEGIN EC PRIVATE KEY-----\n\x00\xff binary too")
	mustBeNil(t, a.Put(ctx, "passcrow.example.org", cert))
	if got, err := b.Get(ctx, "passcrow.example.org"); err != nil || !bytes.Equal(got, cert) {
		t.Fatalf("the other instance reads %q, %v", got, err)
	}
	mustBeNil(t, b.Put(ctx, "passcrow.example.org", []byte("renewed")))
	if got, err := a.Get(ctx, "passcrow.example.org"); err != nil || string(got) != "renewed" {
		t.Fatalf("after renewal %q, %v", got, err)
	}
	mustBeNil(t, a.Delete(ctx, "passcrow.example.org"))
	mustBeNil(t, a.Delete(ctx, "passcrow.example.org"))
	if _, err := b.Get(ctx, "passcrow.example.org"); err != autocert.ErrCacheMiss {
		t.Fatalf("deleted name: %v", err)
	}
}

// testPgMigrations: instances starting at once on an empty database
// apply each migration once; opening again applies none; a schema newer
// than the program's is refused.
func testPgMigrations(t *testing.T, pg *pgtest.Server) {
	ctx := context.Background()
	dsn := pg.NewDB(t)
	ms, err := loadPgMigrations()
	mustBeNil(t, err)
	var wg sync.WaitGroup
	stores := make([]*PgStore, 4)
	errs := make([]error, len(stores))
	for i := range stores {
		wg.Go(func() { stores[i], errs[i] = OpenPgStore(ctx, dsn) })
	}
	wg.Wait()
	for i, s := range stores {
		if errs[i] != nil {
			t.Fatalf("instance %d: %v", i, errs[i])
		}
		defer s.Close()
	}
	s := stores[0]
	var n, max int
	mustBeNil(t, s.pool.QueryRow(ctx, "SELECT count(*), max(version) FROM schema_migrations").Scan(&n, &max))
	if n != len(ms) || max != len(ms) {
		t.Fatalf("%d migrations recorded up to version %d; want %d", n, max, len(ms))
	}
	mustBeNil(t, s.CreateEscrow(ctx, Escrow{ID: "kept", Kind: "email", Data: "x", Expiration: testStart + 100}, time.Unix(testStart, 0)))
	applied, err := migratePg(ctx, s.pool)
	if err != nil || applied != 0 {
		t.Fatalf("migrating again applied %d: %v", applied, err)
	}
	again := openPg(t, dsn)
	if _, err := again.Escrow(ctx, "kept", time.Unix(testStart, 0)); err != nil {
		t.Fatalf("reopening lost an escrow: %v", err)
	}

	_, err = s.pool.Exec(ctx, "INSERT INTO schema_migrations (version, name) VALUES ($1, 'from_the_future.sql')", len(ms)+1)
	mustBeNil(t, err)
	_, err = OpenPgStore(ctx, dsn)
	if err == nil || !strings.Contains(err.Error(), "newer than this passcrow") {
		t.Fatalf("a newer schema was not refused: %v", err)
	}
}

// testPgBadDSN: a connection string that does not parse, a server that
// is not there and a database that does not exist each give a plain
// error at start, and none repeats the password.
func testPgBadDSN(t *testing.T, pg *pgtest.Server) {
	ctx := context.Background()
	const pw = "s3cret-Passw0rd"
	missing := strings.Replace(pg.DSN("nosuchdb"), pgtest.User+"@", pgtest.User+":"+pw+"@", 1)
	for _, tc := range []struct{ dsn, want string }{
		{"postgres://passcrow:" + pw + "@[::1/passcrow", "does not parse"},
		{"host=127.0.0.1 port=notaport password=" + pw, "does not parse"},
		{"postgres://passcrow:" + pw + "@127.0.0.1:1/passcrow?sslmode=disable&connect_timeout=5", "connection refused"},
		{missing, `database "nosuchdb" does not exist`},
	} {
		s, err := OpenPgStore(ctx, tc.dsn)
		if err == nil {
			s.Close()
			t.Errorf("%s: opened", tc.want)
			continue
		}
		t.Logf("%v", err)
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error %q does not say %q", err, tc.want)
		}
		if strings.Contains(err.Error(), pw) {
			t.Errorf("error %q repeats the password", err)
		}
	}
}

// testPgSweepTogether: instances sweeping at once share the work; each
// expired row is removed once, none is left, none live is touched.
func testPgSweepTogether(t *testing.T, dsn string) {
	ctx := context.Background()
	s := openPg(t, dsn)
	const expired = 3*pgSweepChunk + 17
	_, err := s.pool.Exec(ctx, `INSERT INTO escrows (id, kind, data, expiration)
		SELECT 'e' || g, 'email', 'x', $1 + g % 50 FROM generate_series(1, $2) g`, testStart, expired)
	mustBeNil(t, err)
	_, err = s.pool.Exec(ctx, `INSERT INTO spent_tokens (token, expiration) SELECT 't' || g, $1 FROM generate_series(1, $2) g`, testStart, expired)
	mustBeNil(t, err)
	mustBeNil(t, s.CreateEscrow(ctx, Escrow{ID: "live", Kind: "email", Data: "y", Expiration: testStart + 1000}, time.Unix(testStart, 0)))

	now := time.Unix(testStart+100, 0)
	stores := []*PgStore{s, openPg(t, dsn), openPg(t, dsn)}
	counts := make([]int, len(stores))
	var wg sync.WaitGroup
	for i, st := range stores {
		wg.Go(func() {
			n, err := st.Sweep(ctx, now)
			if err != nil {
				t.Errorf("instance %d: %v", i, err)
			}
			counts[i] = n
		})
	}
	wg.Wait()
	total := 0
	for _, n := range counts {
		total += n
	}
	if total != 2*expired {
		t.Errorf("instances swept %v, %d in all; want %d", counts, total, 2*expired)
	}
	var left int
	mustBeNil(t, s.pool.QueryRow(ctx, "SELECT (SELECT count(*) FROM escrows) + (SELECT count(*) FROM spent_tokens)").Scan(&left))
	if left != 1 {
		t.Errorf("%d rows left, want the live escrow", left)
	}
	if _, err := s.Escrow(ctx, "live", now); err != nil {
		t.Errorf("live escrow swept: %v", err)
	}
}

// testPgTwoInstances: two servers on one database, as behind a load
// balancer. An escrow made on one is verified and recovered on the
// other; a code sent by one is checked by the other; a payment token
// spent on one is refused by the other.
func testPgTwoInstances(t *testing.T, dsn string) {
	ctx := context.Background()
	a := newTestEnv(t, func(c *Config) { c.Store = openPg(t, dsn) })
	b := newTestEnv(t, func(c *Config) { c.Store = openPg(t, dsn); c.Now = a.clock.Now })

	f := a.escrow(t, "made on A")
	code := b.verifyCode(t, f, "1")
	if rec := b.recover(t, f, code); rec.EscrowSecret != "made on A" {
		t.Fatalf("recovery on B: %+v", rec)
	}

	// B sends the code, A checks the guesses against it: two wrong on
	// A and two on B void it together at maxFailures.
	f = b.escrow(t, "made on B")
	code = b.verifyCode(t, f, "2")
	wrong := fmt.Sprintf("2%06d", 0)
	if wrong == code {
		wrong = "2000001"
	}
	for i := range maxFailures - 1 {
		env := []*testEnv{a, b}[i%2]
		if rec := env.recover(t, f, wrong); rec.Error == "" || rec.EscrowSecret != "" {
			t.Fatalf("wrong code %d: %+v", i, rec)
		}
	}
	if rec := a.recover(t, f, code); rec.EscrowSecret != "made on B" {
		t.Fatalf("recovery on A with B's code: %+v", rec)
	}

	// A hashcash token spent on A is refused by B.
	req, p, paidAt := recordedEscrow(t)
	a.clock.set(paidAt)
	p.Expiration = paidAt + 3600
	paid := withParams(t, req, p)
	if _, err := a.srv.processEscrow(ctx, paid); err != nil {
		t.Fatalf("paid escrow on A: %v", err)
	}
	if _, err := b.srv.processEscrow(ctx, paid); !errors.Is(err, ErrPaymentSpent) {
		t.Fatalf("the token spent on A, again on B: %v", err)
	}
}

// testPgLazyCommit: a lazy row update (a guess given back) runs with
// synchronous_commit off, on its own transaction only, so the next
// update on the same connection (the pool has one) waits for the disk
// again; and the lazy give-back keeps UpdateGuesses' contract.
func testPgLazyCommit(t *testing.T, s *PgStore) {
	ctx := context.Background()
	setting := func(lazy bool) string {
		var v string
		mustBeNil(t, s.updateRow(ctx, rowUpdate{
			read:  "SELECT current_setting('synchronous_commit')",
			scan:  func(r pgx.Row) error { return r.Scan(&v) },
			write: func() (string, []any, error) { return "", nil, nil },
			lazy:  lazy,
		}))
		return v
	}
	for _, lazy := range []bool{false, true, false, true, false} {
		want := map[bool]string{false: "on", true: "off"}[lazy]
		if got := setting(lazy); got != want {
			t.Fatalf("synchronous_commit in a lazy=%v update: %q, want %q", lazy, got, want)
		}
	}

	now := time.Unix(testStart, 0)
	mustBeNil(t, s.UpdateGuesses(ctx, "e", now, func(g *Guesses) error { g.Expiration, g.Wrong = testStart+60, 3; return nil }))
	mustBeNil(t, s.UpdateGuessesLazily(ctx, "e", now, func(g *Guesses) error {
		if g.Wrong != 3 {
			t.Errorf("the lazy update read %+v", *g)
		}
		g.Wrong--
		return nil
	}))
	if g, err := s.Guesses(ctx, "e", now); err != nil || g.Wrong != 2 {
		t.Fatalf("after the lazy give-back: %+v, %v", g, err)
	}
}
