package server

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/passcrow/passcrow-desktop/internal/hint"

	"github.com/passcrow/passcrow-desktop/internal/wire"
	"github.com/passcrow/passcrow-desktop/server/verify"
)

// sendTimeout bounds one delivery, so a stuck mail server cannot hold a
// request until the HTTP write timeout.
const sendTimeout = 30 * time.Second

func (s *Server) serveVerification(w http.ResponseWriter, r *http.Request) {
	var req wire.VerificationRequest
	if !s.decodeBody(w, r, &req, func(err error) any {
		return wire.VerificationResponse{Version: wire.Version, Error: wireError(err)}
	}) {
		return
	}
	resp, err := s.processVerification(r.Context(), &req)
	if err != nil {
		setRetryAfter(w, err, s.cfg.Now())
		s.logRefusal(r, wire.MethodVerification, err)
		resp = wire.VerificationResponse{EscrowDataID: req.EscrowDataID, Error: wireError(err)}
	}
	resp.Version = wire.Version
	s.writeJSON(w, http.StatusOK, resp)
}

// processVerification sends a fresh code to the identity inside an escrow
// and keeps it only once it went out; it replaces any earlier code. A
// second code within ResendInterval of the last one is refused.
func (s *Server) processVerification(ctx context.Context, req *wire.VerificationRequest) (wire.VerificationResponse, error) {
	if req.Version != wire.Version {
		return wire.VerificationResponse{}, fmt.Errorf("%w: %q", ErrVersion, req.Version)
	}
	if !validLanguage(req.Language) {
		return wire.VerificationResponse{}, fmt.Errorf("%w: %q", ErrBadLanguage, req.Language)
	}
	if !validPrefix(req.Prefix) {
		return wire.VerificationResponse{}, fmt.Errorf("%w: %q", ErrBadPrefix, req.Prefix)
	}
	now := s.cfg.Now()
	e, data, err := s.openEscrow(ctx, req.EscrowDataID, req.EscrowDataKey, now)
	if err != nil {
		return wire.VerificationResponse{}, err
	}
	// A locked-out escrow takes no code, so sending one would only be
	// a mail to nobody's use.
	if err := s.checkLocked(ctx, e, now); err != nil {
		return wire.VerificationResponse{}, err
	}
	kind, address, ok := strings.Cut(data.Verify, ":")
	if !ok || address == "" {
		return wire.VerificationResponse{}, fmt.Errorf("%w: no identity to verify", errMalformedEscrowRaw)
	}
	v := s.cfg.Verifiers[kind]
	if v == nil {
		return wire.VerificationResponse{}, &kindError{kind}
	}
	timeout := s.cfg.MaxCodeTimeout
	if t := time.Duration(data.Timeout) * time.Second; data.Timeout > 0 && t < timeout {
		timeout = t
	}
	timeout = timeout.Truncate(time.Second)
	code, err := newCode(s.cfg.Rand, req.Prefix)
	if err != nil {
		return wire.VerificationResponse{}, err
	}
	hint := hint.Mask(kind, address)
	undo, err := s.resend.reserve(e.ID, now)
	if err != nil {
		return wire.VerificationResponse{}, err
	}
	// The escrow's own limit comes first: it is in memory, so a loop on
	// one escrow never reaches the store.
	giveSend := func() {}
	if s.sends != nil {
		if giveSend, err = s.sends.take(ctx, kind, address, now); err != nil {
			undo()
			return wire.VerificationResponse{}, err
		}
	}
	sendCtx, cancel := context.WithTimeout(ctx, sendTimeout)
	// An action-url verifier sends nothing: it gives the page where the
	// user gets the code (verify.ActionURL).
	var actionURL string
	actionURL, err = verify.Deliver(sendCtx, v, verify.Message{
		Kind:        kind,
		Address:     address,
		Language:    req.Language,
		Code:        code,
		Description: verify.CleanDescription(data.Description),
		AboutURL:    s.cfg.AboutURL,
		Timeout:     timeout,
	})
	cancel()
	s.metrics.codeSent(kind, err)
	if err != nil {
		undo() // most likely nothing went out: let the user retry at once
		giveSend()
		// The verifier's error may name the address; the log gets the hint.
		msg := hideAddress(err.Error(), address, hint)
		return wire.VerificationResponse{}, fmt.Errorf("%w to %s: %s", ErrSendFailed, hint, msg)
	}
	exp := now.Add(timeout).Unix()
	if err := s.store.PutCode(ctx, e.ID, Code{Code: code, Expiration: exp, Language: req.Language}); err != nil {
		return wire.VerificationResponse{}, err
	}
	s.tellOwner(ctx, e, data, verify.NoticeRecoveryStarted, req.Language, time.Unix(exp, 0))
	if s.log.Enabled(ctx, slog.LevelDebug) { // its arguments cost allocations even unlogged
		s.log.Debug("verification code sent", "kind", kind, "hint", hint)
	}
	return wire.VerificationResponse{EscrowDataID: req.EscrowDataID, Expiration: exp, Hint: hint, ActionURL: actionURL}, nil
}

// hideAddress replaces address in s with hint, as given and as %q or %+q
// would have escaped it (a verifier's refusal quotes what it refused).
func hideAddress(s, address, hint string) string {
	if address == "" {
		return s
	}
	s = strings.ReplaceAll(s, address, hint)
	for _, q := range []string{strconv.Quote(address), strconv.QuoteToASCII(address)} {
		s = strings.ReplaceAll(s, q[1:len(q)-1], hint)
	}
	return s
}

// openEscrow finds the escrow named by id and opens its data with the
// base64 key.
func (s *Server) openEscrow(ctx context.Context, id, keyB64 string, now time.Time) (Escrow, wire.EscrowData, error) {
	key, err := wire.DecodeKey(keyB64)
	if err != nil {
		return Escrow{}, wire.EscrowData{}, fmt.Errorf("%w: %w", ErrBadKey, err)
	}
	e, err := s.lookup(ctx, id, now)
	if err != nil {
		return Escrow{}, wire.EscrowData{}, err
	}
	var data wire.EscrowData
	if err := openJSONKey(key, e.Data, &data); errors.Is(err, ErrBadRequest) {
		return Escrow{}, wire.EscrowData{}, fmt.Errorf("%w: %w", errMalformedEscrowRaw, err)
	} else if err != nil {
		return Escrow{}, wire.EscrowData{}, err
	}
	return e, data, nil
}

// lookup finds an escrow by either spelling of its id; a full id must
// name the escrow's actual expiration, as with the reference.
func (s *Server) lookup(ctx context.Context, id string, now time.Time) (Escrow, error) {
	bare, exp, hasExp, err := parseID(id)
	if err != nil {
		return Escrow{}, err
	}
	e, err := s.store.Escrow(ctx, bare, now)
	if errors.Is(err, ErrNotFound) || (err == nil && hasExp && exp != e.Expiration) {
		return Escrow{}, ErrNoEscrow
	}
	return e, err
}

// newCode returns prefix followed by six uniformly random digits.
func newCode(r io.Reader, prefix string) (string, error) {
	// 4294000000 is the largest multiple of 10^6 below 2^32: rejecting
	// what lies above it keeps every code equally likely.
	const limit = 4294000000
	var b [4]byte
	for {
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return "", fmt.Errorf("server: reading randomness: %w", err)
		}
		if v := binary.BigEndian.Uint32(b[:]); v < limit {
			n := strconv.FormatUint(uint64(v%1000000), 10)
			return prefix + strings.Repeat("0", 6-len(n)) + n, nil
		}
	}
}

// validLanguage accepts language tags ("en", "pt-BR", "zh_Hant"); the
// verifier falls back to English for those it has no text for.
func validLanguage(s string) bool {
	if s == "" || len(s) > 35 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// validPrefix accepts "" or one printable character that would survive
// the strip() of the code comparison.
func validPrefix(s string) bool {
	if s == "" {
		return true
	}
	r, size := utf8.DecodeRuneInString(s)
	return size == len(s) && r != utf8.RuneError && unicode.IsPrint(r) && !unicode.IsSpace(r)
}
