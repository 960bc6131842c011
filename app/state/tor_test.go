package state

import (
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/servertest"
	"github.com/passcrow/passcrow-desktop/internal/sockstest"
	"github.com/passcrow/passcrow-desktop/recovery"
	"github.com/passcrow/passcrow-desktop/server"
	"github.com/passcrow/passcrow-desktop/server/verify"
)

// freeAddr is a loopback address nothing listens on.
func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	a := l.Addr().String()
	l.Close()
	return a
}

// DetectTor finds a real SOCKS5 proxy (microsocks, standing in for
// Tor's SOCKS port: Tor itself cannot run a circuit here), and passes
// over a closed port and a port held by something that is not SOCKS.
func TestDetectTor(t *testing.T) {
	px := sockstest.Start(t, sockstest.Options{})
	web := httptest.NewServer(http.NotFoundHandler())
	defer web.Close()
	closed := freeAddr(t)
	webAddr := strings.TrimPrefix(web.URL, "http://")
	ctx := ctxForTest(t)
	if got := DetectTor(ctx, closed, webAddr, px.Addr()); got != px.URL() {
		t.Errorf("DetectTor = %q, want %q", got, px.URL())
	}
	if got := DetectTor(ctx, closed, webAddr); got != "" {
		t.Errorf("DetectTor without a proxy = %q, want none", got)
	}
	if len(TorAddrs) != 2 || TorAddrs[0] != "127.0.0.1:9050" || TorAddrs[1] != "127.0.0.1:9150" {
		t.Errorf("TorAddrs = %q", TorAddrs)
	}
}

// With Tor on, protect and the request for codes reach a real server of
// ours only through the proxy (every request comes from the proxy's
// address), and the setting survives a restart. Turned off, requests go
// direct again.
func TestUseTorGoesThroughTheProxy(t *testing.T) {
	px := sockstest.Start(t, sockstest.Options{})
	var mu sync.Mutex
	var seen []string // remote address and path of each request
	srv, err := server.New(server.Config{
		Verifiers:     map[string]verify.Verifier{"email": &servertest.Recorder{}},
		AboutURL:      "https://passcrow.example.org/",
		MaxExpiration: 24 * time.Hour, // the free tier: no hashcash to solve
		SweepInterval: -1,
		Logger:        slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.RemoteAddr+" "+r.URL.Path)
		mu.Unlock()
		srv.ServeHTTP(w, r)
	}))
	t.Cleanup(func() {
		hs.Close()
		srv.Close()
	})
	s, _ := openForTest(t, fileStore(t))
	t.Cleanup(func() { s.SetTorProxy("") })
	if err := s.SetTorProxy("http://127.0.0.1:9050"); err == nil {
		t.Fatal("an http proxy was taken")
	}
	if err := s.SetTorProxy(px.URL()); err != nil {
		t.Fatal(err)
	}
	ctx := ctxForTest(t)
	if err := s.Protect(ctx, testPlan("wallet", hs.URL), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.StartRecovery(ctx, "wallet"); err != nil {
		t.Fatal(err)
	}
	// A restart reads the setting back.
	again, err := Open(s.prefs, Options{Store: fileStore(t)})
	if err != nil {
		t.Fatal(err)
	}
	if again.TorProxy() != px.URL() || currentProxy().String() != px.URL() {
		t.Errorf("after a restart Tor is %q, the proxy %v", again.TorProxy(), currentProxy())
	}
	mu.Lock()
	proxied := slices.Clone(seen)
	mu.Unlock()
	for _, path := range []string{"policy", "escrowrequest", "verificationrequest"} {
		if !slices.ContainsFunc(proxied, func(r string) bool { return strings.HasSuffix(r, "/passcrow/"+path) }) {
			t.Errorf("the server saw %q, no %s", proxied, path)
		}
	}
	for _, r := range proxied {
		if !strings.HasPrefix(r, px.OutAddr()+":") {
			t.Errorf("with Tor on, the server saw %q", r)
		}
	}
	if len(px.Connections(t)) == 0 {
		t.Error("the proxy made no connection")
	}

	if err := s.SetTorProxy(""); err != nil {
		t.Fatal(err)
	}
	c, err := client(hs.URL)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Policy(ctx); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if last := seen[len(seen)-1]; strings.HasPrefix(last, px.OutAddr()+":") {
		t.Errorf("with Tor off, the server saw %q", last)
	}
}

// Flows spread their requests except when every server is on loopback.
func TestSpreadFor(t *testing.T) {
	if s := spreadFor([]string{"http://127.0.0.1:8765", "http://[::1]:1"}); s != nil {
		t.Errorf("the demo alone: %+v, want none", s)
	}
	s := spreadFor([]string{"http://127.0.0.1:8765", "passcrow.mailpile.is"})
	if s == nil || s.Min != recovery.DefaultSpreadMin || s.Max != recovery.DefaultSpreadMax {
		t.Errorf("a public server: %+v, want the default spread", s)
	}
	p := progressOf(recovery.Progress{Stage: recovery.WaitingStage(4 * time.Second), Wait: 4 * time.Second, Fraction: -1})
	if p.Stage != StageSpreading || p.Wait != 4*time.Second {
		t.Errorf("a wait became %+v", p)
	}
}
