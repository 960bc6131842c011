package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/passcrow/passcrow-desktop/internal/wire"
)

func (s *Server) serveDeletion(w http.ResponseWriter, r *http.Request) {
	var req wire.DeletionRequest
	if !s.decodeBody(w, r, &req, func(err error) any {
		return wire.DeletionResponse{Version: wire.Version, Error: wireError(err)}
	}) {
		return
	}
	resp, err := s.processDeletion(r.Context(), &req)
	if err != nil {
		s.logRefusal(r, wire.MethodDeletion, err)
		resp = wire.DeletionResponse{Error: wireError(err)}
	}
	resp.Version = wire.Version
	s.writeJSON(w, http.StatusOK, resp)
}

// ErrKeylessDelete refuses a deletion request without the escrow key.
var ErrKeylessDelete error = &extError{"deletion without the escrow key is refused", "Deletion needs the escrow key (escrow-data-key): this server does not delete by id alone"}

// processDeletion removes an escrow. Deleting what is not there succeeds,
// as with the reference. The reference asks no proof of ownership, so
// anyone who learns an id (a log, a backup of a pack, a shoulder) could
// delete the escrow; a request must carry our escrow-data-key extension
// with the right key, unless the operator allows keyless deletion.
func (s *Server) processDeletion(ctx context.Context, req *wire.DeletionRequest) (wire.DeletionResponse, error) {
	if req.Version != wire.Version {
		return wire.DeletionResponse{}, fmt.Errorf("%w: %q", ErrVersion, req.Version)
	}
	now := s.cfg.Now()
	var e Escrow
	var err error
	switch {
	case req.EscrowDataKey != "":
		e, _, err = s.openEscrow(ctx, req.EscrowDataID, req.EscrowDataKey, now)
	case s.cfg.AllowKeylessDelete:
		e, err = s.lookup(ctx, req.EscrowDataID, now)
	default:
		// Refused whether or not the escrow exists, so a keyless
		// request learns nothing about ids either.
		return wire.DeletionResponse{}, ErrKeylessDelete
	}
	if errors.Is(err, ErrNoEscrow) {
		return wire.DeletionResponse{}, nil
	} else if err != nil {
		return wire.DeletionResponse{}, err
	}
	// Its key is on the heir's sheet: only the owner token deletes it.
	if err := s.refuseDelayed(ctx, e); err != nil {
		return wire.DeletionResponse{}, err
	}
	if err := s.store.DeleteEscrow(ctx, e.ID); err != nil {
		return wire.DeletionResponse{}, err
	}
	s.log.Debug("escrow deleted", "kind", e.Kind, "proven", req.EscrowDataKey != "")
	return wire.DeletionResponse{}, nil
}
