package server

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/wire"
	"github.com/passcrow/passcrow-desktop/server/verify"
)

// Benchmarks over loopback HTTP with keep-alive clients, at concurrency
// 1 and 16, with the in-memory store and the default bbolt store. Each
// reports req/s. The reference server did 1,100-1,300 policy, 700-960
// escrow, 500-740 verification and 750-900 recovery requests per second.
//
//	go test ./server -run '^$' -bench . -benchtime 5000x
//
// scripts/bench-server.sh measures the same with wrk (wrk_test.go).

// discardVerifierFake stands in for the delivery channel (no mail goes
// out) and keeps nothing, so memory stays flat however long a run is.
type discardVerifierFake struct{}

func (discardVerifierFake) Send(context.Context, verify.Message) error { return nil }

type benchEnv struct {
	srv    *Server
	url    string
	client *http.Client
}

func newBenchEnv(b *testing.B, store string) *benchEnv {
	b.Helper()
	cfg := Config{
		Verifiers:     map[string]verify.Verifier{"email": discardVerifierFake{}},
		SweepInterval: -1,
		Logger:        testLogger(b),
	}
	if store == "bolt" {
		cfg.DataDir = b.TempDir()
	}
	srv, err := New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	tr := &http.Transport{MaxIdleConnsPerHost: 64, DisableCompression: true}
	b.Cleanup(func() {
		tr.CloseIdleConnections()
		hs.Close()
		srv.Close()
	})
	return &benchEnv{srv: srv, url: hs.URL + "/passcrow/", client: &http.Client{Transport: tr}}
}

func (e *benchEnv) post(b *testing.B, method string, body []byte) {
	resp, err := e.client.Post(e.url+method, "application/json", bytes.NewReader(body))
	if err != nil {
		b.Fatal(err)
	}
	out, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK || bytes.Contains(out, []byte(`"error"`)) {
		b.Fatalf("%s: HTTP %d %s %v", method, resp.StatusCode, out, err)
	}
}

// run does b.N calls of fn from conc goroutines and reports req/s.
func run(b *testing.B, conc int, fn func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for range conc {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= b.N {
					return
				}
				fn(i)
			}
		})
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
}

func benchMatrix(b *testing.B, fn func(b *testing.B, env *benchEnv, conc int)) {
	for _, store := range []string{"memory", "bolt"} {
		for _, conc := range []int{1, 16} {
			b.Run(fmt.Sprintf("%s/c%d", store, conc), func(b *testing.B) {
				fn(b, newBenchEnv(b, store), conc)
			})
		}
	}
}

func BenchmarkPolicy(b *testing.B) {
	benchMatrix(b, func(b *testing.B, env *benchEnv, conc int) {
		run(b, conc, func(int) { env.post(b, wire.MethodPolicy, []byte("{}")) })
	})
}

// benchEscrowBody is an escrow request paid with the free tier (an hour),
// so no hashcash work dominates.
func benchEscrowBody(b testing.TB) ([]byte, string) {
	req, key := sealedEscrow(b,
		wire.EscrowParameters{Kind: "email", Expiration: time.Now().Unix() + 3600},
		wire.EscrowData{Description: "bench", Secret: "1-" + fmt.Sprintf("%0130x", 7), Verify: "email:alice@example.org", Timeout: 1800})
	body, err := wire.Marshal(req)
	if err != nil {
		b.Fatal(err)
	}
	return body, key
}

func BenchmarkEscrow(b *testing.B) {
	benchMatrix(b, func(b *testing.B, env *benchEnv, conc int) {
		body, _ := benchEscrowBody(b)
		run(b, conc, func(int) { env.post(b, wire.MethodEscrow, body) })
	})
}

// BenchmarkVerification: one escrow gets one code a minute, so each
// request names an escrow of its own, as real load does.
func BenchmarkVerification(b *testing.B) {
	benchMatrix(b, func(b *testing.B, env *benchEnv, conc int) {
		ids, key := preloadEscrows(b, env.srv.store, b.N)
		bodies := make([][]byte, len(ids))
		for i, id := range ids {
			bodies[i], _ = wire.Marshal(wire.VerificationRequest{
				Version: wire.Version, Language: "en", Prefix: "1", EscrowDataID: id, EscrowDataKey: key})
		}
		run(b, conc, func(i int) { env.post(b, wire.MethodVerification, bodies[i]) })
	})
}

// BenchmarkRecovery: every recovery uses up its code, so each request has
// an escrow and a code of its own, made before the timer starts.
func BenchmarkRecovery(b *testing.B) {
	benchMatrix(b, func(b *testing.B, env *benchEnv, conc int) {
		ids, key := preloadEscrows(b, env.srv.store, b.N)
		bodies := make([][]byte, len(ids))
		for i, id := range ids {
			bodies[i], _ = wire.Marshal(wire.RecoveryRequest{
				Version: wire.Version, Verification: "1123456", EscrowDataID: id, EscrowDataKey: key})
		}
		run(b, conc, func(i int) { env.post(b, wire.MethodRecovery, bodies[i]) })
	})
}
