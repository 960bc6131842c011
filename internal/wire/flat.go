package wire

import (
	"encoding"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"sync"
)

// Most messages are flat: a struct of strings and integers. Marshal and
// Unmarshal take a short way for those when every string is printable
// ASCII without '"' or '\' (an id, a key, a code, a version), the common
// case, and give everything else to encoding/json: the short way writes
// and reads exactly what the long one does (TestFlatAsEncodingJSON and
// FuzzFlatAsEncodingJSON compare them), without encoding/json's
// encoder, decoder, indenting pass and their buffers.

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
		if f.kind == reflect.String {
			s := fv.String()
			if !plainString(s) {
				return nil, false
			}
			size += len(f.line) + len(s) + 4
		} else {
			size += len(f.line) + 22
		}
	}
	b := make([]byte, 0, size)
	b = append(b, '{')
	n := 0
	for _, f := range ft.fields {
		fv := rv.Field(f.index)
		if f.omitEmpty && fv.IsZero() {
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
		default:
			b = strconv.AppendInt(b, fv.Int(), 10)
		}
	}
	if n > 0 {
		b = append(b, '\n')
	}
	return append(b, '}'), true
}

// unmarshalFlat is Unmarshal into a pointer to a flat struct, of an
// object whose values are plain strings and integers written simply, to
// fields of those kinds; ok is false, and v untouched, for anything else
// (which Unmarshal then reads the long way, errors included).
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
		start, end int32 // the value in data, quotes excluded
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
			// for an integer.
			vs, ve := i, i
			switch ft.fields[field].kind {
			case reflect.String:
				if i >= len(data) || data[i] != '"' {
					return false
				}
				vs = i + 1
				ve = vs
				for ve < len(data) && data[ve] != '"' {
					if c := data[ve]; c < 0x20 || c > 0x7e || c == '\\' {
						return false
					}
					ve++
				}
				if ve >= len(data) {
					return false
				}
				i = ve + 1
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
		if f.kind == reflect.String {
			fv.SetString(string(val))
		} else {
			x, _ := strconv.ParseInt(string(val), 10, 64)
			fv.SetInt(x)
		}
	}
	return true
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
