package recovery

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/passcrow/passcrow-desktop/internal/wire"
)

// Policy asks the server for its policy (always afresh) and remembers it
// for the escrows that follow.
func (c *Client) Policy(ctx context.Context) (*wire.Policy, error) {
	var p wire.Policy
	// The reference client POSTs "{}", and some servers answer GET only
	// with an HTML page, so we do the same.
	build := func() ([]byte, error) { return []byte("{}"), nil }
	if err := c.call(ctx, wire.MethodPolicy, "", build, &p); err != nil {
		return nil, err
	}
	if !slices.Contains(p.Versions, wire.Version) {
		return nil, fmt.Errorf("passcrow server %s: %w: it speaks versions %q, not %q", c.name, ErrBadResponse, p.Versions, wire.Version)
	}
	c.mu.Lock()
	c.policy, c.policyAt = &p, c.Now()
	c.mu.Unlock()
	return &p, nil
}

// cachedPolicy returns a policy fetched within policyTTL, or fetches one.
func (c *Client) cachedPolicy(ctx context.Context) (*wire.Policy, error) {
	c.mu.Lock()
	p, at := c.policy, c.policyAt
	c.mu.Unlock()
	if p != nil && c.Now().Sub(at) < policyTTL {
		return p, nil
	}
	return c.Policy(ctx)
}

// VerifyResult says where a verification code went and until when it works.
type VerifyResult struct {
	Hint string // "a*@e*ple.org"
	// ActionURL is a page the user must visit, when the server names
	// one; it has passed CheckActionURL.
	ActionURL string
	// ActionURLRefused says why a link the server sent failed
	// CheckActionURL and was dropped; "" when there was none or it passed.
	ActionURLRefused string
	Expires          time.Time // zero when the server did not say
}

// Verify asks the server to send the code for escrow id to its identity.
// prefix is the code's first character ("" or one character); language
// is the message's language ("" means "en"; the reference knows only
// "en" and "is").
func (c *Client) Verify(ctx context.Context, id string, key []byte, prefix, language string) (VerifyResult, error) {
	if utf8.RuneCountInString(prefix) > 1 {
		return VerifyResult{}, fmt.Errorf("code prefix %q is longer than one character", prefix)
	}
	if language == "" {
		language = "en"
	}
	if err := checkEscrowRef(id, key); err != nil {
		return VerifyResult{}, err
	}
	req := wire.VerificationRequest{
		Version:       wire.Version,
		Language:      language,
		Prefix:        prefix,
		EscrowDataID:  id,
		EscrowDataKey: wire.EncodeKey(key),
	}
	var resp wire.VerificationResponse
	if err := c.call(ctx, wire.MethodVerification, "passcrow-verification-response", marshalOnce(req), &resp); err != nil {
		return VerifyResult{}, err
	}
	var r VerifyResult
	if resp.ActionURL != "" {
		// Checked here, so that no caller can be handed a link a
		// hostile server chose to open something other than a web page.
		if u, err := CheckActionURL(resp.ActionURL); err != nil {
			r.ActionURLRefused = fmt.Sprintf("passcrow server %s sent a link that was not passed on: %v", c.name, err)
		} else {
			r.ActionURL = u.String()
		}
	}
	if resp.Hint != "" {
		r.Hint = shortText([]byte(resp.Hint))
	}
	if resp.Expiration > 0 {
		r.Expires = time.Unix(resp.Expiration, 0)
	}
	return r, nil
}

// Recover trades a verification code for the escrowed secret.
func (c *Client) Recover(ctx context.Context, id string, key []byte, code string) (string, error) {
	if err := checkEscrowRef(id, key); err != nil {
		return "", err
	}
	if code == "" {
		return "", errors.New("empty verification code")
	}
	req := wire.RecoveryRequest{
		Version:       wire.Version,
		Verification:  code,
		EscrowDataID:  id,
		EscrowDataKey: wire.EncodeKey(key),
	}
	var resp wire.RecoveryResponse
	if err := c.call(ctx, wire.MethodRecovery, "passcrow-recovery-response", marshalOnce(req), &resp); err != nil {
		return "", err
	}
	if resp.EscrowSecret == "" {
		return "", fmt.Errorf("passcrow server %s: %w: no escrow-secret", c.name, ErrBadResponse)
	}
	return resp.EscrowSecret, nil
}

// Delete asks the server to forget escrow id. Deleting an escrow that is
// gone is not an error (the reference does not even look).
//
// With a key, the request carries it as proof of ownership, which our
// server checks. The reference refuses keys it does not know ("Internal
// Error"), so on that answer the request is repeated without the key,
// byte for byte as the reference client sends it.
func (c *Client) Delete(ctx context.Context, id string, key []byte) error {
	if id == "" {
		return errors.New("empty escrow id")
	}
	req := wire.DeletionRequest{Version: wire.Version, EscrowDataID: id}
	if key != nil {
		req.EscrowDataKey = wire.EncodeKey(key)
	}
	var resp wire.DeletionResponse
	err := c.call(ctx, wire.MethodDeletion, "passcrow-deletion-response", marshalOnce(req), &resp)
	var se *ServerError
	if key != nil && errors.As(err, &se) && se.Status == 200 && se.Message == wire.ErrInternal {
		req.EscrowDataKey = ""
		err = c.call(ctx, wire.MethodDeletion, "passcrow-deletion-response", marshalOnce(req), &resp)
	}
	return err
}

func marshalOnce(v any) func() ([]byte, error) {
	return func() ([]byte, error) { return wire.Marshal(v) }
}

// checkEscrowRef refuses what no server could know, before it is sent.
func checkEscrowRef(id string, key []byte) error {
	if id == "" {
		return errors.New("empty escrow id")
	}
	switch len(key) {
	case 16, 24, 32:
		return nil
	}
	return fmt.Errorf("escrow key has %d bytes, want 16, 24 or 32", len(key))
}
