package cli

import (
	"flag"
	"fmt"
	"net"
	"net/url"
	"sync"
	"time"

	"github.com/passcrow/passcrow-desktop/recovery"
)

// Anonymity on the command line (docs/PRIVACY.md): --proxy sends every
// request to a Passcrow server through a SOCKS5 proxy such as Tor, and
// the requests of one command go to different servers in random order,
// with random waits between them, unless --quick. The waits are on
// with or without a proxy: behind a VPN or a shared address, timing is
// what would still link the requests. They are off when every server is
// on this computer (a test or demo server of the user's own).

// serverCommands are the commands that talk to Passcrow servers; they
// take --proxy and --quick.
var serverCommands = map[string]bool{
	"protect": true, "verify": true, "recover": true, "recover-ephemeral": true,
	"check": true, "forget": true, "heir-status": true, "heir-stop": true, "claim": true,
}

const proxyUsage = "reach Passcrow servers through this SOCKS5 proxy `URL`, such as Tor's socks5h://127.0.0.1:9050 " +
	"(Tor Browser: 127.0.0.1:9150); names are resolved by the proxy, and .onion servers work only this way " +
	"(default: $PASSCROW_PROXY)"

const quickUsage = "contact the servers at once, in order, without the random waits (2 to 20 s) " +
	"that keep servers from linking your requests by their timing"

// netOptions are one command's --proxy and --quick, and the clients it
// made: one per server, so each server has its own connections and,
// through Tor, its own circuit for the whole command.
type netOptions struct {
	proxy    *recovery.Proxy // from --proxy, else $PASSCROW_PROXY; nil: direct
	proxySet bool
	quick    bool
	getenv   func(string) string

	mu      sync.Mutex
	clients map[string]*recovery.Client
}

// Set parses --proxy, so a bad URL is a usage error before anything runs.
func (n *netOptions) Set(s string) error {
	p, err := recovery.ParseProxy(s)
	if err != nil {
		return err
	}
	n.proxy, n.proxySet = p, true
	return nil
}

func (n *netOptions) String() string {
	if n == nil || n.proxy == nil {
		return ""
	}
	return n.proxy.String()
}

// addNetFlags registers --proxy and --quick on fs when the command
// talks to servers, and returns what they will hold (nil otherwise).
func addNetFlags(e *env, fs *flag.FlagSet) *netOptions {
	if !serverCommands[fs.Name()] {
		return nil
	}
	n := &netOptions{getenv: e.getenv}
	fs.Var(n, "proxy", proxyUsage)
	fs.BoolVar(&n.quick, "quick", false, quickUsage)
	return n
}

// proxyFor is the command's proxy; nil for a direct connection.
func (n *netOptions) proxyFor() (*recovery.Proxy, error) {
	if n == nil {
		return nil, nil
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if !n.proxySet && n.getenv != nil {
		if s := n.getenv("PASSCROW_PROXY"); s != "" {
			p, err := recovery.ParseProxy(s)
			if err != nil {
				return nil, fmt.Errorf("PASSCROW_PROXY: %w", err)
			}
			n.proxy = p
		}
		n.proxySet = true
	}
	return n.proxy, nil
}

// newClient is the client of server for this command, through the
// proxy when one is set; the same one each time it is asked for.
func (e *env) newClient(server string) (*recovery.Client, error) {
	p, err := e.net.proxyFor()
	if err != nil {
		return nil, err
	}
	if e.net == nil {
		return recovery.NewClient(server)
	}
	e.net.mu.Lock()
	defer e.net.mu.Unlock()
	if c := e.net.clients[server]; c != nil {
		return c, nil
	}
	c, err := p.NewClient(server)
	if err != nil {
		return nil, err
	}
	// A dead server costs a quarter of a minute of retries: say so as
	// they happen, not only at the end.
	c.OnRetry = func(err error, wait time.Duration, try, tries int) {
		e.notice("passcrow: %v; trying again in %v (try %d of %d)", err, wait.Round(time.Second), try, tries)
	}
	if e.net.clients == nil {
		e.net.clients = map[string]*recovery.Client{}
	}
	e.net.clients[server] = c
	return c, nil
}

// spread is how the command spaces its requests to servers: nil (at
// once, in order) with --quick or when every server is on loopback.
func (e *env) spread(servers []string) *recovery.Spread {
	if e.net == nil || e.net.quick || allLoopback(servers) {
		return nil
	}
	return recovery.DefaultSpread()
}

func allLoopback(servers []string) bool {
	for _, s := range servers {
		u, err := url.Parse(s)
		if err != nil {
			return false
		}
		ip := net.ParseIP(u.Hostname())
		if ip == nil || !ip.IsLoopback() {
			return false
		}
	}
	return true
}

// plannedServers are the Passcrow servers a protect will contact.
func plannedServers(plans []*planned) []string {
	var out []string
	for _, p := range plans {
		out = append(out, p.servers...)
	}
	return out
}

// ephemeralRecovery starts round 1 of a recovery name, through --proxy.
func (e *env) ephemeralRecovery(name string) (*recovery.EphemeralRecovery, error) {
	p, err := e.net.proxyFor()
	if err != nil {
		return nil, err
	}
	return recovery.NewEphemeralRecoveryVia(name, p)
}
