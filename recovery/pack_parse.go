package recovery

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
)

// ParsePack reads a pack in format v1. It refuses other versions, unknown
// or repeated fields and malformed values; a *PackError names the field.
func ParsePack(data []byte) (*Pack, error) {
	top, err := decodeObject(data, "")
	if err != nil {
		return nil, err
	}
	if _, ok := top["passcrow-pack"]; !ok {
		if _, ref := top["min-shares"]; ref {
			return nil, &PackError{Err: errors.New("this is a .passcrow file of the reference client; import it instead")}
		}
	}
	o := fields{path: "", m: top}
	o.only("passcrow-pack", "name", "description", "created", "renewed", "policy",
		"scheme", "threshold", "secret", "fragments", "groups", "records", "ephemeral")
	version := o.int("passcrow-pack", true)
	if o.err == nil && version != PackVersion && version != PackVersionGrouped {
		return nil, packErr("passcrow-pack", "version %d is not supported (this program reads versions %d and %d)", version, PackVersion, PackVersionGrouped)
	}
	grouped := version == PackVersionGrouped
	rawGroups := o.objs("groups", grouped)
	if !grouped && rawGroups != nil && o.err == nil {
		o.fail("groups", "only in version %d packs", PackVersionGrouped)
	}
	if grouped && len(rawGroups) == 0 && o.err == nil {
		o.fail("groups", "a version %d pack needs at least one group", PackVersionGrouped)
	}
	p := &Pack{
		Name:        o.str("name", true),
		Description: o.str("description", false),
		Created:     timeOrZero(o.int("created", true)),
		Renewed:     timeOrZero(o.int("renewed", false)),
		Scheme:      o.str("scheme", true),
		Threshold:   int(o.int("threshold", true)),
		Secret:      o.str("secret", true),
	}
	if s := o.str("policy", true); o.err == nil {
		parse := ParsePolicy
		if grouped {
			parse = parseGroupsPolicy
		}
		pol, err := parse(s)
		if err != nil {
			return nil, &PackError{Field: "policy", Err: err}
		}
		p.Policy = pol
	}
	frags := o.strs("fragments")
	for i, raw := range rawGroups {
		p.Groups = append(p.Groups, o.group(fmt.Sprintf("groups[%d]", i), raw))
	}
	for i, raw := range o.objs("records", true) {
		p.Records = append(p.Records, o.record(fmt.Sprintf("records[%d]", i), raw))
	}
	if eph := o.m["ephemeral"]; eph != nil && o.err == nil {
		r := o.record("ephemeral", eph)
		p.Ephemeral = &r
	}
	if o.err != nil {
		return nil, o.err
	}
	sch, ok := schemes[p.Scheme]
	if !ok {
		return nil, packErr("scheme", "unknown scheme %q (want %q or %q)", p.Scheme, SchemeGF256, SchemeP521)
	}
	for i, s := range frags {
		f, err := sch.decode(s)
		if err != nil {
			return nil, packErr(fmt.Sprintf("fragments[%d]", i), "%v", err)
		}
		p.Fragments = append(p.Fragments, f)
	}
	if err := p.validate(); err != nil {
		return nil, err
	}
	return p, nil
}

// decodeObject reads one JSON object into its members, refusing repeated
// keys (encoding/json would silently keep the last) and trailing data.
func decodeObject(data []byte, path string) (map[string]json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	fail := func(format string, a ...any) error {
		if path == "" {
			return &PackError{Err: fmt.Errorf(format, a...)}
		}
		return packErr(path, format, a...)
	}
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, fail("not a JSON object")
	}
	m := map[string]json.RawMessage{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, fail("bad JSON: %v", err)
		}
		key := t.(string) // object keys are always strings
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, packErr(join(path, key), "bad JSON: %v", err)
		}
		if _, dup := m[key]; dup {
			return nil, packErr(join(path, key), "appears twice")
		}
		m[key] = v
	}
	if _, err := dec.Token(); err != nil {
		return nil, fail("bad JSON: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fail("data after the JSON object")
	}
	return m, nil
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// fields reads typed members of one object, keeping the first error, so
// the parser reads as a list of fields.
type fields struct {
	path string
	m    map[string]json.RawMessage
	err  error
}

func (o *fields) fail(key, format string, a ...any) {
	if o.err == nil {
		o.err = packErr(join(o.path, key), format, a...)
	}
}

// only refuses members other than the known ones, in a stable order.
func (o *fields) only(known ...string) {
	var unknown []string
	for k := range o.m {
		if !slices.Contains(known, k) {
			unknown = append(unknown, k)
		}
	}
	slices.Sort(unknown)
	if len(unknown) > 0 {
		o.fail(unknown[0], "unknown field")
	}
}

// get returns a member's JSON, or nil when it is absent and optional.
func (o *fields) get(key string, required bool) json.RawMessage {
	v, ok := o.m[key]
	switch {
	case o.err != nil:
		return nil
	case !ok && required:
		o.fail(key, "missing")
		return nil
	case !ok:
		return nil
	case string(v) == "null":
		o.fail(key, "is null")
		return nil
	}
	return v
}

func (o *fields) str(key string, required bool) string {
	var s string
	if v := o.get(key, required); v != nil {
		if err := json.Unmarshal(v, &s); err != nil {
			o.fail(key, "not a string")
		}
	}
	return s
}

func (o *fields) int(key string, required bool) int64 {
	var n int64
	if v := o.get(key, required); v != nil {
		if err := json.Unmarshal(v, &n); err != nil {
			o.fail(key, "not a whole number")
		} else if n < 0 {
			o.fail(key, "negative")
		}
	}
	return n
}

func (o *fields) strs(key string) []string {
	var s []string
	if v := o.get(key, true); v != nil {
		if err := json.Unmarshal(v, &s); err != nil {
			o.fail(key, "not a list of strings")
		}
	}
	return s
}

func (o *fields) objs(key string, required bool) []json.RawMessage {
	var s []json.RawMessage
	if v := o.get(key, required); v != nil {
		if err := json.Unmarshal(v, &s); err != nil {
			o.fail(key, "not a list")
		}
	}
	return s
}

func (o *fields) record(path string, raw json.RawMessage) Record {
	if o.err != nil {
		return Record{}
	}
	m, err := decodeObject(raw, path)
	if err != nil {
		o.err = err
		return Record{}
	}
	ro := fields{path: path, m: m}
	ro.only("kind", "prefix", "hint", "expires", "data")
	r := Record{
		Kind:    ro.str("kind", true),
		Prefix:  ro.str("prefix", path != "ephemeral"),
		Hint:    ro.str("hint", false),
		Expires: ro.int("expires", false),
	}
	if d := ro.get("data", true); d != nil {
		var buf bytes.Buffer
		if err := json.Compact(&buf, d); err != nil {
			ro.fail("data", "bad JSON")
		}
		r.Data = buf.Bytes()
	}
	if ro.err != nil {
		o.err = ro.err
	}
	return r
}

func (o *fields) group(path string, raw json.RawMessage) PackGroup {
	if o.err != nil {
		return PackGroup{}
	}
	m, err := decodeObject(raw, path)
	if err != nil {
		o.err = err
		return PackGroup{}
	}
	g := fields{path: path, m: m}
	g.only("name", "policy", "size", "threshold", "fragments", "check")
	pg := PackGroup{
		Name:      g.str("name", true),
		Size:      int(g.int("size", true)),
		Threshold: int(g.int("threshold", true)),
		Check:     g.str("check", true),
	}
	if s := g.str("policy", true); g.err == nil {
		pol, err := ParsePolicy(s)
		if err != nil {
			g.fail("policy", "%v", err)
		}
		pg.Policy = pol
	}
	for i, s := range g.strs("fragments") {
		f, err := gf256{}.decode(s)
		if err != nil {
			g.fail(fmt.Sprintf("fragments[%d]", i), "%v", err)
			break
		}
		pg.Fragments = append(pg.Fragments, f)
	}
	if g.err != nil {
		o.err = g.err
	}
	return pg
}
