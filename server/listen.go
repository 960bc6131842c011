package server

import (
	"context"
	"crypto/tls"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// Timeouts of ListenAndServe: requests are small, so slow clients are cut
// off early; the write timeout leaves room for a slow mail server.
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 15 * time.Second
	writeTimeout      = 60 * time.Second
	idleTimeout       = 2 * time.Minute
	shutdownTimeout   = 10 * time.Second
)

// ServeOptions says how Serve runs a handler beyond the defaults.
type ServeOptions struct {
	// TLS serves HTTPS with this configuration (see TLSFiles and ACME);
	// nil serves plain HTTP.
	TLS *tls.Config
	// ShutdownTimeout is how long Serve waits for requests in progress
	// after the context ends; default 10 s. Handlers still running then
	// are not cut: Server.Close waits for them before closing the store.
	ShutdownTimeout time.Duration
	// Logger gets the connection loop's complaints (TLS handshake
	// errors, a failing accept, a handler that panicked), redacted
	// (logs.go); default slog.Default().
	Logger *slog.Logger
}

// ListenAndServe serves h on addr until ctx is done, then shuts down
// gracefully: requests in progress may finish for a few seconds.
func ListenAndServe(ctx context.Context, addr string, h http.Handler) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return Serve(ctx, ln, h)
}

// Serve is ListenAndServe on a listener of the caller's (tests use a
// port the system chose).
func Serve(ctx context.Context, ln net.Listener, h http.Handler) error {
	return ServeWith(ctx, ln, h, ServeOptions{})
}

// ServeWith is Serve with options, through our own connection loop
// (httpconn.go). Whatever arrives, every answer is JSON, and open connections are capped per client address and
// in all (connlimit.go; Config.MaxConnsPerClient, MaxConns). After it
// returns, close the Server: Close waits for handlers still running.
func ServeWith(ctx context.Context, ln net.Listener, h http.Handler, opt ServeOptions) error {
	if opt.ShutdownTimeout <= 0 {
		opt.ShutdownTimeout = shutdownTimeout
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	// Innermost, so a connection over a cap is closed before anything
	// else sees it.
	if lim := connLimiterFor(h, opt.Logger); lim.capped() {
		ln = &connLimitListener{Listener: ln, lim: lim}
	}
	// HTTP/1.1 only: requests are single and small, so HTTP/2 would gain
	// nothing.
	if opt.TLS != nil {
		ln = tls.NewListener(ln, opt.TLS)
	}
	srv := newHTTPServer(h, slog.New(Redacting(opt.Logger.Handler())))
	errc := make(chan error, 1)
	go func() { errc <- srv.serve(ln) }()
	select {
	case err := <-errc:
		ln.Close()
		srv.shutdown(context.Background())
		return err
	case <-ctx.Done():
	}
	opt.Logger.Info("stopping: no new connections; finishing the requests under way")
	ln.Close()
	<-errc
	sctx, cancel := context.WithTimeout(context.Background(), opt.ShutdownTimeout)
	defer cancel()
	// Past the deadline, connections still busy are left to their
	// handlers, so those can still answer: Server.Close waits for them.
	if err := srv.shutdown(sctx); err != nil {
		opt.Logger.Warn("requests still running at shutdown; waiting for them before closing the store")
	}
	return nil
}

// connLimiterFor is the connection caps to serve h with: a Server's are
// its Config's, shared by every listener it is served on; any other
// handler (the admin pages) gets the default caps on a listener alone.
func connLimiterFor(h http.Handler, log *slog.Logger) *connLimiter {
	if s, ok := h.(*Server); ok {
		return s.conns
	}
	return newConnLimiter(DefaultMaxConnsPerClient, defaultMaxConns(), nil,
		slog.New(Redacting(log.Handler())), time.Now, nil)
}
