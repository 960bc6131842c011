package recovery

import (
	"bytes"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

// samplePack is a small pack of ours with one fragment in the pack.
func samplePack(t testing.TB) []byte {
	t.Helper()
	s := newMemoryStoreFake()
	p, err := Protect(t.Context(), ProtectRequest{
		Name: "wallet <main>", Description: "My wallet \u00fe", Secret: []byte("s"), Policy: AnyOne(),
		Locations: memoryLocationsFake(s, "a", "b"), Expires: time.Now().Add(time.Hour),
	})
	if err != nil {
		t.Fatal(err)
	}
	b, err := p.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestPackRoundTrip(t *testing.T) {
	b := samplePack(t)
	p, err := ParsePack(b)
	if err != nil {
		t.Fatal(err)
	}
	b2, err := p.Marshal()
	if err != nil || !bytes.Equal(b, b2) {
		t.Fatalf("not canonical: %v\n%s\n%s", err, b, b2)
	}
	if !bytes.Contains(b, []byte(`"passcrow-pack": 1,`)) || !bytes.Contains(b, []byte("<main>")) {
		t.Fatalf("unexpected spelling:\n%s", b)
	}
	if len(p.Fragments) != 1 || p.Threshold != 2 || p.Policy != AnyOne() {
		t.Fatalf("parsed: %+v", p)
	}
}

func TestParsePackNamesTheField(t *testing.T) {
	good := string(samplePack(t))
	rep := func(old, new string) string {
		if !strings.Contains(good, old) {
			t.Fatalf("sample has no %q", old)
		}
		return strings.Replace(good, old, new, 1)
	}
	for _, tc := range []struct {
		name, data, field string
	}{
		{"version", rep(`"passcrow-pack": 1`, `"passcrow-pack": 3`), "passcrow-pack"},
		{"groups in version 1", rep(`"records": [`, `"groups": [], "records": [`), "groups"},
		{"version 2 without groups", rep(`"passcrow-pack": 1`, `"passcrow-pack": 2`), "groups"},
		{"version string", rep(`"passcrow-pack": 1`, `"passcrow-pack": "1"`), "passcrow-pack"},
		{"no version", rep(`"passcrow-pack": 1,`, ``), "passcrow-pack"},
		{"unknown field", rep(`"name"`, `"nickname": "x", "name"`), "nickname"},
		{"case", rep(`"name"`, `"Name"`), "Name"},
		{"repeated", rep(`"name"`, `"name": "x", "name"`), "name"},
		{"created", rep(`"created": `, `"created": -`), "created"},
		{"created float", rep(`"created": `, `"created": 0.5`), "created"},
		{"scheme", rep(`"gf256"`, `"rot13"`), "scheme"},
		{"threshold", rep(`"threshold": 2`, `"threshold": 1`), "threshold"},
		{"policy", rep(`"any one location"`, `"most locations"`), "policy"},
		{"policy mismatch", rep(`"any one location"`, `"all locations"`), "policy"},
		{"secret", rep(`"secret": "`, `"secret": "!`), "secret"},
		{"fragment", rep(`"fragments": [`+"\n    \"", `"fragments": [`+"\n    \"@"), "fragments[0]"},
		{"null", rep(`"description": "My wallet þ"`, `"description": null`), "description"},
		{"prefix", rep(`"prefix": "2"`, `"prefix": "I"`), "records[1].prefix"},
		{"prefix twice", rep(`"prefix": "2"`, `"prefix": "1"`), "records[1].prefix"},
		{"record field", rep(`"prefix": "2"`, `"prefix": "2", "colour": 1`), "records[1].colour"},
		{"record kind", rep(`"kind": "memory-fake"`, `"kind": 5`), "records[0].kind"},
		{"record data", rep(`"data": {`, `"data": [}, "d": {`), "records"},
		{"record data null", rep(`"hint": "a",`, `"hint": "a", "data": null,`), "records[0].data"},
		{"record object", rep(`"records": [`, `"records": [7,`), "records[0]"},
	} {
		_, err := ParsePack([]byte(tc.data))
		var pe *PackError
		if !errors.As(err, &pe) || pe.Field != tc.field || !strings.Contains(err.Error(), `pack: field "`+tc.field+`": `) {
			t.Errorf("%s: %v, want field %q", tc.name, err, tc.field)
		}
	}
	for _, bad := range []string{"", "[]", "{", good + "{}", "null"} {
		if _, err := ParsePack([]byte(bad)); err == nil {
			t.Errorf("ParsePack(%.20q) accepted", bad)
		}
	}
}

func FuzzPackRoundTrip(f *testing.F) {
	f.Add(samplePack(f))
	for _, b := range groupedSeedPacks(f) {
		f.Add(b)
	}
	for _, v := range []string{"roundtrip-2of3/recovery-pack.passcrow", "ephemeral/local-pack-ephemeral-both.passcrow"} {
		p, err := ImportReferencePack(readVector(f, v, nil))
		if err != nil {
			f.Fatal(err)
		}
		b, _ := p.Marshal()
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParsePack(data)
		if err != nil {
			return
		}
		b, err := p.Marshal()
		if err != nil {
			t.Fatalf("a parsed pack does not marshal: %v", err)
		}
		p2, err := ParsePack(b)
		if err != nil {
			t.Fatalf("marshalled pack does not parse: %v\n%s", err, b)
		}
		if !reflect.DeepEqual(p, p2) {
			t.Fatalf("parse → marshal → parse changed the pack:\n%+v\n%+v", p, p2)
		}
		if b2, _ := p2.Marshal(); !bytes.Equal(b, b2) {
			t.Fatalf("marshal is not canonical:\n%s\n%s", b, b2)
		}
	})
}

// The example in docs/PACK-FORMAT.md is a valid, canonical pack.
func TestPackFormatDocExample(t *testing.T) {
	doc, err := os.ReadFile("../docs/PACK-FORMAT.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, _ := strings.Cut(string(doc), "```json\n")
	example, _, ok := strings.Cut(rest, "```")
	if !ok {
		t.Fatal("no JSON example in the doc")
	}
	p, err := ParsePack([]byte(example))
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := p.Marshal(); string(b) != example {
		t.Fatalf("the example is not canonical:\n%s", b)
	}
}
