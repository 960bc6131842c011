//go:build linux

package server

import "testing"

// testPgACMEShared: instances on one database share ACME certificates.
// Instance A gets one from a real CA (pebble, validating TLS-ALPN-01
// against A); autocert keeps it in A's PgCertCache. Instance B, on the
// same database, with its own autocert.Manager pointed at the same CA,
// serves that certificate without asking the CA for one.
func testPgACMEShared(t *testing.T, dsn string) {
	addrA, ca := startACMEWithPebble(t, openPg(t, dsn).CertCache())
	fromA := policyOverHTTPS(t, addrA, ca.Roots)
	orders := ca.Orders()

	conf, _, err := ACME(ACMEOptions{Domains: []string{pebbleDomain}, Cache: openPg(t, dsn).CertCache(),
		DirectoryURL: ca.DirectoryURL, HTTPClient: ca.Client})
	mustBeNil(t, err)
	addrB := startWire(t, newTestEnv(t, nil).srv, ServeOptions{TLS: conf})
	if fromB := policyOverHTTPS(t, addrB, ca.Roots); !fromB.Equal(fromA) {
		t.Fatalf("B served serial %v, not A's %v", fromB.SerialNumber, fromA.SerialNumber)
	}
	if orders != 1 || ca.Orders() != orders {
		t.Fatalf("%d orders for A, %d after B served; want 1 and 1", orders, ca.Orders())
	}
}
