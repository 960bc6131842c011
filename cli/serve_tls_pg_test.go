//go:build linux

package cli

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"flag"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/passcrow/passcrow-desktop/internal/pebbletest"
	"github.com/passcrow/passcrow-desktop/internal/pgtest"
	"github.com/passcrow/passcrow-desktop/server"
)

const acmeDomain = "passcrow.example.org"

// TestServeACMEWithDatabase: with --db, ACME certificates come from the
// PostgreSQL store, shared by every instance. Another instance on the
// same database gets a certificate from a real CA (pebble, validating
// TLS-ALPN-01 against that instance); passcrow serve then serves it over
// HTTPS, on a real PostgreSQL, with its CA a closed port: it did not ask.
func TestServeACMEWithDatabase(t *testing.T) {
	dsn := pgtest.DB(t)
	roots := obtainIntoDB(t, dsn)

	dir := t.TempDir()
	noEnv := func(string) string { return "" }
	if code, _, errs := runCLI(context.Background(), noEnv, "serve", "--check-config", "--db", dsn, "--outbox", dir,
		"--acme-domain", acmeDomain, "--acme-cache", dir); code == ExitOK || !strings.Contains(errs, "leave out --acme-cache") {
		t.Errorf("--acme-cache with --db: exit %d %s", code, errs)
	}

	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	var errb bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: pw, stderr: &errb, getenv: noEnv, ctx: ctx}
	done := make(chan int, 1)
	go func() {
		done <- e.main([]string{"serve", "--listen", "127.0.0.1:0", "--db", dsn, "--outbox", filepath.Join(dir, "outbox"),
			"--acme-domain", acmeDomain, "--acme-directory", "http://127.0.0.1:1/directory", "--json"})
		pw.Close()
	}()
	var started struct{ Listen, Scheme string }
	if err := json.NewDecoder(pr).Decode(&started); err != nil {
		t.Fatalf("serve's first output: %v (stderr %s)", err, errb.String())
	}
	go io.Copy(io.Discard, pr)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots, ServerName: acmeDomain}}}
	resp, err := client.Get("https://" + started.Listen + "/passcrow/policy")
	if err != nil {
		t.Fatalf("%v (stderr %s)", err, errb.String())
	}
	var policy map[string]any
	jerr := json.NewDecoder(resp.Body).Decode(&policy)
	resp.Body.Close()
	client.CloseIdleConnections()
	if resp.StatusCode != http.StatusOK || jerr != nil || started.Scheme != "https" {
		t.Errorf("HTTP %d, JSON %v, scheme %q", resp.StatusCode, jerr, started.Scheme)
	}
	if leaf := resp.TLS.PeerCertificates[0]; !strings.Contains(leaf.Issuer.CommonName, "Pebble") {
		t.Errorf("served a certificate from %q", leaf.Issuer.CommonName)
	}
	cancel()
	if code := <-done; code != ExitOK {
		t.Fatalf("serve exited %d: %s", code, errb.String())
	}
}

// obtainIntoDB is another instance on the database dsn getting a
// certificate for acmeDomain from pebble, which autocert keeps in the
// database; it returns pebble's root, which alone the chain verifies to.
// Its TLS configuration is what serve's flags make of --acme-directory
// and --acme-ca-file (pebble's directory certificate, as an operator of
// a private CA would give it); it listens on a port pebble knows before
// it starts, which serve --listen cannot tell in advance.
func obtainIntoDB(t *testing.T, dsn string) *x509.CertPool {
	t.Helper()
	pg, err := server.OpenPgStore(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ca := pebbletest.Start(t, acmeDomain, ln.Addr().(*net.TCPAddr).Port)
	caFile := filepath.Join(t.TempDir(), "pebble-directory.pem")
	if err := os.WriteFile(caFile, ca.DirectoryCertPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	flags := addEdgeFlags(fs)
	if err := fs.Parse([]string{"--acme-domain", acmeDomain, "--acme-directory", ca.DirectoryURL, "--acme-ca-file", caFile}); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	conf, err := flags.tlsConfig(pg, log)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() {
		served <- server.ServeWith(ctx, ln, http.NotFoundHandler(), server.ServeOptions{TLS: conf, Logger: log})
	}()
	defer func() {
		cancel()
		if err := <-served; err != nil {
			t.Error(err)
		}
	}()
	// autocert orders, answers pebble's challenge on ln, and stores
	// what pebble issued.
	ca.Obtain(t, conf, acmeDomain)
	if _, err := pg.CertCache().Get(context.Background(), acmeDomain); err != nil {
		t.Fatalf("the certificate is not in the database: %v", err)
	}
	if ca.Orders() != 1 {
		t.Fatalf("%d orders for one certificate", ca.Orders())
	}
	return ca.Roots
}
