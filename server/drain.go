package server

import (
	"net/http"

	"github.com/passcrow/passcrow-desktop/internal/wire"
)

// Close must never close the store under a running handler: a handler
// that has sent a code (a slow SMTP server can hold it for many seconds)
// must still store it, or the user holds a code the server never kept.
// http.Server.Shutdown waits only until its deadline, so the Server counts
// its own handlers: each holds s.life for reading while it runs, and drain
// takes it for writing, which waits for all of them. Requests that come
// later are refused with JSON (503) instead of reaching a closed store.

const errStrShuttingDown = "Server is shutting down"

// enter admits a request, or reports false once the server is closing.
// A true return must be paired with leave.
func (s *Server) enter() bool {
	s.life.RLock()
	if s.closing {
		s.life.RUnlock()
		return false
	}
	return true
}

func (s *Server) leave() { s.life.RUnlock() }

// drain waits for every handler in progress and refuses new ones.
func (s *Server) drain() {
	if s.onDrain != nil {
		s.onDrain()
	}
	s.life.Lock()
	s.closing = true
	s.life.Unlock()
}

func (s *Server) serveClosing(w http.ResponseWriter) {
	w.Header().Set("Retry-After", "1")
	s.writeJSON(w, http.StatusServiceUnavailable, wire.ErrorResponse{Error: errStrShuttingDown})
}
