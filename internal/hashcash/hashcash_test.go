package hashcash

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseToken(t *testing.T) {
	for _, c := range []struct{ token, scheme, cash string }{
		{"hashcash-12:1c8a-6b048ee1", "hashcash-12", "1c8a-6b048ee1"},
		{"free:0", "free", "0"},
		{"a:b:c", "a", "b:c"},
		{":", "", ""},
	} {
		scheme, cash, err := ParseToken(c.token)
		if err != nil || scheme != c.scheme || cash != c.cash {
			t.Errorf("ParseToken(%q) = %q, %q, %v; want %q, %q", c.token, scheme, cash, err, c.scheme, c.cash)
		}
	}
	for _, bad := range []string{"", "free", "hashcash-12"} {
		if _, _, err := ParseToken(bad); !errors.Is(err, ErrMalformed) {
			t.Errorf("ParseToken(%q): %v, want ErrMalformed", bad, err)
		}
	}
}

func TestParseCash(t *testing.T) {
	for _, c := range []struct {
		cash    string
		counter uint64
		ts      int64
	}{
		{"77-6553f100", 0x77, 0x6553f100},
		{"77-6553F100", 0x77, 0x6553f100},
		{"0077-06553f100", 0x77, 0x6553f100},
		{"0-0", 0, 0},
		{"000-000", 0, 0},
		{"ffffffffffffffff-7fffffffffffffff", 1<<64 - 1, 1<<63 - 1},
		{"0000ffffffffffffffff-1", 1<<64 - 1, 1},
	} {
		counter, ts, err := ParseCash(c.cash)
		if err != nil || counter != c.counter || ts != c.ts {
			t.Errorf("ParseCash(%q) = %d, %d, %v; want %d, %d", c.cash, counter, ts, err, c.counter, c.ts)
		}
	}
	for _, bad := range []string{
		"", "-", "77", "77-", "-6553f100", "77-6553f100-1", "7g-1", "0x77-1", "+77-1",
		" 77-1", "77-1 ", "1_0-1", "1-1\n", "\u0661-1",
		"10000000000000000-1", "1-8000000000000000",
	} {
		if _, _, err := ParseCash(bad); !errors.Is(err, ErrMalformed) {
			t.Errorf("ParseCash(%q): %v, want ErrMalformed", bad, err)
		}
		if err := Verify([]byte("d"), 8, bad, time.Unix(1, 0)); !errors.Is(err, ErrMalformed) {
			t.Errorf("Verify(%q): %v, want ErrMalformed", bad, err)
		}
	}
}

// TestEnoughWorkBits checks the mask at the edges: bit 0 is the last bit of
// the digest, bit 63 the top bit of its second half.
func TestEnoughWorkBits(t *testing.T) {
	var d [16]byte
	for i := range d[:8] {
		d[i] = 0xff // leading ones never matter
	}
	if !enoughWork(d, 64) {
		t.Error("low 64 bits zero: want valid at 64 bits")
	}
	d[8] = 0x80 // bit 63
	if enoughWork(d, 64) || !enoughWork(d, 63) {
		t.Error("bit 63 set: want invalid at 64 bits, valid at 63")
	}
	d[15] = 0x01 // bit 0
	if enoughWork(d, 1) {
		t.Error("bit 0 set: want invalid at 1 bit")
	}
}

func FuzzParseToken(f *testing.F) {
	for _, s := range []string{"hashcash-12:1c8a-6b048ee1", "free:0", "a:b:c", "", ":"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, token string) {
		scheme, cash, err := ParseToken(token)
		if err != nil {
			if !errors.Is(err, ErrMalformed) || strings.Contains(token, ":") {
				t.Fatalf("ParseToken(%q): %v", token, err)
			}
			return
		}
		if strings.Contains(scheme, ":") || scheme+":"+cash != token {
			t.Fatalf("ParseToken(%q) = %q, %q", token, scheme, cash)
		}
	})
}

// FuzzParseCash checks that whatever ParseCash accepts reads back the same
// from the canonical spelling Solve writes, that the canonical spelling is
// a fixed point, and that Verify refuses malformed cash before any work.
func FuzzParseCash(f *testing.F) {
	for _, s := range []string{"77-6553f100", "0077-06553F100", "1-", "-", "x", "ffffffffffffffff-7fffffffffffffff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, cash string) {
		counter, ts, err := ParseCash(cash)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("ParseCash(%q): %v", cash, err)
			}
			if err := Verify(nil, 8, cash, time.Unix(ts, 0)); !errors.Is(err, ErrMalformed) {
				t.Fatalf("Verify(%q): %v, want ErrMalformed", cash, err)
			}
			return
		}
		if ts < 0 {
			t.Fatalf("ParseCash(%q): negative ts %d", cash, ts)
		}
		canon := formatCash(counter, ts)
		c2, ts2, err := ParseCash(canon)
		if err != nil || c2 != counter || ts2 != ts {
			t.Fatalf("ParseCash(%q) -> %q -> %d, %d, %v; want %d, %d", cash, canon, c2, ts2, err, counter, ts)
		}
		if strings.ToLower(cash) == cash && !strings.HasPrefix(cash, "0") && !strings.Contains(cash, "-0") && canon != cash {
			t.Fatalf("canonical %q spelled back as %q", cash, canon)
		}
	})
}
