package recovery

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/wire"
)

// DefaultCodeTimeout is how long a verification code works unless
// EscrowInput.Timeout says otherwise (the reference's default).
const DefaultCodeTimeout = 30 * time.Minute

// EscrowInput is what one escrow request stores.
type EscrowInput struct {
	// Identity is who must prove themselves to get Secret back:
	// "email:alice@example.org".
	Identity string
	// Kind is the identity kind the parameters name; "" takes it from
	// Identity (the part before the first ':').
	Kind string
	// Secret is the string the server hands back after verification.
	Secret string
	// Description is put in the message with the code ("My wallet").
	Description string
	// Expires is when the server may forget the escrow.
	Expires time.Time
	// Timeout is how long each verification code works; 0 means
	// DefaultCodeTimeout. Servers shorten it to their own maximum.
	Timeout time.Duration
	// Notify is an identity to tell about recoveries (the reference
	// server ignores it).
	Notify string
	// PreferID asks for this escrow id (lowercase hex, at least 3 digits);
	// ephemeral recovery uses it.
	PreferID string
	// Key, when set, is the escrow-data key (32 bytes) instead of a
	// random one: escrows found again from a short key derive theirs.
	Key []byte
	// Via, when set, sends the request to an extension method of the
	// server instead of escrowrequest (see EscrowVia).
	Via *EscrowVia
	// Progress, when set, hears about the hashcash work: tries so far and
	// the number expected. It is called from another goroutine.
	Progress func(tries, expected uint64)
}

// EscrowResult is what the server granted.
type EscrowResult struct {
	ID      string    // the escrow-data-id
	Key     []byte    // the escrow-data key; the server never had it
	Expires time.Time // the expiration the server granted
	Scheme  string    // the payment scheme used ("free", "hashcash-12")
	// Warning is set when the server keeps the escrow for less time than
	// asked; the escrow is still good.
	Warning *ShortExpiryWarning
}

var preferIDPattern = regexp.MustCompile(`^[0-9a-f]{3,64}$`)

// Escrow stores in.Secret on the server, paying for in.Expires with the
// cheapest scheme that covers it. A scheme of more hashcash bits than
// c.MaxHashcashBits is refused before any work, with ErrPaymentTooCostly.
func (c *Client) Escrow(ctx context.Context, in EscrowInput) (EscrowResult, error) {
	kind, _, ok := strings.Cut(in.Identity, ":")
	if !ok || kind == "" {
		return EscrowResult{}, fmt.Errorf("identity %q is not kind:address", in.Identity)
	}
	if in.Kind == "" {
		in.Kind = kind
	}
	if in.Secret == "" {
		return EscrowResult{}, errors.New("nothing to escrow: empty secret")
	}
	if in.PreferID != "" && !preferIDPattern.MatchString(in.PreferID) {
		return EscrowResult{}, fmt.Errorf("preferred escrow id %q is not 3 to 64 lowercase hex digits", in.PreferID)
	}
	now := c.Now()
	if !in.Expires.After(now) {
		return EscrowResult{}, fmt.Errorf("expiry %s is not in the future", in.Expires.UTC().Format(time.RFC3339))
	}
	timeout := in.Timeout
	if timeout <= 0 {
		timeout = DefaultCodeTimeout
	}

	policy, err := c.cachedPolicy(ctx)
	if err != nil {
		return EscrowResult{}, err
	}
	if len(policy.Kinds) > 0 && !slices.Contains(policy.Kinds, in.Kind) {
		return EscrowResult{}, fmt.Errorf("passcrow server %s: %w: %q (it verifies %q)", c.name, ErrUnsupportedKind, in.Kind, policy.Kinds)
	}
	if lim := time.Duration(policy.MaxTimeoutSeconds) * time.Second; lim > 0 && timeout > lim {
		timeout = lim
	}
	scheme, err := chooseScheme(c.name, policy.PaymentSchemes, in.Expires.Sub(now), c.maxBits())
	if err != nil {
		return EscrowResult{}, err
	}

	key := in.Key
	if key == nil {
		if key, err = c.newKey(); err != nil {
			return EscrowResult{}, err
		}
	} else if len(key) != wire.KeySize {
		return EscrowResult{}, fmt.Errorf("escrow key has %d bytes, want %d", len(key), wire.KeySize)
	}
	plain, err := wire.Marshal(wire.EscrowData{
		Description: in.Description,
		Secret:      in.Secret,
		Verify:      in.Identity,
		Timeout:     int64(timeout / time.Second),
		Notify:      in.Notify,
	})
	if err != nil {
		return EscrowResult{}, err
	}
	sealed, err := wire.SealFrom(c.Rand, key, plain)
	if err != nil {
		return EscrowResult{}, err
	}

	// The body is made afresh for each attempt: a stamp older than
	// stampMaxAge is solved again, and each attempt gets a new parameters
	// key. The escrow data, which the stamp covers, stays the same.
	var token string
	var stamped time.Time
	build := func() ([]byte, error) {
		if token == "" || scheme.Scheme == schemeHashcash && c.Now().Sub(stamped) > stampMaxAge {
			tok, err := c.pay(ctx, scheme, sealed, in.Progress)
			if err != nil {
				return nil, err
			}
			token, stamped = tok, c.Now()
		}
		body, err := c.escrowBody(in, sealed, token)
		if err != nil || in.Via == nil {
			return body, err
		}
		return in.Via.Wrap(body)
	}
	body, err := build()
	if err != nil {
		return EscrowResult{}, err
	}
	method, lim := wire.MethodEscrow, policy.MaxRequestBytes
	if in.Via != nil {
		method, lim = in.Via.Method, in.Via.MaxRequestBytes
	}
	if lim > 0 && int64(len(body)) > lim {
		return EscrowResult{}, fmt.Errorf("passcrow server %s takes requests of at most %d bytes; this one has %d", c.name, lim, len(body))
	}
	first := true
	reuse := func() ([]byte, error) {
		if first {
			first = false
			return body, nil
		}
		return build()
	}

	var resp wire.EscrowResponse
	if err := c.call(ctx, method, "passcrow-escrow-response", reuse, &resp); err != nil {
		return EscrowResult{}, err
	}
	if err := checkEscrowID(resp.EscrowDataID); err != nil {
		return EscrowResult{}, fmt.Errorf("passcrow server %s: %w: %w", c.name, ErrBadResponse, err)
	}
	if in.PreferID != "" && resp.EscrowDataID != in.PreferID && !strings.HasSuffix(resp.EscrowDataID, "-"+in.PreferID) {
		return EscrowResult{}, fmt.Errorf("passcrow server %s did not grant the preferred escrow id", c.name)
	}
	if resp.Expiration <= now.Unix() {
		return EscrowResult{}, fmt.Errorf("passcrow server %s: %w: expiration %d is in the past", c.name, ErrBadResponse, resp.Expiration)
	}
	res := EscrowResult{
		ID:      resp.EscrowDataID,
		Key:     key,
		Expires: time.Unix(resp.Expiration, 0),
		Scheme:  scheme.SchemeID,
	}
	if resp.Expiration < in.Expires.Unix() {
		res.Warning = &ShortExpiryWarning{Server: c.name, Asked: in.Expires, Granted: res.Expires}
	}
	return res, nil
}

// escrowBody seals the parameters under a fresh key and builds the
// request, in the reference's key order, with exactly one escrow-data
// element (the reference server joins the list with "").
func (c *Client) escrowBody(in EscrowInput, sealedData, token string) ([]byte, error) {
	pkey, err := c.newKey()
	if err != nil {
		return nil, err
	}
	params, err := wire.Marshal(wire.EscrowParameters{
		Kind:       in.Kind,
		Expiration: in.Expires.Unix(),
		Payment:    token,
		PreferID:   in.PreferID,
	})
	if err != nil {
		return nil, err
	}
	sealedParams, err := wire.SealFrom(c.Rand, pkey, params)
	if err != nil {
		return nil, err
	}
	return wire.Marshal(wire.EscrowRequest{
		Version:       wire.Version,
		Parameters:    sealedParams,
		ParametersKey: wire.EncodeKey(pkey),
		EscrowData:    []string{sealedData},
	})
}

func (c *Client) newKey() ([]byte, error) {
	key := make([]byte, wire.KeySize)
	if _, err := io.ReadFull(c.Rand, key); err != nil {
		return nil, fmt.Errorf("making an escrow key: %w", err)
	}
	return key, nil
}

// checkEscrowID accepts the ids the reference makes ("<hex>-<hex>", or a
// preferred hex id) and anything similar, but nothing that could smuggle
// text into a pack or a screen.
func checkEscrowID(id string) error {
	if id == "" {
		return errors.New("no escrow-data-id")
	}
	if len(id) > 200 {
		return errors.New("escrow-data-id longer than 200 characters")
	}
	for _, r := range id {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '-' || r == '_' || r == '.') {
			return fmt.Errorf("escrow-data-id %q has %q", id, r)
		}
	}
	return nil
}
