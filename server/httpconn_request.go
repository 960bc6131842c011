package server

import (
	"bufio"
	"errors"
	"io"
	"math"
	"net"
	"net/http"
	"strings"
	"time"

	"golang.org/x/net/http/httpguts"

	"github.com/passcrow/passcrow-desktop/internal/wire"
)

// Limits of one request, as http.Server's.
const (
	maxHeaderBytes = 16 << 10
	// maxDiscardBytes is how much of a body the handler left unread is
	// read and dropped to keep the connection; more closes it.
	maxDiscardBytes = 256 << 10
)

// serveRequests answers requests on the connection until it closes, a
// request asks it to, or shutdown begins.
func (hc *httpConn) serveRequests() {
	lim := &headerLimit{r: hc.rwc}
	br := bufio.NewReaderSize(lim, 4<<10)
	bw := bufio.NewWriterSize(hc.rwc, 4<<10)
	w := &bufferedResponse{header: http.Header{}}
	var handlerBody requestBody
	// The first request's deadlines count from here, as http.Server's
	// do: a client that waits before its first byte gets no more time
	// for the rest (a slowloris would hold the connection twice as long).
	start := time.Now()
	for served := false; ; served = true {
		// Waiting for a request: the idle timeout between requests, the
		// header timeout before the first.
		lim.n = maxHeaderBytes + 4096 // as http.Server: room for the request line
		if br.Buffered() == 0 {
			deadline := start.Add(readHeaderTimeout)
			if served {
				deadline = time.Now().Add(idleTimeout)
			}
			hc.rwc.SetReadDeadline(deadline)
			if _, err := br.Peek(1); err != nil {
				return
			}
		}
		if !hc.srv.setIdle(hc, false) {
			// Shutdown: a request came that will not be served, and a
			// close on it unread could lose the last answer's tail.
			hc.lingeringClose()
			return
		}
		t0 := start
		if served {
			t0 = time.Now()
		}
		hc.rwc.SetReadDeadline(t0.Add(readHeaderTimeout))
		hc.rwc.SetWriteDeadline(t0.Add(writeTimeout))
		req, err := http.ReadRequest(br)
		if err == nil {
			err = checkRequest(req)
		}
		if err != nil {
			if lim.n <= 0 {
				err = errHeaderTooLarge
			}
			hc.refuse(err)
			return
		}
		lim.n = math.MaxInt64
		hc.rwc.SetReadDeadline(t0.Add(readTimeout))
		req.RemoteAddr = hc.remoteAddr
		req.TLS = hc.tlsState

		// The handler gets the body in a wrapper whose Close leaves it
		// for the loop to drop (net/http's own would read all of it).
		body := req.Body
		handlerBody = requestBody{r: body}
		req.Body = &handlerBody
		var cont *continueReader
		if wantsContinue(req) {
			if req.ProtoAtLeast(1, 1) && req.ContentLength != 0 {
				cont = &continueReader{ReadCloser: req.Body, bw: bw}
				req.Body = cont
			}
		} else if req.Header.Get("Expect") != "" {
			hc.rwc.Write(jsonResponse(http.StatusExpectationFailed, http.StatusText(http.StatusExpectationFailed)))
			hc.lingeringClose()
			return
		}

		w.begin(bw, req)
		ok := hc.runHandler(w, req)
		if !ok && !w.streaming {
			w.reset()
			w.header["Content-Type"] = hdrJSON
			w.WriteHeader(http.StatusInternalServerError)
			w.Write([]byte(`{"error": "Internal Error"}`))
			req.Close = true
		}
		// What the handler left of the body is dropped, up to a point,
		// so the next request can be read; a client still waiting for
		// "100 Continue" has sent none.
		drained := false
		if cont == nil || cont.sent {
			_, err := io.CopyN(io.Discard, body, maxDiscardBytes+1)
			drained = err == io.EOF
		}
		if w.streaming {
			// Told the client it closes. After a panic the answer is
			// left cut short (http.ErrAbortHandler: the client must see
			// it is not whole).
			var err error
			if ok {
				err = w.endStream()
			} else {
				err = bw.Flush()
			}
			if err == nil {
				hc.lingeringClose()
			}
			return
		}
		keep := drained && !req.Close && !hc.srv.isShutting()
		if err := w.writeTo(keep); err != nil || !keep {
			// Not only when the body is left: a request pipelined
			// after this one (at shutdown, or after Connection: close)
			// is unread input too, and closing on it would reset the
			// connection and lose what of the answer is not sent yet.
			if err == nil {
				hc.lingeringClose()
			}
			return
		}
		// Nothing of this request is kept while waiting for the next
		// (a chunked body refers to its request, headers and all).
		w.end()
		handlerBody = requestBody{}
		if !hc.srv.setIdle(hc, true) {
			hc.lingeringClose() // as above: shutdown began meanwhile
			return
		}
	}
}

// runHandler runs the handler, reporting false if it panicked. A panic is
// logged (without the request: it may hold secrets) and the client gets
// a 500, as http.Server would close the connection.
func (hc *httpConn) runHandler(w *bufferedResponse, req *http.Request) (ok bool) {
	defer func() {
		if p := recover(); p != nil {
			if p != http.ErrAbortHandler {
				hc.srv.log.Error("handler panicked", "panic", p)
			}
			ok = false
		}
	}()
	hc.srv.h.ServeHTTP(w, req)
	return true
}

// refuse answers a request that could not be read, in JSON, and closes;
// a client that went away or timed out gets nothing, as from http.Server.
func (hc *httpConn) refuse(err error) {
	var status int
	msg := wire.ErrBadRequest
	var se statusError
	var ne net.Error
	var oe *net.OpError
	switch {
	case errors.As(err, &se):
		status, msg = se.status, se.msg
	case errors.Is(err, errHeaderTooLarge):
		status = http.StatusRequestHeaderFieldsTooLarge
		msg = http.StatusText(status)
	case strings.Contains(err.Error(), "unsupported transfer encoding"):
		// net/http's own error for this has no type to test for.
		status = http.StatusNotImplemented
		msg = http.StatusText(status)
	case err == io.EOF, errors.As(err, &oe), errors.As(err, &ne) && ne.Timeout():
		// (Not any net.Error: a *url.Error from a bad request line is one.)
		return
	default:
		status = http.StatusBadRequest
	}
	hc.rwc.Write(jsonResponse(status, msg))
	hc.lingeringClose()
}

// statusError is a request refused with a status of its own.
type statusError struct {
	status int
	msg    string
}

func (e statusError) Error() string { return e.msg }

var errHeaderTooLarge = errors.New("request headers too large")

// checkRequest adds http.Server's checks to what http.ReadRequest does
// (which already refuses more than one Host header).
func checkRequest(req *http.Request) error {
	isPRI := req.Method == "PRI" && req.RequestURI == "*"
	if req.ProtoMajor != 1 && !(isPRI && req.ProtoMajor == 2 && req.ProtoMinor == 0) {
		return statusError{http.StatusHTTPVersionNotSupported, http.StatusText(http.StatusHTTPVersionNotSupported)}
	}
	// ReadRequest takes the Host header out, into req.Host (unless the
	// request line names a host).
	if req.Host == "" && req.ProtoAtLeast(1, 1) && !isPRI && req.Method != http.MethodConnect {
		return errors.New("missing required Host header")
	}
	if !httpguts.ValidHostHeader(req.Host) {
		return errors.New("malformed Host header")
	}
	for k, vv := range req.Header {
		if !httpguts.ValidHeaderFieldName(k) {
			return errors.New("invalid header name")
		}
		for _, v := range vv {
			if !httpguts.ValidHeaderFieldValue(v) {
				return errors.New("invalid header value")
			}
		}
	}
	return nil
}

// requestBody is a request's body as the handler sees it: closing it
// only stops the handler's reads.
type requestBody struct {
	r      io.Reader
	closed bool
}

func (b *requestBody) Read(p []byte) (int, error) {
	if b.closed {
		return 0, http.ErrBodyReadAfterClose
	}
	return b.r.Read(p)
}

func (b *requestBody) Close() error {
	b.closed = true
	return nil
}

// headerLimit bounds what is read of a request before its headers end.
type headerLimit struct {
	r io.Reader
	n int64
}

func (l *headerLimit) Read(p []byte) (int, error) {
	if l.n <= 0 {
		return 0, errHeaderTooLarge
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	return n, err
}

// wantsContinue: the client waits for "100 Continue" before sending
// the body (http.Server heeds it for HTTP/1.1 with a body only, and
// refuses any other expectation).
func wantsContinue(req *http.Request) bool {
	return httpguts.HeaderValuesContainsToken(req.Header["Expect"], "100-continue")
}

// continueReader tells the client to go on when the handler first reads
// the body.
type continueReader struct {
	io.ReadCloser
	bw   *bufio.Writer
	sent bool
}

func (c *continueReader) Read(p []byte) (int, error) {
	if !c.sent {
		c.sent = true
		c.bw.WriteString("HTTP/1.1 100 Continue\r\n\r\n")
		if err := c.bw.Flush(); err != nil {
			return 0, err
		}
	}
	return c.ReadCloser.Read(p)
}
