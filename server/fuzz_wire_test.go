package server

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"testing"
)

// FuzzServeWire writes arbitrary bytes to our server over loopback TCP,
// through its own connection loop (httpconn*.go), as an attacker's
// client would, then half-closes. Whatever comes back must be HTTP
// responses with JSON bodies (or nothing, for a request cut short): no
// text/plain or HTML, whatever the request line or headers look like.
func FuzzServeWire(f *testing.F) {
	for _, raw := range []string{
		"GET /passcrow/policy HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET /passcrow//policy HTTP/1.1\r\nHost: x\r\n\r\n",
		"this is not http\r\n\r\n",
		"GET /passcrow/policy HTTP/9.9\r\nHost: x\r\n\r\n",
		"GET /passcrow/policy HTTP/1.1\r\n\r\n",
		"POST /passcrow/policy HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n",
		"POST /passcrow/policy HTTP/1.1\r\nHost: x\r\nExpect: magic\r\nContent-Length: 0\r\n\r\n",
		"POST /passcrow/verify HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}GET / HTTP/1.0\r\n\r\n",
		"OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n",
		"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
	} {
		f.Add([]byte(raw))
	}
	env := newTestEnv(f, nil)
	addr := startWire(f, env.srv, ServeOptions{})
	f.Fuzz(func(t *testing.T, raw []byte) {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		conn.Write(raw)
		conn.(*net.TCPConn).CloseWrite()
		all, _ := io.ReadAll(conn) // the server closes once it has read all
		head := bytes.Contains(raw, []byte("HEAD"))
		br := bufio.NewReader(bytes.NewReader(all))
		for br.Buffered() > 0 || len(all) > 0 {
			if _, err := br.Peek(1); errors.Is(err, io.EOF) {
				return
			}
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				t.Fatalf("%q: answer is not HTTP (%v): %q", raw, err, all)
			}
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode < 200 {
				continue // 100 Continue before a body is read
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
				t.Fatalf("%q: Content-Type %q: %q", raw, ct, all)
			}
			if head {
				return // no body, and the length would mislead the next read
			}
			if !json.Valid(body) {
				t.Fatalf("%q: body not JSON: %q", raw, all)
			}
			if resp.StatusCode/100 == 3 && resp.Header.Get("Location") != "https://passcrow.example.org/" {
				t.Fatalf("%q: redirect: %q", raw, all)
			}
		}
	})
}
