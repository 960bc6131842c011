package state

import (
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/recovery"
)

// TestProgressOf: every stage the recovery library reports while placing
// a fragment maps to one of ours, and a short-expiry warning keeps its
// date.
func TestProgressOf(t *testing.T) {
	w := &recovery.ShortExpiryWarning{Server: "passcrow.example.org",
		Asked: time.Date(2027, 5, 1, 0, 0, 0, 0, time.UTC), Granted: time.Date(2027, 1, 2, 0, 0, 0, 0, time.UTC)}
	for _, tc := range []struct {
		in    recovery.Progress
		stage string
		frac  float64
		until string
	}{
		{recovery.Progress{Stage: "placing", Fraction: 0.5}, StageWaiting, 0, ""},
		{recovery.Progress{Stage: "sending", Fraction: -1}, StageSending, -1, ""},
		{recovery.Progress{Stage: "paying", Fraction: 0.5}, StagePaying, 0.45, ""},
		{recovery.Progress{Stage: "done", Fraction: 1}, StageDone, 1, ""},
		{recovery.Progress{Stage: "placed", Fraction: 0.5}, StageDone, 1, ""},
		{recovery.Progress{Stage: "warning: " + w.Error(), Fraction: -1}, StageShortExpiry, -1, "2027-01-02"},
		{recovery.Progress{Stage: "warning: something else", Fraction: -1}, StageShortExpiry, -1, ""},
		{recovery.Progress{Stage: "thinking", Fraction: 0.3}, StageWorking, 0.3, ""},
	} {
		got := progressOf(tc.in)
		until := ""
		if !got.Until.IsZero() {
			until = got.Until.Format(time.DateOnly)
		}
		if got.Stage != tc.stage || got.Fraction != tc.frac || until != tc.until {
			t.Errorf("%q: got %+v, want %s %v until %q", tc.in.Stage, got, tc.stage, tc.frac, tc.until)
		}
	}
}
