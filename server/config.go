package server

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"strings"
	"time"

	"github.com/passcrow/passcrow-desktop/server/verify"
)

// Defaults match the reference server's stock policy, so a default server
// publishes the same numbers (../shared/vectors/roundtrip-2of3/01-protect-policy.resp.json).
const (
	DefaultMaxExpiration   = 366 * 24 * time.Hour
	DefaultMaxCodeTimeout  = 24 * time.Hour
	DefaultMaxRequestBytes = 4096
	DefaultSweepInterval   = time.Minute
	DefaultMinReleaseDays  = 1
	DefaultMaxReleaseDays  = 90
)

// Config says how a Server behaves. The zero value of every field but
// Verifiers has a sensible default.
type Config struct {
	// DataDir holds passcrow.db (created on first run). "" keeps
	// everything in memory, lost on Close. Ignored when Store is set.
	DataDir string
	// Store overrides DataDir with storage of the caller's choosing.
	Store Store

	// Verifiers delivers codes, one per identity kind ("email", ...).
	// Only these kinds are accepted for escrow.
	Verifiers map[string]verify.Verifier

	CountryCode string // published in the policy, e.g. "IS"
	AboutURL    string // published in the policy and passed to verifiers

	MaxExpiration   time.Duration // longest escrow; default 366 days
	MaxCodeTimeout  time.Duration // longest life of a verification code; default 24 h
	MaxRequestBytes int64         // largest request body; default 4096

	// RateLimit is the number of requests per second one client (an IPv4
	// address or an IPv6 /64) may make, with bursts of RateBurst (default
	// 5). 0 turns limiting off,
	// the default, so benchmarks measure the server. The client is the TCP
	// peer, or whom a trusted proxy forwards for (TrustedProxies).
	RateLimit float64
	RateBurst int
	// TrustedProxies are the reverse proxies whose X-Forwarded-For or
	// Forwarded header names the client for the rate limit (proxy.go);
	// from any other peer those headers are ignored.
	TrustedProxies []netip.Prefix
	// ProxyHeader is the header those proxies write: "X-Forwarded-For"
	// (the default, "") or "Forwarded". The other is not read, since a
	// proxy passes it on from the client as it came.
	ProxyHeader string

	// MaxConnsPerClient bounds the connections one client address (an
	// IPv4 address or an IPv6 /64, the TCP peer) may hold open on the
	// listeners ServeWith runs this Server on; default
	// DefaultMaxConnsPerClient (64). Connections from TrustedProxies count
	// only toward MaxConns. MaxConns bounds the open connections in all;
	// default the process's open-file limit less 128 (on Linux; 1024
	// elsewhere). A connection over either is closed once accepted
	// (connlimit.go). A negative value turns that cap off.
	MaxConnsPerClient, MaxConns int

	// ResendInterval is the least time between two codes sent for one
	// escrow; default DefaultResendInterval (1 min). A negative value
	// turns the wait off. Voiding a code does not shorten it.
	ResendInterval time.Duration

	// MaxSendsPerHour and MaxSendsPerDay bound the messages (codes and
	// notices) sent to one address, over all escrows and all instances
	// on one store (sendlimit.go), in any hour and any 24 hours; defaults
	// 6 and 20, at most 1,000. A negative value turns that bound off.
	MaxSendsPerHour, MaxSendsPerDay int

	// AllowKeylessDelete lets a deletion request without the escrow key
	// delete by id alone, as the reference server does. By default the
	// key is required: an id alone is no proof of ownership.
	AllowKeylessDelete bool

	// SweepInterval is how often expired data is removed; default 1 min.
	// A negative value turns the background sweeper off (reads still
	// ignore expired data).
	SweepInterval time.Duration

	// NoExtensions hides our extensions beyond protocol 1.0 (see
	// release.go): the server then answers as a reference server does.
	// Escrows already made with a waiting period keep it.
	NoExtensions bool
	// MinReleaseDays and MaxReleaseDays bound the waiting period of an
	// escrow before release; defaults 1 and 90.
	MinReleaseDays, MaxReleaseDays int

	// ReferenceIDs draws escrow ids wholly at random, as the reference
	// server does, instead of starting them with the time (newEscrowID):
	// for replaying the reference's captured traffic, whose later
	// requests name the ids it drew.
	ReferenceIDs bool

	Now    func() time.Time // default time.Now
	Rand   io.Reader        // default crypto/rand.Reader; codes and ids come from it
	Logger *slog.Logger     // default slog.Default()
}

func (c Config) withDefaults() (Config, error) {
	if c.MaxExpiration == 0 {
		c.MaxExpiration = DefaultMaxExpiration
	}
	if c.MaxCodeTimeout == 0 {
		c.MaxCodeTimeout = DefaultMaxCodeTimeout
	}
	if c.MaxRequestBytes == 0 {
		c.MaxRequestBytes = DefaultMaxRequestBytes
	}
	if c.SweepInterval == 0 {
		c.SweepInterval = DefaultSweepInterval
	}
	if c.ResendInterval == 0 {
		c.ResendInterval = DefaultResendInterval
	}
	if c.MaxSendsPerHour == 0 {
		c.MaxSendsPerHour = DefaultMaxSendsPerHour
	}
	if c.MaxSendsPerDay == 0 {
		c.MaxSendsPerDay = DefaultMaxSendsPerDay
	}
	if c.MaxConnsPerClient == 0 {
		c.MaxConnsPerClient = DefaultMaxConnsPerClient
	}
	if c.MaxConns == 0 {
		c.MaxConns = defaultMaxConns()
	}
	if c.RateLimit > 0 && c.RateBurst <= 0 {
		c.RateBurst = 5
	}
	if c.MinReleaseDays == 0 {
		c.MinReleaseDays = DefaultMinReleaseDays
	}
	if c.MaxReleaseDays == 0 {
		c.MaxReleaseDays = DefaultMaxReleaseDays
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Rand == nil {
		c.Rand = rand.Reader
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	switch {
	case c.MaxExpiration < time.Second:
		return c, fmt.Errorf("server: max expiration %v is under a second", c.MaxExpiration)
	case c.MaxCodeTimeout < time.Second:
		return c, fmt.Errorf("server: max code timeout %v is under a second", c.MaxCodeTimeout)
	case c.MaxRequestBytes < 256:
		return c, fmt.Errorf("server: max request bytes %d is too small for any request", c.MaxRequestBytes)
	case c.ProxyHeader != "" && !strings.EqualFold(c.ProxyHeader, "X-Forwarded-For") && !strings.EqualFold(c.ProxyHeader, "Forwarded"):
		return c, fmt.Errorf("server: proxy header %q is neither X-Forwarded-For nor Forwarded", c.ProxyHeader)
	case c.MaxSendsPerHour > maxSendsKept || c.MaxSendsPerDay > maxSendsKept:
		return c, fmt.Errorf("server: a send limit of %d messages to one address is over the most the server keeps count of, %d; for no limit, turn the limit off", max(c.MaxSendsPerHour, c.MaxSendsPerDay), maxSendsKept)
	case c.RateLimit < 0:
		return c, fmt.Errorf("server: negative rate limit %v", c.RateLimit)
	case c.MinReleaseDays < 1 || c.MaxReleaseDays < c.MinReleaseDays:
		return c, fmt.Errorf("server: release delay of %d to %d days", c.MinReleaseDays, c.MaxReleaseDays)
	case len(c.Verifiers) == 0:
		return c, errors.New("server: no verifiers, so no kind of identity could be escrowed")
	}
	for kind, v := range c.Verifiers {
		if kind == "" || v == nil {
			return c, fmt.Errorf("server: verifier for kind %q is missing", kind)
		}
	}
	return c, nil
}
