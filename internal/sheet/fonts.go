package sheet

import (
	_ "embed"
	"fmt"
	"sync"

	"golang.org/x/image/font/sfnt"
)

// DejaVu rather than the Go fonts: the Go fonts cover about 700 characters
// (no Vietnamese, half of Latin Extended, no Hebrew, Armenian or Georgian),
// DejaVu Sans about 5,900, so far more owners' and heirs' names print as
// written. The files are Debian's fonts-dejavu-core 2.37 unchanged; the
// licence is fonts/LICENSE. Only the glyphs a sheet uses go into the PDF.
var (
	//go:embed fonts/DejaVuSans.ttf
	sansTTF []byte
	//go:embed fonts/DejaVuSans-Bold.ttf
	boldTTF []byte
	//go:embed fonts/DejaVuSansMono.ttf
	monoTTF []byte
)

// style is a font role on the sheet.
type style int

const (
	sans style = iota
	bold
	mono
)

// family is the name a style's font is registered under in the PDF.
var family = [...]string{sans: "sans", bold: "sans-bold", mono: "mono"}

// fallbacks lists, per style, the styles to try in order for a character:
// a code or key is mono, but a character mono lacks still prints in sans
// rather than vanishing.
var fallbacks = [...][]style{
	sans: {sans},
	bold: {bold, sans},
	mono: {mono, sans},
}

// replacement is printed for a character no embedded font has, so the
// reader sees that something is missing instead of a silent gap.
const replacement = '\uFFFD'

type fontSet struct {
	ttf  [3][]byte
	font [3]*sfnt.Font
}

var loadFonts = sync.OnceValues(func() (*fontSet, error) {
	fs := &fontSet{ttf: [3][]byte{sans: sansTTF, bold: boldTTF, mono: monoTTF}}
	for st, data := range fs.ttf {
		f, err := sfnt.Parse(data)
		if err != nil {
			return nil, fmt.Errorf("sheet: embedded font %s: %w", family[st], err)
		}
		fs.font[st] = f
	}
	return fs, nil
})

// has reports whether the font of style st has a glyph for r.
func (fs *fontSet) has(st style, r rune) bool {
	var b sfnt.Buffer
	gi, err := fs.font[st].GlyphIndex(&b, r)
	return err == nil && gi != 0
}

// run is a piece of text printed in one font.
type run struct {
	st   style
	text string
}

// runs splits text into pieces by the first font in st's fallback chain
// that has each character; characters none has become the replacement
// character in st's own font.
func (fs *fontSet) runs(st style, text string) []run {
	var out []run
	for _, r := range text {
		pick := st
		found := false
		for _, cand := range fallbacks[st] {
			if fs.has(cand, r) {
				pick, found = cand, true
				break
			}
		}
		if !found {
			r = replacement
			if !fs.has(st, r) {
				pick = sans
			}
		}
		if n := len(out); n > 0 && out[n-1].st == pick {
			out[n-1].text += string(r)
		} else {
			out = append(out, run{pick, string(r)})
		}
	}
	return out
}

// Unprintable returns the characters of s that no font on the sheets can
// print (they would appear as �), so the app can warn before printing, for
// example a name in Chinese script. Spaces and line breaks are not counted.
func Unprintable(s string) []rune {
	fs, err := loadFonts()
	if err != nil {
		return []rune(s)
	}
	var out []rune
	seen := map[rune]bool{}
	for _, r := range s {
		if r == ' ' || r == '\n' || seen[r] {
			continue
		}
		if !fs.has(sans, r) {
			seen[r] = true
			out = append(out, r)
		}
	}
	return out
}
