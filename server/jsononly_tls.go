package server

import (
	"crypto/tls"
	"errors"
	"net"
)

// Over TLS net/http writes its canned text/plain answers into the
// tls.Conn, so the jsonOnlyConn under it sees only ciphertext. So the
// tls.Conn is wrapped in a jsonOnlyConn too. Then net/http no longer
// sees a *tls.Conn: the handshake happens at the first read (under the
// same header deadline), and plain HTTP on the TLS port, which net/http
// answered in its own handshake step, is answered here.

// jsonOnlyTLSListener serves TLS on ln (itself a jsonOnlyListener) with
// conf, wrapping each TLS connection in a jsonOnlyTLSConn.
type jsonOnlyTLSListener struct{ net.Listener }

func newJSONOnlyTLSListener(ln net.Listener, conf *tls.Config) net.Listener {
	return jsonOnlyTLSListener{tls.NewListener(ln, conf)}
}

func (l jsonOnlyTLSListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &jsonOnlyTLSConn{jsonOnlyConn{Conn: c}}, nil
}

type jsonOnlyTLSConn struct{ jsonOnlyConn }

// Read answers plain HTTP sent to the TLS port in JSON on the raw
// connection, as net/http does in text for a bare *tls.Conn.
func (c *jsonOnlyTLSConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	var re tls.RecordHeaderError
	if errors.As(err, &re) && re.Conn != nil && looksLikeHTTP(re.RecordHeader) {
		re.Conn.Write(jsonResponse(400, "This server speaks HTTPS only"))
		re.Conn.Close()
	}
	return n, err
}

// looksLikeHTTP is net/http's test of the first bytes of a TLS record.
func looksLikeHTTP(hdr [5]byte) bool {
	switch string(hdr[:]) {
	case "GET /", "HEAD ", "POST ", "PUT /", "OPTIO":
		return true
	}
	return false
}
