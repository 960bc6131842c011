package wire

import (
	"bytes"
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// Marshal writes v the way Python's json.dumps(v, indent=2) does: two-space
// indent, ": " after keys, ASCII only (\uXXXX escapes, lowercase hex), no
// HTML escaping and no trailing newline. Go struct field order is the key
// order, so the types below list fields in the reference's order.
func Marshal(v any) ([]byte, error) {
	if b, ok := marshalFlat(v); ok { // flat.go
		return b, nil
	}
	return marshalJSON(v)
}

// marshalJSON is Marshal through encoding/json.
func marshalJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return asciiEscape(bytes.TrimSuffix(buf.Bytes(), []byte("\n"))), nil
}

// asciiEscape rewrites every non-ASCII rune as Python does (ensure_ascii).
// Non-ASCII can only occur inside strings in Go's output, so a plain scan
// is enough.
func asciiEscape(b []byte) []byte {
	if !hasNonASCII(b) {
		return b
	}
	out := make([]byte, 0, len(b)+16)
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		switch {
		case r < utf8.RuneSelf:
			out = append(out, b[0])
		case r > 0xFFFF:
			r -= 0x10000
			out = fmt.Appendf(out, `\u%04x\u%04x`, 0xD800+(r>>10), 0xDC00+(r&0x3FF))
		default:
			out = fmt.Appendf(out, `\u%04x`, r)
		}
		b = b[size:]
	}
	return out
}

func hasNonASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return true
		}
	}
	return false
}

// Unmarshal parses one JSON object strictly: unknown keys are an error
// naming the key, as the reference rejects keys outside its whitelists, and
// trailing data is refused.
func Unmarshal(data []byte, v any) error {
	if unmarshalFlat(data, v) { // flat.go
		return nil
	}
	return unmarshalJSON(data, v)
}

// unmarshalJSON is Unmarshal through encoding/json.
func unmarshalJSON(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("wire: %w", err)
	}
	if dec.More() {
		return fmt.Errorf("wire: unexpected data after the JSON object")
	}
	return nil
}
