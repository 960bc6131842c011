package recovery

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/wire"
)

// Errors a Passcrow server can answer with, for callers to match with
// errors.Is. Anything else a server says is a *ServerError.
var (
	// ErrIncorrectCode means the server refused the verification code.
	ErrIncorrectCode = errors.New("incorrect verification code")
	// ErrCodeExpired means the server has no code pending for the escrow:
	// it expired, was used by a recovery, or too many wrong guesses voided
	// it. Asking for a new code (Verify) helps.
	ErrCodeExpired = errors.New("no valid code: ask for a new one")
	// ErrTooSoon means the server sends one code per escrow per interval
	// (our server: a minute) and the last one went out just now.
	ErrTooSoon = errors.New("a code was sent moments ago: wait a minute before asking again")
	// ErrInsufficientPayment means the server found the payment worth nothing.
	ErrInsufficientPayment = errors.New("insufficient payment")
	// ErrUnsupportedKind means the server cannot verify this kind of identity.
	ErrUnsupportedKind = errors.New("identity kind not supported by the server")
	// ErrRateLimited means the server kept refusing us for asking too often,
	// after every retry.
	ErrRateLimited = errors.New("server is rate limiting us")
	// ErrBadResponse means the server's answer was not a Passcrow 1.0
	// answer: not JSON, too large, or the wrong message.
	ErrBadResponse = errors.New("unusable answer from server")
	// ErrInsecureServer means a server URL would send secrets in the clear.
	ErrInsecureServer = errors.New("server URL must use https")
	// ErrNoPaymentScheme means no scheme of the server keeps data as long
	// as asked.
	ErrNoPaymentScheme = errors.New("server does not keep data that long")
)

// ServerError is an error message from a Passcrow server that has no
// sentinel of its own ("Internal Error", an HTTP error page, ...).
type ServerError struct {
	Server  string // the server's name, as in packs
	Status  int    // the HTTP status, 200 for a JSON "error"
	Message string // what the server said, shortened
}

func (e *ServerError) Error() string {
	if e.Status != http.StatusOK {
		return fmt.Sprintf("passcrow server %s: HTTP %d: %s", e.Server, e.Status, e.Message)
	}
	return fmt.Sprintf("passcrow server %s: %s", e.Server, e.Message)
}

// Defaults of a new Client.
const (
	// DefaultInterval is the gap the reference server needs between two
	// requests from one address; see limiter.go.
	DefaultInterval = time.Second
	// DefaultTimeout bounds one HTTP exchange.
	DefaultTimeout = 30 * time.Second
	// DefaultAttempts is how often a request is tried on network errors
	// and rate limiting.
	DefaultAttempts = 5
	// DefaultBackoff is the first wait before a retry; it doubles.
	DefaultBackoff = time.Second
	// maxResponseBytes caps what we read from a server. The largest
	// legitimate answer is an ephemeral pack in a recovery response, which
	// the reference keeps under its 4096-byte request limit.
	maxResponseBytes = 64 << 10
	// policyTTL is how long a policy is reused for the escrows of one
	// protect run.
	policyTTL = 10 * time.Minute
)

// A Client speaks Passcrow 1.0 to one server, byte-compatible with the
// reference client. Its fields may be changed after NewClient and before
// first use; a Client is safe for concurrent use afterwards.
type Client struct {
	// HTTP makes the requests; NewClient sets a client that does not
	// follow redirects (a redirect would resend the body elsewhere).
	HTTP *http.Client
	// Now is the clock for expirations and hashcash stamps.
	Now func() time.Time
	// Rand is the source of escrow keys and of the nonces of escrow
	// requests (tests replay recorded requests byte for byte with it).
	Rand io.Reader
	// Timeout bounds each HTTP exchange (each retry has its own).
	Timeout time.Duration
	// Interval is the least time between the end of one request and the
	// start of the next to the same host, shared by all Clients in the
	// process. Zero turns the limit off (for servers of our own in tests).
	Interval time.Duration
	// Attempts is how often a retryable request is tried in all.
	Attempts int
	// Backoff is the wait before the first retry; it doubles, with jitter.
	Backoff time.Duration
	// OnRetry, when set, hears before each wait for a retry: what went
	// wrong, how long the wait is, and which try comes next of how many.
	// A command-line tool tells its user why nothing happens meanwhile.
	OnRetry func(err error, wait time.Duration, try, tries int)
	// Workers is the number of hashcash workers; 0 uses every core.
	Workers int
	// MaxHashcashBits is the most hashcash work paid for one escrow;
	// 0 means DefaultMaxHashcashBits. A server asking for more gets
	// ErrPaymentTooCostly. Each bit doubles the work.
	MaxHashcashBits int

	name string   // the server as packs name it: "pc-test.local" or a URL
	base *url.URL // where /passcrow/<method> is appended

	mu       sync.Mutex
	policy   *wire.Policy
	policyAt time.Time
	solve    solveFunc // nil = hashcash.Solve; tests put recorded stamps here
}

// NewClient makes a client for server, which is a bare host name (as
// reference packs have it, meaning https://host) or an https URL. Plain
// http is accepted only to a loopback IP literal (127.0.0.1, [::1]), not
// to "localhost", which a resolver or proxy can send elsewhere. An
// .onion server needs a Proxy (see Proxy.NewClient).
func NewClient(server string) (*Client, error) {
	return newClient(server, false)
}

func newClient(server string, proxied bool) (*Client, error) {
	base, name, err := parseServerURL(server, proxied)
	if err != nil {
		return nil, err
	}
	return &Client{
		HTTP: &http.Client{
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		Now:      time.Now,
		Rand:     rand.Reader,
		Timeout:  DefaultTimeout,
		Interval: DefaultInterval,
		Attempts: DefaultAttempts,
		Backoff:  DefaultBackoff,
		name:     name,
		base:     base,
	}, nil
}

// Server is the server's name as a pack records it: the bare host for
// https servers at the root, the full URL otherwise.
func (c *Client) Server() string { return c.name }

// Host is the host (and port, if any) requests go to.
func (c *Client) Host() string { return c.base.Host }

func parseServerURL(server string, proxied bool) (base *url.URL, name string, err error) {
	s := strings.TrimSpace(server)
	if s == "" {
		return nil, "", errors.New("empty passcrow server name")
	}
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, "", fmt.Errorf("passcrow server %q: %w", server, err)
	}
	if u.Host == "" || u.Hostname() == "" {
		return nil, "", fmt.Errorf("passcrow server %q: no host name", server)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return nil, "", fmt.Errorf("passcrow server %q: only scheme, host, port and path are allowed", server)
	}
	onion, err := checkOnion(u.Hostname(), proxied)
	if err != nil {
		return nil, "", fmt.Errorf("passcrow server %q: %w", server, err)
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !isLoopbackHost(u.Hostname()) && !onion {
			return nil, "", fmt.Errorf("passcrow server %q: %w (plain http only to a loopback IP such as 127.0.0.1, or to an .onion server through Tor)", server, ErrInsecureServer)
		}
	default:
		return nil, "", fmt.Errorf("passcrow server %q: %w", server, ErrInsecureServer)
	}
	u.Host = strings.ToLower(u.Host)
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	name = u.String()
	if u.Scheme == "https" && u.Path == "" {
		name = u.Host
	}
	return u, name, nil
}
