package sheet

import (
	_ "embed"
	"encoding/binary"
	"fmt"
	"sync"

	"github.com/signintech/gopdf/fontmaker/core"
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
	ttf [3][]byte
	// glyph maps each character a font has to its glyph.
	glyph [3]map[rune]uint
	// helper maps a glyph nested two or more levels deep in a composite
	// glyph to a character that pulls it into the PDF; see helpers.
	helper [3]map[uint]rune
	comps  [3]map[uint][]uint
}

var loadFonts = sync.OnceValues(func() (*fontSet, error) {
	fs := &fontSet{ttf: [3][]byte{sans: sansTTF, bold: boldTTF, mono: monoTTF}}
	for st, data := range fs.ttf {
		var p core.TTFParser
		if err := p.ParseFontData(data); err != nil {
			return nil, fmt.Errorf("sheet: embedded font %s: %w", family[st], err)
		}
		fs.glyph[st] = map[rune]uint{}
		fs.helper[st] = map[uint]rune{}
		fs.comps[st] = map[uint][]uint{}
		for r, g := range p.Chars() {
			if g != 0 {
				fs.glyph[st][rune(r)] = g
			}
		}
		for g := range p.NumGlyphs() {
			if cs := components(&p, g); len(cs) > 0 {
				fs.comps[st][g] = cs
			}
		}
		// A glyph is pulled in by a character drawn with it, or failing
		// that by one whose composite glyph names it directly; the lowest
		// such character, so every run gives the same PDF.
		for r, g := range fs.glyph[st] {
			fs.setHelper(style(st), g, r)
			for _, c := range fs.comps[st][g] {
				fs.setHelper(style(st), c, r)
			}
		}
	}
	return fs, nil
})

func (fs *fontSet) setHelper(st style, g uint, r rune) {
	if old, ok := fs.helper[st][g]; !ok || r < old {
		fs.helper[st][g] = r
	}
}

// has reports whether the font of style st has a glyph for r.
func (fs *fontSet) has(st style, r rune) bool {
	_, ok := fs.glyph[st][r]
	return ok
}

// helpers works around gopdf v0.33.0's font subsetting, which copies the
// parts of a composite glyph one level deep only: "ễ" is "ê" plus a
// tilde, "ê" is "e" plus a circumflex, and the circumflex went missing, so
// "Nguyễn" printed as "Nguyen". It returns characters whose own glyphs or
// first-level parts are the deeper parts of text's glyphs; measuring them
// puts those parts into the PDF's font too.
func (fs *fontSet) helpers(st style, text string) string {
	var out []rune
	seen := map[uint]bool{}
	var walk func(g uint, depth int)
	walk = func(g uint, depth int) {
		for _, c := range fs.comps[st][g] {
			if depth >= 1 && !seen[c] {
				seen[c] = true
				if r, ok := fs.helper[st][c]; ok {
					out = append(out, r)
				}
			}
			if depth < 8 { // fonts nest two or three levels; no cycles
				walk(c, depth+1)
			}
		}
	}
	for _, r := range text {
		walk(fs.glyph[st][r], 0)
	}
	return string(out)
}

// components lists the glyphs a composite glyph is made of (TrueType
// 'glyf' table), or nothing for a simple glyph.
func components(p *core.TTFParser, g uint) []uint {
	data := p.FontData()
	glyf := p.GetTables()["glyf"]
	if int(g)+1 >= len(p.LocaTable) || p.LocaTable[g] == p.LocaTable[g+1] {
		return nil
	}
	off := int(glyf.Offset + p.LocaTable[g])
	if off+10 > len(data) || int16(binary.BigEndian.Uint16(data[off:])) >= 0 {
		return nil
	}
	off += 10 // numberOfContours and the bounding box
	var out []uint
	for off+4 <= len(data) {
		flags := binary.BigEndian.Uint16(data[off:])
		out = append(out, uint(binary.BigEndian.Uint16(data[off+2:])))
		off += 4
		if flags&0x0001 != 0 { // ARG_1_AND_2_ARE_WORDS
			off += 4
		} else {
			off += 2
		}
		switch {
		case flags&0x0008 != 0: // WE_HAVE_A_SCALE
			off += 2
		case flags&0x0040 != 0: // WE_HAVE_AN_X_AND_Y_SCALE
			off += 4
		case flags&0x0080 != 0: // WE_HAVE_A_TWO_BY_TWO
			off += 8
		}
		if flags&0x0020 == 0 { // MORE_COMPONENTS
			break
		}
	}
	return out
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
