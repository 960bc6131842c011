package recovery

import (
	"context"
	"fmt"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/hashcash"
	"github.com/passcrow/passcrow-desktop/internal/wire"
)

// Payment schemes this client can pay with.
const (
	schemeFree     = "free"
	schemeHashcash = "hashcash"
	// maxHashcashBits refuses schemes whose work would take days here.
	maxHashcashBits = 30
	// stampMaxAge is how old a hashcash stamp may get before a retry
	// solves a fresh one: the reference accepts stamps up to 125 s old.
	stampMaxAge = 90 * time.Second
)

// chooseScheme picks, like the reference client, the cheapest scheme
// that keeps data for at least want: among the schemes that cover it,
// the one with the shortest expiration, and free before hashcash at the
// same expiration (then fewer bits). It names the longest expiration on
// offer when none covers want.
func chooseScheme(server string, schemes []wire.PaymentScheme, want time.Duration) (wire.PaymentScheme, error) {
	secs := int64((want + time.Second - 1) / time.Second)
	var best *wire.PaymentScheme
	var longest int64
	for i := range schemes {
		s := &schemes[i]
		if !payable(s) {
			continue
		}
		longest = max(longest, s.ExpirationSeconds)
		if s.ExpirationSeconds < secs {
			continue
		}
		if best == nil || cheaper(s, best) {
			best = s
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
		return s.ExpirationSeconds > 0 && s.HashcashBits >= 0 && s.HashcashBits <= maxHashcashBits && s.SchemeID != ""
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
