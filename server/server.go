package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/wire"
)

// Server answers Passcrow 1.0 requests. It is an http.Handler; Close stops
// its sweeper and closes its store.
type Server struct {
	cfg        Config
	store      Store
	ownsDB     bool // close store on Close
	schemes    []wire.PaymentScheme
	policyJSON []byte
	mux        *http.ServeMux
	limiter    *rateLimiter
	conns      *connLimiter // open connections, for ServeWith (connlimit.go)
	resend     *resendGate
	sends      *sendLimiter // nil: no per-recipient limit
	guessLocks escrowLocks  // orders guesses per escrow (guesses_local.go)
	metrics    *metrics
	log        *slog.Logger

	stopSweep chan struct{}
	swept     sync.WaitGroup
	closeOnce sync.Once
	closeErr  error

	// life and closing let Close wait for handlers in progress (drain.go).
	life    sync.RWMutex
	closing bool
	onDrain func() // tests: called as Close starts draining
}

// New makes a Server from cfg. With cfg.DataDir set and no cfg.Store it
// opens (or creates) DataDir/passcrow.db.
func New(cfg Config) (*Server, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, store: cfg.Store, stopSweep: make(chan struct{})}
	s.log = slog.New(Redacting(cfg.Logger.Handler())) // logs.go: no identities, codes, keys or ids
	s.metrics = newMetrics(cfg.Now(), cfg.Verifiers)
	s.conns = newConnLimiter(cfg.MaxConnsPerClient, cfg.MaxConns, s.trusted, s.log, cfg.Now, s.metrics)
	if s.store == nil {
		if cfg.DataDir == "" {
			s.store = NewMemoryStore()
		} else if s.store, err = OpenBoltStore(cfg.DataDir); err != nil {
			return nil, err
		}
		s.ownsDB = true
	}
	s.schemes = paymentSchemes(cfg.MaxExpiration)
	if s.policyJSON, err = wire.Marshal(s.policy()); err != nil {
		return nil, fmt.Errorf("server: encoding policy: %w", err)
	}
	s.resend = newResendGate(cfg.ResendInterval)
	if s.sends, err = newSendLimiter(s.store, cfg); err != nil {
		if s.ownsDB {
			s.store.Close()
		}
		return nil, err
	}
	if cfg.RateLimit > 0 {
		s.limiter = newRateLimiter(cfg.RateLimit, cfg.RateBurst)
	}
	s.routes()
	if cfg.SweepInterval > 0 {
		s.swept.Add(1)
		go s.sweeper(cfg.SweepInterval)
	}
	return s, nil
}

// Close waits for requests in progress, refuses new ones, stops the
// sweeper and, if New opened the store, closes it.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		s.drain()
		close(s.stopSweep)
		s.swept.Wait()
		if s.ownsDB {
			s.closeErr = s.store.Close()
		}
	})
	return s.closeErr
}

func (s *Server) sweeper(every time.Duration) {
	defer s.swept.Done()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-s.stopSweep:
			return
		case <-t.C:
			s.sweep(context.Background())
		}
	}
}

// sweep removes expired data once; the sweeper calls it, tests may too.
func (s *Server) sweep(ctx context.Context) {
	now := s.cfg.Now()
	n, err := s.store.Sweep(ctx, now)
	if err != nil {
		s.log.Error("sweeping expired data", "err", err)
	} else if n > 0 {
		s.log.Debug("swept expired data", "entries", n)
	}
	if s.limiter != nil {
		s.limiter.prune(now)
	}
	s.resend.prune(now)
	s.sweepReleases(ctx, now)
}

// The RPCs: each name and its alias from the reference's documentation.
var rpcNames = map[string]string{
	wire.MethodEscrow:       wire.MethodEscrow,
	wire.MethodVerification: wire.MethodVerification,
	wire.MethodRecovery:     wire.MethodRecovery,
	wire.MethodDeletion:     wire.MethodDeletion,
	"protect":               wire.MethodEscrow,
	"verify":                wire.MethodVerification,
	"recover":               wire.MethodRecovery,
	"delete":                wire.MethodDeletion,
}

func (s *Server) routes() {
	s.mux = http.NewServeMux()
	s.mux.HandleFunc("GET /passcrow/policy", s.servePolicy)
	s.mux.HandleFunc("POST /passcrow/policy", s.servePolicy)
	s.mux.HandleFunc("GET /passcrow/stats", s.serveStats)
	s.mux.HandleFunc("POST /passcrow/stats", s.serveStats)
	for path, method := range rpcNames {
		var h http.HandlerFunc
		switch method {
		case wire.MethodEscrow:
			h = s.serveEscrow
		case wire.MethodVerification:
			h = s.serveVerification
		case wire.MethodRecovery:
			h = s.serveRecovery
		case wire.MethodDeletion:
			h = s.serveDeletion
		}
		s.mux.HandleFunc("POST /passcrow/"+path, h)
	}
	if !s.cfg.NoExtensions {
		s.extensionRoutes()
	}
	s.mux.HandleFunc("/passcrow/{method}", s.serveOther)
	s.mux.HandleFunc("GET /{$}", s.serveRoot)
	s.mux.HandleFunc("/", s.serveNotFound)
}

// ServeHTTP admits the request while the server is open (drain.go),
// counts it (metrics.go) and serves it. Middleware goes here, around
// s.serve.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !s.enter() {
		s.serveClosing(w)
		return
	}
	defer s.leave()
	s.counted(w, r, s.serve)
}

// serve applies the rate limit and hands the request to the mux, if the
// mux would take its path as it is (jsononly.go).
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if s.limiter != nil && !s.limiter.allow(s.clientKey(r), s.cfg.Now()) {
		w.Header().Set("Retry-After", "1")
		s.writeJSON(w, http.StatusTooManyRequests, wire.ErrorResponse{Error: wire.ErrRateLimited})
		return
	}
	if r.Method == http.MethodConnect || !canonicalPath(r.URL.EscapedPath()) {
		s.serveNotFound(w, r)
		return
	}
	s.mux.ServeHTTP(w, r)
}

func (s *Server) serveRoot(w http.ResponseWriter, r *http.Request) {
	if s.cfg.AboutURL != "" {
		// A browser goes on to the about page; the body is JSON as every
		// other answer (http.Redirect would write HTML).
		w.Header().Set("Location", s.cfg.AboutURL)
		s.writeJSON(w, http.StatusFound, map[string]string{"about": s.cfg.AboutURL})
		return
	}
	s.serveNotFound(w, r)
}

func (s *Server) serveNotFound(w http.ResponseWriter, _ *http.Request) {
	s.writeJSON(w, http.StatusNotFound, wire.ErrorResponse{Error: errStrNotFound})
}

// serveOther answers /passcrow/<x> that no route took: an RPC with the
// wrong HTTP method, or an unknown RPC (as the reference: "Unsupported: x").
func (s *Server) serveOther(w http.ResponseWriter, r *http.Request) {
	method := r.PathValue("method")
	if _, ok := rpcNames[method]; ok || method == wire.MethodPolicy {
		allow := "POST"
		if method == wire.MethodPolicy {
			allow = "GET, POST"
		}
		w.Header().Set("Allow", allow)
		s.writeJSON(w, http.StatusMethodNotAllowed, wire.ErrorResponse{Error: errStrMethod})
		return
	}
	s.writeJSON(w, http.StatusOK, wire.ErrorResponse{Error: wire.ErrUnsupportedP + method})
}

func (s *Server) servePolicy(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost {
		body, err := s.readBody(w, r)
		if err == nil && len(body) > 0 && !emptyObject(body) {
			var anything map[string]any
			err = decodeJSON(body, &anything)
		}
		if err != nil {
			s.writeBodyError(w, err)
			return
		}
	}
	s.writePolicy(w) // policy.go
}

// readBody reads the request body, refusing more than MaxRequestBytes
// before reading it whole.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	return readBodyMax(w, r, s.cfg.MaxRequestBytes)
}

// readBodyMax reads a body of at most max bytes. A body of a stated
// length is read into a slice of that size: net/http never gives more
// than the Content-Length, so only a chunked body needs the limit's
// reader (and its buffer that grows as it reads).
func readBodyMax(w http.ResponseWriter, r *http.Request, max int64) ([]byte, error) {
	if r.ContentLength > max {
		return nil, ErrRequestTooLarge
	}
	if r.ContentLength >= 0 {
		body := make([]byte, r.ContentLength)
		if _, err := io.ReadFull(r.Body, body); err != nil {
			return nil, fmt.Errorf("%w: reading body: %w", ErrBadRequest, err)
		}
		// Read to its end and closed, the body needs no draining after
		// the handler (net/http would copy what is left to io.Discard).
		r.Body.Close()
		return body, nil
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, max))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return nil, ErrRequestTooLarge
		}
		return nil, fmt.Errorf("%w: reading body: %w", ErrBadRequest, err)
	}
	return body, nil
}

// emptyObject reports whether body is "{}", maybe within JSON white
// space: what clients post for the policy, which then needs no parsing.
func emptyObject(body []byte) bool {
	return string(bytes.Trim(body, " \t\r\n")) == "{}"
}

// writeBodyError answers a request whose body could not be read at all,
// with the reference's bare {"error": ...}.
func (s *Server) writeBodyError(w http.ResponseWriter, err error) {
	s.writeJSON(w, http.StatusOK, wire.ErrorResponse{Error: wireError(err)})
}

func (s *Server) writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := wire.Marshal(v)
	if err != nil {
		s.log.Error("encoding response", "err", err)
		status = http.StatusInternalServerError
		b = []byte(`{"error": "Internal Error"}`)
	}
	s.writeRaw(w, status, b)
}

func (s *Server) writeRaw(w http.ResponseWriter, status int, b []byte) {
	setJSONHeaders(w.Header())
	w.WriteHeader(status)
	w.Write(b)
}

// Header values of every JSON answer, shared so that answering takes no
// allocation for them: net/http copies the handler's header map when the
// status is written and never writes into the values, and we never do.
var (
	hdrJSON    = []string{"application/json"}
	hdrNoStore = []string{"no-store"}
	hdrNosniff = []string{"nosniff"}
)

// setJSONHeaders sets what every JSON answer says of itself (h.Set would
// allocate a slice for each value).
func setJSONHeaders(h http.Header) {
	h["Content-Type"] = hdrJSON
	h["Cache-Control"] = hdrNoStore
	h["X-Content-Type-Options"] = hdrNosniff
}

// decodeBody reads and parses an RPC body into v. On failure it has
// answered already: a body too large for reading gets the reference's bare
// error, a body that does not parse gets errResp(err), the method's
// response type.
func (s *Server) decodeBody(w http.ResponseWriter, r *http.Request, v any, errResp func(error) any) bool {
	body, err := s.readBody(w, r)
	if err != nil {
		s.logRefusal(r, "", err)
		s.writeBodyError(w, err)
		return false
	}
	if err := decodeJSON(body, v); err != nil {
		s.logRefusal(r, "", err)
		s.writeJSON(w, http.StatusOK, errResp(err))
		return false
	}
	return true
}

// logRefusal logs a failed request. Error texts may quote what the client
// sent (an id, a prefer-id) or what a mail server said (an address), so
// s.log redacts them (logs.go); the route is the mux's pattern, not the
// path the client chose.
func (s *Server) logRefusal(r *http.Request, rpc string, err error) {
	level := slog.LevelInfo
	if !expected(err) {
		level = slog.LevelError
	}
	s.log.Log(r.Context(), level, "request refused", "route", r.Pattern, "rpc", rpc, "err", err)
}
