package server

// The release-delay extension: an escrow released only a number of days
// after its code is first verified, which its owner can stop meanwhile.
// It is how an heir inherits (recovery/heir, docs/INHERITANCE.md): the
// escrow names the heir's address, the heir holds its key on a printed
// sheet, and the owner, told at once by mail and again before release,
// stops the release with an owner token that never leaves the owner's
// pack. The delay lives here, so nobody holding the sheet can shorten it.
//
// Nothing of this touches a 1.0 message: the server advertises it at
// /passcrow/extensions, the escrow and its waiting period are made
// together by a request of our own (a 1.0 escrow request inside it), and
// a 1.0 recovery request for a waiting escrow gets an error naming the
// time of release. Config.NoExtensions hides the endpoints; escrows made
// with a waiting period keep it even then.

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/wire"
)

// Limits of the extension's requests.
const (
	// extMaxRequestBytes bounds a delayed-escrow request: it carries a
	// copy of the owner's pack for the heir, larger than 1.0's 4096 bytes.
	extMaxRequestBytes = 48 << 10
	// maxStatusEscrows is the most escrows one status request asks about:
	// an heir looks for every generation of a sheet's escrow at once.
	maxStatusEscrows = 32
	// ownerTokenSize is the size of an owner token in bytes.
	ownerTokenSize = 32
)

// extError is an expected refusal of ours with its wire wording.
type extError struct{ msg, wire string }

func (e *extError) Error() string      { return e.msg }
func (e *extError) wireString() string { return e.wire }

// Refusals of the extension.
var (
	ErrOwnerToken       error = &extError{"wrong owner token", wire.ErrOwnerToken}
	ErrReleaseOwned     error = &extError{"only the owner token deletes an escrow with a waiting period", wire.ErrReleaseOwned}
	ErrDelayRange       error = &extError{"release delay out of range", "Release delay out of range"}
	ErrDelayOutlives    error = &extError{"the escrow would expire before its waiting period ends", "The escrow would expire before its waiting period ends"}
	ErrCannotNotify     error = &extError{"the owner of this escrow cannot be told, so it is never released", "The owner cannot be told, so nothing is released"}
	ErrNoticeFailed     error = &extError{"the owner could not be told", "Could not tell the owner; please try again later"}
	errTooManyEscrows   error = &extError{"too many escrows in one status request", "Too many escrows in one request"}
	errNoReleaseStorage       = errors.New("server: the store keeps no waiting periods")
)

// releasePendingError is the answer to a verified code while the
// waiting period runs.
type releasePendingError struct{ until time.Time }

func (e *releasePendingError) Error() string {
	return "release pending until " + e.until.UTC().Format(time.RFC3339)
}
func (e *releasePendingError) wireString() string {
	return wire.ErrReleasePendingP + e.until.UTC().Format(time.RFC3339)
}

func (s *Server) extensionRoutes() {
	s.mux.HandleFunc("GET /passcrow/"+wire.MethodExtensions, s.serveExtensions)
	s.mux.HandleFunc("POST /passcrow/"+wire.MethodExtensions, s.serveExtensions)
	s.mux.HandleFunc("POST /passcrow/"+wire.MethodDelayedEscrow, s.serveDelayedEscrow)
	s.mux.HandleFunc("POST /passcrow/"+wire.MethodReleaseStatus, s.serveReleaseStatus)
	s.mux.HandleFunc("POST /passcrow/"+wire.MethodReleaseCancel, s.serveOwner(s.processReleaseCancel))
	s.mux.HandleFunc("POST /passcrow/"+wire.MethodReleaseDelete, s.serveOwner(s.processReleaseDelete))
}

func (s *Server) releaseStore() (ReleaseStore, error) {
	rs, ok := s.store.(ReleaseStore)
	if !ok {
		return nil, errNoReleaseStorage
	}
	return rs, nil
}

// serveExtensions advertises what we offer beyond 1.0.
func (s *Server) serveExtensions(w http.ResponseWriter, r *http.Request) {
	ext := wire.Extensions{Extensions: []string{}}
	if _, err := s.releaseStore(); err == nil {
		ext.Extensions = append(ext.Extensions, wire.ExtReleaseDelay)
		ext.ReleaseDelay = &wire.ReleaseDelayInfo{
			MinDays:         s.cfg.MinReleaseDays,
			MaxDays:         s.cfg.MaxReleaseDays,
			MaxRequestBytes: extMaxRequestBytes,
		}
	}
	s.writeJSON(w, http.StatusOK, ext)
}

func (s *Server) serveDelayedEscrow(w http.ResponseWriter, r *http.Request) {
	body, err := readBodyMax(w, r, extMaxRequestBytes)
	if err != nil {
		s.logRefusal(r, wire.MethodDelayedEscrow, err)
		s.writeBodyError(w, err)
		return
	}
	resp, err := s.processDelayedEscrow(r.Context(), body)
	if err != nil {
		s.logRefusal(r, wire.MethodDelayedEscrow, err)
		resp = wire.EscrowResponse{Error: wireError(err)}
	}
	resp.Version = wire.Version
	s.writeJSON(w, http.StatusOK, resp)
}

// processDelayedEscrow stores a 1.0 escrow and its waiting period in one
// step, so that there is never a moment when the escrow exists without
// it.
func (s *Server) processDelayedEscrow(ctx context.Context, body []byte) (wire.EscrowResponse, error) {
	rs, err := s.releaseStore()
	if err != nil {
		return wire.EscrowResponse{}, err
	}
	var req wire.DelayedEscrowRequest
	if err := decodeJSON(body, &req); err != nil {
		return wire.EscrowResponse{}, err
	}
	if req.Version != wire.ExtVersion {
		return wire.EscrowResponse{}, fmt.Errorf("%w: %q", ErrVersion, req.Version)
	}
	if req.DelayDays < s.cfg.MinReleaseDays || req.DelayDays > s.cfg.MaxReleaseDays {
		return wire.EscrowResponse{}, fmt.Errorf("%w: %d days, not %d to %d", ErrDelayRange, req.DelayDays, s.cfg.MinReleaseDays, s.cfg.MaxReleaseDays)
	}
	owner, err := ownerHash(req.OwnerToken)
	if err != nil {
		return wire.EscrowResponse{}, err
	}
	lang := req.OwnerLanguage
	if lang == "" {
		lang = "en"
	}
	if !validLanguage(lang) {
		return wire.EscrowResponse{}, fmt.Errorf("%w: %q", ErrBadLanguage, lang)
	}
	var inner wire.EscrowRequest
	if err := decodeJSON(req.EscrowRequest, &inner); err != nil {
		return wire.EscrowResponse{}, err
	}
	delay := days(req.DelayDays)
	return s.processEscrowWith(ctx, &inner, func(ctx context.Context, e Escrow, now time.Time) error {
		if e.Expiration < now.Add(delay).Unix() {
			return ErrDelayOutlives
		}
		return rs.CreateDelayedEscrow(ctx, e, Release{
			Expiration: e.Expiration,
			DelayDays:  req.DelayDays,
			OwnerHash:  owner,
			Language:   lang,
		}, now)
	})
}

// ownerHash checks an owner token and returns what the server keeps of it.
func ownerHash(token string) ([]byte, error) {
	raw, err := wire.DecodeKey(token)
	if err != nil || len(raw) != ownerTokenSize {
		return nil, fmt.Errorf("%w: malformed owner token", ErrBadRequest)
	}
	sum := sha256.Sum256(raw)
	return sum[:], nil
}

func days(n int) time.Duration { return time.Duration(n) * 24 * time.Hour }

func (s *Server) serveReleaseStatus(w http.ResponseWriter, r *http.Request) {
	var req wire.ReleaseStatusRequest
	body, err := readBodyMax(w, r, extMaxRequestBytes)
	if err == nil {
		err = decodeJSON(body, &req)
	}
	var resp wire.ReleaseStatusResponse
	if err == nil {
		resp, err = s.processReleaseStatus(r.Context(), &req)
	}
	if err != nil {
		s.logRefusal(r, wire.MethodReleaseStatus, err)
		resp = wire.ReleaseStatusResponse{Error: wireError(err)}
	}
	resp.Version = wire.ExtVersion
	s.writeJSON(w, http.StatusOK, resp)
}

// processReleaseStatus says of each escrow whether it is there and where
// its waiting period stands. Only the holder of an escrow's key learns
// anything of it: with a wrong key it reads as not found.
func (s *Server) processReleaseStatus(ctx context.Context, req *wire.ReleaseStatusRequest) (wire.ReleaseStatusResponse, error) {
	if req.Version != wire.ExtVersion {
		return wire.ReleaseStatusResponse{}, fmt.Errorf("%w: %q", ErrVersion, req.Version)
	}
	if len(req.Escrows) > maxStatusEscrows {
		return wire.ReleaseStatusResponse{}, fmt.Errorf("%w: %d", errTooManyEscrows, len(req.Escrows))
	}
	rs, err := s.releaseStore()
	if err != nil {
		return wire.ReleaseStatusResponse{}, err
	}
	now := s.cfg.Now()
	out := wire.ReleaseStatusResponse{Escrows: make([]wire.ReleaseStatus, len(req.Escrows))}
	for i, ref := range req.Escrows {
		st := wire.ReleaseStatus{EscrowDataID: ref.EscrowDataID}
		e, _, err := s.openEscrow(ctx, ref.EscrowDataID, ref.EscrowDataKey, now)
		if err != nil && expected(err) {
			out.Escrows[i] = st // gone, or not this key's: alike to the asker
			continue
		} else if err != nil {
			return wire.ReleaseStatusResponse{}, err
		}
		st.Found, st.Expiration = true, e.Expiration
		rel, err := rs.Release(ctx, e.ID)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return wire.ReleaseStatusResponse{}, err
		}
		if err == nil && rel.bound(e) {
			st.DelayDays = rel.DelayDays
			if c := rel.Claim; c != nil {
				st.ClaimedAt, st.ReleaseAt, st.RemindedAt, st.ReleasedAt = c.Since, c.ReleaseAt, c.RemindedAt, c.ReleasedAt
			}
		}
		out.Escrows[i] = st
	}
	return out, nil
}

// serveOwner serves a request proven by the owner token.
func (s *Server) serveOwner(process func(context.Context, *wire.OwnerRequest) (wire.OwnerResponse, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req wire.OwnerRequest
		body, err := s.readBody(w, r)
		if err == nil {
			err = decodeJSON(body, &req)
		}
		var resp wire.OwnerResponse
		if err == nil {
			resp, err = process(r.Context(), &req)
		}
		if err != nil {
			s.logRefusal(r, r.URL.Path, err)
			resp = wire.OwnerResponse{Error: wireError(err)}
		}
		resp.Version = wire.ExtVersion
		s.writeJSON(w, http.StatusOK, resp)
	}
}

// ownedEscrow finds the escrow of an owner request and checks its token.
// found is false when the escrow is gone.
func (s *Server) ownedEscrow(ctx context.Context, req *wire.OwnerRequest) (e Escrow, rs ReleaseStore, found bool, err error) {
	if req.Version != wire.ExtVersion {
		return Escrow{}, nil, false, fmt.Errorf("%w: %q", ErrVersion, req.Version)
	}
	hash, err := ownerHash(req.OwnerToken)
	if err != nil {
		return Escrow{}, nil, false, err
	}
	if rs, err = s.releaseStore(); err != nil {
		return Escrow{}, nil, false, err
	}
	e, err = s.lookup(ctx, req.EscrowDataID, s.cfg.Now())
	if errors.Is(err, ErrNoEscrow) {
		return Escrow{}, rs, false, nil
	} else if err != nil {
		return Escrow{}, nil, false, err
	}
	rel, err := rs.Release(ctx, e.ID)
	if errors.Is(err, ErrNotFound) || err == nil && !rel.bound(e) {
		return Escrow{}, nil, false, ErrOwnerToken // no waiting period, so no owner
	} else if err != nil {
		return Escrow{}, nil, false, err
	}
	if subtle.ConstantTimeCompare(hash, rel.OwnerHash) != 1 {
		return Escrow{}, nil, false, ErrOwnerToken
	}
	return e, rs, true, nil
}

// processReleaseCancel stops a release under way and keeps the escrow:
// the next verified code starts a new waiting period, and the owner is
// told again.
func (s *Server) processReleaseCancel(ctx context.Context, req *wire.OwnerRequest) (wire.OwnerResponse, error) {
	e, rs, found, err := s.ownedEscrow(ctx, req)
	if err != nil {
		return wire.OwnerResponse{}, err
	}
	if !found {
		return wire.OwnerResponse{}, ErrNoEscrow
	}
	cancelled := false
	err = rs.UpdateRelease(ctx, e.ID, func(r *Release) error {
		cancelled = r.Claim != nil
		r.Claim = nil
		return nil
	})
	if err != nil {
		return wire.OwnerResponse{}, err
	}
	s.log.Info("release cancelled by its owner", "pending", cancelled)
	return wire.OwnerResponse{Cancelled: cancelled}, nil
}

// processReleaseDelete removes the escrow and its waiting period; an
// escrow that is gone already is not an error.
func (s *Server) processReleaseDelete(ctx context.Context, req *wire.OwnerRequest) (wire.OwnerResponse, error) {
	e, rs, found, err := s.ownedEscrow(ctx, req)
	if err != nil || !found {
		return wire.OwnerResponse{}, err
	}
	if err := s.store.DeleteEscrow(ctx, e.ID); err != nil {
		return wire.OwnerResponse{}, err
	}
	if err := rs.DeleteRelease(ctx, e.ID, e.Expiration); err != nil {
		return wire.OwnerResponse{}, err
	}
	s.log.Debug("escrow with a waiting period deleted by its owner")
	return wire.OwnerResponse{}, nil
}

// refuseDelayed refuses a 1.0 deletion of an escrow with a waiting
// period: its key is on the heir's sheet, and whoever else has read the
// sheet must not be able to take the inheritance away.
func (s *Server) refuseDelayed(ctx context.Context, e Escrow) error {
	rs, err := s.releaseStore()
	if err != nil {
		return nil
	}
	rel, err := rs.Release(ctx, e.ID)
	if errors.Is(err, ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	if rel.bound(e) {
		return ErrReleaseOwned
	}
	return nil
}

// Sweep removes expired data and sends the reminders that are due, as
// the background sweeper does every Config.SweepInterval; for tests and
// operators who run it themselves.
func (s *Server) Sweep(ctx context.Context) { s.sweep(ctx) }
