package server

import (
	"crypto/tls"
	"log/slog"

	"golang.org/x/crypto/acme/autocert"
)

// WarmACME gets each domain's certificate (from the cache, or from the
// CA) as soon as the server listens, instead of when the first client
// says hello: an issuance can take longer than a handshake is given (the
// server's header timeout, 5 s), and that first client was dropped. The
// CA checks TLS-ALPN-01 against the listener, so call it once the
// listener is open; it returns when every domain has been tried.
func WarmACME(m *autocert.Manager, domains []string, log *slog.Logger) {
	for _, d := range domains {
		// As a current client says hello: autocert keeps an ECDSA and an
		// RSA certificate apart and chooses by these fields.
		hello := &tls.ClientHelloInfo{
			ServerName:       d,
			SignatureSchemes: []tls.SignatureScheme{tls.ECDSAWithP256AndSHA256},
			SupportedCurves:  []tls.CurveID{tls.CurveP256},
			CipherSuites:     []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256},
		}
		if _, err := m.GetCertificate(hello); err != nil {
			log.Warn("no TLS certificate yet; the first clients will ask for it again", "domain", d, "err", err)
			continue
		}
		log.Info("TLS certificate ready", "domain", d)
	}
}
