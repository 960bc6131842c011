package server

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"io"
	"log/slog"
	"strings"
)

// The log never holds an identity, a code, a key, an escrow id or a
// prefer-id: a log is copied, shipped and kept far longer than an escrow,
// and any of those in it would tie a person to an escrow or help open one.
// The server logs none of them on purpose, but error texts come from
// everywhere (an SMTP server echoing the address in its own spelling, a
// store naming a record), so every record passes through a redacting
// handler that replaces anything shaped like one of them with a short
// keyed hash: equal values get equal hashes within one run (an operator
// can follow one client's failures), and without the key, which never
// leaves memory, a hash says nothing about a 6-digit code or an address.
//
// Shapes replaced, in a word of letters, digits and "+-_./=@%*":
//   - anything with '@' (addresses, even partly masked hints);
//   - a run of 8 or more hex digits (escrow ids, prefer-ids, expirations
//     in hex, hashes);
//   - 5 or more digits (codes, phone numbers, addresses);
//   - 16 or more characters with a digit, or 20 or more with upper and
//     lower case (base64 keys);
// and a phone number written with spaces or dashes (7 or more digits).

// NewLogger returns a logger that writes format ("text" or "json") to w
// at level, redacting as described above.
//
// Words in keep (the operator's own hosts: its mail server, its SMS
// gateway) are left as they are even when shaped like a secret, so an
// error says which of them failed ("dial tcp 192.0.2.25:587").
func NewLogger(w io.Writer, format string, level slog.Leveler, keep ...string) (*slog.Logger, error) {
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler
	switch format {
	case "", "text":
		h = slog.NewTextHandler(w, opts)
	case "json":
		h = slog.NewJSONHandler(w, opts)
	default:
		return nil, fmt.Errorf("server: log format %q is neither text nor json", format)
	}
	r := newRedactHandler(h)
	for _, k := range keep {
		if k != "" {
			r.keep[k] = true
		}
	}
	return slog.New(r), nil
}

// Redacting wraps h so that every message and attribute value it gets is
// redacted first.
func Redacting(h slog.Handler) slog.Handler {
	if _, ok := h.(*redactHandler); ok {
		return h
	}
	return newRedactHandler(h)
}

func newRedactHandler(h slog.Handler) *redactHandler {
	key := make([]byte, 32)
	rand.Read(key)
	return &redactHandler{next: h, key: key, keep: map[string]bool{}}
}

type redactHandler struct {
	next slog.Handler
	key  []byte
	keep map[string]bool // words left as they are; read-only once made
}

func (h *redactHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.next.Enabled(ctx, l)
}

func (h *redactHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, h.redact(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(h.attr(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

func (h *redactHandler) WithAttrs(as []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(as))
	for i, a := range as {
		clean[i] = h.attr(a)
	}
	c := *h
	c.next = h.next.WithAttrs(clean)
	return &c
}

func (h *redactHandler) WithGroup(name string) slog.Handler {
	c := *h
	c.next = h.next.WithGroup(name)
	return &c
}

func (h *redactHandler) attr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, h.redact(v.String()))
	case slog.KindGroup:
		g := v.Group()
		clean := make([]any, len(g))
		for i, ga := range g {
			clean[i] = h.attr(ga)
		}
		return slog.Group(a.Key, clean...)
	case slog.KindAny:
		var s string
		if err, ok := v.Any().(error); ok {
			s = err.Error()
		} else {
			s = fmt.Sprint(v.Any())
		}
		return slog.String(a.Key, h.redact(s))
	}
	return slog.Attr{Key: a.Key, Value: v} // numbers, times, durations, bools
}

// redact replaces every secret-shaped piece of s with its keyed hash.
func (h *redactHandler) redact(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		if len(h.keep) > 0 && (i == 0 || !wordByte(s[i-1])) {
			j := i
			for j < len(s) && wordByte(s[j]) {
				j++
			}
			if h.keep[s[i:j]] {
				b.WriteString(s[i:j])
				i = j
				continue
			}
		}
		if n := phoneLen(s[i:]); n > 0 {
			b.WriteString(h.hash(s[i : i+n]))
			i += n
			continue
		}
		if !wordByte(s[i]) {
			b.WriteByte(s[i])
			i++
			continue
		}
		j := i
		for j < len(s) && wordByte(s[j]) {
			j++
		}
		if secretShaped(s[i:j]) {
			b.WriteString(h.hash(s[i:j]))
		} else {
			b.WriteString(s[i:j])
		}
		i = j
	}
	return b.String()
}

// hash is 8 letters (no digits, so a redacted text is left as it is if
// redacted again) of an HMAC of the lowercased value.
func (h *redactHandler) hash(v string) string {
	m := hmac.New(sha256.New, h.key)
	m.Write([]byte(strings.ToLower(v)))
	sum := m.Sum(nil)
	out := []byte("#xxxxxxxx")
	for i := range 8 {
		out[1+i] = 'a' + sum[i]%26
	}
	return string(out)
}

func wordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		strings.IndexByte("+-_./=@%*", c) >= 0 || c >= 0x80
}

func secretShaped(w string) bool {
	digits, hexRun, maxHex := 0, 0, 0
	upper, lower := false, false
	for i := 0; i < len(w); i++ {
		c := w[i]
		switch {
		case c == '@':
			return true
		case c >= '0' && c <= '9':
			digits++
		case c >= 'A' && c <= 'Z':
			upper = true
		case c >= 'a' && c <= 'z':
			lower = true
		}
		if isHex(c) {
			hexRun++
			maxHex = max(maxHex, hexRun)
		} else {
			hexRun = 0
		}
	}
	return maxHex >= 8 || digits >= 5 ||
		len(w) >= 16 && digits > 0 || len(w) >= 20 && upper && lower
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// phoneLen is the length of a phone number written with separators at
// the start of s ("+354 555 1234", "(555) 123-4567"), or 0.
func phoneLen(s string) int {
	if s == "" || (s[0] != '+' && s[0] != '(' && (s[0] < '0' || s[0] > '9')) {
		return 0
	}
	digits, end := 0, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits++
			end = i + 1
		case strings.IndexByte("+() -.", c) >= 0:
		default:
			i = len(s)
		}
	}
	if digits < 7 {
		return 0
	}
	return end
}
