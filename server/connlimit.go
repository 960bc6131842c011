package server

import (
	"log/slog"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Every open connection holds a file descriptor, and net/http keeps an
// idle keep-alive connection for idleTimeout (2 minutes): one client
// opening thousands would use up the process's descriptors, and then no
// one is served and the store cannot open a file. The rate limit
// (ratelimit.go) counts requests, not what is held open, so the listener
// caps open connections per client address and in all. A connection over
// a cap is closed as soon as it is accepted, before a byte is read.
//
// The client here is the TCP peer: no header has been read yet. Behind a
// trusted proxy every client shares the proxy's address, so connections
// from TrustedProxies count only toward the total.

// DefaultMaxConnsPerClient is Config.MaxConnsPerClient's default: far
// more than a browser or our client opens (six at most), few enough that
// a thousand clients are needed to reach the total.
const DefaultMaxConnsPerClient = 64

// fallbackMaxConns is the default total cap where the open-file limit is
// not known.
const fallbackMaxConns = 1024

// reservedFDs are the descriptors the total cap leaves for the store, its
// journal, mail and logs.
const reservedFDs = 128

// maxConnsFor is the default total cap under an open-file limit of soft:
// the limit less reservedFDs, and at least half of a small one.
func maxConnsFor(soft uint64) int {
	const ceiling = 1 << 20 // RLIM_INFINITY and the like
	n := int(min(soft, ceiling))
	return max(n-reservedFDs, n/2, 1)
}

// ConnLimits are the caps on open connections that ServeWith applies
// for this configuration, defaults resolved: per client address and in
// all; -1 for no cap.
func (c Config) ConnLimits() (perClient, total int, err error) {
	c, err = c.withDefaults()
	if err != nil {
		return 0, 0, err
	}
	return max(c.MaxConnsPerClient, -1), max(c.MaxConns, -1), nil
}

// Why a connection was refused, as counted and logged.
const (
	refusedPerClient = iota
	refusedTotal
	numRefusals
)

var refusalNames = [numRefusals]string{"per_client", "total"}

var refusalLogs = [numRefusals]string{
	"connection refused: too many open connections from one client address",
	"connection refused: too many open connections in all",
}

// refusalLogEvery is how often each kind of refusal is logged at most: a
// flood of connections must not become a flood of log lines.
const refusalLogEvery = time.Minute

// connLimiter counts open connections per client and in all. A Server
// has one, shared by every listener it is served on.
type connLimiter struct {
	perClient, total int                   // <= 0: no cap
	trusted          func(netip.Addr) bool // peers capped only by total
	log              *slog.Logger
	now              func() time.Time
	refused          [numRefusals]prometheus.Counter
	open             prometheus.Gauge

	mu       sync.Mutex
	changed  *sync.Cond // broadcast on every change, for tests
	n        int
	byClient map[netip.Prefix]int
	lastLog  [numRefusals]time.Time
	unlogged [numRefusals]int // refusals since the last log line
}

// newConnLimiter makes a limiter; m may be nil (the counts are then kept
// nowhere).
func newConnLimiter(perClient, total int, trusted func(netip.Addr) bool, log *slog.Logger, now func() time.Time, m *metrics) *connLimiter {
	l := &connLimiter{perClient: perClient, total: total, trusted: trusted, log: log, now: now,
		byClient: make(map[netip.Prefix]int)}
	l.changed = sync.NewCond(&l.mu)
	if m == nil {
		m = &metrics{}
		m.addConnMetrics()
	}
	l.refused, l.open = m.connsRefused, m.connsOpen
	return l
}

func (l *connLimiter) capped() bool { return l.perClient > 0 || l.total > 0 }

// connKey is the client a connection from addr counts under: an IPv4
// address or an IPv6 /64 (see limiterKey), or ok false when only the total
// applies (a trusted proxy, or no IP address).
func (l *connLimiter) connKey(addr net.Addr) (key netip.Prefix, ok bool) {
	var ip netip.Addr
	if ta, isTCP := addr.(*net.TCPAddr); isTCP {
		ip = ta.AddrPort().Addr()
	} else if ap, err := netip.ParseAddrPort(addr.String()); err == nil {
		ip = ap.Addr()
	} else {
		return netip.Prefix{}, false
	}
	ip = ip.Unmap().WithZone("")
	if !ip.IsValid() || (l.trusted != nil && l.trusted(ip)) {
		return netip.Prefix{}, false
	}
	bits := 64
	if ip.Is4() {
		bits = 32
	}
	p, err := ip.Prefix(bits)
	return p, err == nil
}

// admit counts a connection from addr in, or says which cap it is over.
func (l *connLimiter) admit(addr net.Addr) (key netip.Prefix, perClient bool, refusal int) {
	key, perClient = l.connKey(addr)
	perClient = perClient && l.perClient > 0
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case l.total > 0 && l.n >= l.total:
		return key, perClient, refusedTotal
	case perClient && l.byClient[key] >= l.perClient:
		return key, perClient, refusedPerClient
	}
	l.n++
	if perClient {
		l.byClient[key]++
	}
	l.open.Inc()
	l.changed.Broadcast()
	return key, perClient, -1
}

// release counts a connection admitted by admit out.
func (l *connLimiter) release(key netip.Prefix, perClient bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.n--
	if perClient {
		if l.byClient[key] <= 1 {
			delete(l.byClient, key) // the map holds only clients connected now
		} else {
			l.byClient[key]--
		}
	}
	l.open.Dec()
	l.changed.Broadcast()
}

// refuse counts a refusal, and logs it unless one of its kind was
// logged in the last minute. The log names no address.
func (l *connLimiter) refuse(why int) {
	l.refused[why].Inc()
	now := l.now()
	l.mu.Lock()
	l.unlogged[why]++
	n := l.unlogged[why]
	due := l.lastLog[why].IsZero() || now.Sub(l.lastLog[why]) >= refusalLogEvery
	if due {
		l.lastLog[why], l.unlogged[why] = now, 0
	}
	l.mu.Unlock()
	if !due {
		return
	}
	limit := l.perClient
	if why == refusedTotal {
		limit = l.total
	}
	l.log.Warn(refusalLogs[why], "limit", limit, "refused", n, "logged_at_most_every", refusalLogEvery)
}

// connLimitListener closes, as soon as they are accepted, the connections
// over its limiter's caps, and counts the others until they close.
type connLimitListener struct {
	net.Listener
	lim *connLimiter
}

func (l *connLimitListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		key, perClient, refusal := l.lim.admit(c.RemoteAddr())
		if refusal < 0 {
			return &limitedConn{Conn: c, lim: l.lim, key: key, perClient: perClient}, nil
		}
		l.lim.refuse(refusal)
		c.Close()
	}
}

// limitedConn gives its place back when it is closed.
type limitedConn struct {
	net.Conn
	lim       *connLimiter
	key       netip.Prefix
	perClient bool
	closed    atomic.Bool
}

func (c *limitedConn) Close() error {
	err := c.Conn.Close() // the descriptor is free before the place is
	if c.closed.CompareAndSwap(false, true) {
		c.lim.release(c.key, c.perClient)
	}
	return err
}

// CloseWrite keeps the lingering close working through the wrapper
// (httpconn.go closes the writing side first after an error).
func (c *limitedConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}
