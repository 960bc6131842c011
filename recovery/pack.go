package recovery

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"time"
	"unicode/utf8"
)

// PackVersion is the version of the pack format this package writes for
// flat policies; packs with grouped policies are PackVersionGrouped, so
// that older programs refuse them instead of misreading them. Both are
// read (docs/PACK-FORMAT.md).
const (
	PackVersion        = 1
	PackVersionGrouped = 2
)

// Schemes say how a pack's key was split.
const (
	// SchemeGF256 is github.com/hashicorp/vault/shamir: every pack we make.
	SchemeGF256 = "gf256"
	// SchemeP521 is the reference client's split over 2^521-1: imported packs.
	SchemeP521 = "p521"
)

// A Pack is everything needed to recover a secret, short of the codes:
// the sealed secret, where its fragments are and the fragments kept in
// the pack itself. It holds no key and never enough fragments to open
// the secret alone, but it holds what asks for the others (escrow keys,
// seal keys): keep it as a backup of the data itself would be kept
// (docs/PACK-FORMAT.md, "What a pack exposes"), and do not lose it.
type Pack struct {
	Name        string
	Description string
	Created     time.Time
	Renewed     time.Time // zero until the first Renew
	Policy      Policy
	Scheme      string // SchemeGF256 or SchemeP521
	// Threshold is how many fragments, the pack's own included, open the key.
	Threshold int
	// Secret is the secret sealed under the Recovery Key (wire.Seal form).
	Secret string
	// Fragments are the pack's own fragments: always fewer than Threshold.
	Fragments []Fragment
	// Records find the other fragments, one location each, in prefix order.
	Records []Record
	// Ephemeral is the escrow that holds a copy of an imported reference
	// pack (its ephemeral mode). It holds no fragment; Forget deletes it.
	Ephemeral *Record
	// Groups, when not empty, make the policy grouped (group.go): Policy,
	// Threshold and Fragments then apply to the groups' shares of the
	// key, and the groups split Records among them in order.
	Groups []PackGroup
}

// Need is how many locations must release their fragment; for a grouped
// policy, the fewest that can do (the groups that need the fewest).
func (p *Pack) Need() int {
	top := p.Threshold - len(p.Fragments)
	if len(p.Groups) == 0 {
		return top
	}
	needs := make([]int, len(p.Groups))
	for i, g := range p.Groups {
		needs[i] = g.Need()
	}
	slices.Sort(needs)
	n := 0
	for _, k := range needs[:min(top, len(needs))] {
		n += k
	}
	return n
}

// A PackError is a pack that does not follow the format. Field names the
// field in the JSON, such as "records[1].prefix".
type PackError struct {
	Field string
	Err   error
}

func (e *PackError) Error() string {
	if e.Field == "" {
		return "pack: " + e.Err.Error()
	}
	return fmt.Sprintf("pack: field %q: %v", e.Field, e.Err)
}

func (e *PackError) Unwrap() error { return e.Err }

func packErr(field, format string, a ...any) *PackError {
	return &PackError{Field: field, Err: fmt.Errorf(format, a...)}
}

// packJSON is the pack as written; its field order is the file's.
type packJSON struct {
	Version     int             `json:"passcrow-pack"`
	Name        string          `json:"name"`
	Description string          `json:"description"`
	Created     int64           `json:"created"`
	Renewed     int64           `json:"renewed"`
	Policy      string          `json:"policy"`
	Scheme      string          `json:"scheme"`
	Threshold   int             `json:"threshold"`
	Secret      string          `json:"secret"`
	Fragments   []string        `json:"fragments"`
	Groups      []packGroupJSON `json:"groups,omitempty"`
	Records     []Record        `json:"records"`
	Ephemeral   *Record         `json:"ephemeral,omitempty"`
}

type packGroupJSON struct {
	Name      string   `json:"name"`
	Policy    string   `json:"policy"`
	Size      int      `json:"size"`
	Threshold int      `json:"threshold"`
	Fragments []string `json:"fragments"`
	Check     string   `json:"check"`
}

// Marshal writes the pack in format v1. The same pack always gives the
// same bytes: ParsePack then Marshal gives back Marshal's output.
func (p *Pack) Marshal() ([]byte, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	sch := schemes[p.Scheme]
	pj := packJSON{
		Version:     PackVersion,
		Name:        p.Name,
		Description: p.Description,
		Created:     unixOrZero(p.Created),
		Renewed:     unixOrZero(p.Renewed),
		Policy:      p.Policy.String(),
		Scheme:      p.Scheme,
		Threshold:   p.Threshold,
		Secret:      p.Secret,
		Fragments:   make([]string, len(p.Fragments)),
		Records:     p.Records,
		Ephemeral:   p.Ephemeral,
	}
	for i, f := range p.Fragments {
		pj.Fragments[i] = sch.encode(f)
	}
	if len(p.Groups) > 0 {
		pj.Version = PackVersionGrouped
		pj.Policy = groupsPolicyString(p.Policy)
		for _, g := range p.Groups {
			gj := packGroupJSON{Name: g.Name, Policy: g.Policy.String(), Size: g.Size, Threshold: g.Threshold, Check: g.Check, Fragments: []string{}}
			for _, f := range g.Fragments {
				gj.Fragments = append(gj.Fragments, sch.encode(f))
			}
			pj.Groups = append(pj.Groups, gj)
		}
	}
	if pj.Records == nil {
		pj.Records = []Record{}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(pj); err != nil {
		return nil, fmt.Errorf("pack: %w", err)
	}
	return buf.Bytes(), nil
}

func unixOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

func timeOrZero(s int64) time.Time {
	if s == 0 {
		return time.Time{}
	}
	return time.Unix(s, 0)
}

// validate checks what Marshal writes and ParsePack reads, so that a pack
// that leaves this package can always be read back.
func (p *Pack) validate() error {
	if !utf8.ValidString(p.Name) {
		return packErr("name", "not UTF-8")
	}
	if !utf8.ValidString(p.Description) {
		return packErr("description", "not UTF-8")
	}
	if p.Created.Unix() < 0 && !p.Created.IsZero() {
		return packErr("created", "before 1970")
	}
	if p.Renewed.Unix() < 0 && !p.Renewed.IsZero() {
		return packErr("renewed", "before 1970")
	}
	sch, ok := schemes[p.Scheme]
	if !ok {
		return packErr("scheme", "unknown scheme %q (want %q or %q)", p.Scheme, SchemeGF256, SchemeP521)
	}
	if p.Threshold < 2 || p.Threshold > maxFragments {
		return packErr("threshold", "%d is not between 2 and %d", p.Threshold, maxFragments)
	}
	if raw, err := base64.StdEncoding.Strict().DecodeString(p.Secret); err != nil {
		return packErr("secret", "not base64: %v", err)
	} else if len(raw) < 32 {
		return packErr("secret", "too short to be sealed (%d bytes)", len(raw))
	}
	if len(p.Fragments) >= p.Threshold {
		return packErr("fragments", "%d fragments in the pack would open it alone (threshold %d)", len(p.Fragments), p.Threshold)
	}
	xs := map[string]bool{}
	for i, f := range p.Fragments {
		x, err := sch.check(f)
		if err != nil {
			return packErr(fmt.Sprintf("fragments[%d]", i), "%v", err)
		}
		if xs[x] {
			return packErr(fmt.Sprintf("fragments[%d]", i), "same x coordinate as another fragment")
		}
		xs[x] = true
	}
	if len(p.Records) == 0 {
		return packErr("records", "no locations")
	}
	if len(p.Records) > MaxLocations {
		return packErr("records", "%d locations, at most %d", len(p.Records), MaxLocations)
	}
	if n := len(p.Records) + len(p.Fragments); n > maxFragments {
		return packErr("records", "%d fragments in all, at most %d", n, maxFragments)
	}
	prefixes := map[string]bool{}
	for i, r := range p.Records {
		field := fmt.Sprintf("records[%d]", i)
		if err := validateRecord(field, r, true); err != nil {
			return err
		}
		if prefixes[r.Prefix] {
			return packErr(field+".prefix", "%q is used by another record", r.Prefix)
		}
		prefixes[r.Prefix] = true
	}
	if p.Ephemeral != nil {
		if err := validateRecord("ephemeral", *p.Ephemeral, false); err != nil {
			return err
		}
	}
	if len(p.Groups) > 0 {
		return p.validateGroups()
	}
	need, err := p.Policy.Need(len(p.Records))
	if err != nil {
		return packErr("policy", "%v", err)
	}
	if need != p.Need() {
		return packErr("policy", "%q needs %d of %d locations, but threshold %d with %d fragments in the pack needs %d",
			p.Policy, need, len(p.Records), p.Threshold, len(p.Fragments), p.Need())
	}
	return nil
}

func validateRecord(field string, r Record, wantPrefix bool) error {
	if r.Kind == "" || !utf8.ValidString(r.Kind) {
		return packErr(field+".kind", "missing or not UTF-8")
	}
	if wantPrefix {
		if len(r.Prefix) != 1 || !bytes.Contains([]byte(CodeAlphabet), []byte(r.Prefix)) {
			return packErr(field+".prefix", "%q is not one of %q", r.Prefix, CodeAlphabet)
		}
	} else if r.Prefix != "" {
		return packErr(field+".prefix", "must be empty: this record holds no fragment")
	}
	if !utf8.ValidString(r.Hint) {
		return packErr(field+".hint", "not UTF-8")
	}
	if r.Expires < 0 {
		return packErr(field+".expires", "before 1970")
	}
	if len(r.Data) == 0 || !utf8.Valid(r.Data) || !json.Valid(r.Data) || string(bytes.TrimSpace(r.Data)) == "null" {
		return packErr(field+".data", "not a JSON value")
	}
	return nil
}
