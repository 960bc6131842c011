package server

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/hashcash"
	"github.com/passcrow/passcrow-desktop/internal/wire"
)

// clockSkew is how far past what its payment buys a requested expiration
// may be before it counts as underpayment rather than the client's clock
// running ahead; within it the expiration is trimmed to what was paid.
const clockSkew = 5 * time.Minute

// hashcashWindow is how long after its timestamp a hashcash token is
// accepted (hashcash.Verify: now-125 < ts); a spent token is remembered a
// little longer than that.
const hashcashWindow = 130

func (s *Server) serveEscrow(w http.ResponseWriter, r *http.Request) {
	var req wire.EscrowRequest
	if !s.decodeBody(w, r, &req, func(err error) any {
		return wire.EscrowResponse{Version: wire.Version, Error: wireError(err)}
	}) {
		return
	}
	resp, err := s.processEscrow(r.Context(), &req)
	if err != nil {
		s.logRefusal(r, wire.MethodEscrow, err)
		resp = wire.EscrowResponse{Error: wireError(err)}
	}
	resp.Version = wire.Version
	s.writeJSON(w, http.StatusOK, resp)
}

// processEscrow stores one fragment for as long as its payment buys.
func (s *Server) processEscrow(ctx context.Context, req *wire.EscrowRequest) (wire.EscrowResponse, error) {
	return s.processEscrowWith(ctx, req, s.store.CreateEscrow)
}

// processEscrowWith is processEscrow with the escrow stored by create, as
// an extension may store more with it in the same step (release.go).
func (s *Server) processEscrowWith(ctx context.Context, req *wire.EscrowRequest, create func(context.Context, Escrow, time.Time) error) (wire.EscrowResponse, error) {
	if req.Version != wire.Version {
		return wire.EscrowResponse{}, fmt.Errorf("%w: %q", ErrVersion, req.Version)
	}
	if len(req.EscrowData) != 1 {
		return wire.EscrowResponse{}, fmt.Errorf("%w: got %d", ErrEscrowDataCount, len(req.EscrowData))
	}
	data := req.EscrowData[0]
	if err := checkEnvelope(data); err != nil {
		return wire.EscrowResponse{}, fmt.Errorf("%w: escrow-data: %w", ErrBadRequest, err)
	}
	var p wire.EscrowParameters
	if err := openJSON(req.ParametersKey, req.Parameters, &p); err != nil {
		return wire.EscrowResponse{}, fmt.Errorf("parameters: %w", err)
	}
	if _, ok := s.cfg.Verifiers[p.Kind]; !ok {
		return wire.EscrowResponse{}, &kindError{p.Kind}
	}
	if p.PreferID != "" && !validBareID(p.PreferID) {
		return wire.EscrowResponse{}, fmt.Errorf("%w: prefer-id %q", ErrBadID, p.PreferID)
	}
	now := s.cfg.Now()
	if p.Expiration <= now.Unix() {
		return wire.EscrowResponse{}, fmt.Errorf("%w: %d", ErrExpired, p.Expiration)
	}
	pay, err := s.checkPayment(p.Payment, []byte(data), now)
	if err != nil {
		return wire.EscrowResponse{}, err
	}
	limit := now.Unix() + pay.seconds
	if p.Expiration > limit+int64(clockSkew/time.Second) {
		return wire.EscrowResponse{}, fmt.Errorf("%w: %s buys %d s, %d s asked", ErrInsufficientPay,
			pay.scheme, pay.seconds, p.Expiration-now.Unix())
	}
	e := Escrow{ID: p.PreferID, Kind: p.Kind, Data: data, Expiration: min(p.Expiration, limit)}
	if e.ID == "" {
		if s.cfg.ReferenceIDs {
			e.ID, err = randomHex(s.cfg.Rand, 16)
		} else {
			e.ID, err = newEscrowID(s.cfg.Rand, now)
		}
		if err != nil {
			return wire.EscrowResponse{}, err
		}
		e.NewID = true
	} else if _, err := s.store.Escrow(ctx, e.ID, now); err == nil {
		// Checked before the token is spent, so a refused id costs no work.
		return wire.EscrowResponse{}, fmt.Errorf("%w: %q", ErrIDTaken, e.ID)
	}
	// The token is spent before the escrow is made, so of two requests
	// with one token at most one creates an escrow. It stays spent if
	// creation then fails: unspending could let a replay in while the
	// first request is still running, and the client just solves again.
	if pay.spentKey != "" {
		err := s.store.SpendToken(ctx, pay.spentKey, pay.spentUntil, now)
		if errors.Is(err, ErrExists) {
			return wire.EscrowResponse{}, ErrPaymentSpent
		} else if err != nil {
			return wire.EscrowResponse{}, err
		}
	}
	if err := create(ctx, e, now); errors.Is(err, ErrExists) {
		return wire.EscrowResponse{}, fmt.Errorf("%w: %q", ErrIDTaken, e.ID)
	} else if err != nil {
		return wire.EscrowResponse{}, err
	}
	s.log.Debug("escrow stored", "kind", e.Kind, "scheme", pay.scheme, "expiration", e.Expiration)
	resp := wire.EscrowResponse{Expiration: e.Expiration, EscrowDataID: fullID(e)}
	if p.PreferID != "" {
		resp.EscrowDataID = p.PreferID // the reference answers with the bare prefer-id
	}
	return resp, nil
}

type payment struct {
	scheme     string
	seconds    int64  // how long the payment keeps an escrow
	spentKey   string // "" for payments that need no replay check
	spentUntil int64
}

// checkPayment values a payment token for data (the escrow-data string).
func (s *Server) checkPayment(token string, data []byte, now time.Time) (payment, error) {
	schemeID, cash, err := hashcash.ParseToken(token)
	if err != nil {
		return payment{}, fmt.Errorf("%w: %w", ErrInsufficientPay, err)
	}
	for _, sc := range s.schemes {
		if sc.SchemeID != schemeID {
			continue
		}
		pay := payment{scheme: sc.SchemeID, seconds: sc.ExpirationSeconds}
		if sc.Scheme == "free" {
			return pay, nil
		}
		if err := hashcash.Verify(data, sc.HashcashBits, cash, now); err != nil {
			return payment{}, fmt.Errorf("%w: %w", ErrInsufficientPay, err)
		}
		pay.spentKey, pay.spentUntil, err = spentKey(cash, data)
		if err != nil {
			return payment{}, fmt.Errorf("%w: %w", ErrInsufficientPay, err)
		}
		return pay, nil
	}
	return payment{}, fmt.Errorf("%w: unknown scheme %q", ErrInsufficientPay, schemeID)
}

// spentKey names a hashcash token by the values it hashes (counter, time
// stamp, data), so the same work in another spelling (upper case, leading
// zeros) or under a cheaper scheme (a 12-bit token is an 11-bit one too)
// is still recognised as spent.
func spentKey(cash string, data []byte) (string, int64, error) {
	ctr, ts, err := hashcash.ParseCash(cash)
	if err != nil {
		return "", 0, err
	}
	sum := sha256.Sum256(data)
	return fmt.Sprintf("hashcash:%x-%x:%x", ctr, ts, sum), ts + hashcashWindow, nil
}

// openJSON opens a sealed wire object with its base64 key.
func openJSON(keyB64, sealed string, v any) error {
	key, err := wire.DecodeKey(keyB64)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrBadKey, err)
	}
	return openJSONKey(key, sealed, v)
}

func openJSONKey(key []byte, sealed string, v any) error {
	pt, err := wire.Open(key, sealed)
	if errors.Is(err, wire.ErrDecrypt) {
		return ErrWrongKey
	} else if err != nil {
		return fmt.Errorf("%w: %w", ErrBadRequest, err)
	}
	return decodeJSON(pt, v)
}

// checkEnvelope refuses what cannot be a sealed wire object, so junk is
// never stored: strict base64 of at least a nonce and a tag.
func checkEnvelope(sealed string) error {
	raw, err := base64.StdEncoding.DecodeString(sealed)
	if err != nil {
		return errors.New("not base64")
	}
	if len(raw) < wire.NonceSize+16 {
		return errors.New("too short")
	}
	return nil
}

// newEscrowID draws the id of an escrow whose client named none: 16
// random bytes, as the reference draws, of which the first 6 then become
// the creation time in milliseconds, leaving 80 random bits. Ids drawn
// in order reach bbolt's B-tree in order, so a batch of new escrows
// fills a few leaf pages at its right edge instead of rewriting a page
// somewhere for each escrow (escrow creation at c=16: +13%). 80 bits
// cannot be guessed, even knowing the millisecond; and the time tells
// no one holding the id more than the expiration beside it in the full
// id does. All 16 bytes are read, so replayed randomness lines up with
// the reference's (TestReplayReferenceClient).
func newEscrowID(r io.Reader, now time.Time) (string, error) {
	var b [16]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return "", fmt.Errorf("server: reading randomness: %w", err)
	}
	ms := uint64(now.UnixMilli())
	for i := range 6 {
		b[i] = byte(ms >> (8 * (5 - i)))
	}
	return hex.EncodeToString(b[:]), nil
}

func randomHex(r io.Reader, n int) (string, error) {
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", fmt.Errorf("server: reading randomness: %w", err)
	}
	return hex.EncodeToString(b), nil
}
