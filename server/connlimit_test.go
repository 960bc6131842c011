package server

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/syncbuf"
)

// The connection caps over real TCP on loopback: clients are told apart
// by their source address, 127.0.0.1, 127.0.0.2 and so on (Linux routes
// all of 127/8 to lo; elsewhere the tests needing a second address skip).

// startCapped serves a Server with cfg changed by mod through ServeWith
// on 127.0.0.1, logging to the returned buffer.
func startCapped(t *testing.T, mod func(*Config)) (*testEnv, string, *syncbuf.Buffer) {
	t.Helper()
	logs := &syncbuf.Buffer{}
	env := newTestEnv(t, func(c *Config) {
		c.Logger = slog.New(slog.NewTextHandler(logs, nil))
		mod(c)
	})
	return env, startWire(t, env.srv, ServeOptions{}), logs
}

// keptConn is a keep-alive connection that a test sends requests on.
type keptConn struct {
	net.Conn
	r *bufio.Reader
}

// dialFrom connects to addr from the loopback address from.
func dialFrom(t *testing.T, from, addr string) *keptConn {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}, Timeout: 10 * time.Second}
	c, err := d.Dial("tcp", addr)
	if errors.Is(err, syscall.EADDRNOTAVAIL) {
		t.Skipf("no loopback address %s here: %v", from, err)
	}
	mustBeNil(t, err)
	t.Cleanup(func() { c.Close() })
	return &keptConn{Conn: c, r: bufio.NewReader(c)}
}

// served sends a request on c and insists on an answer, keeping c open.
func (c *keptConn) served(t *testing.T, what string) {
	t.Helper()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	defer c.SetDeadline(time.Time{})
	if _, err := io.WriteString(c, "GET /passcrow/policy HTTP/1.1\r\nHost: passcrow.test\r\n\r\n"); err != nil {
		t.Fatalf("%s: sending: %v", what, err)
	}
	resp, err := http.ReadResponse(c.r, nil)
	if err != nil {
		t.Fatalf("%s: no answer: %v", what, err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Close {
		t.Fatalf("%s: HTTP %d, close %v", what, resp.StatusCode, resp.Close)
	}
}

// refused insists that the server closes c without a byte.
func (c *keptConn) refused(t *testing.T, what string) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	n, err := c.r.Read(make([]byte, 1))
	if n > 0 || !(errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET)) {
		t.Fatalf("%s: read %d bytes, %v; want the server to close the connection", what, n, err)
	}
}

// waitConns waits until cond, evaluated under l's lock, holds.
func waitConns(t *testing.T, l *connLimiter, what string, cond func() bool) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		l.mu.Lock()
		for !cond() {
			l.changed.Wait()
		}
		l.mu.Unlock()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatalf("still waiting for %s", what)
	}
}

func clientKey4(s string) netip.Prefix { return netip.PrefixFrom(netip.MustParseAddr(s), 32) }

func TestConnCapPerClient(t *testing.T) {
	const n = 3
	env, addr, logs := startCapped(t, func(c *Config) { c.MaxConnsPerClient = n })
	var conns []*keptConn
	for i := range n {
		c := dialFrom(t, "127.0.0.1", addr)
		c.served(t, fmt.Sprintf("connection %d", i+1))
		conns = append(conns, c)
	}
	dialFrom(t, "127.0.0.1", addr).refused(t, "connection 4 from 127.0.0.1")
	for i, c := range conns {
		c.served(t, fmt.Sprintf("connection %d after the refusal", i+1))
	}
	other := dialFrom(t, "127.0.0.2", addr)
	other.served(t, "a connection from 127.0.0.2")

	// Closing one frees its place once the server has seen it close.
	conns[0].Close()
	waitConns(t, env.srv.conns, "the closed connection's place", func() bool {
		return env.srv.conns.byClient[clientKey4("127.0.0.1")] == n-1
	})
	dialFrom(t, "127.0.0.1", addr).served(t, "a connection in the freed place")

	m := scrape(t, env)
	if got := metricValue(t, m, `passcrow_connections_refused_total{reason="per_client"}`); got != "1" {
		t.Errorf("per_client refusals %s, want 1", got)
	}
	if got := metricValue(t, m, `passcrow_connections_refused_total{reason="total"}`); got != "0" {
		t.Errorf("total refusals %s, want 0", got)
	}
	if got := metricValue(t, m, `passcrow_connections_open`); got != "4" {
		t.Errorf("open connections %s, want 4", got)
	}
	if !strings.Contains(logs.String(), "too many open connections from one client address") {
		t.Errorf("the refusal was not logged:\n%s", logs)
	}
	assertNoneLogged(t, logs.String(), "127.0.0")
}

func TestConnCapTotal(t *testing.T) {
	env, addr, _ := startCapped(t, func(c *Config) { c.MaxConns = 3 })
	a := dialFrom(t, "127.0.0.1", addr)
	a.served(t, "127.0.0.1")
	dialFrom(t, "127.0.0.2", addr).served(t, "127.0.0.2")
	dialFrom(t, "127.0.0.3", addr).served(t, "127.0.0.3")
	dialFrom(t, "127.0.0.4", addr).refused(t, "a 4th connection, from a 4th address")
	a.served(t, "127.0.0.1 after the refusal")

	a.Close()
	waitConns(t, env.srv.conns, "the closed connection's place", func() bool { return env.srv.conns.n == 2 })
	dialFrom(t, "127.0.0.4", addr).served(t, "127.0.0.4 in the freed place")
	if got := metricValue(t, scrape(t, env), `passcrow_connections_refused_total{reason="total"}`); got != "1" {
		t.Errorf("total refusals %s, want 1", got)
	}
}

// A trusted proxy's connections carry every client behind it: they count
// toward the total only.
func TestConnCapTrustedProxy(t *testing.T) {
	env, addr, _ := startCapped(t, func(c *Config) {
		c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
		c.MaxConnsPerClient = 2
		c.MaxConns = 5
	})
	dialFrom(t, "127.0.0.2", addr).served(t, "127.0.0.2 #1")
	dialFrom(t, "127.0.0.2", addr).served(t, "127.0.0.2 #2")
	dialFrom(t, "127.0.0.2", addr).refused(t, "127.0.0.2 #3, over the per-client cap")
	for _, what := range []string{"proxy #1", "proxy #2", "proxy #3, past the per-client cap"} {
		dialFrom(t, "127.0.0.1", addr).served(t, what)
	}
	dialFrom(t, "127.0.0.1", addr).refused(t, "proxy #4, over the total")
	m := scrape(t, env)
	for reason, want := range map[string]string{"per_client": "1", "total": "1"} {
		if got := metricValue(t, m, `passcrow_connections_refused_total{reason="`+reason+`"}`); got != want {
			t.Errorf("%s refusals %s, want %s", reason, got, want)
		}
	}
	env.srv.conns.mu.Lock() // a closing connection may release meanwhile
	clients := len(env.srv.conns.byClient)
	env.srv.conns.mu.Unlock()
	if clients != 1 {
		t.Errorf("%d clients counted; the proxy must not be one", clients)
	}
}

// A flood of refusals is one log line a minute per reason.
func TestConnRefusalLogsOnceAMinute(t *testing.T) {
	env, addr, logs := startCapped(t, func(c *Config) { c.MaxConnsPerClient = 1 })
	dialFrom(t, "127.0.0.1", addr).served(t, "the one allowed")
	for range 3 {
		dialFrom(t, "127.0.0.1", addr).refused(t, "over the cap")
	}
	if got := strings.Count(logs.String(), "connection refused"); got != 1 {
		t.Fatalf("%d log lines for 3 refusals in a minute, want 1:\n%s", got, logs)
	}
	env.clock.advance(refusalLogEvery)
	dialFrom(t, "127.0.0.1", addr).refused(t, "over the cap a minute later")
	if got := strings.Count(logs.String(), "connection refused"); got != 2 {
		t.Fatalf("%d log lines after a minute, want 2:\n%s", got, logs)
	}
	if !strings.Contains(logs.String(), "refused=3") {
		t.Errorf("the second line does not count the refusals since the first:\n%s", logs)
	}
	assertNoneLogged(t, logs.String(), "127.0.0")
}

func TestConnCapsOff(t *testing.T) {
	env, addr, _ := startCapped(t, func(c *Config) { c.MaxConnsPerClient, c.MaxConns = -1, -1 })
	for range 5 {
		dialFrom(t, "127.0.0.1", addr).served(t, "uncapped")
	}
	if env.srv.conns.capped() {
		t.Error("caps of -1 still cap")
	}
}

func TestConnLimitDefaults(t *testing.T) {
	for soft, want := range map[uint64]int{1 << 20: 1<<20 - reservedFDs, 1024: 1024 - reservedFDs, 200: 100, 1<<63 + 1: 1<<20 - reservedFDs, 0: 1} {
		if got := maxConnsFor(soft); got != want {
			t.Errorf("maxConnsFor(%d) = %d, want %d", soft, got, want)
		}
	}
	cfg := Config{Verifiers: newTestEnv(t, nil).srv.cfg.Verifiers}
	per, total, err := cfg.ConnLimits()
	mustBeNil(t, err)
	if per != DefaultMaxConnsPerClient || total != defaultMaxConns() || total < 1 {
		t.Errorf("default caps %d per client, %d in all", per, total)
	}
	cfg.MaxConnsPerClient, cfg.MaxConns = -1, -5
	if per, total, _ := cfg.ConnLimits(); per != -1 || total != -1 {
		t.Errorf("caps turned off read %d, %d", per, total)
	}
}

// Handlers other than a Server (the admin pages) get the default caps.
func TestConnLimitOtherHandler(t *testing.T) {
	lim := connLimiterFor(http.NotFoundHandler(), testLogger(t))
	if lim.perClient != DefaultMaxConnsPerClient || lim.total != defaultMaxConns() {
		t.Errorf("caps %d per client, %d in all", lim.perClient, lim.total)
	}
}
