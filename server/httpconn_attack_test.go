package server

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Attacks on the connection loop (httpconn*.go): each test is one
// protection net/http's server has, over TCP on loopback.

// The admin listener serves /backup, the whole database, through the same
// loop: an answer must not be kept whole in memory. One that outgrows the
// buffer goes out while the handler still writes it: chunked, or with the
// handler's own Content-Length, and the connection closes after it.
func TestHTTPConnAttackLargeAnswerStreams(t *testing.T) {
	const piece, pieces = 32 << 10, 32 // 1 MiB
	seen := make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/length" {
			w.Header().Set("Content-Length", strconv.Itoa(piece*pieces))
		}
		p := bytes.Repeat([]byte{'x'}, piece)
		if r.URL.Path == "/abort" { // as /backup when the copy fails
			w.Write(p)
			w.Write(p)
			w.Write(p)
			panic(http.ErrAbortHandler)
		}
		for i := range pieces {
			if i == pieces/2 && r.Method != http.MethodHead {
				<-seen // the client has the start of the answer already
			}
			w.Write(p)
		}
	})
	addr := startWire(t, h, ServeOptions{})
	t.Cleanup(func() {
		select {
		case <-seen:
		default:
			close(seen)
		}
	})

	c, br := dialWire(t, addr)
	io.WriteString(c, "GET /chunked HTTP/1.1\r\nHost: x\r\n\r\n")
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(br, &http.Request{Method: "GET"})
	if err != nil {
		t.Fatalf("no answer while the handler still writes it: %v", err)
	}
	close(seen)
	b, err := io.ReadAll(resp.Body)
	if err != nil || len(b) != piece*pieces || resp.ContentLength != -1 || !resp.Close {
		t.Fatalf("streamed answer: %d bytes, err %v, length %d, close %v", len(b), err, resp.ContentLength, resp.Close)
	}

	seen = make(chan struct{})
	c, br = dialWire(t, addr)
	io.WriteString(c, "GET /length HTTP/1.1\r\nHost: x\r\n\r\n")
	resp, err = http.ReadResponse(br, &http.Request{Method: "GET"})
	mustBeNil(t, err)
	close(seen)
	b, err = io.ReadAll(resp.Body)
	if err != nil || len(b) != piece*pieces || resp.ContentLength != piece*pieces {
		t.Fatalf("answer of a stated length: %d bytes, err %v, length %d", len(b), err, resp.ContentLength)
	}

	// A handler that gives up midway leaves the answer visibly cut.
	c, br = dialWire(t, addr)
	io.WriteString(c, "GET /abort HTTP/1.1\r\nHost: x\r\n\r\n")
	resp, err = http.ReadResponse(br, &http.Request{Method: "GET"})
	mustBeNil(t, err)
	if b, err := io.ReadAll(resp.Body); resp.StatusCode != 200 || err != io.ErrUnexpectedEOF {
		t.Fatalf("aborted answer: HTTP %d, %d bytes, err %v", resp.StatusCode, len(b), err)
	}

	// HEAD: the length, and nothing kept or sent.
	c, br = dialWire(t, addr)
	io.WriteString(c, "HEAD /length HTTP/1.1\r\nHost: x\r\n\r\n")
	if resp, body := readAnswer(t, br, "HEAD"); resp.ContentLength != piece*pieces || body != "" {
		t.Fatalf("HEAD: length %d, body %d bytes", resp.ContentLength, len(body))
	}
}

// A connection waiting for its next request keeps little: not the last
// answer's buffer (a client picks its size: "Unsupported: <path>" echoes
// a path of up to 16 KiB), nor the last request (a chunked body refers
// to its request, headers and all). Thousands of idle connections are
// allowed (connlimit.go), each for two minutes.
func TestHTTPConnAttackIdleMemory(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		n, _ := strconv.Atoi(r.URL.Query().Get("n"))
		w.Write(bytes.Repeat([]byte{' '}, n))
	})
	addr := startWire(t, h, ServeOptions{})
	const conns = 48 // under the default cap per client
	req := "POST /?n=60000 HTTP/1.1\r\nHost: x\r\nX-Pad: " + strings.Repeat("p", 12<<10) +
		"\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"
	var cs []net.Conn
	var brs []*bufio.Reader
	heap := func() uint64 {
		var m runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	// The same connections answered small first: what an idle one costs
	// anyway (its buffers and goroutine) is in the baseline.
	for range conns {
		c, br := dialWire(t, addr)
		io.WriteString(c, "GET /?n=10 HTTP/1.1\r\nHost: x\r\n\r\n")
		readAnswer(t, br, "GET")
		cs, brs = append(cs, c), append(brs, br)
	}
	before := heap()
	for i, c := range cs {
		io.WriteString(c, req)
		readAnswer(t, brs[i], "POST")
	}
	after := heap()
	per := (int64(after) - int64(before)) / conns
	if per > 16<<10 {
		t.Fatalf("an idle connection keeps %d bytes more after a large request and answer", per)
	}
}

// Slowloris before the first request: a client that waits almost the
// whole header time before its first byte, then trickles the rest, must
// still be cut off readHeaderTimeout after it connected, as by net/http.
func TestHTTPConnAttackSlowFirstHeaders(t *testing.T) {
	t.Parallel()
	addr := startWire(t, http.NotFoundHandler(), ServeOptions{})
	c, br := dialWire(t, addr)
	start := time.Now()
	c.SetReadDeadline(start.Add(readHeaderTimeout - time.Second))
	if _, err := br.ReadByte(); !isTimeout(err) {
		t.Fatalf("before the first byte: %v", err)
	}
	io.WriteString(c, "GET / HTTP/1.1\r\n")
	c.SetReadDeadline(start.Add(readHeaderTimeout + 2*time.Second))
	if _, err := br.ReadByte(); err != io.EOF {
		t.Fatalf("%v after connecting, headers still unfinished: %v", time.Since(start).Round(time.Millisecond), err)
	}
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}

// Shutdown must not lose an answer a handler produced. A client that
// pipelined its next request while the first was served gets the first
// answer (with "Connection: close", or with keep-alive when shutdown
// began just after the handler ended); the server then closes with that
// request unread, and a close with unread input is a reset that throws
// away what of the answer the kernel had not sent yet. Here the client's
// small receive buffer keeps most of the answer in the server's kernel.
func TestHTTPConnAttackShutdownPipelinedAnswerWhole(t *testing.T) {
	const size = 60 << 10 // kept whole, not streamed
	entered := make(chan struct{})
	release := make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(entered)
		<-release
		w.Write(bytes.Repeat([]byte{' '}, size))
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	mustBeNil(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	var serveErr error
	stopped := make(chan struct{})
	go func() {
		serveErr = ServeWith(ctx, ln, h, ServeOptions{Logger: testLogger(t)})
		close(stopped)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-release:
		default:
			close(release)
		}
		<-stopped
	})

	c, br := dialWire(t, ln.Addr().String())
	mustBeNil(t, c.(*net.TCPConn).SetReadBuffer(4<<10))
	io.WriteString(c, "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
	<-entered
	io.WriteString(c, "GET /next HTTP/1.1\r\nHost: x\r\n\r\n")
	cancel()
	close(release)
	<-stopped // the server is done with the connection: all it sent is sent
	resp, err := http.ReadResponse(br, &http.Request{Method: "GET"})
	mustBeNil(t, err)
	b, err := io.ReadAll(resp.Body)
	if err != nil || len(b) != size {
		t.Fatalf("the answer at shutdown: %d of %d bytes, err %v", len(b), size, err)
	}
	mustBeNil(t, serveErr)
}
