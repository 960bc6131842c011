package server

import (
	"net/http"
	"net/netip"
	"strings"
)

// Behind a reverse proxy every client arrives from the proxy's address, so
// a limit per TCP peer would let one client lock out all. The proxy says
// whom it forwards for in X-Forwarded-For or Forwarded (RFC 7239), but so
// can anyone: those headers count only when the TCP peer is in
// Config.TrustedProxies. Each proxy appends the address it saw, so the
// list is read from the right, past every trusted proxy, and the first
// address not trusted is the client (anything left of it is the
// client's own claim). Only the header the operator's proxies write is
// read (Config.ProxyHeader, X-Forwarded-For by default): a proxy passes
// the other one through from the client untouched.

// clientKey names the client of r for the rate limiter.
func (s *Server) clientKey(r *http.Request) string {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return limiterKey(s.clientAddr(ap.Addr(), r.Header))
}

// clientAddr is the client behind peer, as far as trusted proxies tell.
func (s *Server) clientAddr(peer netip.Addr, h http.Header) netip.Addr {
	peer = peer.Unmap()
	if !s.trusted(peer) {
		return peer
	}
	hops, ok := forwardedHops(h, s.cfg.ProxyHeader)
	if !ok {
		return peer
	}
	client := peer
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := parseHop(hops[i])
		if err != nil {
			// "unknown", an obfuscated name, junk: the proxy that
			// reported it is the last address known.
			return client
		}
		client = a
		if !s.trusted(a) {
			return a
		}
	}
	return client
}

func (s *Server) trusted(a netip.Addr) bool {
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// forwardedHops lists the addresses in header (X-Forwarded-For, or
// Forwarded's for= parameters), in the order the proxies appended them.
func forwardedHops(h http.Header, header string) ([]string, bool) {
	if strings.EqualFold(header, "Forwarded") {
		fw := h.Values("Forwarded")
		if len(fw) == 0 {
			return nil, false
		}
		var hops []string
		for _, line := range fw {
			for elem := range strings.SplitSeq(line, ",") {
				hop := ""
				for pair := range strings.SplitSeq(elem, ";") {
					k, v, _ := strings.Cut(strings.TrimSpace(pair), "=")
					if strings.EqualFold(k, "for") {
						hop = strings.Trim(v, `"`)
					}
				}
				// An element without for= still stands for a hop.
				hops = append(hops, hop)
			}
		}
		return hops, true
	}
	xff := h.Values("X-Forwarded-For")
	if len(xff) == 0 {
		return nil, false
	}
	var hops []string
	for _, line := range xff {
		for hop := range strings.SplitSeq(line, ",") {
			hops = append(hops, strings.TrimSpace(hop))
		}
	}
	return hops, true
}

// parseHop reads one forwarded address: "192.0.2.1", "192.0.2.1:80",
// "2001:db8::1", "[2001:db8::1]" or "[2001:db8::1]:80".
func parseHop(s string) (netip.Addr, error) {
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap(), nil
	}
	a, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(s, "["), "]"))
	return a.Unmap(), err
}
