package server

import (
	"net/http"
	"slices"

	"github.com/passcrow/passcrow-desktop/internal/version"
	"github.com/passcrow/passcrow-desktop/server/verify"
)

// statsResponse is /passcrow/stats, the shape the reference's monitor
// (passcrow/mon.py) reads: its version, when it started, the identity
// kinds it verifies ("handlers"), what it stores in, and requests per
// method. Counts only: nothing in it is about anyone's escrow.
type statsResponse struct {
	Version  string           `json:"version"`
	StartTS  int64            `json:"start-ts"`
	Handlers []string         `json:"handlers"`
	Storage  statsStorage     `json:"storage"`
	Requests map[string]int64 `json:"requests"`
}

type statsStorage struct {
	Type string `json:"type"`
	// Encrypted says whether stored data is encrypted at rest by the
	// store. Escrow data is always sealed by the client; this is about
	// the store itself, as the reference reports it.
	Encrypted bool `json:"encrypted"`
}

// StorageKinder is implemented by stores that name themselves in stats.
type StorageKinder interface {
	StorageKind() string
}

func (s *Server) serveStats(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost {
		// As for the policy: a body, if any, must be JSON, and is ignored.
		body, err := s.readBody(w, r)
		if err == nil && len(body) > 0 {
			var anything map[string]any
			err = decodeJSON(body, &anything)
		}
		if err != nil {
			s.writeBodyError(w, err)
			return
		}
	}
	kinds := sortedKinds(s.cfg.Verifiers)
	storage := "custom"
	if k, ok := s.store.(StorageKinder); ok {
		storage = k.StorageKind()
	}
	requests := make(map[string]int64, len(routeNames))
	for i, n := range routeNames {
		requests[n] = s.metrics.requests[i].Load()
	}
	s.writeJSON(w, http.StatusOK, statsResponse{
		Version:  version.Get().Version,
		StartTS:  s.metrics.started.Unix(),
		Handlers: kinds,
		Storage:  statsStorage{Type: storage},
		Requests: requests,
	})
}

// sortedKinds is the identity kinds verifiers serve, in order.
func sortedKinds(verifiers map[string]verify.Verifier) []string {
	kinds := make([]string, 0, len(verifiers))
	for k := range verifiers {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	return kinds
}
