package wire

import (
	"bytes"
	"encoding"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"sync"
)

// Most messages are flat: a struct of strings, integers and lists of
// strings. Marshal and Unmarshal take a short way for those when every
// string is printable ASCII without '"' or '\' (an id, a key, a code, a
// version, an envelope), the common case, and give everything else to
// encoding/json: the short way writes and reads exactly what the long
// one does (TestFlatAsEncodingJSON and FuzzFlatAsEncodingJSON compare
// them), without encoding/json's encoder, decoder, indenting pass and
// their buffers.

// flatField is one field of a flat struct.
type flatField struct {
	index     int
	key       string // the JSON key
	line      string // `  "key": `, as the indented output starts its line
	kind      reflect.Kind
	bits      int // of an integer
	omitEmpty bool
}

// flatType describes a flat struct, or says the type is not one (nil).
type flatType struct{ fields []flatField }

var flatTypes sync.Map // reflect.Type -> *flatType (nil: not flat)

// flatOf returns the description of t, a struct type, or nil if it is
// not flat.
func flatOf(t reflect.Type) *flatType {
	if ft, ok := flatTypes.Load(t); ok {
		return ft.(*flatType)
	}
	ft := describeFlat(t)
	flatTypes.Store(t, ft)
	return ft
}

func describeFlat(t reflect.Type) *flatType {
	if t.Kind() != reflect.Struct || t.NumField() > maxFlatFields || customJSON(t) {
		return nil
	}
	ft := &flatType{}
	seen := map[string]bool{}
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() || f.Anonymous {
			return nil
		}
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" || !plainString(name) || seen[strings.ToLower(name)] {
			return nil
		}
		seen[strings.ToLower(name)] = true
		if opts != "" && opts != "omitempty" {
			return nil
		}
		bits := 0
		switch f.Type.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			bits = f.Type.Bits()
		case reflect.String, reflect.Bool:
		case reflect.Slice:
			// A list of strings (the escrow request's escrow-data).
			if f.Type.Elem().Kind() != reflect.String || customJSON(f.Type.Elem()) {
				return nil
			}
		default:
			return nil
		}
		if customJSON(f.Type) {
			return nil
		}
		ft.fields = append(ft.fields, flatField{index: i, key: name, line: `  "` + name + `": `,
			kind: f.Type.Kind(), bits: bits, omitEmpty: opts == "omitempty"})
	}
	return ft
}

// customJSON reports whether encoding/json would let t, or a pointer to
// it, encode or decode itself.
func customJSON(t reflect.Type) bool {
	for _, x := range []reflect.Type{t, reflect.PointerTo(t)} {
		if x.Implements(jsonMarshaler) || x.Implements(jsonUnmarshaler) ||
			x.Implements(textMarshaler) || x.Implements(textUnmarshaler) {
			return true
		}
	}
	return false
}

var (
	jsonMarshaler   = reflect.TypeFor[json.Marshaler]()
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textMarshaler   = reflect.TypeFor[encoding.TextMarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// maxFlatFields bounds the fields of a flat struct, so that Unmarshal
// can note what it read on the stack.
const maxFlatFields = 16

// plainString reports whether s is written in JSON as it is: printable
// ASCII without a quote or a backslash.
func plainString(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// marshalFlat is Marshal of a flat struct, or of a pointer to one, whose
// strings are all plain; ok is false for anything else.
func marshalFlat(v any) (out []byte, ok bool) {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return nil, false
		}
		rv = rv.Elem()
	}
	if rv.Kind() != reflect.Struct {
		return nil, false
	}
	ft := flatOf(rv.Type())
	if ft == nil {
		return nil, false
	}
	size := 4
	for _, f := range ft.fields {
		fv := rv.Field(f.index)
		switch f.kind {
		case reflect.String:
			s := fv.String()
			if !plainString(s) {
				return nil, false
			}
			size += len(f.line) + len(s) + 4
		case reflect.Slice:
			size += len(f.line) + 8
			for j := range fv.Len() {
				s := fv.Index(j).String()
				if !plainString(s) {
					return nil, false
				}
				size += len(s) + 8
			}
		default:
			size += len(f.line) + 22
		}
	}
	b := make([]byte, 0, size)
	b = append(b, '{')
	n := 0
	for _, f := range ft.fields {
		fv := rv.Field(f.index)
		if f.omitEmpty && (fv.IsZero() || f.kind == reflect.Slice && fv.Len() == 0) {
			continue
		}
		if n > 0 {
			b = append(b, ',')
		}
		n++
		b = append(b, '\n')
		b = append(b, f.line...)
		switch f.kind {
		case reflect.String:
			b = append(b, '"')
			b = append(b, fv.String()...)
			b = append(b, '"')
		case reflect.Bool:
			b = strconv.AppendBool(b, fv.Bool())
		case reflect.Slice:
			b = appendStrings(b, fv)
		default:
			b = strconv.AppendInt(b, fv.Int(), 10)
		}
	}
	if n > 0 {
		b = append(b, '\n')
	}
	return append(b, '}'), true
}

// appendStrings writes a list of plain strings as the indented output
// does one at the second level: null for nil, [] when empty, else one
// string a line.
func appendStrings(b []byte, fv reflect.Value) []byte {
	switch {
	case fv.IsNil():
		return append(b, "null"...)
	case fv.Len() == 0:
		return append(b, "[]"...)
	}
	b = append(b, '[')
	for j := range fv.Len() {
		if j > 0 {
			b = append(b, ',')
		}
		b = append(b, "\n    \""...)
		b = append(b, fv.Index(j).String()...)
		b = append(b, '"')
	}
	return append(b, "\n  ]"...)
}

// unmarshalFlat is Unmarshal into a pointer to a flat struct, of an
// object whose values are plain strings, integers written simply and
// arrays of plain strings, to fields of those kinds; ok is false, and v
// untouched, for anything else (which Unmarshal then reads the long way,
// errors included).
func unmarshalFlat(data []byte, v any) (ok bool) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		return false
	}
	rv = rv.Elem()
	ft := flatOf(rv.Type())
	if ft == nil {
		return false
	}
	// What was read, set only once the whole input proved simple.
	var got [2 * maxFlatFields]struct {
		field      int32 // in ft.fields
		start, end int32 // the value in data, a string's quotes excluded
	}
	n := 0
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return false
	}
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		i++
	} else {
		for {
			// A key, exactly as a field spells it.
			if i >= len(data) || data[i] != '"' {
				return false
			}
			ks := i + 1
			ke := ks
			for ke < len(data) && data[ke] != '"' {
				ke++
			}
			if ke >= len(data) || !plainString(string(data[ks:ke])) {
				return false
			}
			field := -1
			for fi := range ft.fields {
				if ft.fields[fi].key == string(data[ks:ke]) {
					field = fi
					break
				}
			}
			if field < 0 || n == len(got) {
				return false
			}
			i = skipSpace(data, ke+1)
			if i >= len(data) || data[i] != ':' {
				return false
			}
			i = skipSpace(data, i+1)
			// Its value: a plain string for a string, a plain integer
			// for an integer, an array of plain strings for a list.
			vs, ve := i, i
			switch ft.fields[field].kind {
			case reflect.String:
				var ok bool
				if ve, ok = plainQuoted(data, i); !ok {
					return false
				}
				vs, i = i+1, ve+1
			case reflect.Slice:
				if !plainStrings(data, &ve) {
					return false
				}
				i = ve
			case reflect.Bool:
				return false
			default:
				if !plainInt(data, &ve) {
					return false
				}
				if _, err := strconv.ParseInt(string(data[vs:ve]), 10, ft.fields[field].bits); err != nil {
					return false
				}
				i = ve
			}
			got[n].field, got[n].start, got[n].end = int32(field), int32(vs), int32(ve)
			n++
			i = skipSpace(data, i)
			if i < len(data) && data[i] == ',' {
				i = skipSpace(data, i+1)
				continue
			}
			if i < len(data) && data[i] == '}' {
				i++
				break
			}
			return false
		}
	}
	if skipSpace(data, i) != len(data) {
		return false
	}
	for _, g := range got[:n] {
		f := ft.fields[g.field]
		fv := rv.Field(f.index)
		val := data[g.start:g.end]
		switch f.kind {
		case reflect.String:
			fv.SetString(string(val))
		case reflect.Slice:
			setStrings(fv, val)
		default:
			x, _ := strconv.ParseInt(string(val), 10, 64)
			fv.SetInt(x)
		}
	}
	return true
}

// plainQuoted reads a plain string (printable ASCII, no escapes) whose
// opening quote is at data[i], and returns where its closing quote is.
func plainQuoted(data []byte, i int) (closing int, ok bool) {
	if i >= len(data) || data[i] != '"' {
		return 0, false
	}
	for i++; i < len(data) && data[i] != '"'; i++ {
		if c := data[i]; c < 0x20 || c > 0x7e || c == '\\' {
			return 0, false
		}
	}
	return i, i < len(data)
}

// plainStrings advances *end over an array of plain strings, perhaps
// empty; null is not one.
func plainStrings(data []byte, end *int) bool {
	i := *end
	if i >= len(data) || data[i] != '[' {
		return false
	}
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == ']' {
		*end = i + 1
		return true
	}
	for {
		var ok bool
		if i, ok = plainQuoted(data, i); !ok {
			return false
		}
		i = skipSpace(data, i+1)
		if i < len(data) && data[i] == ',' {
			i = skipSpace(data, i+1)
			continue
		}
		if i < len(data) && data[i] == ']' {
			*end = i + 1
			return true
		}
		return false
	}
}

// setStrings sets fv, a slice of strings, to the strings of arr, an
// array plainStrings accepted: its strings are what lies between each
// pair of quotes. It fills the slice as encoding/json does, into the
// array already there as far as its capacity goes, so that a caller
// reusing a slice sees the same either way.
func setStrings(fv reflect.Value, arr []byte) {
	n := 0
	for i := 0; ; i++ {
		s := bytes.IndexByte(arr[i:], '"')
		if s < 0 {
			break
		}
		s += i + 1
		e := s + bytes.IndexByte(arr[s:], '"')
		if n >= fv.Cap() {
			fv.Grow(1)
		}
		if n >= fv.Len() {
			fv.SetLen(n + 1)
		}
		fv.Index(n).SetString(string(arr[s:e]))
		n++
		i = e
	}
	if n < fv.Len() {
		fv.SetLen(n)
	}
	if n == 0 {
		fv.Set(reflect.MakeSlice(fv.Type(), 0, 0))
	}
}

// plainInt advances *end over an integer as JSON writes it, without a
// fraction or an exponent: -?(0|[1-9][0-9]*), at most 18 digits.
func plainInt(data []byte, end *int) bool {
	i := *end
	if i < len(data) && data[i] == '-' {
		i++
	}
	start := i
	for i < len(data) && data[i] >= '0' && data[i] <= '9' {
		i++
	}
	digits := i - start
	if digits == 0 || digits > 18 || (digits > 1 && data[start] == '0') {
		return false
	}
	if i < len(data) && (data[i] == '.' || data[i] == 'e' || data[i] == 'E') {
		return false
	}
	*end = i
	return true
}

func skipSpace(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}
