package server

import (
	"bufio"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"
)

// bufferedResponse is the http.ResponseWriter of httpconn.go: it keeps
// the whole answer (ours are small) and writes it in one go, with its
// length, after the handler returns. Reused from request to request of
// one connection.
type bufferedResponse struct {
	header http.Header
	status int
	body   []byte
}

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
	w.body = append(w.body, p...)
	return len(p), nil
}

// maxKeptBody: a body buffer grown larger than this (an admin page) is
// not kept for the connection's next answer.
const maxKeptBody = 64 << 10

func (w *bufferedResponse) reset() {
	clear(w.header)
	w.status = 0
	if cap(w.body) > maxKeptBody {
		w.body = nil
	}
	w.body = w.body[:0]
}

// Headers the connection loop writes itself, whatever a handler set.
var ownHeaders = []string{"Content-Length", "Transfer-Encoding", "Connection", "Date", "Trailer"}

// writeTo writes the answer to req, saying whether the connection stays
// open (HTTP/1.0 clients are told it does; HTTP/1.1 ones that it
// closes), and flushes.
func (w *bufferedResponse) writeTo(bw *bufio.Writer, req *http.Request, keep bool) error {
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
	bw.WriteString("Content-Length: ")
	bw.WriteString(strconv.Itoa(len(w.body)))
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
