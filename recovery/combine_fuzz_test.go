package recovery

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

// fuzzSecret is the secret of every seed pack: a combination that opens
// any pack the fuzzer makes of them must give it, since opening anything
// else would need a forged AES-GCM tag.
var fuzzSecret = []byte("s")

// seedPack protects fuzzSecret with fakes and returns the pack and every
// location's fragment, encoded for FuzzCombine.
func seedPack(t testing.TB, req ProtectRequest) (pack, fetched []byte) {
	t.Helper()
	s := newMemoryStoreFake()
	req.Name, req.Secret, req.Expires = "seed", fuzzSecret, time.Now().Add(time.Hour)
	for i := range req.Groups {
		for j := range req.Groups[i].Locations {
			req.Groups[i].Locations[j].(*memoryLocationFake).store = s
		}
	}
	for _, l := range req.Locations {
		l.(*memoryLocationFake).store = s
	}
	p, err := Protect(t.Context(), req)
	if err != nil {
		t.Fatal(err)
	}
	pack, err = p.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	var enc []byte
	for _, r := range p.Records {
		var d memoryDataFake
		if err := json.Unmarshal(r.Data, &d); err != nil {
			t.Fatal(err)
		}
		f := s.frags[d.ID]
		enc = append(append(enc, r.Prefix[0], byte(len(f))), f...)
	}
	return pack, enc
}

// decodeFetched reads FuzzCombine's fragments: a prefix byte, a length
// byte, the fragment, again and again; a later one of a prefix wins.
func decodeFetched(b []byte) map[string]Fragment {
	m := map[string]Fragment{}
	for len(b) >= 2 {
		prefix, n := string(b[:1]), int(b[1])
		b = b[2:]
		n = min(n, len(b))
		m[prefix] = Fragment(bytes.Clone(b[:n]))
		b = b[n:]
	}
	return m
}

func fakes(names ...string) []Location { return memoryLocationsFake(nil, names...) }

// FuzzCombine: whatever a pack says (parsed, so as hostile as a file can
// be) and whatever locations send back, Combine and the progress
// functions never panic, and a secret they give is the one sealed.
func FuzzCombine(f *testing.F) {
	grouped, all := seedPack(f, ProtectRequest{
		Groups: []Group{
			{Name: "servers", Policy: NofM(2), Locations: fakes("a", "b", "c")},
			{Name: "friends", Policy: AnyOne(), Locations: fakes("d", "e")},
		},
		GroupsNeeded: All(),
	})
	f.Add(grouped, all)
	f.Add(grouped, all[:len(all)/2])
	anyGroup, all2 := seedPack(f, ProtectRequest{
		Groups: []Group{
			{Name: "a", Policy: All(), Locations: fakes("a")},
			{Name: "b", Policy: AnyOne(), Locations: fakes("b", "c")},
			{Name: "c", Policy: NofM(2), Locations: fakes("d", "e", "f")},
		},
		GroupsNeeded: NofM(2),
	})
	f.Add(anyGroup, all2)
	// Another group's fragment under a record's prefix, and one a byte short.
	f.Add(anyGroup, append(append([]byte{'4', all2[1]}, all2[2:2+int(all2[1])]...), '1', 10, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10))
	flat, all3 := seedPack(f, ProtectRequest{Policy: NofM(2), Locations: fakes("a", "b", "c")})
	f.Add(flat, all3)
	f.Fuzz(func(t *testing.T, pack, fetched []byte) {
		p, err := ParsePack(pack)
		if err != nil {
			return
		}
		got := decodeFetched(fetched)
		_ = p.Need()
		if groups, n := GroupsProgress(p, got); groups != nil {
			_ = stillNeeded(groups, n)
			_ = describeGroups(groups, n)
		}
		secret, _, err := Combine(p, got)
		if err == nil && !bytes.Equal(secret, fuzzSecret) {
			t.Fatalf("Combine opened %q", secret)
		}
	})
}

// groupedSeedPacks are grouped packs for FuzzPackRoundTrip's seeds.
func groupedSeedPacks(t testing.TB) [][]byte {
	mailpile, _ := seedPack(t, ProtectRequest{
		Groups: []Group{
			{Name: "mailboxes", Policy: AllButOne(3), Locations: fakes("a", "b", "c")},
			{Name: "correspondents", Policy: AllButOne(2), Locations: fakes("d", "e")},
		},
		GroupsNeeded: All(),
	})
	one, _ := seedPack(t, ProtectRequest{
		Groups:       []Group{{Name: "only", Policy: AnyOne(), Locations: fakes("a", "b")}},
		GroupsNeeded: AnyOne(),
	})
	return [][]byte{mailpile, one}
}

// The seeds are what they claim: every fragment opens the grouped pack.
func TestCombineSeeds(t *testing.T) {
	pack, all := seedPack(t, ProtectRequest{
		Groups: []Group{
			{Name: "servers", Policy: NofM(2), Locations: fakes("a", "b", "c")},
			{Name: "friends", Policy: AnyOne(), Locations: fakes("d", "e")},
		},
		GroupsNeeded: All(),
	})
	p, err := ParsePack(pack)
	if err != nil {
		t.Fatal(err)
	}
	if s, bad, err := Combine(p, decodeFetched(all)); err != nil || bad != nil || !bytes.Equal(s, fuzzSecret) {
		t.Fatalf("Combine of every fragment: %q, %v, %v", s, bad, err)
	}
}

// A group check that is not base64 of 16 bytes can never match: the
// pack is refused when read, not when the user has gathered everything.
func TestParsePackRefusesABadGroupCheck(t *testing.T) {
	good := string(groupedSeedPacks(t)[0])
	p, err := ParsePack([]byte(good))
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{strings.Repeat("!", 24), strings.Repeat("A", 23) + "=", strings.Repeat("A", 24)} {
		_, err := ParsePack([]byte(strings.Replace(good, p.Groups[0].Check, bad, 1)))
		var pe *PackError
		if !errors.As(err, &pe) || pe.Field != "groups[0].check" {
			t.Errorf("check %q: %v, want a PackError on groups[0].check", bad, err)
		}
	}
}
