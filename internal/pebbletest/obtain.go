package pebbletest

import (
	"crypto/tls"
	"crypto/x509"
	"net"
	"testing"
)

// Obtain makes a server with conf (an autocert TLS configuration pointed
// at c) get its certificate for domain from c now, and returns the leaf:
// it is a first client's TLS handshake, trusting only c.Roots, with conf
// on the server's side. The handshake runs over an in-memory pipe, not
// through the server's listener, because there it would wait no longer
// than the server's handshake deadline (net/http's, the shortest of its
// timeouts: ours is 5 s), and under -race on a busy machine issuance can
// take longer: the client would be cut off while autocert finished.
// pebble's challenge still goes to the server's listener.
func (c *CA) Obtain(t testing.TB, conf *tls.Config, domain string) *x509.Certificate {
	t.Helper()
	clientEnd, serverEnd := net.Pipe()
	defer clientEnd.Close()
	defer serverEnd.Close()
	served := make(chan error, 1)
	go func() { served <- tls.Server(serverEnd, conf).Handshake() }()
	client := tls.Client(clientEnd, &tls.Config{RootCAs: c.Roots, ServerName: domain})
	if err := client.Handshake(); err != nil {
		serverEnd.Close()
		t.Fatalf("pebbletest: obtaining a certificate for %s: %v (server: %v)", domain, err, <-served)
	}
	if err := <-served; err != nil {
		t.Fatalf("pebbletest: obtaining a certificate for %s, the server: %v", domain, err)
	}
	return client.ConnectionState().PeerCertificates[0]
}
