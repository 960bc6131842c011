package server

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/pprof"
	"runtime/trace"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/passcrow/passcrow-desktop/internal/pgtest"
	"github.com/passcrow/passcrow-desktop/internal/testreal"
	"github.com/passcrow/passcrow-desktop/internal/wire"
	"github.com/passcrow/passcrow-desktop/server/verify"
)

// TestWrk measures req/s and latency (p50, p99) per endpoint with wrk
// against a real Serve on 127.0.0.1, at concurrency 1 (wrk -t1 -c1) and
// 16 (-t2 -c16): a client that is not Go and not in the server's process.
// Stores: bbolt, and PostgreSQL too with PASSCROW_WRK_PG=1 (a throwaway
// cluster from Debian's packages, internal/pgtest). In the same run it
// measures the disk's one-append-and-fdatasync-per-write rate, before and
// after, and prints each figure as a ratio against the targets of issue 9.
// It runs only with PASSCROW_WRK=1 (scripts/bench-server.sh sets it);
// PASSCROW_WRK_DURATION (default 5s) is each run's length, PASSCROW_WRK_OUT
// names a file for the table.
//
// Each run starts a fresh server and store. Verification and recovery
// name a different escrow in every request (testdata/wrk-post.lua counts
// through ids), as real load does: one escrow gets a code a minute.
// Every request must succeed: the store counts what the requests did, and
// a run whose count does not match wrk's fails.
func TestWrk(t *testing.T) {
	if os.Getenv("PASSCROW_WRK") != "1" {
		t.Skip("set PASSCROW_WRK=1 to measure with wrk (scripts/bench-server.sh)")
	}
	wrkPath, err := exec.LookPath("wrk")
	testreal.Require(t, "wrk (apt-get install wrk)", err)
	dur := 5 * time.Second
	if s := os.Getenv("PASSCROW_WRK_DURATION"); s != "" {
		if dur, err = time.ParseDuration(s); err != nil {
			t.Fatalf("PASSCROW_WRK_DURATION: %v", err)
		}
	}
	stores := []string{"bolt"}
	var pg *pgtest.Server
	if os.Getenv("PASSCROW_WRK_PG") == "1" {
		pg = pgtest.Start(t)
		stores = append(stores, "postgres")
	}
	var table strings.Builder
	fmt.Fprintf(&table, "load average before: %s", loadavg())
	syncBefore := fdatasyncRate(t, t.TempDir(), 2*time.Second)
	fmt.Fprintf(&table, "%-20s %-9s %3s %9s %9s %9s %9s\n", "endpoint", "store", "c", "req/s", "p50", "p99", "cpu/req")
	got := map[string]wrkResult{}
	for _, store := range stores {
		for _, ep := range []string{wire.MethodPolicy, wire.MethodEscrow, wire.MethodVerification, wire.MethodRecovery} {
			for _, conc := range []struct{ threads, conns int }{{1, 1}, {2, 16}} {
				if !wrkWanted(ep, conc.conns) {
					continue
				}
				var dsn string
				if store == "postgres" {
					dsn = pg.NewDB(t)
				}
				r := wrkRun(t, wrkPath, ep, store, dsn, conc.threads, conc.conns, dur)
				got[fmt.Sprintf("%s/%s/%d", store, ep, conc.conns)] = r
				fmt.Fprintf(&table, "%-20s %-9s %3d %9.0f %9s %9s %9s\n", ep, store, conc.conns, r.rate, fmtLatency(r.p50), fmtLatency(r.p99), fmtLatency(r.cpuPerRequest))
				t.Logf("%s %s c%d: %.0f req/s, p50 %v, p99 %v", ep, store, conc.conns, r.rate, r.p50, r.p99)
			}
		}
	}
	syncAfter := fdatasyncRate(t, t.TempDir(), 2*time.Second)
	var floor float64
	if wrkWanted(wire.MethodPolicy, 1) {
		floor = wrkFloor(t, wrkPath, dur)
	}
	sync := (syncBefore + syncAfter) / 2
	fmt.Fprintf(&table, "load average after: %s", loadavg())
	fmt.Fprintf(&table, "append 512 B + fdatasync on the same disk: %.0f/s before, %.0f/s after; baseline %.0f/s\n", syncBefore, syncAfter, sync)
	if floor > 0 {
		fmt.Fprintf(&table, "a loopback server that only writes a fixed answer, policy c1: %.0f/s (the floor of any Go server here)\n", floor)
		for _, store := range stores {
			if r, ok := got[store+"/"+wire.MethodPolicy+"/1"]; ok {
				fmt.Fprintf(&table, "  %s policy c1 is %.0f%% of it\n", store, 100*r.rate/floor)
			}
		}
	}
	refs, refSource := referenceRates, "not installed on this machine, so the issue's highest figures"
	if name := os.Getenv("PASSCROW_WRK_REFERENCE"); name != "" {
		var err error
		refs, err = readReferenceRates(name)
		mustBeNil(t, err)
		refSource = "measured beside ours, " + name
	}
	table.WriteString(targetLines(got, stores, sync, refs, refSource))
	t.Log("\n" + table.String())
	if out := os.Getenv("PASSCROW_WRK_OUT"); out != "" {
		mustBeNil(t, os.WriteFile(out, []byte(table.String()), 0o644))
	}
}

// fdatasyncRate is how many 512-byte appends, each followed by
// fdatasync, a file in dir takes per second: the most a store that
// acknowledges each write after its own fsync could do at concurrency 1.
func fdatasyncRate(t testing.TB, dir string, d time.Duration) float64 {
	f, err := os.CreateTemp(dir, "fdatasync")
	mustBeNil(t, err)
	defer os.Remove(f.Name())
	defer f.Close()
	buf := make([]byte, 512)
	n := 0
	start := time.Now()
	for time.Since(start) < d {
		if _, err := f.Write(buf); err != nil {
			t.Fatal(err)
		}
		mustBeNil(t, fdatasync(f))
		n++
	}
	return float64(n) / time.Since(start).Seconds()
}

func fmtLatency(d time.Duration) string {
	if d < time.Millisecond {
		return fmt.Sprintf("%dus", d.Microseconds())
	}
	return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond))
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown\n"
	}
	return string(b)
}

type wrkResult struct {
	rate     float64
	requests int64
	p50, p99 time.Duration
	// cpuPerRequest is the server's CPU time (user and system, this
	// process without wrk) over the run, per request: steadier from run
	// to run than req/s on a machine wrk shares with the server.
	cpuPerRequest time.Duration
}

// wrkRun serves a fresh server on 127.0.0.1, has wrk post to endpoint for
// dur and returns what wrk measured, after checking every request did
// what it should.
func wrkRun(t *testing.T, wrkPath, endpoint, storeName, dsn string, threads, conns int, dur time.Duration) wrkResult {
	t.Helper()
	var inner Store
	switch storeName {
	case "bolt":
		bs, err := OpenBoltStore(t.TempDir())
		mustBeNil(t, err)
		inner = bs
	case "postgres":
		ps, err := OpenPgStore(context.Background(), dsn)
		mustBeNil(t, err)
		inner = ps
	default:
		inner = NewMemoryStore()
	}
	defer func() { mustBeNil(t, inner.Close()) }()
	store := &countingStore{Store: inner}
	var asServed Store = store
	if _, ok := inner.(localStore); ok {
		asServed = localCountingStore{store} // as the server treats inner itself
	}
	srv, err := New(Config{
		Store:         asServed,
		Verifiers:     map[string]verify.Verifier{"email": discardVerifierFake{}},
		SweepInterval: -1,
		Logger:        testLogger(t),
	})
	mustBeNil(t, err)
	defer srv.Close()

	// Verification and recovery name an escrow of their own in every
	// request: as many as the fastest run could ask for (on PostgreSQL,
	// where each is a synchronous commit, far fewer; preloading there
	// takes longer than the run).
	perSecond := 60000.0
	if storeName == "postgres" {
		perSecond = 6000
	}
	pool := int(perSecond * dur.Seconds())
	if s := os.Getenv("PASSCROW_WRK_POOL"); s != "" {
		pool, err = strconv.Atoi(s)
		mustBeNil(t, err)
	}
	// The body, and the count a successful run must leave in store.
	var body []byte
	var done *atomic.Int64
	switch endpoint {
	case wire.MethodPolicy:
		body = []byte("{}")
	case wire.MethodEscrow:
		body, _ = benchEscrowBody(t)
		done = &store.created
	case wire.MethodVerification, wire.MethodRecovery:
		fullIDs, key := preloadEscrows(t, inner, pool)
		settle(t, inner)
		expHex, _, _ := strings.Cut(fullIDs[0], "-")
		if endpoint == wire.MethodVerification {
			body, err = wire.Marshal(wire.VerificationRequest{
				Version: wire.Version, Language: "en", Prefix: "1", EscrowDataID: expHex + "-@ID@", EscrowDataKey: key})
			done = &store.codes
		} else {
			body, err = wire.Marshal(wire.RecoveryRequest{
				Version: wire.Version, Verification: "1123456", EscrowDataID: expHex + "-@ID@", EscrowDataKey: key})
			done = &store.used
		}
		mustBeNil(t, err)
		defer func() { // preloading went to inner, so done counts requests only
			if n := done.Load(); n >= int64(pool) {
				t.Errorf("%s used all %d escrows: raise PASSCROW_WRK_POOL", endpoint, pool)
			}
		}()
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	mustBeNil(t, err)
	ctx, stop := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- Serve(ctx, ln, srv) }()
	defer func() {
		stop()
		if err := <-served; err != nil {
			t.Errorf("serve: %v", err)
		}
	}()

	cmd := exec.Command(wrkPath, "--latency", "-t", strconv.Itoa(threads), "-c", strconv.Itoa(conns),
		"-d", dur.String(), "-s", "testdata/wrk-post.lua", "http://"+ln.Addr().String())
	cmd.Env = append(os.Environ(),
		"PASSCROW_WRK_PATH=/passcrow/"+endpoint,
		"PASSCROW_WRK_BODY="+string(body),
		"PASSCROW_WRK_THREADS="+strconv.Itoa(threads))
	stopProfile := wrkProfile(t, fmt.Sprintf("%s-%s-c%d", endpoint, storeName, conns))
	cpuBefore := cpuTime()
	out, err := cmd.CombinedOutput()
	cpu := cpuTime() - cpuBefore
	stopProfile()
	if err != nil {
		t.Fatalf("wrk: %v\n%s", err, out)
	}
	r, err := parseWrk(out)
	if err != nil {
		t.Fatalf("%s %s c%d: %v\n%s", endpoint, storeName, conns, err, out)
	}
	if r.requests > 0 {
		r.cpuPerRequest = cpu / time.Duration(r.requests)
	}
	// Requests still in flight when wrk stops were served but not
	// counted by wrk: at most one per connection.
	if done != nil {
		if n := done.Load(); n < r.requests || n > r.requests+int64(conns) {
			t.Errorf("%s %s c%d: wrk counted %d requests, the server did %d", endpoint, storeName, conns, r.requests, n)
		}
	}
	return r
}

// wrkWanted says whether a run is asked for: PASSCROW_WRK_ONLY, when set,
// lists the runs to do as endpoint/connections (policy/1,escrowrequest/16).
func wrkWanted(endpoint string, conns int) bool {
	only := os.Getenv("PASSCROW_WRK_ONLY")
	return only == "" || slices.Contains(strings.Split(only, ","), fmt.Sprintf("%s/%d", endpoint, conns))
}

// wrkProfile writes a CPU profile and an execution trace of the server
// while wrk runs, into the folder PASSCROW_WRK_CPUPROFILE names, when it
// is set: where the time of each endpoint goes.
func wrkProfile(t *testing.T, name string) (stop func()) {
	dir := os.Getenv("PASSCROW_WRK_CPUPROFILE")
	if dir == "" {
		return func() {}
	}
	f, err := os.Create(filepath.Join(dir, name+".prof"))
	mustBeNil(t, err)
	mustBeNil(t, pprof.StartCPUProfile(f))
	// And an execution trace: where requests wait (go tool trace).
	tf, err := os.Create(filepath.Join(dir, name+".trace"))
	mustBeNil(t, err)
	mustBeNil(t, trace.Start(tf))
	return func() {
		trace.Stop()
		pprof.StopCPUProfile()
		mustBeNil(t, f.Close())
		mustBeNil(t, tf.Close())
	}
}

var (
	wrkRate     = regexp.MustCompile(`(?m)^Requests/sec:\s+([0-9.]+)`)
	wrkRequests = regexp.MustCompile(`(?m)^\s+(\d+) requests in `)
	wrkBad      = regexp.MustCompile(`(?m)^\s+(Non-2xx or 3xx responses|Socket errors):.*`)
	wrkPercent  = regexp.MustCompile(`(?m)^\s+(50|99)%\s+([0-9.]+)(us|ms|s)\s*$`)
)

// parseWrk reads wrk's report: requests per second and in all, the 50th
// and 99th percentile latency (with --latency), and an error if any
// request failed at the HTTP or socket level.
func parseWrk(out []byte) (wrkResult, error) {
	var r wrkResult
	if m := wrkBad.Find(out); m != nil {
		return r, fmt.Errorf("failed requests: %q", strings.TrimSpace(string(m)))
	}
	m, n := wrkRate.FindSubmatch(out), wrkRequests.FindSubmatch(out)
	if m == nil || n == nil {
		return r, errors.New("no rate in wrk's report")
	}
	var err error
	if r.rate, err = strconv.ParseFloat(string(m[1]), 64); err != nil {
		return r, err
	}
	if r.requests, err = strconv.ParseInt(string(n[1]), 10, 64); err != nil {
		return r, err
	}
	for _, p := range wrkPercent.FindAllSubmatch(out, -1) {
		v, err := strconv.ParseFloat(string(p[2]), 64)
		if err != nil {
			return r, err
		}
		d := time.Duration(v * float64(map[string]time.Duration{"us": time.Microsecond, "ms": time.Millisecond, "s": time.Second}[string(p[3])]))
		if string(p[1]) == "50" {
			r.p50 = d
		} else {
			r.p99 = d
		}
	}
	return r, nil
}

func TestParseWrk(t *testing.T) {
	report := `Running 5s test @ http://127.0.0.1:40123
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.10ms    0.52ms   9.91ms   80.12%
    Req/Sec     7.31k   412.55     8.02k    71.00%
  Latency Distribution
     50%  844.00us
     75%    1.20ms
     90%    1.71ms
     99%    2.50ms
  72744 requests in 5.00s, 17.13MB read
Requests/sec:  14546.90
Transfer/sec:      3.43MB
`
	r, err := parseWrk([]byte(report))
	if err != nil || r.rate != 14546.90 || r.requests != 72744 || r.p50 != 844*time.Microsecond || r.p99 != 2500*time.Microsecond {
		t.Fatalf("parsed %+v, %v", r, err)
	}
	bad := strings.Replace(report, "Requests/sec", "  Non-2xx or 3xx responses: 12\nRequests/sec", 1)
	if _, err := parseWrk([]byte(bad)); err == nil {
		t.Fatal("failed requests went unnoticed")
	}
	if _, err := parseWrk([]byte("unable to connect")); err == nil {
		t.Fatal("a report without a rate parsed")
	}
}

// countingStore counts what requests did to a real store: escrows
// created, codes stored, codes used up.
type countingStore struct {
	Store
	created, codes, used atomic.Int64
}

// localCountingStore is a countingStore around a store of this process
// only: the server must see it as such (guesses_local.go), else every
// right code would cost it two writes that inner's own server never does.
type localCountingStore struct{ *countingStore }

func (localCountingStore) onlyThisProcess() {}

func (s *countingStore) CreateEscrow(ctx context.Context, e Escrow, now time.Time) error {
	err := s.Store.CreateEscrow(ctx, e, now)
	if err == nil {
		s.created.Add(1)
	}
	return err
}

// UpdateGuessesLazily passes the store's own on, as the server would use it.
func (s *countingStore) UpdateGuessesLazily(ctx context.Context, id string, now time.Time, fn func(*Guesses) error) error {
	if l, ok := s.Store.(lazyGuesses); ok {
		return l.UpdateGuessesLazily(ctx, id, now, fn)
	}
	return s.Store.UpdateGuesses(ctx, id, now, fn)
}

func (s *countingStore) PutCode(ctx context.Context, id string, c Code) error {
	err := s.Store.PutCode(ctx, id, c)
	if err == nil {
		s.codes.Add(1)
	}
	return err
}

func (s *countingStore) UpdateCode(ctx context.Context, id string, now time.Time, fn func(*Code) bool) error {
	return s.Store.UpdateCode(ctx, id, now, func(c *Code) bool {
		keep := fn(c)
		if !keep && c.Failures == 0 {
			s.used.Add(1) // right at the first guess
		}
		return keep
	})
}

// settle waits until a BoltStore has moved every journaled escrow into
// its file, so a run measures requests, not the preload still being
// applied behind them.
func settle(t testing.TB, s Store) {
	if bs, ok := s.(*BoltStore); ok {
		mustBeNil(t, bs.write(context.Background(), func(*bolt.Tx) error { return nil }))
	}
}

// preloadEscrows puts n escrows into s, with bare ids 1..n as 32 hex
// digits, all sealed under one key, each naming an address of its own,
// each with the code "1123456"; it returns their full ids and the key.
func preloadEscrows(t testing.TB, s Store, n int) (fullIDs []string, key string) {
	t.Helper()
	dkey := make([]byte, 32)
	rand.Read(dkey)
	exp := time.Now().Unix() + 3600
	fullIDs = make([]string, n)
	ctx := context.Background()
	// Sealed here: seal may stop the test, which only its own goroutine
	// may do. An address of its own each, as per-recipient send limits
	// would refuse a run that mails one address.
	sealed := make([]string, n)
	for i := range n {
		sealed[i] = seal(t, dkey, wire.EscrowData{Description: "bench", Secret: "s", Verify: fmt.Sprintf("email:u%d@example.org", i+1), Timeout: 1800})
	}
	var next atomic.Int64
	var failed atomic.Bool
	var wg sync.WaitGroup
	// Many writers at once, so the bbolt store commits them in batches.
	for range min(n, 256) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				e := Escrow{ID: fmt.Sprintf("%032x", i+1), Kind: "email", Data: sealed[i], Expiration: exp}
				if err := s.CreateEscrow(ctx, e, time.Now()); err != nil {
					t.Error(err)
					failed.Store(true)
					return
				}
				if err := s.PutCode(ctx, e.ID, Code{Code: "1123456", Expiration: exp}); err != nil {
					t.Error(err)
					failed.Store(true)
					return
				}
				fullIDs[i] = fullID(e)
			}
		})
	}
	wg.Wait()
	// Only this preload's own failures stop the test: an earlier run's
	// error must not cut the runs after it short.
	if failed.Load() {
		t.FailNow()
	}
	return fullIDs, wire.EncodeKey(dkey)
}
