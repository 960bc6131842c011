package recovery

import (
	"context"
	"net/http"
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
//
// Our server states its own rate in answer headers a reference client
// never reads (pace.go); once a host has stated one, its gate paces by
// that instead of Interval.

// limiterMargin is added to every wait, for servers whose row expiry is
// compared with a clock that runs a little fast.
const limiterMargin = 20 * time.Millisecond

// The clock and sleep of pacing; tests count waits with their own.
var (
	paceNow   = time.Now
	paceSleep = sleepCtx
)

type hostGate struct {
	turn chan struct{} // holds one token: whoever took it may talk to the host
	// Guarded by turn:
	last   time.Time // when the previous exchange ended
	stated pace      // what the host said of its rate; zero if nothing
	tokens float64   // of the host's bucket as we reckon it, when stated
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

// hostTurn is one exchange's hold on its host's gate.
type hostTurn struct {
	g    *hostGate
	once sync.Once
}

// done ends the exchange; call it once the answer has been read.
func (t *hostTurn) done() {
	if t.g == nil {
		return
	}
	t.once.Do(func() {
		t.g.last = paceNow()
		t.g.turn <- struct{}{}
	})
}

// note takes the pace a host states in an answer's headers; an answer
// that states none leaves what the host said before.
func (t *hostTurn) note(h http.Header) {
	if t.g == nil {
		return
	}
	if p, ok := statedPace(h); ok {
		if p != t.g.stated {
			t.g.tokens = float64(p.burst) - 1 // this exchange took one
		}
		t.g.stated = p
	}
}

// waitTurn blocks until a request to host may start. With interval <= 0
// it never waits. Otherwise it waits interval after the previous exchange
// with host ended, or, for a host that stated a rate, until the host's
// bucket as we reckon it has a request left: refilled only from the end
// of our previous exchange, so we never count on more than the host has.
func waitTurn(ctx context.Context, host string, interval time.Duration) (*hostTurn, error) {
	if interval <= 0 {
		return &hostTurn{}, nil
	}
	g := gateFor(host)
	select {
	case <-g.turn:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if wait := g.wait(interval); wait > 0 {
		if err := paceSleep(ctx, wait); err != nil {
			g.turn <- struct{}{}
			return nil, err
		}
	}
	g.take()
	return &hostTurn{g: g}, nil
}

// wait is how long the next request must wait; the caller holds the turn.
func (g *hostGate) wait(interval time.Duration) time.Duration {
	if g.last.IsZero() {
		return 0
	}
	since := paceNow().Sub(g.last)
	if g.stated.rate == 0 {
		return interval + limiterMargin - since
	}
	tokens := min(float64(g.stated.burst), g.tokens+since.Seconds()*g.stated.rate)
	if tokens >= 1 {
		return 0
	}
	return time.Duration((1-tokens)/g.stated.rate*float64(time.Second)) + limiterMargin
}

// take spends one request of a stated bucket as the request starts.
func (g *hostGate) take() {
	if g.stated.rate == 0 || g.last.IsZero() {
		return
	}
	since := paceNow().Sub(g.last)
	g.tokens = max(0, min(float64(g.stated.burst), g.tokens+since.Seconds()*g.stated.rate)-1)
}
