package cli

import (
	"fmt"
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
	return func(p recovery.Progress) {
		mu.Lock()
		defer mu.Unlock()
		if p.Stage == "paying" && p.Fraction >= 0 {
			if time.Since(lastAt[p.Location]) < 500*time.Millisecond {
				return
			}
			lastAt[p.Location] = time.Now()
			fmt.Fprintf(e.stderr, "  %s: paying with hashcash (%.0f%% likely done)\n", termtext.Clean(p.Location), 100*p.Fraction)
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
