package papercode

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewChaCha8([32]byte{1}))
	for n := 1; n <= MaxPayload; n++ {
		for range underRace(20) {
			p := make([]byte, n)
			for i := range p {
				p[i] = byte(rng.Uint32())
			}
			s := Encode(p)
			checkCode(t, p, s)
			for _, typed := range []string{
				s,
				Group(s),
				strings.ToLower(Group(s)),
				strings.ReplaceAll(Group(s), " ", "-"),
				strings.ReplaceAll(Group(s), " ", "\n"),
				"  " + strings.ReplaceAll(Group(s), " ", " \r\n\t ") + "\n",
			} {
				got, err := Decode(typed)
				if err != nil || !bytes.Equal(got, p) {
					t.Fatalf("Decode(%q) = %x, %v, want %x", typed, got, err, p)
				}
			}
		}
	}
	// Every byte value in every place, and the extremes.
	for _, p := range [][]byte{bytes.Repeat([]byte{0}, MaxPayload), bytes.Repeat([]byte{0xff}, MaxPayload), {0}, {0xff}} {
		if got, err := Decode(Encode(p)); err != nil || !bytes.Equal(got, p) {
			t.Fatalf("Decode(Encode(%x)) = %x, %v", p, got, err)
		}
	}
}

// checkCode checks the shape of a code: prefix, alphabet, length.
func checkCode(t *testing.T, p []byte, s string) {
	t.Helper()
	rest, ok := strings.CutPrefix(s, Prefix)
	if !ok {
		t.Fatalf("%q does not start with %s", s, Prefix)
	}
	check := 13
	if len(p) > ShortMax {
		check = 15
	}
	if want := (8*len(p)+4)/5 + check; len(rest) != want {
		t.Fatalf("%d bytes gave %d characters after the prefix, want %d", len(p), len(rest), want)
	}
	for _, r := range rest {
		if !strings.ContainsRune(alphabet, r) {
			t.Fatalf("%q has %q", s, r)
		}
	}
	g := Group(s)
	groups := strings.Split(g, " ")
	if groups[0] != Prefix || strings.Join(groups, "") != s {
		t.Fatalf("Group(%q) = %q", s, g)
	}
	for i, grp := range groups[1:] {
		if len(grp) != 4 && i != len(groups)-2 || len(grp) < 1 || len(grp) > 4 {
			t.Fatalf("Group(%q) has group %q", s, grp)
		}
	}
	if Group(g) != g {
		t.Fatalf("Group(Group(%q)) changed it", s)
	}
}

// TestLimits checks the edges: the switch between checksums, MaxPayload,
// and Encode's refusal of what it cannot carry.
func TestLimits(t *testing.T) {
	for _, c := range []struct{ n, chars int }{{1, 18}, {ShortMax, 96}, {ShortMax + 1, 100}, {MaxPayload, 127}} {
		if got := len(Encode(make([]byte, c.n))); got != c.chars {
			t.Errorf("%d bytes: %d characters, want %d", c.n, got, c.chars)
		}
	}
	for _, n := range []int{0, MaxPayload + 1} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Encode of %d bytes did not panic", n)
				}
			}()
			Encode(make([]byte, n))
		}()
	}
	// Exactly the lengths Encode makes decode as far as the checksum;
	// every other length is ErrLength.
	made := map[int]bool{}
	for n := 1; n <= MaxPayload; n++ {
		made[len(Encode(make([]byte, n)))-len(Prefix)] = true
	}
	for chars := 0; chars <= 200; chars++ {
		_, err := Decode(Prefix + strings.Repeat("Q", chars))
		if isLength := errors.Is(err, ErrLength); isLength == made[chars] {
			t.Errorf("%d characters: %v", chars, err)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	p := []byte("a sealed share of about fifty bytes, give or take.")
	s := Encode(p)
	for _, c := range []struct {
		typed string
		want  error
	}{
		{"", ErrPrefix},
		{"PC", ErrPrefix},
		{"MS1" + s[3:], ErrPrefix},
		{"PCI" + s[3:], ErrPrefix},
		{s[3:], ErrPrefix},
		{s[:len(s)-1], ErrLength},
		{s + "Q", ErrLength},
		{s[:40] + s[41:], ErrLength}, // the length of a 49-byte code
		{s[:40] + s[42:], ErrLength},
		{s[:40] + "QQ" + s[40:], ErrLength},
		{Prefix, ErrLength},
		{Prefix + "QQ", ErrLength},
	} {
		if _, err := Decode(c.typed); !errors.Is(err, c.want) {
			t.Errorf("Decode(%q) = %v, want %v", c.typed, err, c.want)
		}
	}
}

func TestTypoMessages(t *testing.T) {
	s := Encode([]byte("a sealed share of about fifty bytes, give or take."))
	swap := func(s string, pos ...int) string {
		b := []byte(s)
		for _, p := range pos {
			b[p] = alphabet[(charValue[b[p]]+5)%32]
		}
		return string(b)
	}
	for _, c := range []struct {
		typed  string
		pos    []int
		groups []int
		msg    string
	}{
		{swap(s, 3), []int{3}, []int{2}, "the text has a typo in group 2 (the 1st character)"},
		{swap(s, 29), []int{29}, []int{8}, "the text has a typo in group 8 (the 3rd character)"},
		{strings.ToLower(Group(swap(s, 95))), []int{95}, []int{25}, "the text has a typo in group 25 (the 1st character)"},
		{swap(s, 4, 5), []int{4, 5}, []int{2, 2}, "the text has typos in group 2 (the 2nd character) and group 2 (the 3rd character)"},
		{swap(s, 94, 10, 50), []int{10, 50, 94}, []int{3, 13, 24},
			"the text has typos in group 3 (the 4th character), group 13 (the 4th character) and group 24 (the 4th character)"},
	} {
		_, err := Decode(c.typed)
		var te *TypoError
		if !errors.As(err, &te) {
			t.Errorf("Decode(%q) = %v, want a TypoError", c.typed, err)
			continue
		}
		if !equalInts(te.Positions, c.pos) || !equalInts(te.Groups, c.groups) || err.Error() != c.msg {
			t.Errorf("Decode(%q) = %v %v %q, want %v %v %q", c.typed, te.Positions, te.Groups, err, c.pos, c.groups, c.msg)
		}
		if errors.Is(err, ErrChecksum) || errors.Is(err, ErrCharacter) {
			t.Errorf("a TypoError is also %v", err)
		}
	}
}

func TestCharacterErrors(t *testing.T) {
	s := Encode([]byte("a sealed share of about fifty bytes, give or take."))
	put := func(pos int, r string) string { return s[:pos] + r + s[pos+1:] }
	for _, c := range []struct {
		typed  string
		pos    []int
		groups []int
		msg    string
	}{
		{put(9, "O"), []int{9}, []int{3}, "the text has a character that codes never contain in group 3 (the 3rd character) (there is no B, I or O, and no 1 after PC1)"},
		{put(3, "1"), []int{3}, []int{2}, ""},
		{put(20, "b"), []int{20}, []int{6}, ""},
		{put(95, "i"), []int{95}, []int{25}, ""},
		{put(40, "Þ"), []int{40}, []int{11}, ""},
		{put(40, "."), []int{40}, []int{11}, ""},
		// A missing character does not hide a bad one: its place is
		// where it was typed, and it is reported before the length.
		{put(7, "O")[:60], []int{7}, []int{3}, ""},
		{Prefix + strings.Repeat("O", 1000), []int{3, 4, 5, 6}, []int{2, 2, 2, 2}, ""},
		{"pc1 " + strings.ToLower(put(7, "O")[3:13]) + "-I" + s[14:], []int{7, 13}, []int{3, 4},
			"the text has characters that codes never contain in group 3 (the 1st character) and group 4 (the 3rd character) (there is no B, I or O, and no 1 after PC1)"},
	} {
		_, err := Decode(c.typed)
		var ce *CharacterError
		if !errors.As(err, &ce) || !errors.Is(err, ErrCharacter) {
			t.Errorf("Decode(%q) = %v, want a CharacterError", c.typed, err)
			continue
		}
		if !equalInts(ce.Positions, c.pos) || !equalInts(ce.Groups, c.groups) || c.msg != "" && err.Error() != c.msg {
			t.Errorf("Decode(%q) = %v %v %q, want %v %v %q", c.typed, ce.Positions, ce.Groups, err, c.pos, c.groups, c.msg)
		}
	}
}

// TestPadding: a string whose checksum is valid but whose padding bits
// are not zero is no code Encode makes, so Decode refuses it; otherwise
// two texts would give one payload.
func TestPadding(t *testing.T) {
	data := []uint8{5, 17} // 10 bits for one byte: the last two must be 0
	data = append(data, shortCode.checksum(hrpSymbols, data)...)
	var sb strings.Builder
	sb.WriteString(Prefix)
	for _, v := range data {
		sb.WriteByte(alphabet[v])
	}
	if _, err := Decode(sb.String()); !errors.Is(err, ErrChecksum) {
		t.Fatalf("Decode(%s) = %v, want ErrChecksum", sb.String(), err)
	}
}

func TestGroupOf(t *testing.T) {
	for _, c := range []struct{ pos, group, nth int }{{0, 1, 1}, {2, 1, 3}, {3, 2, 1}, {6, 2, 4}, {7, 3, 1}, {29, 8, 3}} {
		if g, n := GroupOf(c.pos); g != c.group || n != c.nth {
			t.Errorf("GroupOf(%d) = %d, %d, want %d, %d", c.pos, g, n, c.group, c.nth)
		}
	}
	// The groups Group prints are the ones GroupOf names.
	s := Encode(make([]byte, 40))
	groups := strings.Split(Group(s), " ")
	for pos := range len(s) {
		g, n := GroupOf(pos)
		if groups[g-1][n-1] != s[pos] {
			t.Fatalf("position %d is not group %d character %d of %q", pos, g, n, Group(s))
		}
	}
}

// TestSlips: a character left out or typed twice is reported where it is,
// as the first of a run of equal characters (any of them fits).
func TestSlips(t *testing.T) {
	rng := rand.New(rand.NewChaCha8([32]byte{2}))
	runStart := func(s string, i int) int {
		for i > 0 && s[i-1] == s[i] {
			i--
		}
		return i
	}
	for trial := range underRace(3000) {
		p := make([]byte, 1+rng.IntN(MaxPayload))
		for i := range p {
			p[i] = byte(rng.Uint32())
		}
		s := Encode(p)
		i := len(Prefix) + rng.IntN(len(s)-len(Prefix))
		var typed string
		var want LengthError
		switch trial % 3 {
		case 0: // left out
			typed = s[:i] + s[i+1:]
			want = LengthError{Missing: true, Position: runStart(s, i)}
		case 1: // typed twice
			typed = s[:i] + s[i:i+1] + s[i:]
			want = LengthError{Position: runStart(typed, i)}
		default: // one more, any character
			typed = s[:i] + alphabet[rng.IntN(32):][:1] + s[i:]
			want = LengthError{Position: runStart(typed, i)}
		}
		want.Group, _ = GroupOf(want.Position)
		_, err := Decode(Group(typed))
		var le *LengthError
		if !errors.As(err, &le) || *le != want || !errors.Is(err, ErrLength) {
			t.Fatalf("%d bytes, Decode(%s) = %#v (%v), want %+v", len(p), typed, err, err, want)
		}
	}
	// Half a code has a length no code has, and no one slip explains it.
	_, err := Decode(Encode([]byte("fifty bytes, fifty bytes, fifty bytes, fifty bytes"))[:49])
	var le *LengthError
	if !errors.Is(err, ErrLength) || errors.As(err, &le) {
		t.Errorf("half a code: %v", err)
	}
}

func TestLengthMessages(t *testing.T) {
	s := Encode([]byte("a sealed share of about fifty bytes, give or take."))
	for _, c := range []struct{ typed, msg string }{
		{s[:29] + s[30:], "the text is missing a character in group 8 (the 3rd character)"},
		{s[:29] + "Q" + s[29:], "the text has one character too many in group 8 (the 3rd character)"},
	} {
		if _, err := Decode(c.typed); err == nil || err.Error() != c.msg {
			t.Errorf("Decode(%s) = %v, want %q", c.typed, err, c.msg)
		}
	}
}
