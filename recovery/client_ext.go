package recovery

import (
	"context"
	"errors"
	"fmt"

	"github.com/passcrow/passcrow-desktop/internal/wire"
)

// Extensions of our server beyond protocol 1.0 (internal/wire's
// extensions.go) are never sent inside 1.0 messages: the reference
// client and server refuse any key they do not know. A client asks a
// server what it offers (Extensions) and uses an extension only with a
// server that advertised it, in requests to the extension's own methods.

// EscrowVia sends an escrow request to an extension method that takes
// the 1.0 request wrapped in one of its own (such as our server's
// delayed escrow, recovery/heir) and answers as escrowrequest does.
type EscrowVia struct {
	// Method is the path after /passcrow/, e.g. wire.MethodDelayedEscrow.
	Method string
	// Wrap makes the body sent from the 1.0 request's body; it runs once
	// per attempt.
	Wrap func(escrowRequest []byte) ([]byte, error)
	// MaxRequestBytes is the method's own limit, as the server
	// advertised it; 0 for none.
	MaxRequestBytes int64
}

// Extensions asks the server what it offers beyond 1.0. A server that
// offers nothing, a reference server among them, answers with an error
// or an HTML page; that, like any answer that is not the JSON expected,
// is an empty answer here, not an error. Errors are for a server that
// could not be asked (unreachable, rate limiting us).
func (c *Client) Extensions(ctx context.Context) (wire.Extensions, error) {
	var ext wire.Extensions
	err := c.Extension(ctx, wire.MethodExtensions, struct{}{}, &ext)
	if se, ok := errors.AsType[*ServerError](err); (ok && se != nil) || errors.Is(err, ErrBadResponse) {
		return wire.Extensions{}, nil
	}
	if err != nil {
		return wire.Extensions{}, err
	}
	return ext, nil
}

// Extension POSTs req as JSON to /passcrow/<method> and decodes the
// answer into resp, retrying where that is safe, under the same limits as
// the 1.0 requests. An "error" in the answer is a *ServerError (or one of
// this package's sentinels, for the 1.0 wording). Use it only with a
// server that advertised the extension.
func (c *Client) Extension(ctx context.Context, method string, req, resp any) error {
	if method == "" {
		return errors.New("no extension method")
	}
	body, err := wire.Marshal(req)
	if err != nil {
		return fmt.Errorf("passcrow server %s: %w", c.name, err)
	}
	return c.call(ctx, method, "", func() ([]byte, error) { return body, nil }, resp)
}
