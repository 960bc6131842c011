package pebbletest

import (
	"crypto/tls"
	"net"
	"strings"
	"testing"

	"golang.org/x/crypto/acme"
	"golang.org/x/crypto/acme/autocert"
)

// TestValidationIsReal: pebble issues nothing to a client that cannot
// answer its challenge. Here nothing listens on the port it validates,
// so the challenge fails and autocert, with no other challenge type it
// can answer, gives up.
func TestValidationIsReal(t *testing.T) {
	const domain = "passcrow.example.org"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	ca := Start(t, domain, port)
	m := &autocert.Manager{
		Prompt:     autocert.AcceptTOS,
		HostPolicy: autocert.HostWhitelist(domain),
		Cache:      autocert.DirCache(t.TempDir()),
		Client:     &acme.Client{DirectoryURL: ca.DirectoryURL, HTTPClient: ca.Client},
	}
	_, err = m.GetCertificate(&tls.ClientHelloInfo{ServerName: domain})
	if err == nil || !strings.Contains(err.Error(), "unable to satisfy") {
		t.Fatalf("a certificate with nobody answering the challenge: %v", err)
	}
	if ca.Orders() == 0 {
		t.Fatal("no order reached pebble")
	}
}
