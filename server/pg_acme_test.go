//go:build linux

package server

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"testing"
	"time"
)

// testPgACMEShared: a certificate one instance got from the CA, which
// autocert put in that instance's PgCertCache, is what another instance
// on the same database serves, from its own autocert.Manager and without
// asking any CA (the directory given is a closed port). No ACME CA can
// run here, so the test makes the certificate autocert would have
// stored, in autocert's format (key PEM, then the chain).
func testPgACMEShared(t *testing.T, dsn string) {
	const domain = "passcrow.example.org"
	ctx := context.Background()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	mustBeNil(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: domain},
		DNSNames:     []string{domain},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(90 * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	mustBeNil(t, err)
	keyDER, err := x509.MarshalECPrivateKey(key)
	mustBeNil(t, err)
	stored := append(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}),
		pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})...)
	mustBeNil(t, openPg(t, dsn).CertCache().Put(ctx, domain, stored))

	conf, _, err := ACME(ACMEOptions{Domains: []string{domain}, Cache: openPg(t, dsn).CertCache(), DirectoryURL: "http://127.0.0.1:1/directory"})
	mustBeNil(t, err)
	ln, err := tls.Listen("tcp", "127.0.0.1:0", conf)
	mustBeNil(t, err)
	defer ln.Close()
	served := make(chan error, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			served <- err
			return
		}
		defer c.Close()
		served <- c.(*tls.Conn).Handshake()
	}()

	cert, err := x509.ParseCertificate(der)
	mustBeNil(t, err)
	roots := x509.NewCertPool()
	roots.AddCert(cert)
	c, err := tls.DialWithDialer(&net.Dialer{Timeout: time.Minute}, "tcp", ln.Addr().String(), &tls.Config{RootCAs: roots, ServerName: domain})
	if err != nil {
		t.Fatalf("handshake with the second instance: %v (server: %v)", err, <-served)
	}
	got := c.ConnectionState().PeerCertificates[0]
	c.Close()
	mustBeNil(t, <-served)
	if !got.Equal(cert) {
		t.Fatalf("the second instance served %v, not the first's certificate", got.Subject)
	}
}
