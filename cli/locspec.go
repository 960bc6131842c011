package cli

import (
	"slices"
	"strings"
)

// A --location value names one place for a fragment: the kind and its
// main value first, then options, all separated by commas:
//
//	server=https://passcrow.example.org,id=email:me@example.org
//	imap=me@imap.example.org:993,security=tls,password-file=pw.txt
//	paper=./sheets,label=Kitchen drawer,list-locations
//
// An option is key=value, or a bare key for a yes/no option. Values
// cannot hold commas: paths and names with commas are out (rare), which
// keeps the syntax free of quoting rules. Secrets never go here: a
// password comes from a file (password-file=F) or a prompt.
type locSpec struct {
	raw   string
	kind  string
	value string
	opts  map[string]string
	bare  map[string]bool
	order []string // option keys as given
	used  map[string]bool
}

func parseLocSpec(s string) (*locSpec, error) {
	parts := strings.Split(s, ",")
	kind, value, ok := strings.Cut(parts[0], "=")
	kind = strings.ToLower(strings.TrimSpace(kind))
	value = strings.TrimSpace(value)
	if !ok || kind == "" || value == "" {
		return nil, usagef("--location %q: start with KIND=VALUE (%s)", s, strings.Join(kindNames(), ", "))
	}
	l := &locSpec{raw: s, kind: kind, value: value, opts: map[string]string{}, bare: map[string]bool{}, used: map[string]bool{}}
	for _, p := range parts[1:] {
		k, v, hasValue := strings.Cut(p, "=")
		k = strings.ToLower(strings.TrimSpace(k))
		if k == "" {
			return nil, usagef("--location %q: an empty option (two commas?)", s)
		}
		if k == "password" || k == "pass" || k == "smtp-password" {
			// Said before anything quotes the value back.
			return nil, usagef("--location %s=...: a password never goes on the command line (other programs can read it there); use password-file=FILE, or leave it out to be asked", kind)
		}
		if slices.Contains(l.order, k) {
			return nil, usagef("--location %q: %s is given twice", s, k)
		}
		l.order = append(l.order, k)
		if hasValue {
			l.opts[k] = strings.TrimSpace(v)
		} else {
			l.bare[k] = true
		}
	}
	return l, nil
}

// opt returns the value of option key, if given with a value.
func (l *locSpec) opt(key string) (string, bool, error) {
	l.used[key] = true
	if l.bare[key] {
		return "", false, usagef("--location %q: %s needs a value (%s=...)", l.raw, key, key)
	}
	v, ok := l.opts[key]
	if ok && v == "" {
		return "", false, usagef("--location %q: %s= is empty", l.raw, key)
	}
	return v, ok, nil
}

// optOr is opt with a default.
func (l *locSpec) optOr(key, def string) (string, error) {
	v, ok, err := l.opt(key)
	if err != nil || !ok {
		return def, err
	}
	return v, nil
}

// choice is an option that must be one of values; def when not given.
func (l *locSpec) choice(key, def string, values ...string) (string, error) {
	v, err := l.optOr(key, def)
	if err != nil {
		return "", err
	}
	v = strings.ToLower(v)
	if !slices.Contains(values, v) {
		return "", usagef("--location %q: %s=%s: want %s", l.raw, key, v, strings.Join(values, ", "))
	}
	return v, nil
}

// flag tells whether the yes/no option key was given.
func (l *locSpec) flag(key string) (bool, error) {
	l.used[key] = true
	if _, ok := l.opts[key]; ok {
		return false, usagef("--location %q: %s takes no value", l.raw, key)
	}
	return l.bare[key], nil
}

// checkUsed refuses options the kind does not know.
func (l *locSpec) checkUsed() error {
	for _, k := range l.order {
		if l.used[k] {
			continue
		}
		return usagef("--location %q: unknown option %q for %s", l.raw, k, l.kind)
	}
	return nil
}
