// Package pebbletest runs Let's Encrypt's test CA, pebble, inside the
// test process: its CA, validation authority (VA) and ACME front end
// (WFE), the same packages the pebble command wires together, with the
// WFE served over HTTPS on 127.0.0.1. Certificates come only after a
// real challenge: the VA resolves the test domain through a DNS server
// of this package (the domain is 127.0.0.1, nothing else exists) and
// makes its TLS-ALPN-01 connections to the port the test names, where
// the server under test must answer them.
package pebbletest

import (
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync/atomic"
	"testing"

	"github.com/letsencrypt/pebble/v2/ca"
	"github.com/letsencrypt/pebble/v2/db"
	"github.com/letsencrypt/pebble/v2/va"
	"github.com/letsencrypt/pebble/v2/wfe"
	"github.com/passcrow/passcrow-desktop/internal/syncbuf"
)

// CA is a running pebble.
type CA struct {
	// DirectoryURL is the ACME directory, https://127.0.0.1:port/dir.
	DirectoryURL string
	// Client trusts the HTTPS certificate of the WFE (not the roots that
	// certificates are issued from): give it to the ACME client.
	Client *http.Client
	// DirectoryCertPEM is that HTTPS certificate in PEM, for an ACME
	// client told in a file what to trust.
	DirectoryCertPEM []byte
	// Roots holds the root that issued certificates chain to, and only
	// it: what a client of the server under test trusts.
	Roots *x509.CertPool

	newOrder string // the path of the directory's newOrder
	orders   atomic.Int64
}

// Orders is how many new orders (the first step to every certificate)
// the CA has made: a server that serves a certificate it
// already holds leaves it unchanged. Other requests are not counted:
// autocert, once it has its certificate, looks at its authorizations
// from a goroutine of its own.
func (c *CA) Orders() int64 { return c.orders.Load() }

// Start runs pebble until t ends. It issues certificates for domain to
// whoever answers its TLS-ALPN-01 challenge on 127.0.0.1:tlsPort.
//
// The VA's goroutine that takes validation tasks has no way to stop; one
// idle goroutine stays behind per Start.
func Start(t testing.TB, domain string, tlsPort int) *CA {
	t.Helper()
	// Validate for real, and at once: pebble otherwise waits up to five
	// random seconds before each validation, to shake out clients that
	// do not poll.
	t.Setenv("PEBBLE_VA_ALWAYS_VALID", "")
	t.Setenv("PEBBLE_VA_NOSLEEP", "1")

	logs := &syncbuf.Buffer{}
	logger := log.New(logs, "pebble ", log.Lmicroseconds)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("pebble's log:\n%s", logs.String())
		}
	})

	resolver := serveZone(t, domain, logger.Printf)
	store := db.NewMemoryStore()
	profiles := map[string]ca.Profile{"default": {Description: "the default profile"}}
	issuer := ca.New(logger, store, "", "ecdsa", 0, 1, profiles)
	// HTTP-01 is not ours (autocert answers it only behind
	// Manager.HTTPHandler): its port is one nothing listens on.
	validator := va.New(logger, 1, tlsPort, false, resolver, store)
	front := wfe.New(logger, store, validator, issuer, []string{"pebble.letsencrypt.org"}, false, false, 0, 0)

	handler := front.Handler()
	c := &CA{Roots: x509.NewCertPool(), newOrder: newOrderPath(t, handler)}
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != c.newOrder {
			handler.ServeHTTP(w, r)
			return
		}
		// Only orders pebble made: it refuses 5% of requests with a
		// bad nonce on purpose, and the client then asks again.
		sw := &statusWriter{ResponseWriter: w}
		handler.ServeHTTP(sw, r)
		if sw.status == http.StatusCreated {
			c.orders.Add(1)
		}
	}))
	t.Cleanup(srv.Close)
	c.DirectoryURL = srv.URL + wfe.DirectoryPath
	c.Client = srv.Client()
	c.DirectoryCertPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	root := issuer.GetRootCert(0)
	if root == nil {
		t.Fatal("pebbletest: pebble made no root")
	}
	c.Roots.AddCert(root.Cert)
	return c
}

// statusWriter notes the status a handler answered with.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

// newOrderPath reads the WFE's directory, as an ACME client does first,
// for the path that new orders go to.
func newOrderPath(t testing.TB, front http.Handler) string {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "https://127.0.0.1"+wfe.DirectoryPath, nil)
	req.Header.Set("User-Agent", "pebbletest") // pebble refuses requests without
	rec := httptest.NewRecorder()
	front.ServeHTTP(rec, req)
	var dir struct{ NewOrder string }
	if err := json.Unmarshal(rec.Body.Bytes(), &dir); err != nil {
		t.Fatalf("pebbletest: the directory: %v", err)
	}
	u, err := url.Parse(dir.NewOrder)
	if err != nil || u.Path == "" {
		t.Fatalf("pebbletest: the directory (HTTP %d, %q) has no newOrder: %v", rec.Code, rec.Body.String(), err)
	}
	return u.Path
}
