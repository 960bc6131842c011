package recovery

import (
	"bytes"
	"strings"
	"testing"
)

// subsets calls f with every k-subset of 0..n-1.
func subsets(n, k int, f func([]int)) {
	pick := make([]int, k)
	for i := range pick {
		pick[i] = i
	}
	for {
		f(pick)
		if !nextCombination(pick, n) {
			return
		}
	}
}

// The pack's own fragments never open the key alone; any N location
// fragments with them do; N-1 never do. For every 1 <= N <= M <= 10.
func TestPlanInvariant(t *testing.T) {
	key, _ := newKey()
	for m := 1; m <= 10; m++ {
		for n := 1; n <= m; n++ {
			pl, err := planFor(NofM(n), m)
			if err != nil {
				t.Fatal(err)
			}
			if pl.threshold < 2 || pl.extra >= pl.threshold || pl.need != n || pl.total != m+pl.extra {
				t.Fatalf("%d of %d: plan %+v", n, m, pl)
			}
			if n >= 2 && pl.extra != 0 || n == 1 && pl.extra != 1 {
				t.Fatalf("%d of %d: %d extra fragments, not the fewest", n, m, pl.extra)
			}
			frags, err := splitKey(key, pl.threshold, pl.total)
			if err != nil {
				t.Fatal(err)
			}
			loc, own := frags[:m], frags[m:]
			try := func(idx []int) bool {
				fs := append([]Fragment(nil), own...)
				for _, i := range idx {
					fs = append(fs, loc[i])
				}
				k, err := gf256{}.combine(fs)
				return err == nil && bytes.Equal(k, key)
			}
			if try(nil) {
				t.Fatalf("%d of %d: the pack's own fragments open the key", n, m)
			}
			subsets(m, n, func(idx []int) {
				if !try(idx) {
					t.Fatalf("%d of %d: locations %v with the pack's fragments do not open the key", n, m, idx)
				}
			})
			if n > 1 {
				subsets(m, n-1, func(idx []int) {
					if try(idx) {
						t.Fatalf("%d of %d: only %d locations %v open the key", n, m, n-1, idx)
					}
				})
			}
		}
	}
}

func TestPlanLimits(t *testing.T) {
	if _, err := planFor(NofM(2), 256); err == nil || !strings.Contains(err.Error(), "at most 255") {
		t.Errorf("256 fragments: %v", err)
	}
	if _, err := planFor(AnyOne(), 255); err == nil || !strings.Contains(err.Error(), "256 fragments needed but at most 255") {
		t.Errorf("255 locations + 1 in the pack: %v", err)
	}
	if pl, err := planFor(NofM(2), 255); err != nil || pl.total != 255 {
		t.Errorf("255 fragments: %+v, %v", pl, err)
	}
	key, _ := newKey()
	if _, err := splitKey(key, 2, 256); err == nil || !strings.Contains(err.Error(), "at most 255") {
		t.Errorf("splitKey 256: %v", err)
	}
	if _, err := planFor(NofM(0), 3); err == nil {
		t.Error("NofM(0) accepted")
	}
	if _, err := planFor(All(), 0); err != ErrNoLocations {
		t.Errorf("no locations: %v", err)
	}
}

func TestPolicyText(t *testing.T) {
	for _, tc := range []struct {
		p    Policy
		text string
	}{{All(), "all locations"}, {AnyOne(), "any one location"}, {NofM(1), "any one location"}, {NofM(3), "any 3 locations"}} {
		if tc.p.String() != tc.text {
			t.Errorf("%v.String() = %q, want %q", tc.p, tc.p.String(), tc.text)
		}
		back, err := ParsePolicy(tc.text)
		if err != nil || back != tc.p {
			t.Errorf("ParsePolicy(%q) = %v, %v", tc.text, back, err)
		}
	}
	for _, short := range []string{"all", "any", "2", " Any 2 Locations "} {
		if _, err := ParsePolicy(short); err != nil {
			t.Errorf("ParsePolicy(%q): %v", short, err)
		}
	}
	for _, bad := range []string{"", "0", "-1", "02", "any two locations", "most"} {
		if _, err := ParsePolicy(bad); err == nil {
			t.Errorf("ParsePolicy(%q) accepted", bad)
		}
	}
}
