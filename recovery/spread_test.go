package recovery

import (
	"testing"
	"time"
)

// A Spread asks for the start of a UTC day, or of an hour for short
// stays, never for a time already past or too close; without one the
// expiry is as given.
func TestSpreadExpiry(t *testing.T) {
	now := time.Date(2026, 12, 2, 5, 17, 42, 0, time.UTC)
	sp := (&Spread{}).start()
	for _, tc := range []struct {
		in, want time.Time
	}{
		{now.Add(365 * 24 * time.Hour), time.Date(2027, 12, 2, 0, 0, 0, 0, time.UTC)},
		{now.Add(30 * time.Hour), time.Date(2026, 12, 3, 11, 0, 0, 0, time.UTC)},
		{now.Add(20 * time.Hour), time.Date(2026, 12, 3, 1, 0, 0, 0, time.UTC)},
		{now.Add(90 * time.Minute), now.Add(90 * time.Minute)},
	} {
		if got := sp.expiry(tc.in, now); !got.Equal(tc.want) {
			t.Errorf("expiry(%s) = %s, want %s", tc.in, got, tc.want)
		}
	}
	var none *spreader
	if in := now.Add(365 * 24 * time.Hour); !none.expiry(in, now).Equal(in) {
		t.Error("without a Spread the expiry changed")
	}
}
