package recovery_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha3"
	"crypto/tls"
	"crypto/x509"
	"encoding/base32"
	"errors"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/sockstest"
	"github.com/passcrow/passcrow-desktop/internal/wire"
	"github.com/passcrow/passcrow-desktop/recovery"
)

// dialLog records every address this process dials to reach the proxy,
// and the first bytes written on each connection (the SOCKS greeting).
type dialLog struct {
	mu       sync.Mutex
	addrs    []string
	greeting [][]byte
}

func (d *dialLog) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	d.mu.Lock()
	d.addrs = append(d.addrs, addr)
	i := len(d.greeting)
	d.greeting = append(d.greeting, nil)
	d.mu.Unlock()
	var nd net.Dialer
	c, err := nd.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	return &firstWrite{Conn: c, log: d, i: i}, nil
}

type firstWrite struct {
	net.Conn
	log  *dialLog
	i    int
	done bool
}

func (c *firstWrite) Write(b []byte) (int, error) {
	if !c.done {
		c.done = true
		c.log.mu.Lock()
		c.log.greeting[c.i] = bytes.Clone(b)
		c.log.mu.Unlock()
	}
	return c.Conn.Write(b)
}

func (d *dialLog) dialled() ([]string, [][]byte) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.addrs), slices.Clone(d.greeting)
}

// proxied makes clients through p with our servers' settings.
func proxied(p *recovery.Proxy) func(string) (*recovery.Client, error) {
	return func(server string) (*recovery.Client, error) {
		c, err := p.NewClient(server)
		if err != nil {
			return nil, err
		}
		c.Interval = 0 // our servers run without a rate limit here
		return c, nil
	}
}

// notThroughProxy lists what w saw that did not come from the proxy: a
// connection or request from any other address, or a request with more
// than the fixed, generic headers.
func notThroughProxy(w *witness, proxyOut string) []string {
	var bad []string
	for _, c := range w.connections() {
		if host, _, _ := net.SplitHostPort(c); host != proxyOut {
			bad = append(bad, "a connection from "+c)
		}
	}
	allowed := []string{"User-Agent", "Content-Type", "Content-Length", "Accept-Encoding"}
	for _, r := range w.requests() {
		if host, _, _ := net.SplitHostPort(r.remote); host != proxyOut {
			bad = append(bad, r.path+" from "+r.remote)
		}
		if ua := r.header.Get("User-Agent"); ua != recovery.UserAgent {
			bad = append(bad, r.path+" with User-Agent "+ua)
		}
		for k := range r.header {
			if !slices.Contains(allowed, k) {
				bad = append(bad, r.path+" with header "+k)
			}
		}
	}
	return bad
}

// TestProxyCarriesEveryRequest: protect, verify, recover and forget
// against two real servers of ours, through a real SOCKS5 proxy
// (microsocks). Each server sees every connection and request come from
// the proxy's address (127.0.0.2; this process would come from
// 127.0.0.1), with only generic headers; the proxy made as many
// connections to each server as the server accepted; this process
// dialled nothing but the proxy, and offered it user name and password
// (Tor's circuit isolation). A direct request, made last, is caught by
// the same check, which shows the check can tell.
func TestProxyCarriesEveryRequest(t *testing.T) {
	px := sockstest.Start(t, sockstest.Options{})
	p, err := recovery.ParseProxy(px.URL())
	if err != nil {
		t.Fatal(err)
	}
	dl := &dialLog{}
	recovery.SetProxyDial(p, dl.dial)
	hs1, rec1, w1 := witnessedServer(t, false)
	hs2, rec2, w2 := witnessedServer(t, false)
	newClient := proxied(p)
	keepers := recovery.NewKeepers(&recovery.PasscrowKeeper{Client: newClient})
	ctx := context.Background()

	var locs []recovery.Location
	for _, s := range []struct{ url, id string }{{hs1.URL, "email:alice@example.org"}, {hs2.URL, "email:bob@example.com"}} {
		c, err := newClient(s.url)
		if err != nil {
			t.Fatal(err)
		}
		l, err := recovery.NewPasscrowLocation(c, s.id)
		if err != nil {
			t.Fatal(err)
		}
		locs = append(locs, l)
	}
	secret := []byte("correct horse battery staple")
	pack, err := recovery.Protect(ctx, recovery.ProtectRequest{
		Name: "wallet", Secret: secret, Policy: recovery.All(), Locations: locs,
		Expires: time.Now().Add(2 * 24 * time.Hour), Keepers: keepers,
	})
	if err != nil {
		t.Fatalf("protect: %v", err)
	}
	r := recovery.NewRecovery(pack, keepers)
	for _, res := range r.RequestCodes(ctx, "en") {
		if res.Err != nil {
			t.Fatalf("verify: %v", res.Err)
		}
	}
	for _, code := range []string{rec1.CodeFor(t, "alice@example.org"), rec2.CodeFor(t, "bob@example.com")} {
		if _, err := r.SubmitCode(ctx, code); err != nil {
			t.Fatalf("recover: %v", err)
		}
	}
	got, _, err := r.Secret()
	if err != nil || !bytes.Equal(got, secret) {
		t.Fatalf("secret %q, %v", got, err)
	}
	if err := recovery.Forget(ctx, pack, keepers); err != nil {
		t.Fatalf("forget: %v", err)
	}

	wantPaths := []string{wire.MethodPolicy, wire.MethodEscrow, wire.MethodVerification, wire.MethodRecovery, wire.MethodDeletion}
	made := px.Connections(t)
	for i, s := range []struct {
		hs *witness
		u  string
	}{{w1, hs1.URL}, {w2, hs2.URL}} {
		if bad := notThroughProxy(s.hs, px.OutAddr()); len(bad) > 0 {
			t.Errorf("server %d: %q", i+1, bad)
		}
		var paths []string
		for _, r := range s.hs.requests() {
			paths = append(paths, strings.TrimPrefix(r.path, "/passcrow/"))
		}
		for _, m := range wantPaths {
			if !slices.Contains(paths, m) {
				t.Errorf("server %d saw %q, no %s", i+1, paths, m)
			}
		}
		host := strings.TrimPrefix(s.u, "http://")
		n := 0
		for _, c := range made {
			if c == host {
				n++
			}
		}
		if accepted := len(s.hs.connections()); n != accepted || n == 0 {
			t.Errorf("server %d accepted %d connections, the proxy made %d to it", i+1, accepted, n)
		}
	}
	addrs, greetings := dl.dialled()
	for i, a := range addrs {
		if a != px.Addr() {
			t.Errorf("this process dialled %s, not only the proxy %s", a, px.Addr())
		}
		// SOCKS5, two methods: none, user name and password.
		if !bytes.Equal(greetings[i], []byte{5, 2, 0, 2}) {
			t.Errorf("SOCKS greeting % x; want 05 02 00 02", greetings[i])
		}
	}
	if len(addrs) != len(made) {
		t.Errorf("dialled the proxy %d times; it made %d connections", len(addrs), len(made))
	}

	direct, err := recovery.NewClient(hs1.URL)
	if err != nil {
		t.Fatal(err)
	}
	direct.Interval = 0
	if _, err := direct.Policy(ctx); err != nil {
		t.Fatal(err)
	}
	if bad := notThroughProxy(w1, px.OutAddr()); len(bad) != 2 {
		t.Errorf("a direct connection and request went unnoticed: %q", bad)
	}
}

// onionFor is the version 3 onion address of an ed25519 key.
func onionFor(pub ed25519.PublicKey) string {
	sum := sha3.Sum256(append(append([]byte(".onion checksum"), pub...), 3))
	raw := append(append(slices.Clone([]byte(pub)), sum[:2]...), 3)
	return strings.ToLower(base32.StdEncoding.EncodeToString(raw)) + ".onion"
}

func newOnion(t *testing.T) string {
	pub, _, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	return onionFor(pub)
}

// TestProxyResolvesNames: names go to the proxy as names (socks5h). The
// proxy alone can resolve them (it has an /etc/hosts of its own, in a
// mount namespace), yet an https server named example.com and a plain
// http .onion server both answer through it; the proxy's log names them
// by name, and this process dialled nothing but the proxy.
func TestProxyResolvesNames(t *testing.T) {
	onion := newOnion(t)
	hsTLS, _, wTLS := witnessedServer(t, true)
	hsOnion, _, wOnion := witnessedServer(t, false)
	px := sockstest.Start(t, sockstest.Options{Hosts: map[string]string{"example.com": "127.0.0.1", onion: "127.0.0.1"}})
	ctx := context.Background()
	if addrs, _ := net.DefaultResolver.LookupHost(ctx, onion); len(addrs) > 0 {
		t.Fatalf("%s resolves here too, to %q: the test would show nothing", onion, addrs)
	}
	p, err := recovery.ParseProxy(px.URL())
	if err != nil {
		t.Fatal(err)
	}
	dl := &dialLog{}
	recovery.SetProxyDial(p, dl.dial)
	_, tlsPort, _ := net.SplitHostPort(hsTLS.Listener.Addr().String())
	_, onionPort, _ := net.SplitHostPort(hsOnion.Listener.Addr().String())

	named := "https://example.com:" + tlsPort
	c, err := proxied(p)(named)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(hsTLS.Certificate())
	c.HTTP.Transport.(*http.Transport).TLSClientConfig = &tls.Config{RootCAs: roots}
	if _, err := c.Policy(ctx); err != nil {
		t.Fatalf("%s through the proxy: %v", named, err)
	}

	onionURL := "http://" + onion + ":" + onionPort
	c, err = proxied(p)(onionURL)
	if err != nil {
		t.Fatal(err)
	}
	if c.Server() != onionURL {
		t.Errorf("Server() = %q, want %q", c.Server(), onionURL)
	}
	if _, err := c.Policy(ctx); err != nil {
		t.Fatalf("%s through the proxy: %v", onionURL, err)
	}

	want := []string{"example.com:" + tlsPort, onion + ":" + onionPort}
	if got := px.Connections(t); !slices.Equal(got, want) {
		t.Errorf("the proxy connected to %q; want the names %q", got, want)
	}
	addrs, _ := dl.dialled()
	for _, a := range addrs {
		if a != px.Addr() {
			t.Errorf("this process dialled %s, not only the proxy", a)
		}
	}
	for _, w := range []*witness{wTLS, wOnion} {
		if bad := notThroughProxy(w, px.OutAddr()); len(bad) > 0 || len(w.requests()) != 1 {
			t.Errorf("server saw %d requests; not through the proxy: %q", len(w.requests()), bad)
		}
	}
}

// An .onion server is refused without a proxy, whatever the scheme, and
// with one, plain http goes only to .onion (or loopback) servers.
func TestOnionNeedsProxy(t *testing.T) {
	onion := newOnion(t)
	for _, s := range []string{onion, "http://" + onion, "https://" + onion, "http://www." + onion + ":8080"} {
		if _, err := recovery.NewClient(s); !errors.Is(err, recovery.ErrOnionNeedsProxy) {
			t.Errorf("NewClient(%q): %v, want ErrOnionNeedsProxy", s, err)
		}
	}
	if _, err := recovery.NewClient(onion); err == nil || !strings.Contains(err.Error(), "through Tor") {
		t.Errorf("the error does not say what to do: %v", err)
	}
	// No connection is made here: the proxy is never dialled.
	p, err := recovery.ParseProxy("socks5h://127.0.0.1:9050")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{onion, "http://" + onion, "https://" + onion, "http://www." + onion + ":8080", "http://127.0.0.1:8765"} {
		if _, err := p.NewClient(s); err != nil {
			t.Errorf("through a proxy, %q: %v", s, err)
		}
	}
	typo := strings.Replace(onion, onion[:1], map[bool]string{true: "b", false: "a"}[onion[0] == 'a'], 1)
	for _, s := range []string{"http://" + typo, "http://abcdefghijklmnop.onion", "http://example.org", "http://onion"} {
		if _, err := p.NewClient(s); err == nil {
			t.Errorf("through a proxy, %q was accepted", s)
		}
	}
	if _, err := p.NewClient("http://example.org"); !errors.Is(err, recovery.ErrInsecureServer) {
		t.Errorf("plain http to a name through a proxy: %v, want ErrInsecureServer", err)
	}
	var nilProxy *recovery.Proxy
	if _, err := nilProxy.NewClient("http://" + onion); !errors.Is(err, recovery.ErrOnionNeedsProxy) {
		t.Errorf("a nil proxy: %v, want ErrOnionNeedsProxy", err)
	}
}

func TestParseProxy(t *testing.T) {
	for _, tc := range []struct {
		in, want string
	}{
		{"socks5h://127.0.0.1:9050", "socks5h://127.0.0.1:9050"},
		{" socks5://127.0.0.1:9150 ", "socks5h://127.0.0.1:9150"},
		{"socks5h://[::1]:9050/", "socks5h://[::1]:9050"},
		{"socks5h://u:p@127.0.0.1:9050", "socks5h://u@127.0.0.1:9050"},
	} {
		p, err := recovery.ParseProxy(tc.in)
		if err != nil || p.String() != tc.want {
			t.Errorf("ParseProxy(%q) = %v, %v; want %s", tc.in, p, err, tc.want)
		}
	}
	for _, in := range []string{"", "127.0.0.1:9050", "http://127.0.0.1:8080", "socks4://127.0.0.1:9050",
		"socks5h://127.0.0.1", "socks5h://:9050", "socks5h://127.0.0.1:9050/x", "socks5h://127.0.0.1:9050?a=b", "socks5h://:p@127.0.0.1:9050"} {
		if p, err := recovery.ParseProxy(in); err == nil {
			t.Errorf("ParseProxy(%q) = %v, want an error", in, p)
		}
	}
}
