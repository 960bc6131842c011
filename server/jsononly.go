package server

import (
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/passcrow/passcrow-desktop/internal/wire"
)

// Every answer is JSON, whatever arrives.
//   - http.ServeMux redirects a path it would clean ("/passcrow//policy",
//     "/a/../passcrow/policy") with a 307 HTML page. canonicalPath below
//     lets only paths the mux takes as they are reach it.
//   - A request that cannot be read (a malformed request line or header,
//     headers too large, an unknown Transfer-Encoding, an Expect we do not
//     support, plain HTTP on a TLS port) is answered by our connection
//     loop (httpconn.go) with jsonResponse.
// TestJSONOnlyWire sends each kind of malformed request over TCP and
// checks every answer; FuzzServeWire sends arbitrary bytes.

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

// jsonResponse is a whole HTTP/1.1 error response that closes the
// connection.
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
