package termtext

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestClean(t *testing.T) {
	cases := []struct{ in, want string }{
		{"a*@e*ple.org", "a*@e*ple.org"},
		{"Þórður við 日本", "Þórður við 日本"},
		{"", ""},
		// CSI: colour, cursor movement, erase line, private modes.
		{"\x1b[31mred\x1b[0m", "red"},
		{"ok\x1b[2K\x1b[1Afake", "okfake"},
		{"\x1b[?1049hscreen", "screen"},
		// OSC: window title ended by BEL or ST; a hyperlink.
		{"\x1b]0;pwned\x07after", "after"},
		{"\x1b]0;pwned\x1b\\after", "after"},
		{"\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\", "click"},
		// An unterminated OSC eats the rest, as the terminal would.
		{"before\x1b]0;no end", "before"},
		// An OSC cut short by the next sequence.
		{"\x1b]0;t\x1b[31mx", "x"},
		// DCS, APC, and two-byte escapes (ESC c resets the terminal).
		{"\x1bPq#0;2;0;0;0\x1b\\x", "x"},
		{"\x1b_hidden\x1b\\x", "x"},
		{"a\x1bcb", "ab"},
		{"a\x1b(Bb", "ab"},
		{"trailing\x1b", "trailing"},
		// C1 introducers written as UTF-8: CSI, OSC ended by ST.
		{"\u009b31mred", "red"},
		{"\u009d0;t\u009cx", "x"},
		// Other controls, DEL, newlines, tabs, carriage returns.
		{"a\x00b\x07c\x08d\x7fe", "abcde"},
		{"line\nforged: ok", "lineforged: ok"},
		{"a\tb\rc", "abc"},
		{"a\u0085b", "ab"},
		// Bidi controls and line separators.
		{"\u202egpj.exe", "gpj.exe"},
		{"a\u2066b\u2069c\u200ed\u200fe\u061cf", "abcdef"},
		{"a\u2028b\u2029c", "abc"},
		// Invalid UTF-8.
		{"a\xffb", "a\ufffdb"},
		{"\xc3", "\ufffd"},
	}
	for _, c := range cases {
		if got := Clean(c.in); got != c.want {
			t.Errorf("Clean(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestCleanLines(t *testing.T) {
	got := CleanLines("one\x1b[31m\nt\two\n\u202ethree\n")
	if want := "one\ntwo\nthree\n"; got != want {
		t.Errorf("CleanLines = %q, want %q", got, want)
	}
	if got := Clean("a\nb"); got != "ab" {
		t.Errorf("Clean keeps a newline: %q", got)
	}
}

// FuzzClean checks what Clean promises for any input: valid UTF-8 with
// no control character left, and plain text unchanged.
func FuzzClean(f *testing.F) {
	for _, s := range []string{"\x1b[31mx", "\x1b]0;t\x07", "\u202e", "a\xff", "\u009b1m", "plain"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Clean(s)
		if !utf8.ValidString(out) {
			t.Fatalf("Clean(%q) = %q: not UTF-8", s, out)
		}
		for _, r := range out {
			if dropped(r) {
				t.Fatalf("Clean(%q) = %q: holds %U", s, out, r)
			}
		}
		if Clean(out) != out {
			t.Fatalf("Clean is not idempotent on %q", s)
		}
		if isPlain(s, false) && out != s {
			t.Fatalf("plain %q changed to %q", s, out)
		}
		if strings.ContainsRune(CleanLines(s), '\x1b') {
			t.Fatalf("CleanLines(%q) keeps ESC", s)
		}
	})
}
