package recovery

import (
	"errors"
	"strings"
	"testing"
)

func TestNormaliseCode(t *testing.T) {
	for in, want := range map[string]string{
		"1234567":      "1234567",
		"a 123-456":    "A123456",
		" b.12o 4l6\t": "B120416",
		"c-1I2-345":    "C112345",
		"o000000":      "0000000",
		"":             "",
	} {
		if got := NormaliseCode(in); got != want {
			t.Errorf("NormaliseCode(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRouteCode(t *testing.T) {
	recs := []Record{{Prefix: "1"}, {Prefix: "2"}, {Prefix: "A"}}
	for _, tc := range []struct {
		code string
		idx  int
		err  error
		msg  string
	}{
		{"1 234 567", 0, nil, ""},
		{"a-111-222", 2, nil, ""},
		{"2000000", 1, nil, ""},
		{"21000000", 1, nil, ""}, // the reference's one-in-a-million code
		{"3123456", -1, ErrUnknownPrefix, "codes start with 1, 2, A"},
		{"B123456", -1, ErrUnknownPrefix, `starts with "B"`},
		{"1", -1, ErrCodeFormat, "0 digits"},
		{"112345", -1, ErrCodeFormat, "5 digits"},
		{"11234567", -1, ErrCodeFormat, "7 digits"},
		{"1A23456", -1, ErrCodeFormat, "only digits"},
		{"#123456", -1, ErrCodeFormat, "code letter"},
		{"  ", -1, ErrCodeFormat, "nothing typed"},
	} {
		i, c, err := RouteCode(recs, tc.code)
		if tc.err == nil {
			if err != nil || i != tc.idx || c != NormaliseCode(tc.code) {
				t.Errorf("RouteCode(%q) = %d, %q, %v", tc.code, i, c, err)
			}
			continue
		}
		if !errors.Is(err, tc.err) || !strings.Contains(err.Error(), tc.msg) || i != -1 {
			t.Errorf("RouteCode(%q) = %d, %v; want %v containing %q", tc.code, i, err, tc.err, tc.msg)
		}
	}
}

func TestPrefix(t *testing.T) {
	for i, want := range map[int]string{0: "1", 9: "0", 10: "A", 32: "Z"} {
		if got, err := Prefix(i); got != want || err != nil {
			t.Errorf("Prefix(%d) = %q, %v", i, got, err)
		}
	}
	if _, err := Prefix(33); err == nil {
		t.Error("Prefix(33) has no error")
	}
}

func FuzzRouteCode(f *testing.F) {
	for _, s := range []string{"1234567", "a 123-456", "O-L1I", "Z9999999", "é123456", "\x00"} {
		f.Add(s)
	}
	recs := make([]Record, MaxLocations)
	for i := range recs {
		recs[i].Prefix, _ = Prefix(i)
	}
	f.Fuzz(func(t *testing.T, s string) {
		i, c, err := RouteCode(recs, s)
		if err != nil {
			if !errors.Is(err, ErrCodeFormat) && !errors.Is(err, ErrUnknownPrefix) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		if c != NormaliseCode(s) || NormaliseCode(c) != c || c[:1] != recs[i].Prefix || len(c) != 7 && len(c) != 8 {
			t.Fatalf("RouteCode(%q) = %d, %q", s, i, c)
		}
	})
}
