package recovery

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// fetchAll takes every fragment of p straight from the fake's store.
func fetchAll(s *memoryStoreFake, p *Pack) map[string]Fragment {
	out := map[string]Fragment{}
	for _, r := range p.Records {
		id, _ := memoryKeeperFake{}.id(r)
		out[r.Prefix] = append(Fragment(nil), s.frags[id]...)
	}
	return out
}

func TestCombineSearchLimit(t *testing.T) {
	s := newMemoryStoreFake()
	names := make([]string, MaxLocations)
	for i := range names {
		names[i] = fmt.Sprint("loc", i)
	}
	p := protectFake(t, s, []byte("x"), NofM(7), names...)
	all := fetchAll(s, p)

	// All 33 good: the first subset opens it, and none is called bad.
	if got, bad, err := Combine(p, all); err != nil || bad != nil || string(got) != "x" {
		t.Fatalf("Combine = %q, %v, %v", got, bad, err)
	}
	// Two bad ones up front are found and named.
	all["1"][3] ^= 0x80
	all["3"][0] ^= 0x01
	if got, bad, err := Combine(p, all); err != nil || string(got) != "x" || bad == nil || strings.Join(bad.Prefixes, ",") != "1,3" {
		t.Fatalf("Combine with 2 bad = %q, %v, %v", got, bad, err)
	}
	// A wrong-sized fragment is bad before any combining.
	all["5"] = all["5"][:10]
	if _, bad, err := Combine(p, all); err != nil || bad == nil || strings.Join(bad.Prefixes, ",") != "5,1,3" {
		t.Fatalf("Combine with a short fragment: %v, %v", bad, err)
	}
	// When nothing fits, C(32, 7) subsets are too many to try all.
	tampered := *p
	tampered.Secret = p.Secret[:40] + strings.Map(func(r rune) rune {
		if r == 'A' {
			return 'B'
		}
		return 'A'
	}, p.Secret[40:41]) + p.Secret[41:]
	if _, _, err := Combine(&tampered, all); !errors.Is(err, ErrSearchLimit) || !strings.Contains(err.Error(), "tried 4096 of 3365856 at random") {
		t.Fatalf("Combine of a tampered pack: %v", err)
	}
}

func TestCombineTooFew(t *testing.T) {
	s := newMemoryStoreFake()
	p := protectFake(t, s, []byte("x"), NofM(3), "a", "b", "c", "d")
	all := fetchAll(s, p)
	delete(all, "1")
	delete(all, "2")
	if _, _, err := Combine(p, all); !errors.Is(err, ErrNotEnough) || !strings.Contains(err.Error(), "have 2 of the 3") {
		t.Fatalf("Combine with 2 of 3: %v", err)
	}
	// A fragment with the x of another is refused, not combined.
	all["1"] = all["3"]
	if _, bad, err := Combine(p, all); !errors.Is(err, ErrNoMatch) && !errors.Is(err, ErrNotEnough) || bad != nil && len(bad.Prefixes) == 0 {
		t.Fatalf("Combine with a repeated fragment: %v, %v", bad, err)
	}
}

func TestBinomial(t *testing.T) {
	for _, tc := range [][3]uint64{{5, 2, 10}, {33, 16, 1166803110}, {32, 7, 3365856}, {3, 4, 0}, {0, 0, 1}} {
		if got := binomial(int(tc[0]), int(tc[1])); got != tc[2] {
			t.Errorf("C(%d,%d) = %d, want %d", tc[0], tc[1], got, tc[2])
		}
	}
}
