package server

// Our own HTTP/1.1 connection loop, in place of http.Server's.
//
// Why: measured with wrk on loopback (2 cores), http.Server cost the
// policy answer 92-95 µs of server CPU a request at c=1, this loop 49-56
// µs; policy went from 10,000-10,300 req/s to 12,500-14,900 at c=1 and
// from 29,000-31,000 to 39,000-45,000 at c=16. Per request http.Server
// starts a goroutine that reads ahead (to notice a client going away),
// stops it again with a deadline, and makes a context, a response and
// its buffers; none of that is needed here, where every request is
// small, answered in one write, and every handler runs to its end
// anyway (drain.go).
//
// What is not ours: requests are parsed by net/http's own parser
// (http.ReadRequest, httpconn_request.go), and handlers are ordinary
// http.Handlers. What is ours: deadlines (the same as http.Server's
// ReadHeaderTimeout, ReadTimeout, WriteTimeout and IdleTimeout),
// keep-alive, answering a request that does not parse (in JSON: no text
// from net/http ever reaches a client), the TLS handshake, and a
// graceful shutdown.

import (
	"context"
	"crypto/tls"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"
)

// httpServer serves one handler on one listener.
type httpServer struct {
	h   http.Handler
	log *slog.Logger // redacted

	// handshakeFailures: the internet's scanners fail TLS handshakes all
	// day, so they are logged at most once a minute, with a count.
	handshakeFailures logThrottle

	mu       sync.Mutex
	conns    map[*httpConn]struct{}
	shutting bool
	running  sync.WaitGroup // one per open connection
}

func newHTTPServer(h http.Handler, log *slog.Logger) *httpServer {
	return &httpServer{h: h, log: log, conns: map[*httpConn]struct{}{}}
}

// serve accepts connections on ln until ln is closed; a temporary
// failure (too many open files) is retried after a pause that grows.
func (s *httpServer) serve(ln net.Listener) error {
	var pause time.Duration
	for {
		c, err := ln.Accept()
		if err != nil {
			if s.isShutting() || errors.Is(err, net.ErrClosed) {
				return err
			}
			pause = min(max(2*pause, 5*time.Millisecond), time.Second)
			s.log.Warn("accepting a connection failed; retrying", "err", err, "pause", pause)
			time.Sleep(pause)
			continue
		}
		pause = 0
		hc := &httpConn{srv: s, rwc: c, idle: true}
		if !s.track(hc) {
			c.Close()
			continue
		}
		go hc.serve()
	}
}

// track registers a new connection, unless shutdown has begun.
func (s *httpServer) track(hc *httpConn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.shutting {
		return false
	}
	s.conns[hc] = struct{}{}
	s.running.Add(1)
	return true
}

func (s *httpServer) untrack(hc *httpConn) {
	s.mu.Lock()
	delete(s.conns, hc)
	s.mu.Unlock()
	s.running.Done()
}

func (s *httpServer) isShutting() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.shutting
}

// setIdle and setActive move a connection between waiting for a request
// and serving one. They report false once shutdown has begun: the
// connection then ends (an active one after its answer).
func (s *httpServer) setIdle(hc *httpConn, idle bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.shutting {
		return false
	}
	hc.idle = idle
	return true
}

// shutdown closes every connection waiting for a request, lets those
// serving one finish it and close, and waits for them until ctx ends.
// Handlers still running then are left to finish: Server.Close waits
// for them before it closes the store.
func (s *httpServer) shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.shutting = true
	var idle []net.Conn
	for hc := range s.conns {
		if hc.idle {
			idle = append(idle, hc.rwc)
		}
	}
	s.mu.Unlock()
	// Once shutting, an idle connection never serves again (setIdle), so
	// it is closed outside the lock, and beneath TLS: a tls.Conn's Close
	// first sends an alert, which waits up to 5 s on a client whose
	// receive buffer is full, and a few such would stall the shutdown.
	for _, c := range idle {
		if tc, ok := c.(*tls.Conn); ok {
			c = tc.NetConn()
		}
		c.Close()
	}
	done := make(chan struct{})
	go func() {
		s.running.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// httpConn is one client connection.
type httpConn struct {
	srv *httpServer
	rwc net.Conn
	// idle: waiting for a request (the first too); guarded by srv.mu.
	idle bool
	// Set once, before the first request.
	remoteAddr string
	tlsState   *tls.ConnectionState
}

func (hc *httpConn) serve() {
	defer hc.srv.untrack(hc)
	defer hc.rwc.Close()
	hc.remoteAddr = hc.rwc.RemoteAddr().String()
	if tc, ok := hc.rwc.(*tls.Conn); ok && !hc.handshake(tc) {
		return
	}
	hc.serveRequests()
}

// handshake completes TLS within the header deadline. Plain HTTP sent to
// the TLS port is told so in JSON, on the raw connection.
func (hc *httpConn) handshake(tc *tls.Conn) bool {
	tc.SetDeadline(time.Now().Add(readHeaderTimeout))
	if err := tc.HandshakeContext(context.Background()); err != nil {
		var re tls.RecordHeaderError
		if errors.As(err, &re) && re.Conn != nil && looksLikeHTTP(re.RecordHeader) {
			re.Conn.Write(jsonResponse(http.StatusBadRequest, "This server speaks HTTPS only"))
			re.Conn.Close()
			return false
		}
		if n, ok := hc.srv.handshakeFailures.due(time.Now()); ok {
			hc.srv.log.Warn("TLS handshakes failed", "failed", n, "last_err", err,
				"logged_at_most_every", handshakeLogEvery)
		}
		return false
	}
	state := tc.ConnectionState()
	hc.tlsState = &state
	return true
}

// looksLikeHTTP is net/http's test of the first bytes of a TLS record.
func looksLikeHTTP(hdr [5]byte) bool {
	switch string(hdr[:]) {
	case "GET /", "HEAD ", "POST ", "PUT /", "OPTIO":
		return true
	}
	return false
}

// lingeringClose ends a connection after its last answer, when the
// client may have sent more than was read (the rest of a body, a request
// pipelined after): closing with unread bytes would make the kernel reset
// the connection, and the client could lose the answer. So the writing
// side is closed first, and what the client still sends is read and
// dropped until it closes too, for at most half a second.
func (hc *httpConn) lingeringClose() {
	cw, ok := hc.rwc.(interface{ CloseWrite() error })
	if !ok || cw.CloseWrite() != nil {
		return
	}
	hc.rwc.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
	buf := make([]byte, 4096)
	for n := 0; n < 256<<10; {
		m, err := hc.rwc.Read(buf)
		n += m
		if err != nil {
			return
		}
	}
}

const handshakeLogEvery = time.Minute

// logThrottle says when a recurring complaint is due for a log line.
type logThrottle struct {
	mu       sync.Mutex
	last     time.Time
	unlogged int
}

// due counts one more occurrence and reports whether to log now, with
// how many occurred since the last line (this one included).
func (t *logThrottle) due(now time.Time) (int, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.unlogged++
	if !t.last.IsZero() && now.Sub(t.last) < handshakeLogEvery {
		return 0, false
	}
	n := t.unlogged
	t.last, t.unlogged = now, 0
	return n, true
}
