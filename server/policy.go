package server

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/wire"
)

// freeExpiration is what the free scheme buys at most, as the reference.
const freeExpiration = 25 * time.Hour

// hashcashTiers are the reference server's default hashcash schemes
// (server.py:88-96): more bits of work buy a longer escrow.
var hashcashTiers = []struct {
	bits int
	life time.Duration
}{
	{11, 183 * 24 * time.Hour},
	{12, 366 * 24 * time.Hour},
	{13, 732 * 24 * time.Hour},
	{14, 5 * 366 * 24 * time.Hour},
	{15, 10 * 366 * 24 * time.Hour},
}

// paymentSchemes lists what the server accepts, as the reference builds
// it: free, then hashcash tiers up to and including the first one that
// reaches maxExp, clamped to maxExp.
func paymentSchemes(maxExp time.Duration) []wire.PaymentScheme {
	maxSec := int64(maxExp / time.Second)
	schemes := []wire.PaymentScheme{{
		Scheme:            "free",
		SchemeID:          "free",
		Description:       "Freebies",
		ExpirationSeconds: min(maxSec, int64(freeExpiration/time.Second)),
	}}
	for _, t := range hashcashTiers {
		sec := int64(t.life / time.Second)
		schemes = append(schemes, wire.PaymentScheme{
			Scheme:            "hashcash",
			SchemeID:          fmt.Sprintf("hashcash-%d", t.bits),
			Description:       fmt.Sprintf("%d-bit scrypt(len=16,n=256,r=8,p=1) collisions", t.bits),
			ExpirationSeconds: min(sec, maxSec),
			HashcashBits:      t.bits,
		})
		if sec >= maxSec {
			break
		}
	}
	return schemes
}

// policy is the server's answer to /passcrow/policy.
func (s *Server) policy() wire.Policy {
	kinds := make([]string, 0, len(s.cfg.Verifiers))
	for k := range s.cfg.Verifiers {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	return wire.Policy{
		Versions:             []string{wire.Version},
		CountryCode:          s.cfg.CountryCode,
		AboutURL:             s.cfg.AboutURL,
		Kinds:                kinds,
		MaxRequestBytes:      s.cfg.MaxRequestBytes,
		MaxExpirationSeconds: int64(s.cfg.MaxExpiration / time.Second),
		MaxTimeoutSeconds:    int64(s.cfg.MaxCodeTimeout / time.Second),
		PaymentSchemes:       s.schemes,
	}
}

// Our pace, stated where reference clients never look: two headers on
// the policy answer (a key in the policy itself would break them; see
// ../shared/protocol/README.md, Extensions). Our client paces by them
// (recovery/pace.go) and sends one request a second to a server that
// states nothing, as the reference allows.
const (
	HeaderRate  = "X-Passcrow-Rate"
	HeaderBurst = "X-Passcrow-Burst"
	// unlimitedRate and unlimitedBurst are what a server without a rate
	// limit states: the most our client takes from anyone.
	unlimitedRate  = 50
	unlimitedBurst = 20
)

// writePolicy answers with the policy encoded once in New, and our pace
// unless the server hides its extensions (reference-shaped).
func (s *Server) writePolicy(w http.ResponseWriter) {
	h := w.Header()
	setJSONHeaders(h)
	if !s.cfg.NoExtensions {
		rate, burst := s.statedPace()
		h[HeaderRate] = rate
		h[HeaderBurst] = burst
	}
	w.WriteHeader(http.StatusOK)
	w.Write(s.policyJSON)
}

// statedPace formats the per-client rate limit as the two headers say
// it, formatted once: the last server's values are kept for the next
// answer (a process runs one server, tests a few).
func (s *Server) statedPace() (rate, burst []string) {
	r, b := float64(unlimitedRate), unlimitedBurst
	if s.cfg.RateLimit > 0 {
		r, b = s.cfg.RateLimit, max(s.cfg.RateBurst, 1)
	}
	if p := lastPace.Load(); p != nil && p.rate == r && p.burst == b {
		return p.hdrRate, p.hdrBurst
	}
	p := &paceHeaders{rate: r, burst: b,
		hdrRate: []string{strconv.FormatFloat(r, 'f', -1, 64)}, hdrBurst: []string{strconv.Itoa(b)}}
	lastPace.Store(p)
	return p.hdrRate, p.hdrBurst
}

type paceHeaders struct {
	rate              float64
	burst             int
	hdrRate, hdrBurst []string
}

var lastPace atomic.Pointer[paceHeaders]
