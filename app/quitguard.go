package app

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"sync"
	"syscall"
	"time"
)

// quitGrace is how long Fyne gets to finish quitting. It takes well under
// a second, even built with -race on a loaded machine.
const quitGrace = 10 * time.Second

// A quitGuard ends the process when Fyne does not finish quitting.
//
// Fyne 2.7.1 hands its last lifecycle event (its own save of the
// preferences at stop) to its main loop from another goroutine while
// that loop drains its queue for the last time. When the hand-over comes
// between the drain and the queue's closing, the event is never run, and
// Fyne's Run waits for it forever: the window is gone, the process stays
// (and with it the demo server). This happened about once in ten CI runs
// of scripts/screenshots.sh; a copy of Fyne that delays the hand-over by
// a few milliseconds hangs every time, with goroutine 1 in
// Lifecycle.WaitForEvents. Nothing of ours is lost then: the packs are
// in the keychain and every preference was saved when it changed.
//
// Once a quit has begun (arm), the guard waits quitGrace for Run to
// return (finish); then it writes every goroutine's stack to log, runs
// cleanup, which does what Run would have done after Fyne returned, and
// exits with cleanup's code.
type quitGuard struct {
	grace   time.Duration
	log     io.Writer
	cleanup func() int
	exit    func(code int)

	mu        sync.Mutex // guards cleanup, set while the app runs
	arming    sync.Once
	finishing sync.Once
	finished  chan struct{}
	// watched is closed when the watch that arm started ends (tests).
	watched chan struct{}
}

func newQuitGuard(grace time.Duration, log io.Writer, cleanup func() int, exit func(int)) *quitGuard {
	return &quitGuard{grace: grace, log: log, cleanup: cleanup, exit: exit,
		finished: make(chan struct{}), watched: make(chan struct{})}
}

// setCleanup replaces what the guard runs before it exits, as what the
// app must close changes (the packs opened after a retry).
func (g *quitGuard) setCleanup(cleanup func() int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.cleanup = cleanup
}

// armOnSignals arms the guard when the app is told to stop (Ctrl+C, or
// SIGTERM at logout): Fyne quits on those by itself, past our Quit.
func (g *quitGuard) armOnSignals() {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sig
		g.arm()
	}()
}

// arm starts the grace period; only the first call counts.
func (g *quitGuard) arm() {
	g.arming.Do(func() { go g.watch() })
}

// finish says Fyne's Run returned: the guard has nothing to do.
func (g *quitGuard) finish() {
	g.finishing.Do(func() { close(g.finished) })
}

func (g *quitGuard) watch() {
	defer close(g.watched)
	t := time.NewTimer(g.grace)
	defer t.Stop()
	select {
	case <-g.finished:
	case <-t.C:
		g.fire()
	}
}

// fire says why the app stops, with the stacks that show where Fyne
// stuck (addresses and names, never the contents of memory), then stops it.
func (g *quitGuard) fire() {
	fmt.Fprintf(g.log, "passcrow: the window toolkit did not finish quitting within %v, so the app stops here; every goroutine's stack follows\n", g.grace)
	buf := make([]byte, 1<<20)
	_, _ = g.log.Write(buf[:runtime.Stack(buf, true)])
	g.mu.Lock()
	cleanup := g.cleanup
	g.mu.Unlock()
	g.exit(cleanup())
}
