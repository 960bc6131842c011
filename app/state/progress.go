package state

import (
	"regexp"
	"strings"
	"time"

	"github.com/passcrow/passcrow-desktop/recovery"
)

// Stages of one location while Protect places its fragment, as a
// ProgressFunc gets them; the screens give each a translated label.
const (
	StageWaiting     = "waiting"      // for its turn: fragments go out one at a time
	StageSending     = "sending"      // the escrow request is on its way
	StagePaying      = "paying"       // solving the server's hashcash puzzle
	StageDone        = "done"         // the server keeps the fragment
	StageShortExpiry = "short-expiry" // the server keeps it for less time than asked
	StageWorking     = "working"      // a stage this version does not know
)

// Stages lists every stage, for the screens' tests.
var Stages = []string{StageWaiting, StageSending, StagePaying, StageDone, StageShortExpiry, StageWorking, StageSpreading}

// Progress is what one location is doing.
type Progress struct {
	Stage    string
	Fraction float64       // 0..1, or -1 when unknown
	Until    time.Time     // with StageShortExpiry, the day the server keeps it until (zero if unknown)
	Wait     time.Duration // with StageSpreading, how long (tor.go)
}

// ProgressFunc receives what a flow is doing for assignment i (an index
// into Plan.Assignments).
type ProgressFunc func(i int, p Progress)

// untilDate finds the granted date in a recovery.ShortExpiryWarning's
// text, which is all the progress report carries of it.
var untilDate = regexp.MustCompile(`until (\d{4}-\d{2}-\d{2})`)

// progressOf turns the recovery library's report into a Stage.
func progressOf(pr recovery.Progress) Progress {
	switch {
	case pr.Wait > 0:
		return Progress{Stage: StageSpreading, Fraction: -1, Wait: pr.Wait}
	case pr.Stage == "placing":
		return Progress{Stage: StageWaiting, Fraction: 0}
	case pr.Stage == "sending":
		return Progress{Stage: StageSending, Fraction: -1}
	case pr.Stage == "paying":
		// The last tenth of the bar is the sending that follows.
		return Progress{Stage: StagePaying, Fraction: pr.Fraction * 0.9}
	case pr.Stage == "placed" || pr.Stage == "done":
		return Progress{Stage: StageDone, Fraction: 1}
	case strings.HasPrefix(pr.Stage, "warning"):
		p := Progress{Stage: StageShortExpiry, Fraction: -1}
		if m := untilDate.FindStringSubmatch(pr.Stage); m != nil {
			p.Until, _ = time.Parse(time.DateOnly, m[1])
		}
		return p
	}
	return Progress{Stage: StageWorking, Fraction: pr.Fraction}
}
