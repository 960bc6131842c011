package server

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// serveOnce runs one request through h in process.
func serveOnce(h http.Handler, method, target string, body []byte) (int, []byte) {
	req := httptest.NewRequest(method, target, bytes.NewReader(body))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.Bytes()
}

func jsonBody(b []byte) bool { return len(b) > 0 && json.Valid(b) }

// startWire serves env's server through ServeWith on a loopback port and
// returns its address.
func startWire(t testing.TB, h http.Handler, opt ServeOptions) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	mustBeNil(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	if opt.Logger == nil {
		opt.Logger = testLogger(t)
	}
	go func() { done <- ServeWith(ctx, ln, h, opt) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	return ln.Addr().String()
}

// rawExchange writes raw bytes to addr and reads one HTTP response.
func rawExchange(t *testing.T, addr string, raw string, tlsConf *tls.Config) *http.Response {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	mustBeNil(t, err)
	t.Cleanup(func() { conn.Close() })
	var c net.Conn = conn
	if tlsConf != nil {
		c = tls.Client(conn, tlsConf)
	}
	if _, err := io.WriteString(c, raw); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("%q: no HTTP response: %v", raw, err)
	}
	return resp
}

// TestJSONOnlyWire sends, over TCP, requests that net/http or its mux
// would answer themselves in text or HTML: every answer must be JSON.
func TestJSONOnlyWire(t *testing.T) {
	env := newTestEnv(t, nil)
	addr := startWire(t, env.srv, ServeOptions{})
	long := strings.Repeat("a", 20<<10)
	for _, tc := range []struct {
		raw    string
		status int
	}{
		{"GET /passcrow//policy HTTP/1.1\r\nHost: x\r\n\r\n", 404},
		{"GET /passcrow/../passcrow/policy HTTP/1.1\r\nHost: x\r\n\r\n", 404},
		{"GET /passcrow/./policy HTTP/1.1\r\nHost: x\r\n\r\n", 404},
		{"GET passcrow/policy HTTP/1.1\r\nHost: x\r\n\r\n", 400},
		{"GET http://x/passcrow//policy HTTP/1.1\r\nHost: x\r\n\r\n", 404},
		{"CONNECT x:443 HTTP/1.1\r\nHost: x:443\r\n\r\n", 404},
		{"OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n", 404},
		{"GET /passcrow/policy HTTP/1.1\r\nHost: x\r\n\r\n", 200},
		{"this is not http\r\n\r\n", 400},
		{"GET /passcrow/policy HTTP/9.9\r\nHost: x\r\n\r\n", 505},
		{"GET /passcrow/policy HTTP/1.1\r\n\r\n", 400}, // no Host
		{"GET /passcrow/policy HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n", 400},
		{"GET /passcrow/policy HTTP/1.1\r\nHost: x\r\nX: " + long + "\r\n\r\n", 431},
		{"POST /passcrow/policy HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 501},
		{"POST /passcrow/policy HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400},
		{"POST /passcrow/policy HTTP/1.1\r\nHost: x\r\nExpect: magic\r\nContent-Length: 0\r\n\r\n", 417},
		{"GET /\x00 HTTP/1.1\r\nHost: x\r\n\r\n", 400},
		{"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 404},
	} {
		resp := rawExchange(t, addr, tc.raw, nil)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status || resp.Header.Get("Content-Type") != "application/json" || !jsonBody(body) {
			t.Errorf("%.60q: HTTP %d %q %q, want %d with JSON", tc.raw, resp.StatusCode, resp.Header.Get("Content-Type"), body, tc.status)
		}
	}
}

// TestJSONOnlyPlainHTTPToTLS: plain HTTP on the HTTPS port is told in JSON.
func TestJSONOnlyPlainHTTPToTLS(t *testing.T) {
	env := newTestEnv(t, nil)
	certFile, keyFile, _ := selfSignedFiles(t, "127.0.0.1")
	conf, err := TLSFiles(certFile, keyFile, testLogger(t))
	mustBeNil(t, err)
	addr := startWire(t, env.srv, ServeOptions{TLS: conf})
	resp := rawExchange(t, addr, "GET /passcrow/policy HTTP/1.1\r\nHost: x\r\n\r\n", nil)
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 400 || resp.Header.Get("Content-Type") != "application/json" || !jsonBody(body) {
		t.Fatalf("HTTP %d %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
}

// The mux's cleaning and canonicalPath agree: a path the mux would
// redirect is exactly one canonicalPath refuses.
func TestCanonicalPathMatchesMux(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {})
	for _, p := range []string{"/", "/a", "/a/", "//a", "/a//", "/a/./b", "/a/../b", "/..", "/.", "/a/.", "/a/..", "/a/b/", "/a/b//", "/%2e%2e/a", "/a%2F..%2Fb", ""} {
		req := &http.Request{Method: "GET", URL: mustURL(t, p), Host: "x"}
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		redirected := rec.Code/100 == 3
		if redirected == canonicalPath(req.URL.EscapedPath()) {
			t.Errorf("%q: mux redirects %v, canonicalPath %v", p, redirected, canonicalPath(req.URL.EscapedPath()))
		}
	}
}

func mustURL(t *testing.T, p string) *url.URL {
	t.Helper()
	u, err := url.Parse(p)
	mustBeNil(t, err)
	return u
}
