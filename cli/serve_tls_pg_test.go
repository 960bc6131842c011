//go:build linux

package cli

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/acme/autocert"

	"github.com/passcrow/passcrow-desktop/internal/pgtest"
	"github.com/passcrow/passcrow-desktop/server"
)

// TestServeACMEWithDatabase: with --db, ACME certificates come from the
// PostgreSQL store (shared by every instance): one put there, as another
// instance would after getting it from the CA, is served over real TLS by
// passcrow serve on a real PostgreSQL, with no CA reachable.
func TestServeACMEWithDatabase(t *testing.T) {
	dsn := pgtest.DB(t)
	pg, err := server.OpenPgStore(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	pool := putACMECert(t, pg.CertCache(), "passcrow.example.org")
	pg.Close()

	dir := t.TempDir()
	noEnv := func(string) string { return "" }
	if code, _, errs := runCLI(context.Background(), noEnv, "serve", "--check-config", "--db", dsn, "--outbox", dir,
		"--acme-domain", "passcrow.example.org", "--acme-cache", dir); code == ExitOK || !strings.Contains(errs, "leave out --acme-cache") {
		t.Errorf("--acme-cache with --db: exit %d %s", code, errs)
	}

	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	var errb bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: pw, stderr: &errb, getenv: noEnv, ctx: ctx}
	done := make(chan int, 1)
	go func() {
		done <- e.main([]string{"serve", "--listen", "127.0.0.1:0", "--db", dsn, "--outbox", filepath.Join(dir, "outbox"),
			"--acme-domain", "passcrow.example.org", "--acme-directory", "http://127.0.0.1:1/directory", "--json"})
		pw.Close()
	}()
	var started struct{ Listen, Scheme string }
	if err := json.NewDecoder(pr).Decode(&started); err != nil {
		t.Fatalf("serve's first output: %v (stderr %s)", err, errb.String())
	}
	go io.Copy(io.Discard, pr)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, ServerName: "passcrow.example.org"}}}
	resp, err := client.Get("https://" + started.Listen + "/passcrow/policy")
	if err != nil {
		t.Fatalf("%v (stderr %s)", err, errb.String())
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || started.Scheme != "https" {
		t.Errorf("HTTP %d, scheme %q", resp.StatusCode, started.Scheme)
	}
	cancel()
	if code := <-done; code != ExitOK {
		t.Fatalf("serve exited %d: %s", code, errb.String())
	}
}

// putACMECert stores a certificate for domain the way autocert stores
// one it got (key, then chain) and returns a pool that trusts it.
func putACMECert(t *testing.T, cache autocert.Cache, domain string) *x509.CertPool {
	t.Helper()
	der, key, pool := selfSigned(t, &x509.Certificate{DNSNames: []string{domain}}, 90*24*time.Hour)
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	data := append(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}),
		pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})...)
	if err := cache.Put(context.Background(), domain, data); err != nil {
		t.Fatal(err)
	}
	return pool
}
