package server

import (
	"context"
	"net"
	"testing"

	"golang.org/x/crypto/acme/autocert"

	"github.com/passcrow/passcrow-desktop/internal/pebbletest"
)

// WarmACME has the certificate from the CA (pebble, validating against
// the listener) before any client connects, so the first client's
// handshake finds it ready: one order, and the ECDSA certificate a
// current client is served.
func TestWarmACMEBeforeTheFirstClient(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	mustBeNil(t, err)
	ca := pebbletest.Start(t, pebbleDomain, ln.Addr().(*net.TCPAddr).Port)
	cache := autocert.DirCache(t.TempDir())
	conf, m, err := ACME(ACMEOptions{Domains: []string{pebbleDomain}, Cache: cache,
		DirectoryURL: ca.DirectoryURL, HTTPClient: ca.Client})
	mustBeNil(t, err)
	serveOn(t, ln, newTestEnv(t, nil).srv, ServeOptions{TLS: conf})

	WarmACME(m, []string{pebbleDomain}, testLogger(t))
	if _, err := cache.Get(context.Background(), pebbleDomain); err != nil {
		t.Fatalf("no ECDSA certificate in the cache after warming: %v", err)
	}
	if n := ca.Orders(); n != 1 {
		t.Fatalf("%d orders after warming, want 1", n)
	}
	leaf := policyOverHTTPS(t, ln.Addr().String(), ca.Roots)
	if leaf.PublicKeyAlgorithm.String() != "ECDSA" {
		t.Errorf("served a %s certificate", leaf.PublicKeyAlgorithm)
	}
	if n := ca.Orders(); n != 1 {
		t.Errorf("%d orders after the first client, want 1: it did not get the warmed certificate", n)
	}
}
