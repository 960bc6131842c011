package server

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/syncbuf"
	"github.com/passcrow/passcrow-desktop/internal/wire"
)

// dialWire opens a connection to addr with a reader for its answers.
func dialWire(t *testing.T, addr string) (net.Conn, *bufio.Reader) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	mustBeNil(t, err)
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(20 * time.Second))
	return c, bufio.NewReader(c)
}

// readAnswer reads one answer and its body.
func readAnswer(t *testing.T, br *bufio.Reader, method string) (*http.Response, string) {
	t.Helper()
	resp, err := http.ReadResponse(br, &http.Request{Method: method})
	if err != nil {
		t.Fatalf("no answer: %v", err)
	}
	b, err := io.ReadAll(resp.Body)
	mustBeNil(t, err)
	return resp, string(b)
}

// Keep-alive as clients expect it: pipelined requests are answered in
// order on one connection (a handler that reads and closes the body
// leaves it open); HTTP/1.0 keeps it only when asked and is
// told so; Connection: close closes after the answer; HEAD gets the
// headers alone.
func TestHTTPConnKeepAlive(t *testing.T) {
	env := newTestEnv(t, nil)
	addr := startWire(t, env.srv, ServeOptions{})
	c, br := dialWire(t, addr)
	policy := "GET /passcrow/policy HTTP/1.1\r\nHost: x\r\n\r\n"
	post := "POST /passcrow/policy HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}"
	io.WriteString(c, post+"HEAD /passcrow/policy HTTP/1.1\r\nHost: x\r\n\r\n"+policy+post)
	for i, method := range []string{"POST", "HEAD", "GET", "POST"} {
		resp, body := readAnswer(t, br, method)
		if resp.StatusCode != 200 || resp.Close || resp.Header.Get("Date") == "" {
			t.Fatalf("answer %d: HTTP %d close=%v date=%q", i, resp.StatusCode, resp.Close, resp.Header.Get("Date"))
		}
		if (method == "HEAD") != (body == "") || resp.ContentLength <= 0 {
			t.Fatalf("answer %d to %s: length %d, body %q", i, method, resp.ContentLength, body)
		}
	}

	io.WriteString(c, "GET /passcrow/policy HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
	resp, _ := readAnswer(t, br, "GET")
	if resp.Close || resp.Header.Get("Connection") != "keep-alive" {
		t.Fatalf("HTTP/1.0 keep-alive: close=%v Connection=%q", resp.Close, resp.Header.Get("Connection"))
	}
	io.WriteString(c, "GET /passcrow/policy HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	if resp, _ := readAnswer(t, br, "GET"); !resp.Close {
		t.Fatal("Connection: close was not answered with close")
	}
	if _, err := br.ReadByte(); err != io.EOF {
		t.Fatalf("after Connection: close the connection stays open: %v", err)
	}

	c, br = dialWire(t, addr)
	io.WriteString(c, "GET /passcrow/policy HTTP/1.0\r\n\r\n")
	if resp, _ := readAnswer(t, br, "GET"); !resp.Close {
		t.Fatal("plain HTTP/1.0 was not closed")
	}
}

// A client that waits for "100 Continue" gets it once the handler reads
// the body, and the answer after.
func TestHTTPConnExpectContinue(t *testing.T) {
	env := newTestEnv(t, nil)
	addr := startWire(t, env.srv, ServeOptions{})
	c, br := dialWire(t, addr)
	io.WriteString(c, "POST /passcrow/policy HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n")
	line, err := br.ReadString('\n')
	mustBeNil(t, err)
	if !strings.HasPrefix(line, "HTTP/1.1 100 ") {
		t.Fatalf("before the body: %q", line)
	}
	br.ReadString('\n')
	io.WriteString(c, "{}")
	if resp, body := readAnswer(t, br, "POST"); resp.StatusCode != 200 || !jsonBody([]byte(body)) {
		t.Fatalf("HTTP %d %q", resp.StatusCode, body)
	}
}

// A body left unread beyond what is worth dropping closes the connection
// after the answer, which the client still gets whole.
func TestHTTPConnUnreadBodyCloses(t *testing.T) {
	env := newTestEnv(t, nil)
	addr := startWire(t, env.srv, ServeOptions{})
	c, br := dialWire(t, addr)
	big := 1 << 20
	go func() {
		io.WriteString(c, "POST /passcrow/"+wire.MethodEscrow+" HTTP/1.1\r\nHost: x\r\nContent-Length: "+strconv.Itoa(big)+"\r\n\r\n")
		c.Write(make([]byte, big))
	}()
	resp, body := readAnswer(t, br, "POST")
	if !strings.Contains(body, "too large") {
		t.Fatalf("HTTP %d %q", resp.StatusCode, body)
	}
	if !resp.Close {
		t.Fatal("the connection stays open with most of a body unread")
	}
}

// A handler that panics costs its client a JSON 500, not the server.
func TestHTTPConnPanicAnswers500(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/boom" {
			w.Write([]byte("half an answer"))
			panic("boom")
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{}`))
	})
	addr := startWire(t, h, ServeOptions{})
	c, br := dialWire(t, addr)
	io.WriteString(c, "GET /boom HTTP/1.1\r\nHost: x\r\n\r\n")
	resp, body := readAnswer(t, br, "GET")
	if resp.StatusCode != 500 || !jsonBody([]byte(body)) || !resp.Close {
		t.Fatalf("HTTP %d %q close=%v", resp.StatusCode, body, resp.Close)
	}
	c, br = dialWire(t, addr)
	io.WriteString(c, "GET /fine HTTP/1.1\r\nHost: x\r\n\r\n")
	if resp, _ := readAnswer(t, br, "GET"); resp.StatusCode != 200 {
		t.Fatalf("after the panic: HTTP %d", resp.StatusCode)
	}
}

// Shutdown closes connections waiting for a request at once, and lets
// one in the middle of a request finish it: its client gets the answer,
// told the connection closes.
func TestHTTPConnShutdown(t *testing.T) {
	entered := make(chan struct{})
	release := make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			close(entered)
			<-release
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{}`))
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	mustBeNil(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- ServeWith(ctx, ln, h, ServeOptions{Logger: testLogger(t)}) }()
	addr := ln.Addr().String()

	idle, idleBR := dialWire(t, addr)
	io.WriteString(idle, "GET /fine HTTP/1.1\r\nHost: x\r\n\r\n")
	readAnswer(t, idleBR, "GET")
	busy, busyBR := dialWire(t, addr)
	io.WriteString(busy, "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
	select {
	case <-entered:
	case <-time.After(20 * time.Second):
		t.Fatal("the slow request never reached its handler")
	}

	cancel()
	if _, err := idleBR.ReadByte(); err != io.EOF {
		t.Fatalf("the idle connection was not closed: %v", err)
	}
	close(release)
	resp, _ := readAnswer(t, busyBR, "GET")
	if resp.StatusCode != 200 || !resp.Close {
		t.Fatalf("the busy one: HTTP %d close=%v", resp.StatusCode, resp.Close)
	}
	mustBeNil(t, <-served)
}

// Failed TLS handshakes (the internet's scanners) make one log line a
// minute, not one each.
func TestHTTPConnHandshakeFailuresLogOnce(t *testing.T) {
	env := newTestEnv(t, nil)
	certFile, keyFile, _ := selfSignedFiles(t, "127.0.0.1")
	conf, err := TLSFiles(certFile, keyFile, testLogger(t))
	mustBeNil(t, err)
	var logs syncbuf.Buffer
	addr := startWire(t, env.srv, ServeOptions{TLS: conf, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	for range 5 {
		c, br := dialWire(t, addr)
		io.WriteString(c, "hello, not TLS\r\n")
		if _, err := br.ReadByte(); err == nil {
			t.Fatal("the server answered a failed handshake")
		}
	}
	if n := strings.Count(logs.String(), "TLS handshakes failed"); n != 1 {
		t.Fatalf("%d log lines for 5 failed handshakes:\n%s", n, logs.String())
	}
}
