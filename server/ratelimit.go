package server

import (
	"net/http"
	"net/netip"
	"sync"
	"time"
)

// rateLimiter is a token bucket per client (see clientIP). Unlike the reference's
// limiter it is atomic and answers with JSON instead of crashing.
type rateLimiter struct {
	rate  float64 // tokens per second
	burst float64
	mu    sync.Mutex
	ips   map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newRateLimiter(rate float64, burst int) *rateLimiter {
	return &rateLimiter{rate: rate, burst: float64(burst), ips: make(map[string]*bucket)}
}

func (l *rateLimiter) allow(ip string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.ips[ip]
	if b == nil {
		b = &bucket{tokens: l.burst, last: now}
		l.ips[ip] = b
	}
	if dt := now.Sub(b.last).Seconds(); dt > 0 {
		b.tokens = min(l.burst, b.tokens+dt*l.rate)
	}
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// prune forgets clients whose bucket has refilled: they are as new.
func (l *rateLimiter) prune(now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	full := time.Duration(l.burst / l.rate * float64(time.Second))
	for ip, b := range l.ips {
		if now.Sub(b.last) >= full {
			delete(l.ips, ip)
		}
	}
}

// clientIP names the TCP peer for the limiter (see limiterKey).
func clientIP(r *http.Request) string {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return limiterKey(ap.Addr())
}

// limiterKey names a client address for the limiter: its IPv4 address, or
// its IPv6 /64, since one host commonly has a whole /64 to pick addresses
// from.
func limiterKey(ip netip.Addr) string {
	ip = ip.Unmap().WithZone("")
	if ip.Is4() {
		return ip.String()
	}
	p, err := ip.Prefix(64)
	if err != nil {
		return ip.String()
	}
	return p.String()
}
