package server

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/netip"
	"net/url"
	"testing"
)

// clientFrom is an HTTP client whose connections come from local, one of
// the many loopback addresses (127.0.0.0/8), so two clients on one
// machine are two addresses to the server, as on the internet.
func clientFrom(local string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}}
	return &http.Client{Transport: &http.Transport{
		DialContext:       d.DialContext,
		DisableKeepAlives: true,
	}}
}

func getStatus(t *testing.T, c *http.Client, url string, header http.Header) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	mustBeNil(t, err)
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := c.Do(req)
	mustBeNil(t, err)
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// TestTrustedProxyRateLimit: behind a real reverse proxy (httputil's, on
// 127.0.0.1) one client that runs out of requests no longer locks out
// another, and a client cannot escape its limit by claiming another
// address in X-Forwarded-For, through the proxy or around it.
func TestTrustedProxyRateLimit(t *testing.T) {
	for _, trust := range []bool{false, true} {
		env := newTestEnv(t, func(c *Config) {
			c.RateLimit, c.RateBurst = 2, 3 // and the clock stands still: no refill
			if trust {
				c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
			}
		})
		addr := startWire(t, env.srv, ServeOptions{})
		target, _ := url.Parse("http://" + addr)
		proxy := httptest.NewServer(httputil.NewSingleHostReverseProxy(target))
		t.Cleanup(proxy.Close)

		greedy, other := clientFrom("127.0.0.2"), clientFrom("127.0.0.3")
		policy := proxy.URL + "/passcrow/policy"
		for range 3 {
			if s := getStatus(t, greedy, policy, nil); s != 200 {
				t.Fatalf("trust %v: greedy client's burst: HTTP %d", trust, s)
			}
		}
		// Claiming to be someone else does not refill the greedy client.
		spoof := http.Header{"X-Forwarded-For": {"198.51.100.7"}, "Forwarded": {"for=198.51.100.8"}}
		if s := getStatus(t, greedy, policy, spoof); s != http.StatusTooManyRequests {
			t.Fatalf("trust %v: greedy client spoofing through the proxy: HTTP %d", trust, s)
		}
		s := getStatus(t, other, policy, nil)
		if trust && s != 200 {
			t.Errorf("trusted proxy: another client is locked out: HTTP %d", s)
		}
		if !trust && s != http.StatusTooManyRequests {
			t.Errorf("untrusted proxy: its headers were believed: HTTP %d", s)
		}
	}
}

// TestUntrustedPeerForwardingIgnored: straight to the server, a client
// that sends a new X-Forwarded-For each time is still one client.
func TestUntrustedPeerForwardingIgnored(t *testing.T) {
	env := newTestEnv(t, func(c *Config) {
		c.RateLimit, c.RateBurst = 2, 2
		c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	})
	addr := startWire(t, env.srv, ServeOptions{})
	c := clientFrom("127.0.0.4")
	var got []int
	for i := range 4 {
		h := http.Header{"X-Forwarded-For": {netip.AddrFrom4([4]byte{203, 0, 113, byte(i)}).String()}}
		got = append(got, getStatus(t, c, "http://"+addr+"/passcrow/policy", h))
	}
	if got[0] != 200 || got[1] != 200 || got[2] != 429 || got[3] != 429 {
		t.Fatalf("statuses %v, want 200 200 429 429", got)
	}
}

func TestClientAddr(t *testing.T) {
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("2001:db8:ffff::/48")}
	xff := &Server{cfg: Config{TrustedProxies: trusted}}
	fwd := &Server{cfg: Config{TrustedProxies: trusted, ProxyHeader: "Forwarded"}}
	proxy, outsider := netip.MustParseAddr("10.1.1.1"), netip.MustParseAddr("192.0.2.99")
	for _, tc := range []struct {
		peer   netip.Addr
		header http.Header
		want   string
		fwd    bool // the proxies write Forwarded
	}{
		{outsider, http.Header{"X-Forwarded-For": {"198.51.100.1"}}, "192.0.2.99", false},
		{proxy, nil, "10.1.1.1", false},
		{proxy, http.Header{"X-Forwarded-For": {"198.51.100.1"}}, "198.51.100.1", false},
		// The client's own claim, left of what the proxy saw, is ignored.
		{proxy, http.Header{"X-Forwarded-For": {"1.2.3.4, 198.51.100.1"}}, "198.51.100.1", false},
		{proxy, http.Header{"X-Forwarded-For": {"1.2.3.4", "198.51.100.1"}}, "198.51.100.1", false},
		// A chain of trusted proxies is walked past.
		{proxy, http.Header{"X-Forwarded-For": {"198.51.100.1, 10.2.2.2, 10.3.3.3"}}, "198.51.100.1", false},
		{proxy, http.Header{"X-Forwarded-For": {"10.2.2.2"}}, "10.2.2.2", false},
		{proxy, http.Header{"X-Forwarded-For": {"junk"}}, "10.1.1.1", false},
		{proxy, http.Header{"X-Forwarded-For": {"198.51.100.1, unknown"}}, "10.1.1.1", false},
		{proxy, http.Header{"X-Forwarded-For": {"[2001:db8::1]:443"}}, "2001:db8::1", false},
		// Only the header the proxies write counts: the other came from
		// the client.
		{proxy, http.Header{"Forwarded": {`for=192.0.2.60`}}, "10.1.1.1", false},
		{proxy, http.Header{"Forwarded": {`for=1.1.1.1`}, "X-Forwarded-For": {"198.51.100.3"}}, "198.51.100.3", false},
		{proxy, http.Header{"Forwarded": {`for=192.0.2.60;proto=http;by=203.0.113.43`}}, "192.0.2.60", true},
		{proxy, http.Header{"Forwarded": {`for="[2001:db8:cafe::17]:4711"`}}, "2001:db8:cafe::17", true},
		{proxy, http.Header{"Forwarded": {`for=1.1.1.1, For=198.51.100.2`}, "X-Forwarded-For": {"198.51.100.3"}}, "198.51.100.2", true},
		{proxy, http.Header{"X-Forwarded-For": {"198.51.100.3"}}, "10.1.1.1", true},
		{proxy, http.Header{"Forwarded": {`for=_hidden`}}, "10.1.1.1", true},
		{netip.MustParseAddr("2001:db8:ffff::5"), http.Header{"X-Forwarded-For": {"::ffff:198.51.100.4"}}, "198.51.100.4", false},
	} {
		s := xff
		if tc.fwd {
			s = fwd
		}
		if got := s.clientAddr(tc.peer, tc.header).String(); got != tc.want {
			t.Errorf("%s %v: %s, want %s", tc.peer, tc.header, got, tc.want)
		}
	}
}

func TestProxyHeaderConfig(t *testing.T) {
	_, err := New(Config{Verifiers: newTestEnv(t, nil).srv.cfg.Verifiers, ProxyHeader: "X-Real-IP"})
	if err == nil {
		t.Fatal("X-Real-IP accepted as the proxy header")
	}
}
