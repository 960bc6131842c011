package recovery

import (
	"context"
	"crypto/rand"
	"crypto/sha3"
	"encoding/base32"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/net/proxy"
)

// Reaching servers through a SOCKS5 proxy, Tor first. What this hides
// and what it cannot is written down in docs/PRIVACY.md.
//
//   - Names are sent to the proxy to resolve (the socks5h way) and never
//     looked up here, so neither the local network nor its DNS server
//     learns which servers we talk to. golang.org/x/net/proxy passes a
//     name on as a name; the only address dialled here is the proxy's.
//   - Every Client gets its own connections and its own random SOCKS
//     user name and password. Tor (IsolateSOCKSAuth, on by default)
//     gives streams with different credentials different circuits, so
//     two servers never see one exit relay for one user, and the
//     connections of one server are never reused for another.
//   - An .onion server is end-to-end encrypted and authenticated by its
//     own address, so plain http is accepted there, but only through a
//     proxy: without one the name would go to the local DNS server.

// UserAgent is the User-Agent of every request: the protocol and nothing
// about this program's version, the system or the user.
const UserAgent = "passcrow/1.0"

// ErrOnionNeedsProxy means an .onion server was named for a client
// without a proxy: only Tor reaches it, and looking the name up here
// would tell the local network which server it is.
var ErrOnionNeedsProxy = errors.New("an .onion server is reached only through Tor: give a proxy such as socks5h://127.0.0.1:9050")

// proxiedTimeout bounds one exchange through a proxy: Tor needs seconds
// to build a circuit, and tens of seconds to reach an onion service.
const proxiedTimeout = 2 * DefaultTimeout

// A Proxy sends Passcrow requests through a SOCKS5 proxy such as Tor's.
// A nil *Proxy means a direct connection; its NewClient is NewClient.
type Proxy struct {
	addr string      // host:port of the proxy
	auth *proxy.Auth // from the URL; nil: fresh random credentials per Client
	// dial reaches the proxy itself; nil is a net.Dialer. Tests record
	// what is dialled here (it must only ever be the proxy).
	dial func(ctx context.Context, network, addr string) (net.Conn, error)
}

// ParseProxy reads a proxy URL: socks5h://HOST:PORT, as Tor listens on
// 127.0.0.1:9050 (the tor service) or 127.0.0.1:9150 (Tor Browser).
// socks5://HOST:PORT is read the same way: names are always resolved by
// the proxy, never here. USER:PASSWORD@ is sent as given, and then every
// Client shares those credentials (and, with Tor, a circuit).
func ParseProxy(s string) (*Proxy, error) {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil {
		return nil, fmt.Errorf("proxy %q: %w", s, err)
	}
	switch u.Scheme {
	case "socks5h", "socks5":
	default:
		return nil, fmt.Errorf("proxy %q: only SOCKS5 proxies are supported: socks5h://HOST:PORT", s)
	}
	if u.Hostname() == "" || u.Port() == "" {
		return nil, fmt.Errorf("proxy %q: give the host and port, as in socks5h://127.0.0.1:9050", s)
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("proxy %q: only the host, port and credentials are allowed", s)
	}
	p := &Proxy{addr: u.Host}
	if u.User != nil {
		pw, _ := u.User.Password()
		p.auth = &proxy.Auth{User: u.User.Username(), Password: pw}
		if len(p.auth.User) == 0 || len(p.auth.User) > 255 || len(p.auth.Password) > 255 {
			return nil, fmt.Errorf("proxy %q: SOCKS5 takes a user name of 1 to 255 bytes and a password of at most 255", u.Redacted())
		}
	}
	return p, nil
}

// String is the proxy's URL without its password.
func (p *Proxy) String() string {
	if p == nil {
		return ""
	}
	u := url.URL{Scheme: "socks5h", Host: p.addr}
	if p.auth != nil {
		u.User = url.User(p.auth.User)
	}
	return u.String()
}

// Addr is the proxy's host:port.
func (p *Proxy) Addr() string { return p.addr }

// NewClient makes a client for server (as NewClient does) whose requests
// all go through the proxy, on connections of its own, with SOCKS
// credentials of its own; an .onion server may use plain http. With a
// nil p it is NewClient.
func (p *Proxy) NewClient(server string) (*Client, error) {
	if p == nil {
		return NewClient(server)
	}
	c, err := newClient(server, true)
	if err != nil {
		return nil, err
	}
	tr, err := p.transport(p.clientAuth())
	if err != nil {
		return nil, err
	}
	c.HTTP.Transport = tr
	c.Timeout = proxiedTimeout
	return c, nil
}

// clientAuth is the SOCKS credentials of a new Client: those of the URL,
// or a random pair of its own. Tor isolates streams by them; any
// distinct pair will do.
func (p *Proxy) clientAuth() *proxy.Auth {
	if p.auth != nil {
		return p.auth
	}
	return &proxy.Auth{User: rand.Text(), Password: rand.Text()}
}

// transport is one Client's own: its connections are never shared with
// another server's Client.
func (p *Proxy) transport(auth *proxy.Auth) (*http.Transport, error) {
	var forward proxy.Dialer = &net.Dialer{Timeout: DefaultTimeout}
	if p.dial != nil {
		forward = contextDialer(p.dial)
	}
	d, err := proxy.SOCKS5("tcp", p.addr, auth, forward)
	if err != nil {
		return nil, fmt.Errorf("proxy %s: %w", p, err)
	}
	cd, ok := d.(proxy.ContextDialer)
	if !ok {
		return nil, fmt.Errorf("proxy %s: the SOCKS dialer cannot be cancelled", p)
	}
	return &http.Transport{
		// Only the SOCKS dialer: no HTTP(S)_PROXY from the environment,
		// and the transport never resolves a name itself.
		Proxy:               nil,
		DialContext:         cd.DialContext,
		TLSHandshakeTimeout: DefaultTimeout,
		IdleConnTimeout:     90 * time.Second,
		MaxIdleConnsPerHost: 1,
	}, nil
}

type contextDialer func(ctx context.Context, network, addr string) (net.Conn, error)

func (f contextDialer) Dial(network, addr string) (net.Conn, error) {
	return f(context.Background(), network, addr)
}

func (f contextDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	return f(ctx, network, addr)
}

// checkOnion reports whether host is an .onion name, and refuses one
// that is not a well-formed version 3 address (version 2 addresses are
// gone from Tor) or that a client without a proxy would have to look up.
func checkOnion(host string, proxied bool) (bool, error) {
	h := strings.TrimSuffix(strings.ToLower(host), ".")
	if h != "onion" && !strings.HasSuffix(h, ".onion") {
		return false, nil
	}
	if !proxied {
		return true, ErrOnionNeedsProxy
	}
	labels := strings.Split(strings.TrimSuffix(h, ".onion"), ".")
	if err := checkOnionV3(labels[len(labels)-1]); err != nil {
		return true, fmt.Errorf("%q is not an onion address: %w", host, err)
	}
	return true, nil
}

// checkOnionV3 checks the 56 characters before ".onion": base32 of the
// service's ed25519 key, a two-byte checksum and the version, 3
// (Tor's rend-spec-v3, "Encoding onion addresses").
func checkOnionV3(label string) error {
	if len(label) != 56 {
		return fmt.Errorf("%d characters before .onion, want 56", len(label))
	}
	raw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.ToUpper(label))
	if err != nil || len(raw) != 35 {
		return errors.New("not base32")
	}
	pub, sum, version := raw[:32], raw[32:34], raw[34]
	if version != 3 {
		return fmt.Errorf("version %d, want 3", version)
	}
	want := sha3.Sum256(append(append([]byte(".onion checksum"), pub...), version))
	if sum[0] != want[0] || sum[1] != want[1] {
		return errors.New("the checksum does not match: a typing error?")
	}
	return nil
}
