package server

import (
	"bytes"
	"net"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/passcrow/passcrow-desktop/internal/wire"
)

// Every answer is JSON, whatever arrives. Two parts of net/http answer
// without asking the handler, in text or HTML:
//   - http.ServeMux redirects a path it would clean ("/passcrow//policy",
//     "/a/../passcrow/policy") with a 307 HTML page. canonicalPath below
//     lets only paths the mux takes as they are reach it.
//   - The connection loop answers a request it cannot parse (a malformed
//     request line or header, headers too large, an unknown
//     Transfer-Encoding, an Expect it does not support, plain HTTP on a TLS
//     port) itself, writing a canned text/plain response straight to the
//     net.Conn. jsonOnlyConn recognises exactly those writes and sends the
//     same status with a JSON body instead. Our handler never writes
//     text/plain, so nothing of ours is ever rewritten.
// TestJSONOnlyWire sends each kind of malformed request over TCP and
// checks every answer, so a Go release that changes the canned texts
// fails a test instead of leaking text.

// canonicalPath reports whether http.ServeMux would route p unchanged
// (the mux's cleanPath, from net/http: a leading '/', path.Clean, and one
// trailing '/' kept).
func canonicalPath(p string) bool {
	if p == "" || p[0] != '/' {
		return false
	}
	np := path.Clean(p)
	if p[len(p)-1] == '/' && np != "/" {
		np += "/"
	}
	return np == p
}

// jsonOnlyListener wraps each accepted connection in a jsonOnlyConn.
type jsonOnlyListener struct{ net.Listener }

func (l jsonOnlyListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &jsonOnlyConn{Conn: c}, nil
}

// jsonOnlyConn turns net/http's canned error responses into JSON ones.
type jsonOnlyConn struct{ net.Conn }

func (c *jsonOnlyConn) Write(p []byte) (int, error) {
	if j := jsonForCanned(p); j != nil {
		if _, err := c.Conn.Write(j); err != nil {
			return 0, err
		}
		return len(p), nil
	}
	return c.Conn.Write(p)
}

// CloseWrite keeps net/http's lingering close (it looks for this method)
// working through the wrapper.
func (c *jsonOnlyConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// The shapes of net/http's canned responses (net/http/server.go, conn.serve
// and response.sendExpectationFailed, Go 1.22 to 1.26).
const (
	cannedHeaders = "\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n"
	cannedTLS     = "HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n"
	cannedExpect  = "HTTP/1.1 417 Expectation Failed\r\n"
)

// jsonForCanned returns the JSON response to send instead of p, or nil
// when p is not one of net/http's canned responses.
func jsonForCanned(p []byte) []byte {
	if !bytes.HasPrefix(p, []byte("HTTP/1.")) || len(p) < len("HTTP/1.1 400") {
		return nil
	}
	switch {
	case bytes.Equal(p, []byte(cannedTLS)):
		return jsonResponse(http.StatusBadRequest, "This server speaks HTTPS only")
	case bytes.HasPrefix(p, []byte(cannedExpect)):
		return jsonResponse(http.StatusExpectationFailed, http.StatusText(http.StatusExpectationFailed))
	}
	// The status line is followed at once by the canned headers.
	line, _, ok := bytes.Cut(p, []byte("\r\n"))
	if !ok || !bytes.HasPrefix(p[len(line):], []byte(cannedHeaders)) {
		return nil
	}
	code, err := strconv.Atoi(string(line[len("HTTP/1.1 "):][:3]))
	if err != nil || code < 400 || code > 599 {
		return nil
	}
	msg := http.StatusText(code)
	if code == http.StatusBadRequest {
		msg = wire.ErrBadRequest
	}
	return jsonResponse(code, msg)
}

// jsonResponse is a whole HTTP/1.1 response that closes the connection,
// as the canned ones do.
func jsonResponse(code int, msg string) []byte {
	body, err := wire.Marshal(wire.ErrorResponse{Error: msg})
	if err != nil {
		body = []byte(`{"error": "Bad request"}`)
	}
	var b strings.Builder
	b.WriteString("HTTP/1.1 " + strconv.Itoa(code) + " " + http.StatusText(code) + "\r\n")
	b.WriteString("Content-Type: application/json\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n")
	b.WriteString("Connection: close\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n")
	b.Write(body)
	return []byte(b.String())
}
