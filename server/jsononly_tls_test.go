package server

import (
	"crypto/tls"
	"io"
	"strings"
	"testing"
)

// Over HTTPS too, a request net/http answers itself (a malformed request
// line, no Host, headers too large, an unknown Transfer-Encoding) gets
// JSON: before, the canned text/plain went into the TLS connection,
// under the listener that turns it into JSON.
func TestJSONOnlyWireTLS(t *testing.T) {
	env := newTestEnv(t, nil)
	certFile, keyFile, pool := selfSignedFiles(t, "127.0.0.1")
	conf, err := TLSFiles(certFile, keyFile, testLogger(t))
	mustBeNil(t, err)
	addr := startWire(t, env.srv, ServeOptions{TLS: conf})
	client := &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}
	for _, tc := range []struct {
		raw    string
		status int
	}{
		{"GET /passcrow/policy HTTP/1.1\r\nHost: x\r\n\r\n", 200},
		{"this is not http\r\n\r\n", 400},
		{"GET /passcrow/policy HTTP/1.1\r\n\r\n", 400},
		{"GET /passcrow/policy HTTP/1.1\r\nHost: x\r\nX: " + strings.Repeat("a", 20<<10) + "\r\n\r\n", 431},
		{"POST /passcrow/policy HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 501},
		{"GET /passcrow//policy HTTP/1.1\r\nHost: x\r\n\r\n", 404},
	} {
		resp := rawExchange(t, addr, tc.raw, client)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status || resp.Header.Get("Content-Type") != "application/json" || !jsonBody(body) {
			t.Errorf("%.60q: HTTP %d %q %q, want %d with JSON", tc.raw, resp.StatusCode, resp.Header.Get("Content-Type"), body, tc.status)
		}
	}
}
