package recovery

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/hashcash"
	"github.com/passcrow/passcrow-desktop/internal/wire"
)

// Payment schemes this client can pay with.
const (
	schemeFree     = "free"
	schemeHashcash = "hashcash"
	// stampMaxAge is how old a hashcash stamp may get before a retry
	// solves a fresh one: the reference accepts stamps up to 125 s old.
	stampMaxAge = 90 * time.Second
)

// DefaultMaxHashcashBits is the most hashcash work a Client does for
// one escrow unless its MaxHashcashBits says otherwise: about a million
// tries, a few minutes on a laptop. Servers we know ask for 11 to 15
// bits; a server asking for much more is making the user's computer work
// for it, so it is refused unless the user raises the limit.
const DefaultMaxHashcashBits = 20

// ErrPaymentTooCostly means the only way a server offers to keep data
// that long is more hashcash work than the client's MaxHashcashBits.
// The error is a *PaymentTooCostlyError with the figures.
var ErrPaymentTooCostly = errors.New("payment asks for more computer work than allowed")

// PaymentTooCostlyError is ErrPaymentTooCostly with its figures, for
// callers that offer to raise the limit.
type PaymentTooCostlyError struct {
	Server   string        // the server, as packs name it
	Bits     int           // the fewest bits of any scheme that keeps data long enough
	Limit    int           // the client's MaxHashcashBits
	Estimate time.Duration // roughly how long paying would take on this computer
}

func (e *PaymentTooCostlyError) Error() string {
	return fmt.Sprintf("passcrow server %s asks for %d bits of hashcash work, about %.0f tries or %s on this computer; "+
		"the limit is %d bits: %v (raise the limit to pay it)",
		e.Server, e.Bits, math.Exp2(float64(e.Bits)), roughly(e.Estimate), e.Limit, ErrPaymentTooCostly)
}

func (e *PaymentTooCostlyError) Is(target error) bool { return target == ErrPaymentTooCostly }

// maxBits is the client's limit on hashcash work.
func (c *Client) maxBits() int {
	if c.MaxHashcashBits <= 0 {
		return DefaultMaxHashcashBits
	}
	return min(c.MaxHashcashBits, hashcash.MaxBits)
}

// chooseScheme picks, like the reference client, the cheapest scheme
// that keeps data for at least want: among the schemes that cover it,
// the one with the shortest expiration, and free before hashcash at the
// same expiration (then fewer bits). Schemes of more than maxBits bits
// are not paid: when only such schemes cover want, the error is a
// *PaymentTooCostlyError. It names the longest expiration on offer when
// none covers want.
func chooseScheme(server string, schemes []wire.PaymentScheme, want time.Duration, maxBits int) (wire.PaymentScheme, error) {
	secs := int64((want + time.Second - 1) / time.Second)
	var best *wire.PaymentScheme
	var longest int64
	tooCostly := 0 // the fewest bits of the schemes that cover want but cost too much
	for i := range schemes {
		s := &schemes[i]
		if !payable(s) {
			continue
		}
		longest = max(longest, s.ExpirationSeconds)
		if s.ExpirationSeconds < secs {
			continue
		}
		if s.Scheme == schemeHashcash && s.HashcashBits > maxBits {
			if tooCostly == 0 || s.HashcashBits < tooCostly {
				tooCostly = s.HashcashBits
			}
			continue
		}
		if best == nil || cheaper(s, best) {
			best = s
		}
	}
	if best == nil && tooCostly > 0 {
		est := math.Exp2(float64(tooCostly)) * float64(tryCost()) // expected tries × cost of one
		return wire.PaymentScheme{}, &PaymentTooCostlyError{
			Server: server, Bits: tooCostly, Limit: maxBits,
			Estimate: time.Duration(min(est, 1<<62)),
		}
	}
	if best == nil {
		if longest == 0 {
			return wire.PaymentScheme{}, fmt.Errorf("passcrow server %s: %w: it offers no payment scheme we can use", server, ErrNoPaymentScheme)
		}
		return wire.PaymentScheme{}, fmt.Errorf("passcrow server %s: %w: asked for %s, it keeps data at most %s",
			server, ErrNoPaymentScheme, days(time.Duration(secs)*time.Second), days(time.Duration(longest)*time.Second))
	}
	return *best, nil
}

func payable(s *wire.PaymentScheme) bool {
	switch s.Scheme {
	case schemeFree:
		return s.ExpirationSeconds > 0
	case schemeHashcash:
		return s.ExpirationSeconds > 0 && s.HashcashBits >= hashcash.MinBits && s.HashcashBits <= hashcash.MaxBits && s.SchemeID != ""
	}
	return false
}

func cheaper(a, b *wire.PaymentScheme) bool {
	if a.ExpirationSeconds != b.ExpirationSeconds {
		return a.ExpirationSeconds < b.ExpirationSeconds
	}
	if (a.Scheme == schemeFree) != (b.Scheme == schemeFree) {
		return a.Scheme == schemeFree
	}
	return a.HashcashBits < b.HashcashBits
}

// days words a duration for people: "366 days", "25 hours".
func days(d time.Duration) string {
	if d < 48*time.Hour {
		return fmt.Sprintf("%d hours", int64(d/time.Hour))
	}
	return fmt.Sprintf("%d days", int64(d/(24*time.Hour)))
}

// roughly words an estimate for people: "90 seconds", "3 hours", "12 days".
func roughly(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "less than a minute"
	case d < 2*time.Minute:
		return fmt.Sprintf("%d seconds", int64(d/time.Second))
	case d < 2*time.Hour:
		return fmt.Sprintf("%d minutes", int64(d/time.Minute))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d hours", int64(d/time.Hour))
	}
	return fmt.Sprintf("%d days", int64(d/(24*time.Hour)))
}

// tryCost is the time one hashcash try takes on this computer with
// every core at work, measured once: the best of a few digests (the
// least disturbed by other work), divided by the cores.
var tryCost = sync.OnceValue(func() time.Duration {
	best := time.Duration(1<<63 - 1)
	for i := range 5 {
		start := time.Now()
		hashcash.Digest([]byte("passcrow hashcash timing"), uint64(i), start.Unix())
		best = min(best, time.Since(start))
	}
	return best / time.Duration(runtime.NumCPU())
})

// solveFunc is hashcash.Solve; tests put a recorded stamp in its place.
type solveFunc func(ctx context.Context, data []byte, schemeID string, bits int, opts hashcash.SolveOptions) (string, error)

// pay makes the payment token for the escrow-data string exactly as it
// goes on the wire (the reference server hashes the joined escrow-data).
func (c *Client) pay(ctx context.Context, s wire.PaymentScheme, escrowData string, progress func(tries, expected uint64)) (string, error) {
	if s.Scheme == schemeFree {
		// The reference server ignores what follows "free:"; its client sends 0.
		return s.SchemeID + ":0", nil
	}
	solve := c.solve
	if solve == nil {
		solve = hashcash.Solve
	}
	opts := hashcash.SolveOptions{Workers: c.Workers, Now: c.Now}
	if progress != nil {
		expected := uint64(1) << s.HashcashBits
		opts.Progress = func(tries uint64) { progress(tries, expected) }
	}
	tok, err := solve(ctx, []byte(escrowData), s.SchemeID, s.HashcashBits, opts)
	if err != nil {
		return "", fmt.Errorf("paying %s with %s: %w", c.name, s.SchemeID, err)
	}
	return tok, nil
}

// ShortExpiryWarning says a server accepted an escrow but keeps it for
// less time than asked: the reference clips an underpaid or over-long
// request silently instead of refusing it. The escrow is usable; the
// caller should tell the user, and renew before Granted.
type ShortExpiryWarning struct {
	Server  string
	Asked   time.Time
	Granted time.Time
}

func (w *ShortExpiryWarning) Error() string {
	return fmt.Sprintf("passcrow server %s keeps the fragment until %s, not %s as asked",
		w.Server, w.Granted.UTC().Format(time.DateOnly), w.Asked.UTC().Format(time.DateOnly))
}
