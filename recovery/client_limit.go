package recovery

import (
	"context"
	"sync"
	"time"
)

// The reference server accepts one request per client address per calendar
// second (and answers a second one with an HTML 500 page). Clock offsets
// between us and the server make "the next second boundary" unknowable
// here, so we wait for Interval after the previous answer arrived instead:
// the server saw that request before it answered, so the next one reaches
// it more than a second later, whatever its clock says. The gate is per
// host and shared by every Client in the process, since all of them share
// our address; holding the turn for the whole exchange also keeps
// concurrent placements on one server from racing each other.

// limiterMargin is added to every wait, for servers whose row expiry is
// compared with a clock that runs a little fast.
const limiterMargin = 20 * time.Millisecond

type hostGate struct {
	turn chan struct{} // holds one token: whoever took it may talk to the host
	last time.Time     // when the previous exchange ended; guarded by turn
}

var hostGates = struct {
	sync.Mutex
	m map[string]*hostGate
}{m: map[string]*hostGate{}}

func gateFor(host string) *hostGate {
	hostGates.Lock()
	defer hostGates.Unlock()
	g := hostGates.m[host]
	if g == nil {
		g = &hostGate{turn: make(chan struct{}, 1)}
		g.turn <- struct{}{}
		hostGates.m[host] = g
	}
	return g
}

// waitTurn blocks until a request to host may start, and returns the
// function to call once its answer has been read. With interval <= 0 it
// never waits.
func waitTurn(ctx context.Context, host string, interval time.Duration) (done func(), err error) {
	if interval <= 0 {
		return func() {}, nil
	}
	g := gateFor(host)
	select {
	case <-g.turn:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if !g.last.IsZero() {
		if wait := time.Until(g.last.Add(interval + limiterMargin)); wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
				g.turn <- struct{}{}
				return nil, ctx.Err()
			}
		}
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			g.last = time.Now()
			g.turn <- struct{}{}
		})
	}, nil
}
