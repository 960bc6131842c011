package cli

import (
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/termtext"

	"github.com/passcrow/passcrow-desktop/recovery"
)

// progressPrinter reports placements on stderr: each new stage once, and
// hashcash progress at most every half second, so a long proof of work
// shows it is alive without flooding a log.
func (e *env) progressPrinter() func(recovery.Progress) {
	var mu sync.Mutex
	last := map[string]string{}
	lastAt := map[string]time.Time{}
	began := map[string]time.Time{}
	return func(p recovery.Progress) {
		mu.Lock()
		defer mu.Unlock()
		if p.Stage == "paying" && p.Fraction >= 0 {
			now := time.Now()
			if began[p.Location].IsZero() {
				began[p.Location] = now
			}
			if now.Sub(lastAt[p.Location]) < 500*time.Millisecond {
				return
			}
			lastAt[p.Location] = now
			fmt.Fprintf(e.stderr, "  %s: %s\n", termtext.Clean(p.Location), payingText(p.Fraction, now.Sub(began[p.Location])))
			last[p.Location] = p.Stage
			return
		}
		if last[p.Location] == p.Stage {
			return
		}
		last[p.Location] = p.Stage
		// A warning stage quotes the server: cleaned like all it says.
		fmt.Fprintf(e.stderr, "  %s: %s\n", termtext.Clean(p.Location), termtext.Clean(p.Stage))
	}
}

// payingText says in plain words what a server's proof of work
// (hashcash) is, and about how long it takes. fraction is the chance
// that it is done after elapsed (1 - e^(-elapsed/mean)); the search is
// memoryless, so the time still to wait is about the mean itself.
func payingText(fraction float64, elapsed time.Duration) string {
	const what = "proving this request is not spam…"
	if fraction <= 0 || fraction >= 1 || elapsed <= 0 {
		return what
	}
	mean := time.Duration(-float64(elapsed) / math.Log1p(-fraction))
	if mean < time.Second {
		mean = time.Second
	}
	return fmt.Sprintf("%s (about %d s)", what, int(mean.Round(time.Second)/time.Second))
}
