package cli

import (
	"crypto/tls"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"

	"golang.org/x/crypto/acme/autocert"

	"github.com/passcrow/passcrow-desktop/server"
)

// edgeFlags are passcrow serve's flags for what faces the internet: HTTPS
// (certificate files or ACME), the proxies in front, and the log.
type edgeFlags struct {
	tlsCert, tlsKey *string
	acmeDomains     strList
	acmeCache       *string
	acmeEmail       *string
	acmeDirectory   *string
	acmeCAFile      *string
	trustedProxies  strList
	proxyHeader     *string
	logFormat       *string
	logLevel        *string

	// warm, set by tlsConfig with ACME, gets the certificates once the
	// listener is open (server.WarmACME).
	warm func()
}

func addEdgeFlags(fs *flag.FlagSet) *edgeFlags {
	f := &edgeFlags{}
	f.tlsCert = fs.String("tls-cert", "", "serve HTTPS with the certificate chain in PEM `FILE` (read again when it changes, so renewals need no restart)")
	f.tlsKey = fs.String("tls-key", "", "the private key of --tls-cert, in PEM `FILE`")
	fs.Var(&f.acmeDomains, "acme-domain", "serve HTTPS with certificates for `NAME` from Let's Encrypt (ACME TLS-ALPN-01: listen on :443); repeat or separate with commas for several names")
	f.acmeCache = fs.String("acme-cache", "", "keep the ACME account key and certificates in `DIR` (with --db they are kept in the database, shared by every instance)")
	f.acmeEmail = fs.String("acme-email", "", "contact address given to the certificate authority, for expiry warnings")
	f.acmeDirectory = fs.String("acme-directory", "", "ACME directory `URL` of another certificate authority (default: Let's Encrypt)")
	f.acmeCAFile = fs.String("acme-ca-file", "", "trust the PEM certificates in `FILE` for the HTTPS of --acme-directory (a private CA such as step-ca), besides the system's")
	fs.Var(&f.trustedProxies, "trusted-proxy", "believe the client address that the reverse proxy at `CIDR` (or address) forwards, for the rate limit; repeat or separate with commas")
	f.proxyHeader = fs.String("proxy-header", "X-Forwarded-For", "the header the trusted proxies write: X-Forwarded-For or Forwarded (the other is ignored)")
	f.logFormat = fs.String("log-format", "text", "log as text or json (on standard error); identities, codes, keys and ids never appear, only keyed hashes")
	f.logLevel = fs.String("log-level", "info", "least level logged: debug, info, warn or error")
	return f
}

// logger is the server's log on w: redacted, in the chosen format.
func (f *edgeFlags) logger(w io.Writer, keep ...string) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(*f.logLevel)); err != nil {
		return nil, usagef("serve: --log-level %q is not debug, info, warn or error", *f.logLevel)
	}
	if *f.logFormat != "text" && *f.logFormat != "json" {
		return nil, usagef("serve: --log-format %q is neither text nor json", *f.logFormat)
	}
	return server.NewLogger(w, *f.logFormat, level, keep...)
}

// proxies parses --trusted-proxy: CIDRs, or single addresses.
func (f *edgeFlags) proxies() ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, v := range splitCommas(f.trustedProxies) {
		p, err := netip.ParsePrefix(v)
		if err != nil {
			a, aerr := netip.ParseAddr(v)
			if aerr != nil {
				return nil, usagef("serve: --trusted-proxy %q is neither a CIDR (10.0.0.0/8) nor an address", v)
			}
			p = netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen())
		}
		out = append(out, p.Masked())
	}
	if len(out) == 0 && *f.proxyHeader != "X-Forwarded-For" {
		return nil, usagef("serve: --proxy-header without --trusted-proxy does nothing")
	}
	return out, nil
}

// certCacher is a store that keeps ACME certificates itself (PgStore),
// so every instance on it shares them.
type certCacher interface {
	CertCache() *server.PgCertCache
}

// tlsConfig is the HTTPS configuration the flags ask for, or nil for
// plain HTTP. store is the --db store, if any.
func (f *edgeFlags) tlsConfig(store server.Store, log *slog.Logger) (*tls.Config, error) {
	files := *f.tlsCert != "" || *f.tlsKey != ""
	domains := splitCommas(f.acmeDomains)
	acme := len(domains) > 0
	switch {
	case files && acme:
		return nil, usagef("serve: give either --tls-cert and --tls-key, or --acme-domain, not both")
	case !acme && (*f.acmeCache != "" || *f.acmeEmail != "" || *f.acmeDirectory != "" || *f.acmeCAFile != ""):
		return nil, usagef("serve: --acme-cache, --acme-email, --acme-directory and --acme-ca-file need --acme-domain")
	case files && (*f.tlsCert == "" || *f.tlsKey == ""):
		return nil, usagef("serve: --tls-cert and --tls-key go together")
	case files:
		conf, err := server.TLSFiles(*f.tlsCert, *f.tlsKey, log)
		if err != nil {
			return nil, fmt.Errorf("serve: %w", err)
		}
		return conf, nil
	case !acme:
		return nil, nil
	}
	var cache autocert.Cache
	if cc, ok := store.(certCacher); ok {
		if *f.acmeCache != "" {
			return nil, usagef("serve: with --db, ACME certificates are kept in the database (shared by every instance); leave out --acme-cache")
		}
		cache = cc.CertCache()
	} else if *f.acmeCache != "" {
		cache = autocert.DirCache(*f.acmeCache)
	} else {
		return nil, usagef("serve: --acme-domain needs --acme-cache DIR for the account key and certificates (or --db, which keeps them in the database)")
	}
	opt := server.ACMEOptions{Domains: domains, Cache: cache, Email: *f.acmeEmail, DirectoryURL: *f.acmeDirectory}
	if *f.acmeCAFile != "" {
		caTLS, err := tlsFromCAFile(*f.acmeCAFile)
		if err != nil {
			return nil, fmt.Errorf("serve: --acme-ca-file: %w", err)
		}
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.TLSClientConfig = caTLS
		opt.HTTPClient = &http.Client{Transport: t}
	}
	conf, m, err := server.ACME(opt)
	if err != nil {
		return nil, fmt.Errorf("serve: %w", err)
	}
	f.warm = func() { server.WarmACME(m, domains, log) }
	return conf, nil
}

// splitCommas flattens repeated flags that may also hold comma-separated
// values (a config file line gives one value).
func splitCommas(vs []string) []string {
	var out []string
	for _, v := range vs {
		for part := range strings.SplitSeq(v, ",") {
			if part = strings.TrimSpace(part); part != "" {
				out = append(out, part)
			}
		}
	}
	return out
}
