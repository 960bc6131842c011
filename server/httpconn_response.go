package server

import (
	"bufio"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"
)

// bufferedResponse is the http.ResponseWriter of httpconn.go: it keeps
// the answer (ours are small) and writes it in one go, with its length,
// after the handler returns. Reused from request to request of one
// connection.
//
// An answer that outgrows maxBufferedBody (the admin listener's /backup
// is the whole database) is not kept: it goes out as the handler writes
// it, chunked or with the handler's own Content-Length, and the
// connection closes after it.
type bufferedResponse struct {
	header http.Header
	status int
	body   []byte
	// Set by begin, for the request being answered.
	bw  *bufio.Writer
	req *http.Request
	// headLen counts what a handler writes to a HEAD request: sent as
	// the length, never kept.
	headLen int
	// Once streaming: the status line and headers are out.
	streaming bool
	chunked   bool
	remain    int64 // what the stated Content-Length still allows; -1: none stated
	err       error // the first failed write; later ones fail the same
}

// maxBufferedBody is the most of an answer kept in memory.
const maxBufferedBody = 64 << 10

func (w *bufferedResponse) Header() http.Header { return w.header }

func (w *bufferedResponse) WriteHeader(status int) {
	if w.status == 0 && status >= 200 {
		w.status = status
	}
}

func (w *bufferedResponse) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if w.req.Method == http.MethodHead {
		w.headLen += len(p)
		return len(p), nil
	}
	if !w.streaming {
		if len(w.body)+len(p) <= maxBufferedBody {
			w.body = append(w.body, p...)
			return len(p), nil
		}
		w.startStream()
	}
	return w.stream(p)
}

// maxKeptBody: a body buffer grown larger than this is not kept while
// the connection waits for its next request: a client can have many
// connections wait for minutes, and pick the size of an answer (an
// unknown RPC's name is echoed). Ours are under 1 KiB.
const maxKeptBody = 4 << 10

// begin readies w for answering req through bw.
func (w *bufferedResponse) begin(bw *bufio.Writer, req *http.Request) {
	w.reset()
	w.bw, w.req = bw, req
}

// end lets go of the request answered and of what is too large to keep
// while the connection waits.
func (w *bufferedResponse) end() {
	w.reset()
	w.bw, w.req = nil, nil
}

func (w *bufferedResponse) reset() {
	clear(w.header)
	w.status = 0
	if cap(w.body) > maxKeptBody {
		w.body = nil
	}
	w.body = w.body[:0]
	w.headLen = 0
	w.streaming, w.chunked, w.remain, w.err = false, false, -1, nil
}

// Headers the connection loop writes itself, whatever a handler set.
var ownHeaders = []string{"Content-Length", "Transfer-Encoding", "Connection", "Date", "Trailer"}

// writeHead writes the status line and the handler's headers with the
// Date, up to the framing headers the caller adds.
func (w *bufferedResponse) writeHead() {
	bw := w.bw
	status := w.status
	if status == 0 {
		status = http.StatusOK
	}
	for _, k := range ownHeaders {
		delete(w.header, k)
	}
	bw.WriteString("HTTP/1.1 ")
	bw.WriteString(strconv.Itoa(status))
	bw.WriteByte(' ')
	if text := http.StatusText(status); text != "" {
		bw.WriteString(text)
	} else {
		bw.WriteString("status code " + strconv.Itoa(status))
	}
	bw.WriteString("\r\n")
	w.header.Write(bw) // sorted; newlines in values become spaces
	bw.Write(dateLine(time.Now()))
}

// writeTo writes the answer kept, saying whether the connection stays
// open (HTTP/1.0 clients are told it does; HTTP/1.1 ones that it
// closes), and flushes.
func (w *bufferedResponse) writeTo(keep bool) error {
	bw, req := w.bw, w.req
	w.writeHead()
	n := len(w.body)
	if req.Method == http.MethodHead {
		n = w.headLen
	}
	bw.WriteString("Content-Length: ")
	bw.WriteString(strconv.Itoa(n))
	bw.WriteString("\r\n")
	switch {
	case !keep:
		bw.WriteString("Connection: close\r\n")
	case req.ProtoMinor == 0:
		bw.WriteString("Connection: keep-alive\r\n")
	}
	bw.WriteString("\r\n")
	if req.Method != http.MethodHead {
		bw.Write(w.body)
	}
	return bw.Flush()
}

// startStream writes the head of an answer too large to keep, then what
// was kept of its body. It is framed by the handler's Content-Length if
// it stated one, else chunked (HTTP/1.1) or by the close (HTTP/1.0).
func (w *bufferedResponse) startStream() {
	w.streaming = true
	if cl := w.header.Get("Content-Length"); cl != "" {
		if n, err := strconv.ParseInt(cl, 10, 64); err == nil && n >= 0 {
			w.remain = n
		}
	}
	w.writeHead()
	switch {
	case w.remain >= 0:
		w.bw.WriteString("Content-Length: ")
		w.bw.WriteString(strconv.FormatInt(w.remain, 10))
		w.bw.WriteString("\r\n")
	case w.req.ProtoAtLeast(1, 1):
		w.chunked = true
		w.bw.WriteString("Transfer-Encoding: chunked\r\n")
	}
	w.bw.WriteString("Connection: close\r\n\r\n")
	kept := w.body
	w.body = w.body[:0]
	w.stream(kept)
}

// stream writes p as more of the body.
func (w *bufferedResponse) stream(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	if len(p) == 0 {
		return 0, nil
	}
	if w.remain >= 0 {
		if int64(len(p)) > w.remain {
			return 0, http.ErrContentLength
		}
		w.remain -= int64(len(p))
	}
	if w.chunked {
		var size [16]byte
		w.bw.Write(strconv.AppendInt(size[:0], int64(len(p)), 16))
		w.bw.WriteString("\r\n")
	}
	n, err := w.bw.Write(p)
	if err == nil && w.chunked {
		_, err = w.bw.WriteString("\r\n")
	}
	w.err = err
	return n, err
}

// endStream ends a streamed answer and flushes it. The handler's stated
// length not reached, the client sees the answer cut short when the
// connection closes.
func (w *bufferedResponse) endStream() error {
	if w.chunked && w.err == nil {
		w.bw.WriteString("0\r\n\r\n")
	}
	if err := w.bw.Flush(); err != nil {
		return err
	}
	return w.err
}

// The Date header, formatted once a second.
type dateHeader struct {
	unix int64
	line []byte
}

var cachedDate atomic.Pointer[dateHeader]

func dateLine(now time.Time) []byte {
	if d := cachedDate.Load(); d != nil && d.unix == now.Unix() {
		return d.line
	}
	line := now.UTC().AppendFormat([]byte("Date: "), http.TimeFormat)
	d := &dateHeader{unix: now.Unix(), line: append(line, "\r\n"...)}
	cachedDate.Store(d)
	return d.line
}
