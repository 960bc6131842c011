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
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/acme/autocert"

	"github.com/passcrow/passcrow-desktop/recovery"
	"github.com/passcrow/passcrow-desktop/server/verify"
)

// selfSignedFiles writes a throwaway self-signed certificate for ip and
// its key as PEM files, and returns a pool that trusts it.
func selfSignedFiles(t *testing.T, ip string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	pool = writeSelfSigned(t, certFile, keyFile, ip, "first")
	return certFile, keyFile, pool
}

func writeSelfSigned(t *testing.T, certFile, keyFile, ip, name string) *x509.CertPool {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	mustBeNil(t, err)
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: name},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IPAddresses:           []net.IP{net.ParseIP(ip)},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	mustBeNil(t, err)
	kder, err := x509.MarshalPKCS8PrivateKey(key)
	mustBeNil(t, err)
	mustBeNil(t, os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600))
	mustBeNil(t, os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder}), 0o600))
	cert, err := x509.ParseCertificate(der)
	mustBeNil(t, err)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return pool
}

// TestTLSRoundTrip: our server serves HTTPS from certificate files, and
// our client, trusting that certificate alone, escrows, verifies and
// recovers over it on loopback.
func TestTLSRoundTrip(t *testing.T) {
	outbox := t.TempDir()
	env := newTestEnv(t, func(c *Config) {
		c.Verifiers = map[string]verify.Verifier{"email": &verify.Outbox{Dir: outbox}}
		c.Now = nil
		c.MaxExpiration = 24 * time.Hour
	})
	certFile, keyFile, pool := selfSignedFiles(t, "127.0.0.1")
	conf, err := TLSFiles(certFile, keyFile, testLogger(t))
	mustBeNil(t, err)
	addr := startWire(t, env.srv, ServeOptions{TLS: conf})

	client, err := recovery.NewClient("https://" + addr)
	mustBeNil(t, err)
	client.Interval = 0
	client.HTTP = &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	ctx := context.Background()
	res, err := client.Escrow(ctx, recovery.EscrowInput{Identity: "email:tls@example.org", Secret: "over https", Expires: time.Now().Add(time.Hour)})
	mustBeNil(t, err)
	_, err = client.Verify(ctx, res.ID, res.Key, "T", "en")
	mustBeNil(t, err)
	code := readOutboxCode(t, outbox)
	secret, err := client.Recover(ctx, res.ID, res.Key, code)
	mustBeNil(t, err)
	if secret != "over https" {
		t.Fatalf("recovered %q", secret)
	}

	// A client that does not trust the certificate is refused: the
	// connection really is TLS with that certificate.
	_, err = (&http.Client{}).Get("https://" + addr + "/passcrow/policy")
	if err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("untrusting client: %v", err)
	}
}

func readOutboxCode(t *testing.T, dir string) string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*"))
	mustBeNil(t, err)
	for _, f := range files {
		b, err := os.ReadFile(f)
		mustBeNil(t, err)
		if c, ok := verify.ReadCode(string(b)); ok {
			return c
		}
	}
	t.Fatal("no code in the outbox")
	return ""
}

// TestTLSReload: renewed files are served without a restart; a pair that
// does not load keeps the last good certificate.
func TestTLSReload(t *testing.T) {
	certFile, keyFile, _ := selfSignedFiles(t, "127.0.0.1")
	clock := newTestClock(testStart)
	r := &certReloader{certFile: certFile, keyFile: keyFile, log: testLogger(t), now: clock.Now}
	mustBeNil(t, r.load())
	name := func() string {
		t.Helper()
		c, err := r.get(nil)
		mustBeNil(t, err)
		leaf, err := x509.ParseCertificate(c.Certificate[0])
		mustBeNil(t, err)
		return leaf.Subject.CommonName
	}
	if n := name(); n != "first" {
		t.Fatalf("serving %q", n)
	}
	writeSelfSigned(t, certFile, keyFile, "127.0.0.1", "renewed")
	// Within the second, the files are not looked at again.
	if n := name(); n != "first" {
		t.Fatalf("looked again within a second: %q", n)
	}
	clock.advance(time.Second)
	if n := name(); n != "renewed" {
		t.Fatalf("after renewal: %q", n)
	}
	mustBeNil(t, os.WriteFile(keyFile, []byte("half written"), 0o600))
	clock.advance(time.Second)
	if n := name(); n != "renewed" {
		t.Fatalf("after a broken key: %q", n)
	}
	if _, err := TLSFiles(certFile, keyFile, nil); err == nil {
		t.Fatal("TLSFiles loaded a broken key")
	}
	if _, err := TLSFiles(certFile, "", nil); err == nil {
		t.Fatal("TLSFiles without a key file")
	}
}

// TestACMEConfig: ACME needs domains it can get certificates for and a
// cache; a name outside the list gets no certificate (checked before any
// traffic to the CA, so this runs without the internet).
func TestACMEConfig(t *testing.T) {
	cache := autocert.DirCache(t.TempDir())
	for _, tc := range []struct {
		opt  ACMEOptions
		want string
	}{
		{ACMEOptions{Cache: cache}, "at least one domain"},
		{ACMEOptions{Domains: []string{"passcrow.example.org"}}, "needs a cache"},
		{ACMEOptions{Domains: []string{"Passcrow.Example.org"}, Cache: cache}, "not a lowercase DNS name"},
		{ACMEOptions{Domains: []string{"192.0.2.1"}, Cache: cache}, "not a lowercase DNS name"},
		{ACMEOptions{Domains: []string{"*.example.org"}, Cache: cache}, "not a lowercase DNS name"},
		{ACMEOptions{Domains: []string{"localhost"}, Cache: cache}, "not a lowercase DNS name"},
		{ACMEOptions{Domains: []string{"a.example.org", "-x.example.org"}, Cache: cache}, "not a lowercase DNS name"},
	} {
		if _, _, err := ACME(tc.opt); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want %q", tc.opt.Domains, err, tc.want)
		}
	}
	conf, m, err := ACME(ACMEOptions{Domains: []string{"passcrow.example.org"}, Cache: cache, Email: "ops@example.org"})
	mustBeNil(t, err)
	if m.Email != "ops@example.org" || m.Cache == nil {
		t.Fatalf("manager %+v", m)
	}
	found := false
	for _, p := range conf.NextProtos {
		found = found || p == "acme-tls/1"
		if p == "h2" {
			t.Error("h2 offered, but the server speaks HTTP/1.1 only")
		}
	}
	if !found {
		t.Fatalf("TLS-ALPN-01 not offered: %v", conf.NextProtos)
	}
	_, err = conf.GetCertificate(&tls.ClientHelloInfo{ServerName: "evil.example.net"})
	if err == nil || !strings.Contains(err.Error(), "not configured") {
		t.Fatalf("certificate for a name not listed: %v", err)
	}
}

// TestACMEServesCachedCertificate: a certificate in the ACME cache (as
// an earlier run left it, got from pebble) is served for its name over a
// real TLS connection by a new Manager, without asking the CA (its
// directory URL is a closed port); another name gets no certificate.
func TestACMEServesCachedCertificate(t *testing.T) {
	cache := autocert.DirCache(t.TempDir())
	addr, ca := startACMEWithPebble(t, cache)
	earlier := policyOverHTTPS(t, addr, ca.Roots)

	conf, _, err := ACME(ACMEOptions{Domains: []string{pebbleDomain}, Cache: cache, DirectoryURL: "http://127.0.0.1:1/directory"})
	mustBeNil(t, err)
	addr = startWire(t, newTestEnv(t, nil).srv, ServeOptions{TLS: conf})
	if now := policyOverHTTPS(t, addr, ca.Roots); !now.Equal(earlier) {
		t.Fatalf("served serial %v, not the cached %v", now.SerialNumber, earlier.SerialNumber)
	}
	bad := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: ca.Roots, ServerName: "evil.example.net"}}}
	if _, err := bad.Get("https://" + addr + "/passcrow/policy"); err == nil {
		t.Fatal("a certificate for a name not listed")
	}
}
