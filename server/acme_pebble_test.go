package server

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"

	"golang.org/x/crypto/acme/autocert"

	"github.com/passcrow/passcrow-desktop/internal/pebbletest"
)

const pebbleDomain = "passcrow.example.org"

// startACMEWithPebble serves a new Server over HTTPS on 127.0.0.1 with
// certificates from ACME, keeping them in cache, and starts pebble to
// issue them: its VA validates TLS-ALPN-01 against this listener. The
// server has its certificate when it returns (see pebbletest.Obtain).
func startACMEWithPebble(t *testing.T, cache autocert.Cache) (addr string, ca *pebbletest.CA) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	mustBeNil(t, err)
	ca = pebbletest.Start(t, pebbleDomain, ln.Addr().(*net.TCPAddr).Port)
	conf, _, err := ACME(ACMEOptions{Domains: []string{pebbleDomain}, Cache: cache, Email: "ops@example.org",
		DirectoryURL: ca.DirectoryURL, HTTPClient: ca.Client})
	mustBeNil(t, err)
	serveOn(t, ln, newTestEnv(t, nil).srv, ServeOptions{TLS: conf})
	ca.Obtain(t, conf, pebbleDomain)
	return ln.Addr().String(), ca
}

// serveOn is startWire on a listener the caller made first (pebble must
// know its port before the server starts).
func serveOn(t *testing.T, ln net.Listener, h http.Handler, opt ServeOptions) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	opt.Logger = testLogger(t)
	go func() { done <- ServeWith(ctx, ln, h, opt) }()
	t.Cleanup(func() {
		cancel()
		mustBeNil(t, <-done)
	})
}

// policyOverHTTPS asks addr for /passcrow/policy as a client trusting
// only roots would, checks the answer is JSON over a chain that
// verifies for pebbleDomain, and returns the leaf certificate.
func policyOverHTTPS(t *testing.T, addr string, roots *x509.CertPool) *x509.Certificate {
	t.Helper()
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots, ServerName: pebbleDomain}}}
	defer client.CloseIdleConnections()
	resp, err := client.Get("https://" + addr + "/passcrow/policy")
	mustBeNil(t, err)
	defer resp.Body.Close()
	var policy map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&policy); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("HTTP %d, %q, JSON: %v", resp.StatusCode, resp.Header.Get("Content-Type"), err)
	}
	chain := resp.TLS.PeerCertificates
	inter := x509.NewCertPool()
	for _, c := range chain[1:] {
		inter.AddCert(c)
	}
	leaf := chain[0]
	if _, err := leaf.Verify(x509.VerifyOptions{DNSName: pebbleDomain, Roots: roots, Intermediates: inter}); err != nil {
		t.Fatalf("the chain served does not verify for %s: %v", pebbleDomain, err)
	}
	if !slices.Equal(leaf.DNSNames, []string{pebbleDomain}) || !strings.Contains(leaf.Issuer.CommonName, "Pebble") {
		t.Fatalf("served a certificate for %v from %q", leaf.DNSNames, leaf.Issuer.CommonName)
	}
	return leaf
}

// TestACMEFromPebble: our server gets its certificate from a real ACME
// CA, Let's Encrypt's pebble, over the ACME protocol: pebble resolves
// the name by DNS to 127.0.0.1 and validates TLS-ALPN-01 against our
// listener before it issues. A client trusting only pebble's root then
// gets a JSON answer over HTTPS; the certificate is in the cache, and
// later connections are served without asking the CA again.
func TestACMEFromPebble(t *testing.T) {
	cache := autocert.DirCache(t.TempDir())
	addr, ca := startACMEWithPebble(t, cache)
	leaf := policyOverHTTPS(t, addr, ca.Roots)

	stored, err := cache.Get(context.Background(), pebbleDomain)
	mustBeNil(t, err)
	if !strings.Contains(string(stored), "PRIVATE KEY") || !strings.Contains(string(stored), "CERTIFICATE") {
		t.Fatalf("the cache holds %d bytes but no key and chain", len(stored))
	}
	orders := ca.Orders()
	if again := policyOverHTTPS(t, addr, ca.Roots); !again.Equal(leaf) {
		t.Fatalf("a second connection got another certificate, serial %v", again.SerialNumber)
	}
	if orders != 1 || ca.Orders() != orders {
		t.Fatalf("%d orders for the first certificate, %d after the second connection; want 1 and 1", orders, ca.Orders())
	}
	// The chain is pebble's, not one the server made: a client trusting
	// the system roots refuses it.
	if _, err := (&http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{ServerName: pebbleDomain}}}).Get("https://" + addr + "/passcrow/policy"); err == nil {
		t.Fatal("a client that does not trust pebble's root accepted the certificate")
	}
}
