package recovery_test

import (
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/servertest"
	"github.com/passcrow/passcrow-desktop/server"
	"github.com/passcrow/passcrow-desktop/server/verify"
)

// A witness is our real server's view of who talks to it: every
// connection it accepted and every request, with the address it came
// from and its headers. The server itself is unchanged.
type witness struct {
	mu    sync.Mutex
	conns []string // remote addresses, in order
	reqs  []seenRequest
	// onRequest, when set, hears each request's path as it arrives.
	onRequest func(path string)
}

type seenRequest struct {
	remote, path string
	header       http.Header
}

func (w *witness) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		w.mu.Lock()
		w.reqs = append(w.reqs, seenRequest{remote: r.RemoteAddr, path: r.URL.Path, header: r.Header.Clone()})
		hook := w.onRequest
		w.mu.Unlock()
		if hook != nil {
			hook(r.URL.Path)
		}
		h.ServeHTTP(rw, r)
	})
}

func (w *witness) connState(c net.Conn, s http.ConnState) {
	if s == http.StateNew {
		w.mu.Lock()
		w.conns = append(w.conns, c.RemoteAddr().String())
		w.mu.Unlock()
	}
}

func (w *witness) requests() []seenRequest {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]seenRequest(nil), w.reqs...)
}

func (w *witness) connections() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.conns...)
}

// witnessedServer is ourServer (same configuration) with a witness, over
// TLS when tls is set (httptest's certificate, for example.com).
func witnessedServer(t *testing.T, tls bool) (*httptest.Server, *servertest.Recorder, *witness) {
	t.Helper()
	rec := &servertest.Recorder{}
	srv, err := server.New(server.Config{
		Verifiers:     map[string]verify.Verifier{"email": rec},
		CountryCode:   "IS",
		AboutURL:      "https://passcrow.example.org/",
		MaxExpiration: 3 * 24 * time.Hour,
		SweepInterval: -1,
		Logger:        slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	w := &witness{}
	hs := httptest.NewUnstartedServer(w.wrap(srv))
	hs.Config.ConnState = w.connState
	if tls {
		hs.StartTLS()
	} else {
		hs.Start()
	}
	t.Cleanup(func() {
		hs.Close()
		srv.Close()
	})
	return hs, rec, w
}
