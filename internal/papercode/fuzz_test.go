package papercode

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// FuzzDecode: Decode never panics, and whatever it accepts is exactly
// what Encode makes of the payload (so no two texts give one payload, and
// nothing is accepted by being guessed at). Its errors are the documented
// ones.
func FuzzDecode(f *testing.F) {
	for _, v := range []string{"", "PC1", "pc1qqqq", "PC1ZQUJSTRNGP4FYTW", "PC1ZQUJSTRNGP4FYTQ", "PC1ZQUJSTRNOP4FYTW", "PC1 ZQUJ STRN GP4F YTW", "pc1-zq\nuj", "PC1ZQUJSTRNGP4FYT", "PC1ZQUJSTRNGP4FYTWW", "PC1Þ"} {
		f.Add(v)
	}
	f.Add(Encode(bytes.Repeat([]byte{7}, 50)))
	f.Add(Encode(bytes.Repeat([]byte{7}, MaxPayload)))
	f.Fuzz(func(t *testing.T, typed string) {
		p, err := Decode(typed)
		if err == nil {
			if want := Encode(p); want != normalise(typed) {
				t.Fatalf("Decode(%q) = %x, but that encodes as %s", typed, p, want)
			}
			return
		}
		var te *TypoError
		var ce *CharacterError
		var le *LengthError
		switch {
		case errors.As(err, &te):
			checkPlaces(t, typed, te.Positions, te.Groups, maxErrors)
		case errors.As(err, &ce):
			checkPlaces(t, typed, ce.Positions, ce.Groups, maxReported)
		case errors.As(err, &le):
			checkPlaces(t, typed, []int{le.Position}, []int{le.Group}, 1)
		case errors.Is(err, ErrPrefix), errors.Is(err, ErrLength), errors.Is(err, ErrChecksum):
		default:
			t.Fatalf("Decode(%q): undocumented error %v", typed, err)
		}
	})
}

func checkPlaces(t *testing.T, typed string, pos, groups []int, most int) {
	t.Helper()
	n := len([]rune(normalise(typed)))
	if len(pos) == 0 || len(pos) > most || len(groups) != len(pos) {
		t.Fatalf("Decode(%q): %d positions, %d groups", typed, len(pos), len(groups))
	}
	for i, p := range pos {
		if p < len(Prefix) || p > n || i > 0 && p <= pos[i-1] {
			t.Fatalf("Decode(%q): positions %v", typed, pos)
		}
		if g, _ := GroupOf(p); g != groups[i] {
			t.Fatalf("Decode(%q): groups %v for positions %v", typed, groups, pos)
		}
	}
}

// FuzzRoundTrip: every payload Encode takes comes back from Decode, typed
// as printed, in lowercase, or in one line.
func FuzzRoundTrip(f *testing.F) {
	f.Add([]byte{0})
	f.Add(bytes.Repeat([]byte{0xff}, ShortMax))
	f.Add(bytes.Repeat([]byte{0x5a}, ShortMax+1))
	f.Add(bytes.Repeat([]byte{0x01}, MaxPayload))
	f.Fuzz(func(t *testing.T, p []byte) {
		if len(p) < 1 || len(p) > MaxPayload {
			return
		}
		s := Encode(p)
		for _, typed := range []string{s, Group(s), strings.ToLower(Group(s))} {
			got, err := Decode(typed)
			if err != nil || !bytes.Equal(got, p) {
				t.Fatalf("Decode(%q) = %x, %v, want %x", typed, got, err, p)
			}
		}
	})
}
