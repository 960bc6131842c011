//go:build unix

package server

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"strconv"
	"testing"

	"github.com/passcrow/passcrow-desktop/internal/wire"
	"github.com/passcrow/passcrow-desktop/server/verify"
)

// The BenchmarkServed… benchmarks measure what one request costs the
// server itself: requests go through Serve (net/http, jsononly.go) over
// loopback from a client that sends prepared bytes and reads the answer
// without allocating, so allocs/op are the server's own. The store is in
// memory, so the figures are the request path's, not a disk's; cpu-us/op
// is the process's CPU time per request.
//
//	go test ./server -run '^$' -bench Served -benchmem

// rawClient is a keep-alive HTTP/1.1 client for prepared requests.
type rawClient struct {
	conn net.Conn
	r    *bufio.Reader
	body []byte
}

func dialRaw(b *testing.B, addr string) *rawClient {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c.Close() })
	return &rawClient{conn: c, r: bufio.NewReader(c), body: make([]byte, 0, 4096)}
}

// do sends req and reads the answer, which must be a 200 without an error.
func (c *rawClient) do(req []byte) error {
	if _, err := c.conn.Write(req); err != nil {
		return err
	}
	status, err := c.r.ReadSlice('\n')
	if err != nil {
		return err
	}
	ok := bytes.HasPrefix(status, []byte("HTTP/1.1 200 "))
	n := -1
	for {
		line, err := c.r.ReadSlice('\n')
		if err != nil {
			return err
		}
		if len(line) <= 2 {
			break
		}
		if v, found := bytes.CutPrefix(line, []byte("Content-Length: ")); found {
			n = 0
			for _, d := range bytes.TrimSpace(v) {
				n = n*10 + int(d-'0')
			}
		}
	}
	if n < 0 || n > cap(c.body) {
		return fmt.Errorf("answer without a usable Content-Length (%d)", n)
	}
	c.body = c.body[:n]
	if _, err := io.ReadFull(c.r, c.body); err != nil {
		return err
	}
	if !ok || bytes.Contains(c.body, []byte(`"error"`)) {
		return fmt.Errorf("%s%s", status, c.body)
	}
	return nil
}

func rawPost(path string, body []byte) []byte {
	return []byte("POST " + path + " HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\nContent-Length: " +
		strconv.Itoa(len(body)) + "\r\n\r\n" + string(body))
}

// servedBench serves a fresh Server with a memory store on loopback and
// has conc clients send reqs(i) for i in 0..b.N-1.
func servedBench(b *testing.B, conc int, prepare func(s Store, n int) func(i int) []byte) {
	servedBenchOn(b, nil, conc, prepare)
}

// servedBenchOn is servedBench on store (nil: a memory store).
func servedBenchOn(b *testing.B, store Store, conc int, prepare func(s Store, n int) func(i int) []byte) {
	srv, err := New(Config{
		Store:         store,
		Verifiers:     map[string]verify.Verifier{"email": discardVerifierFake{}},
		SweepInterval: -1,
		Logger:        testLogger(b),
	})
	if err != nil {
		b.Fatal(err)
	}
	req := prepare(srv.store, b.N)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- Serve(ctx, ln, srv) }()
	b.Cleanup(func() {
		stop()
		<-served
		srv.Close()
	})
	clients := make(chan *rawClient, conc)
	for range conc {
		clients <- dialRaw(b, ln.Addr().String())
	}
	b.ReportAllocs()
	before := cpuTime()
	run(b, conc, func(i int) {
		c := <-clients
		if err := c.do(req(i)); err != nil {
			b.Error(err)
		}
		clients <- c
	})
	// CPU time per request (the client's small share included) says more
	// than req/s on a machine that others use at the same time.
	b.ReportMetric(float64((cpuTime()-before).Microseconds())/float64(b.N), "cpu-us/op")
}

func servedMatrix(b *testing.B, prepare func(s Store, n int) func(i int) []byte) {
	for _, conc := range []int{1, 16} {
		b.Run(fmt.Sprintf("c%d", conc), func(b *testing.B) { servedBench(b, conc, prepare) })
	}
}

func BenchmarkServedPolicy(b *testing.B) {
	req := rawPost("/passcrow/policy", []byte("{}"))
	servedMatrix(b, func(Store, int) func(int) []byte {
		return func(int) []byte { return req }
	})
}

func BenchmarkServedVerification(b *testing.B) {
	servedMatrix(b, func(s Store, n int) func(int) []byte {
		ids, key := preloadEscrows(b, s, n)
		reqs := make([][]byte, n)
		for i, id := range ids {
			body, _ := wire.Marshal(wire.VerificationRequest{
				Version: wire.Version, Language: "en", Prefix: "1", EscrowDataID: id, EscrowDataKey: key})
			reqs[i] = rawPost("/passcrow/verificationrequest", body)
		}
		return func(i int) []byte { return reqs[i] }
	})
}

func BenchmarkServedRecovery(b *testing.B) {
	servedMatrix(b, func(s Store, n int) func(int) []byte {
		ids, key := preloadEscrows(b, s, n)
		reqs := make([][]byte, n)
		for i, id := range ids {
			body, _ := wire.Marshal(wire.RecoveryRequest{
				Version: wire.Version, Verification: "1123456", EscrowDataID: id, EscrowDataKey: key})
			reqs[i] = rawPost("/passcrow/recoveryrequest", body)
		}
		return func(i int) []byte { return reqs[i] }
	})
}

// BenchmarkServedEscrow: "memory" is the request path alone, "bolt" adds
// the durable store's share (journal, fdatasync, the hand-over to bbolt),
// which wrk's escrow runs measure too but less steadily.
func BenchmarkServedEscrow(b *testing.B) {
	body, _ := benchEscrowBody(b)
	req := rawPost("/passcrow/escrowrequest", body)
	prepare := func(Store, int) func(int) []byte { return func(int) []byte { return req } }
	for _, conc := range []int{1, 16} {
		b.Run(fmt.Sprintf("memory/c%d", conc), func(b *testing.B) { servedBenchOn(b, nil, conc, prepare) })
		b.Run(fmt.Sprintf("bolt/c%d", conc), func(b *testing.B) {
			s, err := OpenBoltStore(b.TempDir())
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { s.Close() }) // after the server's
			servedBenchOn(b, s, conc, prepare)
		})
	}
}
