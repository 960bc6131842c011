package recovery

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/passcrow/passcrow-desktop/internal/papercode"
)

func TestSealTextRoundTripInMail(t *testing.T) {
	key, _ := NewSealKey()
	for _, size := range []int{33, 34} { // a flat and a grouped fragment
		f := Fragment(bytes.Repeat([]byte{byte(size)}, size))
		text, err := SealToText(key, f)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(text, "PC1") || strings.ToUpper(text) != text {
			t.Fatalf("text %q is not an uppercase PC1 code", text)
		}
		for name, in := range map[string]string{
			"alone":            text,
			"lowercase":        strings.ToLower(text),
			"grouped":          papercode.Group(text),
			"in a mail":        "Hi,\r\n\r\nhere it is:\r\n\r\n" + text + "\r\nthanks and regards\r\n",
			"followed by code": text + " the yak zap",
			"wrapped":          text[:40] + "\n" + text[40:],
			"quoted forward":   "> Keep this.\n> " + papercode.Group(text) + "\n>\n",
		} {
			got, err := OpenFromText(key, in)
			if err != nil || !bytes.Equal(got, f) {
				t.Errorf("%d bytes, %s: %x, %v", size, name, got, err)
			}
		}
	}
}

func TestOpenFromTextRefuses(t *testing.T) {
	key, _ := NewSealKey()
	other, _ := NewSealKey()
	f := Fragment(bytes.Repeat([]byte{1}, 33))
	text, _ := SealToText(key, f)
	typo := []byte(text)
	typo[20] = map[bool]byte{true: 'Q', false: 'P'}[typo[20] != 'Q']

	if _, err := OpenFromText(other, text); !errors.Is(err, ErrWrongFragment) {
		t.Errorf("another location's key: %v, want ErrWrongFragment", err)
	}
	var te *papercode.TypoError
	if _, err := OpenFromText(key, "Text: "+string(typo)+"\n"); !errors.As(err, &te) || len(te.Positions) != 1 || te.Positions[0] != 20 {
		t.Errorf("one typo: %v, want a TypoError at 20", err)
	}
	if _, err := OpenFromText(key, "nothing here"); !errors.Is(err, ErrNoSealedText) {
		t.Errorf("no code: %v, want ErrNoSealedText", err)
	}
	// A planted code of another pack before the right one does not hide it.
	planted, _ := SealToText(other, f)
	if got, err := OpenFromText(key, planted+"\n"+text); err != nil || !bytes.Equal(got, f) {
		t.Errorf("two codes: %v", err)
	}
	// A huge file of code characters stays cheap and finds nothing.
	if _, err := OpenFromText(key, "PC1"+strings.Repeat("Q", 5<<20)); err == nil {
		t.Error("a huge run of code characters was accepted")
	}
	if _, err := OpenFromText(key, strings.Repeat("PC1QQQQ ", 1<<17)); err == nil {
		t.Error("a file of many code starts was accepted")
	}
}
