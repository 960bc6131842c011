package state

import (
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/passcrow/passcrow-desktop/recovery"
)

// Items made with the demo server name it by its address, 127.0.0.1 and
// the port it had. The demo keeps its escrows in its own folder across
// restarts, so those items work again once it runs on that port again:
// the overview starts it by itself when such items exist, and says so on
// each of them when it cannot (another program took the port, or the
// demo's folder is gone), so they can still be removed.

// DemoPortError means the demo server could not listen on the port the
// demo items name, so it was not started elsewhere.
type DemoPortError struct {
	Port int
	Err  error
}

func (e *DemoPortError) Error() string {
	return fmt.Sprintf("the demo server cannot use port %d again: %v", e.Port, e.Err)
}

func (e *DemoPortError) Unwrap() error { return e.Err }

// ErrDemoPortTaken is what a DemoPortError is (errors.Is).
var ErrDemoPortTaken = errors.New("the demo server's port is taken")

// Is lets errors.Is(err, ErrDemoPortTaken) match.
func (e *DemoPortError) Is(target error) bool { return target == ErrDemoPortTaken }

// demoURL is the address the demo server had last, "" when it never ran
// in this profile.
func (s *State) demoURL() string {
	if d := s.Demo(); d != nil {
		return d.URL
	}
	if port := s.prefs.IntWithFallback(prefDemoPort, 0); port > 0 {
		return "http://127.0.0.1:" + strconv.Itoa(port)
	}
	return ""
}

// usesDemo reports whether p names the demo server at demo.
func usesDemo(p *recovery.Pack, demo string) bool {
	if demo == "" {
		return false
	}
	return slices.Contains(recovery.PackServers(p), demo)
}

// demoItemsPort is the port the demo last had, and whether some item
// names the demo there (it must then start on that port again).
func (s *State) demoItemsPort() (int, bool) {
	port := s.prefs.IntWithFallback(prefDemoPort, 0)
	if port <= 0 {
		return 0, false
	}
	demo := "http://127.0.0.1:" + strconv.Itoa(port)
	names, err := s.names()
	if err != nil {
		return port, false
	}
	for _, n := range names {
		if p, err := s.loadPack(n); err == nil && usesDemo(p, demo) {
			return port, true
		}
	}
	return port, false
}

// DemoNeeded reports whether some item was made with the demo server and
// it is not running, and it was not tried in vain since the app started:
// the overview then starts it (StartDemo).
func (s *State) DemoNeeded() bool {
	if s.Demo() != nil || s.DemoFailed() != nil {
		return false
	}
	_, needed := s.demoItemsPort()
	return needed
}

// DemoFailed is why the demo server could not start when it was last
// tried, or nil.
func (s *State) DemoFailed() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.demoErr
}

// IsDemoServer reports whether server (as recovery.PackServers names
// it) is the demo server, running or at the address it had last.
func (s *State) IsDemoServer(server string) bool {
	demo := s.demoURL()
	return demo != "" && server == demo
}
