package server

import (
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/acme"
	"golang.org/x/crypto/acme/autocert"
)

// HTTPS without a proxy in front: either certificate files the operator
// renews (certbot and the like), or certificates from an ACME CA (Let's
// Encrypt) fetched and renewed by autocert.

// TLSFiles serves the certificate chain and key in two PEM files. The
// files are read again when either changes (checked at most once a
// second), so a renewed certificate is served without a restart; a pair
// that does not load (one file renewed, the other not yet) leaves the
// last good one in use, and the change is logged.
func TLSFiles(certFile, keyFile string, log *slog.Logger) (*tls.Config, error) {
	if certFile == "" || keyFile == "" {
		return nil, errors.New("server: TLS needs both a certificate file and a key file")
	}
	if log == nil {
		log = slog.Default()
	}
	r := &certReloader{certFile: certFile, keyFile: keyFile, log: log, now: time.Now}
	if err := r.load(); err != nil {
		return nil, err
	}
	return &tls.Config{
		MinVersion:     tls.VersionTLS12,
		NextProtos:     []string{"http/1.1"},
		GetCertificate: r.get,
	}, nil
}

type certReloader struct {
	certFile, keyFile string
	log               *slog.Logger
	now               func() time.Time

	mu      sync.Mutex
	cert    *tls.Certificate
	stamp   string // size and modification time of both files, as loaded
	checked time.Time
}

func (r *certReloader) fileStamp() (string, error) {
	var stamp string
	for _, f := range []string{r.certFile, r.keyFile} {
		fi, err := os.Stat(f)
		if err != nil {
			return "", err
		}
		stamp += fmt.Sprintf("%d/%d;", fi.Size(), fi.ModTime().UnixNano())
	}
	return stamp, nil
}

func (r *certReloader) load() error {
	stamp, err := r.fileStamp()
	if err != nil {
		return fmt.Errorf("server: TLS certificate: %w", err)
	}
	cert, err := tls.LoadX509KeyPair(r.certFile, r.keyFile)
	if err != nil {
		return fmt.Errorf("server: TLS certificate %q and key %q: %w", r.certFile, r.keyFile, err)
	}
	r.mu.Lock()
	r.cert, r.stamp, r.checked = &cert, stamp, r.now()
	r.mu.Unlock()
	return nil
}

func (r *certReloader) get(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	r.mu.Lock()
	cert, stamp := r.cert, r.stamp
	due := r.now().Sub(r.checked) >= time.Second
	if due {
		r.checked = r.now()
	}
	r.mu.Unlock()
	if !due {
		return cert, nil
	}
	if now, err := r.fileStamp(); err != nil || now == stamp {
		return cert, nil
	}
	if err := r.load(); err != nil {
		r.log.Warn("TLS certificate files changed but do not load; serving the previous certificate", "err", err)
		return cert, nil
	}
	r.log.Info("TLS certificate reloaded")
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.cert, nil
}

// ACMEOptions configure certificates from an ACME CA.
type ACMEOptions struct {
	Domains []string // the names to get certificates for; nothing else is answered
	// Cache keeps the account key and certificates. Several instances
	// behind one name must share it (PgStore.CertCache); one machine can
	// use autocert.DirCache.
	Cache autocert.Cache
	Email string // the CA's contact for expiry and problems (optional)
	// DirectoryURL is the CA's ACME directory; default Let's Encrypt.
	DirectoryURL string
	// HTTPClient talks to the CA; nil is http.DefaultClient, which
	// trusts the system's roots. A CA whose own HTTPS certificate comes
	// from a private root (a test CA such as pebble; step-ca inside a
	// company) needs a client that trusts that root.
	HTTPClient *http.Client
}

// ACME returns a TLS configuration that gets and renews certificates for
// opt.Domains through the TLS-ALPN-01 challenge, which the CA makes on
// port 443: so listen on :443. Its Manager may also answer HTTP-01 on port
// 80 (Manager.HTTPHandler), which this package does not serve.
func ACME(opt ACMEOptions) (*tls.Config, *autocert.Manager, error) {
	if len(opt.Domains) == 0 {
		return nil, nil, errors.New("server: ACME needs at least one domain")
	}
	if opt.Cache == nil {
		return nil, nil, errors.New("server: ACME needs a cache for its account key and certificates (a directory, or the PostgreSQL store)")
	}
	for _, d := range opt.Domains {
		if !hostName(d) {
			return nil, nil, fmt.Errorf("server: ACME domain %q is not a lowercase DNS name (such as passcrow.example.org)", d)
		}
	}
	m := &autocert.Manager{
		Prompt:     autocert.AcceptTOS,
		HostPolicy: autocert.HostWhitelist(opt.Domains...),
		Cache:      opt.Cache,
		Email:      opt.Email,
	}
	if opt.DirectoryURL != "" || opt.HTTPClient != nil {
		dir := opt.DirectoryURL
		if dir == "" {
			dir = autocert.DefaultACMEDirectory
		}
		m.Client = &acme.Client{DirectoryURL: dir, HTTPClient: opt.HTTPClient}
	}
	return &tls.Config{
		MinVersion:     tls.VersionTLS12,
		NextProtos:     []string{"http/1.1", acme.ALPNProto},
		GetCertificate: m.GetCertificate,
	}, m, nil
}

// hostName reports whether d is a DNS name a CA could issue for: labels
// of lowercase letters, digits and '-', at least two, no IP address.
func hostName(d string) bool {
	if len(d) > 253 || !strings.Contains(d, ".") {
		return false
	}
	if _, err := netip.ParseAddr(d); err == nil {
		return false
	}
	for label := range strings.SplitSeq(d, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, c := range label {
			if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
				return false
			}
		}
	}
	return true
}
