package cli

import (
	"strings"
	"testing"
	"time"
)

// TestPayingTextInPlainWords: the proof of work is said in plain words
// with the time it takes, never as "hashcash" or a percentage.
func TestPayingTextInPlainWords(t *testing.T) {
	for _, c := range []struct {
		fraction float64
		elapsed  time.Duration
		want     string
	}{
		// 1 - e^(-2/10): two seconds into a ten-second mean.
		{0.18126924692201818, 2 * time.Second, "proving this request is not spam… (about 10 s)"},
		{0.5, 0, "proving this request is not spam…"},
		{0.999, 10 * time.Millisecond, "proving this request is not spam… (about 1 s)"},
	} {
		got := payingText(c.fraction, c.elapsed)
		if got != c.want {
			t.Errorf("payingText(%v, %v) = %q, want %q", c.fraction, c.elapsed, got, c.want)
		}
		if strings.Contains(got, "hashcash") || strings.Contains(got, "%") {
			t.Errorf("%q", got)
		}
	}
}
