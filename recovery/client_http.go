package recovery

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"
	"unicode"

	"github.com/passcrow/passcrow-desktop/internal/wire"
)

// errRetry marks an attempt that failed in a way worth trying again
// (network trouble, rate limiting); it wraps the error to report if the
// attempts run out.
type errRetry struct{ err error }

func (e *errRetry) Error() string { return e.err.Error() }
func (e *errRetry) Unwrap() error { return e.err }

// call POSTs the body that build makes to /passcrow/<method>, retrying
// where that is safe, and decodes the answer into out. versionKey names
// the answer's version field ("" for policy, which has a list instead).
// build runs once per attempt, so an escrow request can renew its
// hashcash stamp when retries take long.
func (c *Client) call(ctx context.Context, method, versionKey string, build func() ([]byte, error), out any) error {
	attempts := max(c.Attempts, 1)
	var last error
	for i := range attempts {
		if i > 0 {
			wait := c.backoff(i)
			if c.OnRetry != nil {
				c.OnRetry(last, wait, i+1, attempts)
			}
			if err := sleepCtx(ctx, wait); err != nil {
				return fmt.Errorf("passcrow server %s: %w (after: %w)", c.name, err, last)
			}
		}
		body, err := build()
		if err != nil {
			return err
		}
		err = c.attempt(ctx, method, versionKey, body, out)
		var r *errRetry
		if !errors.As(err, &r) {
			return err
		}
		last = r.err
		if ctx.Err() != nil {
			return last
		}
	}
	return last
}

// backoff is the wait before retry i (1-based): Backoff doubled each
// time, plus up to half of it again at random so clients that failed
// together do not retry together.
func (c *Client) backoff(i int) time.Duration {
	d := c.Backoff << (i - 1)
	if d <= 0 || d > time.Minute {
		d = time.Minute
	}
	return d + rand.N(d/2+1)
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// attempt is one HTTP exchange under the host's rate limit.
func (c *Client) attempt(ctx context.Context, method, versionKey string, body []byte, out any) error {
	turn, err := waitTurn(ctx, c.base.Host, c.Interval)
	if err != nil {
		return fmt.Errorf("passcrow server %s: %w", c.name, err)
	}
	defer turn.done()

	actx := ctx
	if c.Timeout > 0 {
		var cancel context.CancelFunc
		actx, cancel = context.WithTimeout(ctx, c.Timeout)
		defer cancel()
	}
	u := *c.base
	u.Path += "/passcrow/" + method
	req, err := http.NewRequestWithContext(actx, http.MethodPost, u.String(), bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("passcrow server %s: %w", c.name, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", UserAgent) // the same for everyone: see client_proxy.go
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return c.networkError(ctx, actx, err)
	}
	defer resp.Body.Close()
	turn.note(resp.Header) // our server's pace (pace.go)
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
	if err != nil {
		return c.networkError(ctx, actx, err)
	}
	if len(raw) > maxResponseBytes {
		return fmt.Errorf("passcrow server %s: %w: larger than %d KiB", c.name, ErrBadResponse, maxResponseBytes>>10)
	}
	return c.decode(resp.StatusCode, raw, versionKey, out)
}

// networkError words a failed exchange; it is retryable unless the
// caller's own context ended.
func (c *Client) networkError(ctx, actx context.Context, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("passcrow server %s: %w", c.name, ctx.Err())
	}
	if errors.Is(actx.Err(), context.DeadlineExceeded) {
		return &errRetry{fmt.Errorf("passcrow server %s: no answer within %v: %w", c.name, c.Timeout, context.DeadlineExceeded)}
	}
	return &errRetry{fmt.Errorf("passcrow server %s: %w", c.name, err)}
}

// decode checks an answer and fills out. The reference answers every
// application error with HTTP 200 and an "error" string, and crashes into
// an HTML 500 page when it rate-limits us.
func (c *Client) decode(status int, raw []byte, versionKey string, out any) error {
	var probe map[string]json.RawMessage
	jsonErr := json.Unmarshal(raw, &probe)
	if jsonErr == nil {
		if e, ok := probe["error"]; ok {
			var msg string
			if err := json.Unmarshal(e, &msg); err != nil {
				return fmt.Errorf("passcrow server %s: %w: \"error\" is not a string", c.name, ErrBadResponse)
			}
			return c.serverError(status, msg)
		}
	}
	switch {
	case status == http.StatusOK:
	case status == http.StatusTooManyRequests || status == http.StatusInternalServerError && jsonErr != nil:
		return &errRetry{fmt.Errorf("passcrow server %s: %w (HTTP %d)", c.name, ErrRateLimited, status)}
	case status == http.StatusBadGateway || status == http.StatusServiceUnavailable || status == http.StatusGatewayTimeout:
		return &errRetry{&ServerError{Server: c.name, Status: status, Message: shortText(raw)}}
	default:
		return &ServerError{Server: c.name, Status: status, Message: shortText(raw)}
	}
	if jsonErr != nil || probe == nil {
		return fmt.Errorf("passcrow server %s: %w: not a JSON object", c.name, ErrBadResponse)
	}
	if versionKey != "" {
		var v string
		if err := json.Unmarshal(probe[versionKey], &v); err != nil || v != wire.Version {
			return fmt.Errorf("passcrow server %s: %w: no %q: %q", c.name, ErrBadResponse, versionKey, wire.Version)
		}
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("passcrow server %s: %w: %w", c.name, ErrBadResponse, err)
	}
	return nil
}

// serverError maps the reference's error strings to our sentinels.
func (c *Client) serverError(status int, msg string) error {
	switch {
	case msg == wire.ErrIncorrectCode || strings.EqualFold(msg, "Incorrect verification code"):
		return fmt.Errorf("passcrow server %s: %w", c.name, ErrIncorrectCode)
	case msg == wire.ErrTooSoon:
		return fmt.Errorf("passcrow server %s: %w", c.name, ErrTooSoon)
	case msg == wire.ErrNoCode:
		return fmt.Errorf("passcrow server %s: %w", c.name, ErrCodeExpired)
	case msg == wire.ErrInsufficientPay:
		return fmt.Errorf("passcrow server %s: %w", c.name, ErrInsufficientPayment)
	case strings.HasPrefix(msg, wire.ErrUnsupportedKindP):
		return fmt.Errorf("passcrow server %s: %w: %q", c.name, ErrUnsupportedKind, strings.TrimPrefix(msg, wire.ErrUnsupportedKindP))
	case msg == wire.ErrRateLimited:
		return &errRetry{fmt.Errorf("passcrow server %s: %w", c.name, ErrRateLimited)}
	}
	if err := c.laterError(msg); err != nil {
		return err
	}
	return &ServerError{Server: c.name, Status: status, Message: shortText([]byte(msg))}
}

// shortText makes what a server said fit for an error message: one line,
// printable, at most 120 characters. An HTML page gives its title.
func shortText(raw []byte) string {
	s := string(raw)
	if i := strings.Index(strings.ToLower(s), "<title>"); i >= 0 {
		s = s[i+len("<title>"):]
		if j := strings.Index(strings.ToLower(s), "</title>"); j >= 0 {
			s = s[:j]
		}
	}
	s = strings.Map(func(r rune) rune {
		if unicode.IsPrint(r) {
			return r
		}
		return ' '
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 120 {
		s = string(r[:120]) + "…"
	}
	if s == "" {
		s = "(empty answer)"
	}
	return s
}
