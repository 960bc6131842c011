package state

import (
	"context"
	"io"
	"net"
	"sync"
	"time"

	"github.com/passcrow/passcrow-desktop/recovery"
)

// Tor and spreading in the app (docs/PRIVACY.md). With "Use Tor" on,
// every request to a Passcrow server goes through the Tor found on this
// computer; requests to several servers go in random order with waits
// between them unless every server is on loopback (the demo).

// prefTorProxy is the SOCKS5 URL of the Tor the user chose to use, ""
// for none. It is not a secret.
const prefTorProxy = "network.tor"

// TorAddrs are where a Tor on this computer takes SOCKS connections:
// the tor service, then Tor Browser.
var TorAddrs = []string{"127.0.0.1:9050", "127.0.0.1:9150"}

// DetectTor returns, as a socks5h:// URL, the first of addrs (TorAddrs
// when none are given) where a SOCKS5 proxy answers that needs no
// password, or "" when none does. It waits at most a second per address.
func DetectTor(ctx context.Context, addrs ...string) string {
	if len(addrs) == 0 {
		addrs = TorAddrs
	}
	for _, a := range addrs {
		if socks5Answers(ctx, a) {
			return "socks5h://" + a
		}
	}
	return ""
}

// socks5Answers greets addr as a SOCKS5 client offering no
// authentication and reports whether it answered as a SOCKS5 proxy that
// accepts that: a port held by anything else does not.
func socks5Answers(ctx context.Context, addr string) bool {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return false
	}
	defer c.Close()
	if dl, ok := ctx.Deadline(); ok {
		c.SetDeadline(dl)
	}
	if _, err := c.Write([]byte{5, 1, 0}); err != nil {
		return false
	}
	var b [2]byte
	if _, err := io.ReadFull(c, b[:]); err != nil {
		return false
	}
	return b == [2]byte{5, 0}
}

// netProxy is the proxy every client of the process uses, as the
// clients themselves are the process's (flows.go); nil: direct.
var netProxy struct {
	sync.Mutex
	p *recovery.Proxy
}

func currentProxy() *recovery.Proxy {
	netProxy.Lock()
	defer netProxy.Unlock()
	return netProxy.p
}

// TorProxy is the SOCKS5 URL of the Tor in use, or "" when Tor is off.
func (s *State) TorProxy() string { return s.prefs.StringWithFallback(prefTorProxy, "") }

// SetTorProxy turns Tor on through the SOCKS5 proxy at url (as
// DetectTor finds it), or off with "". It applies to every request
// from now on.
func (s *State) SetTorProxy(url string) error {
	var p *recovery.Proxy
	if url != "" {
		var err error
		if p, err = recovery.ParseProxy(url); err != nil {
			return err
		}
	}
	s.prefs.SetString(prefTorProxy, url)
	netProxy.Lock()
	netProxy.p = p
	netProxy.Unlock()
	return nil
}

// applyTor makes the saved setting the process's, when the app starts.
// A setting that no longer parses is dropped: the user sees Tor off.
func (s *State) applyTor() {
	if err := s.SetTorProxy(s.TorProxy()); err != nil {
		_ = s.SetTorProxy("")
	}
}

// spreadFor is how a flow spaces its requests to servers: nil (at once,
// in order) when every server is on loopback, as the demo is.
func spreadFor(servers []string) *recovery.Spread {
	for _, s := range servers {
		if !loopback(s) {
			return recovery.DefaultSpread()
		}
	}
	return nil
}

// StageSpreading is a location waiting a Spread's random time before
// its server is contacted, so servers cannot link the requests; the
// Progress's Wait says how long.
const StageSpreading = "spreading"

// OnSpreadWait sets what hears of each wait while a recovery asks the
// servers for codes (nil: nothing), so a screen can show it.
func (s *State) OnSpreadWait(f func(time.Duration)) {
	s.waitMu.Lock()
	s.onWait = f
	s.waitMu.Unlock()
}

// spreadWaitProgress is StartRecovery's progress: waits go to OnSpreadWait's.
func (s *State) spreadWaitProgress(p recovery.Progress) {
	if p.Wait <= 0 {
		return
	}
	s.waitMu.Lock()
	f := s.onWait
	s.waitMu.Unlock()
	if f != nil {
		f(p.Wait)
	}
}

func assignmentServers(as []Assignment) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.Server)
	}
	return out
}
