package app

import (
	"strings"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/syncbuf"
)

// TestQuitGuardStopsAStuckQuit: when Run does not return within the
// grace, the guard says so with the stacks, cleans up once, and exits
// with the cleanup's code.
func TestQuitGuardStopsAStuckQuit(t *testing.T) {
	var log syncbuf.Buffer
	exited := make(chan int, 2)
	cleanups := 0
	g := newQuitGuard(time.Millisecond, &log, func() int { cleanups++; return 3 }, func(code int) { exited <- code })
	g.arm()
	g.arm() // a second quit (the menu, then the window's close) arms nothing more
	if code := <-exited; code != 3 {
		t.Errorf("exit code %d, want the cleanup's 3", code)
	}
	<-g.watched
	if cleanups != 1 || len(exited) != 0 {
		t.Errorf("%d cleanups and %d more exits, want 1 and 0", cleanups, len(exited))
	}
	out := log.String()
	if !strings.Contains(out, "did not finish quitting") || !strings.Contains(out, "goroutine ") ||
		!strings.Contains(out, "TestQuitGuardStopsAStuckQuit") {
		t.Errorf("the guard's log has no reason or no stacks:\n%.600s", out)
	}
}

// TestQuitGuardQuietWhenRunReturns: a quit that finishes in time leaves
// the process alone, and so does one never armed.
func TestQuitGuardQuietWhenRunReturns(t *testing.T) {
	var log syncbuf.Buffer
	exited := make(chan int, 1)
	g := newQuitGuard(time.Hour, &log, func() int { return 0 }, func(code int) { exited <- code })
	g.arm()
	g.finish()
	g.finish() // Run's last return and a deferred one
	<-g.watched
	if len(exited) != 0 || log.String() != "" {
		t.Errorf("the guard fired after Run returned: exits %d, log %q", len(exited), log.String())
	}

	never := newQuitGuard(time.Millisecond, &log, func() int { return 0 }, func(code int) { exited <- code })
	never.finish()
	select {
	case <-never.watched:
		t.Error("a guard never armed watched anyway")
	default:
	}
}

// TestQuitGuardUsesTheLatestCleanup: packs opened after a retry are what
// the guard closes.
func TestQuitGuardUsesTheLatestCleanup(t *testing.T) {
	exited := make(chan int, 1)
	g := newQuitGuard(time.Millisecond, &syncbuf.Buffer{}, func() int { return 1 }, func(code int) { exited <- code })
	g.setCleanup(func() int { return 7 })
	g.arm()
	if code := <-exited; code != 7 {
		t.Errorf("exit code %d, want 7 from the cleanup set last", code)
	}
}
