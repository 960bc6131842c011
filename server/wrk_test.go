package server

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/wire"
	"github.com/passcrow/passcrow-desktop/server/verify"

	"github.com/passcrow/passcrow-desktop/internal/testreal"
)

// TestWrk measures req/s per endpoint with wrk against a real Serve on
// 127.0.0.1, at concurrency 1 (wrk -t1 -c1) and 16 (-t2 -c16), with the
// memory and the bbolt store: a client that is not Go and not in the
// server's process. It runs only with PASSCROW_WRK=1 (scripts/bench-server.sh
// sets it); PASSCROW_WRK_DURATION (default 5s) is each run's length, and
// PASSCROW_WRK_OUT names a file for the table.
//
// Each run starts a fresh server and store. Every request must succeed:
// the store counts what the requests did, and a run whose count does not
// match wrk's fails.
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
	var table strings.Builder
	fmt.Fprintf(&table, "load average before: %s", loadavg())
	fmt.Fprintf(&table, "%-20s %-7s %10s %10s\n", "endpoint", "store", "c1 req/s", "c16 req/s")
	for _, ep := range []string{wire.MethodPolicy, wire.MethodEscrow, wire.MethodVerification, wire.MethodRecovery} {
		for _, store := range []string{"memory", "bolt"} {
			fmt.Fprintf(&table, "%-20s %-7s", ep, store)
			for _, conc := range []struct{ threads, conns int }{{1, 1}, {2, 16}} {
				rate := wrkRun(t, wrkPath, ep, store, conc.threads, conc.conns, dur)
				t.Logf("%s %s c%d: %.0f req/s", ep, store, conc.conns, rate)
				fmt.Fprintf(&table, " %10.0f", rate)
			}
			table.WriteString("\n")
		}
	}
	fmt.Fprintf(&table, "load average after: %s", loadavg())
	t.Log("\n" + table.String())
	if out := os.Getenv("PASSCROW_WRK_OUT"); out != "" {
		mustBeNil(t, os.WriteFile(out, []byte(table.String()), 0o644))
	}
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown\n"
	}
	return string(b)
}

// wrkRun serves a fresh server on 127.0.0.1, has wrk post to endpoint for
// dur and returns wrk's Requests/sec, after checking every request did
// what it should.
func wrkRun(t *testing.T, wrkPath, endpoint, storeName string, threads, conns int, dur time.Duration) float64 {
	t.Helper()
	var inner Store = NewMemoryStore()
	if storeName == "bolt" {
		bs, err := OpenBoltStore(t.TempDir())
		mustBeNil(t, err)
		inner = bs
	}
	defer func() { mustBeNil(t, inner.Close()) }()
	store := &countingStore{Store: inner}
	srv, err := New(Config{
		Store:         store,
		Verifiers:     map[string]verify.Verifier{"email": discardVerifierFake{}},
		SweepInterval: -1,
		Logger:        testLogger(t),
	})
	mustBeNil(t, err)
	defer srv.Close()

	// The body, and the count a successful run must leave in store.
	var body []byte
	var done *atomic.Int64
	switch endpoint {
	case wire.MethodPolicy:
		body = []byte("{}")
	case wire.MethodEscrow:
		body, _ = benchEscrowBody(t)
		done = &store.created
	case wire.MethodVerification:
		fullIDs, key := preloadEscrows(t, inner, 1)
		body, err = wire.Marshal(wire.VerificationRequest{
			Version: wire.Version, Language: "en", Prefix: "1", EscrowDataID: fullIDs[0], EscrowDataKey: key})
		mustBeNil(t, err)
		done = &store.codes
	case wire.MethodRecovery:
		// Each recovery uses up its code, so each request names an
		// escrow of its own: as many as the fastest run could ask for.
		pool := 200000
		if s := os.Getenv("PASSCROW_WRK_POOL"); s != "" {
			pool, err = strconv.Atoi(s)
			mustBeNil(t, err)
		}
		fullIDs, key := preloadEscrows(t, inner, pool)
		expHex, _, _ := strings.Cut(fullIDs[0], "-")
		body, err = wire.Marshal(wire.RecoveryRequest{
			Version: wire.Version, Verification: "1123456", EscrowDataID: expHex + "-@ID@", EscrowDataKey: key})
		mustBeNil(t, err)
		done = &store.used
		defer func() {
			if n := store.used.Load(); n >= int64(pool) {
				t.Errorf("recovery used all %d escrows: raise PASSCROW_WRK_POOL", pool)
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

	cmd := exec.Command(wrkPath, "-t", strconv.Itoa(threads), "-c", strconv.Itoa(conns),
		"-d", dur.String(), "-s", "testdata/wrk-post.lua", "http://"+ln.Addr().String())
	cmd.Env = append(os.Environ(),
		"PASSCROW_WRK_PATH=/passcrow/"+endpoint,
		"PASSCROW_WRK_BODY="+string(body),
		"PASSCROW_WRK_THREADS="+strconv.Itoa(threads))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("wrk: %v\n%s", err, out)
	}
	rate, requests, err := parseWrk(out)
	if err != nil {
		t.Fatalf("%s %s c%d: %v\n%s", endpoint, storeName, conns, err, out)
	}
	// Requests still in flight when wrk stops were served but not
	// counted by wrk: at most one per connection.
	if done != nil {
		if n := done.Load(); n < requests || n > requests+int64(conns) {
			t.Errorf("%s %s c%d: wrk counted %d requests, the server did %d", endpoint, storeName, conns, requests, n)
		}
	}
	return rate
}

var (
	wrkRate     = regexp.MustCompile(`(?m)^Requests/sec:\s+([0-9.]+)`)
	wrkRequests = regexp.MustCompile(`(?m)^\s+(\d+) requests in `)
	wrkBad      = regexp.MustCompile(`(?m)^\s+(Non-2xx or 3xx responses|Socket errors):.*`)
)

// parseWrk reads wrk's report: requests per second and in all, and an
// error if any request failed at the HTTP or socket level.
func parseWrk(out []byte) (rate float64, requests int64, err error) {
	if m := wrkBad.Find(out); m != nil {
		return 0, 0, fmt.Errorf("failed requests: %q", strings.TrimSpace(string(m)))
	}
	m, n := wrkRate.FindSubmatch(out), wrkRequests.FindSubmatch(out)
	if m == nil || n == nil {
		return 0, 0, errors.New("no rate in wrk's report")
	}
	if rate, err = strconv.ParseFloat(string(m[1]), 64); err != nil {
		return 0, 0, err
	}
	requests, err = strconv.ParseInt(string(n[1]), 10, 64)
	return rate, requests, err
}

func TestParseWrk(t *testing.T) {
	report := `Running 5s test @ http://127.0.0.1:40123
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.10ms    0.52ms   9.91ms   80.12%
    Req/Sec     7.31k   412.55     8.02k    71.00%
  72744 requests in 5.00s, 17.13MB read
Requests/sec:  14546.90
Transfer/sec:      3.43MB
`
	rate, n, err := parseWrk([]byte(report))
	if err != nil || rate != 14546.90 || n != 72744 {
		t.Fatalf("parsed %v, %d, %v", rate, n, err)
	}
	bad := strings.Replace(report, "Requests/sec", "  Non-2xx or 3xx responses: 12\nRequests/sec", 1)
	if _, _, err := parseWrk([]byte(bad)); err == nil {
		t.Fatal("failed requests went unnoticed")
	}
	if _, _, err := parseWrk([]byte("unable to connect")); err == nil {
		t.Fatal("a report without a rate parsed")
	}
}

// countingStore counts what requests did to a real store: escrows
// created, codes stored, codes used up.
type countingStore struct {
	Store
	created, codes, used atomic.Int64
}

func (s *countingStore) CreateEscrow(ctx context.Context, e Escrow, now time.Time) error {
	err := s.Store.CreateEscrow(ctx, e, now)
	if err == nil {
		s.created.Add(1)
	}
	return err
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

// preloadEscrows puts n escrows into s, with bare ids 1..n as 32 hex
// digits, all holding the same sealed data under one key, each with the
// code "1123456"; it returns their full ids and the key.
func preloadEscrows(t testing.TB, s Store, n int) (fullIDs []string, key string) {
	t.Helper()
	dkey := make([]byte, 32)
	rand.Read(dkey)
	data := seal(t, dkey, wire.EscrowData{Description: "bench", Secret: "s", Verify: "email:alice@example.org", Timeout: 1800})
	exp := time.Now().Unix() + 3600
	fullIDs = make([]string, n)
	ctx := context.Background()
	var next atomic.Int64
	var wg sync.WaitGroup
	// Many writers at once, so the bbolt store commits them in batches.
	for range min(n, 256) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				e := Escrow{ID: fmt.Sprintf("%032x", i+1), Kind: "email", Data: data, Expiration: exp}
				if err := s.CreateEscrow(ctx, e, time.Now()); err != nil {
					t.Error(err)
					return
				}
				if err := s.PutCode(ctx, e.ID, Code{Code: "1123456", Expiration: exp}); err != nil {
					t.Error(err)
					return
				}
				fullIDs[i] = fullID(e)
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	return fullIDs, wire.EncodeKey(dkey)
}
