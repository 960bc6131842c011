package sheet

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/papercode"
	"github.com/passcrow/passcrow-desktop/internal/qrscan"
)

// testCode is a fragment as the app prints it: a 50-byte payload, the
// longest with papercode's short checksum, in 96 characters.
var testCode = func() string {
	p := make([]byte, papercode.ShortMax)
	for i := range p {
		p[i] = byte(i * 37)
	}
	return papercode.Encode(p)
}()

// heirKey is an inheritance sheet's key as recovery/heir spells it: the
// server, ':', and a 17-byte papercode in dash-joined groups.
var heirKey = "passcrow.example.org:" + strings.ReplaceAll(papercode.Group(papercode.Encode([]byte("H0123456789abcdef"))), " ", "-")

var (
	made    = time.Date(2025, 3, 2, 10, 0, 0, 0, time.UTC)
	expires = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
)

func fragment(lang string) FragmentSheet {
	return FragmentSheet{
		Title: "Family photos archive", Owner: "Þórður Ægisson",
		Date: made, Expires: expires, Code: testCode, Label: "Sheet 1 of 2",
		Locations: []string{"Sheet 1 of 2: the fire safe at home", "Sheet 2 of 2: with Zoë Łukasz", "passcrow.example.org (e-mail to thordur@example.is)"},
		Lang:      lang,
	}
}

func inheritance(lang string) InheritanceSheet {
	return InheritanceSheet{
		Title: "Bitcoin wallet", Owner: "Þórður Ægisson", Heir: "Ωmega Ægisdóttir",
		Date: made, Expires: expires,
		Key:        heirKey,
		InstallURL: "https://passcrow.org/download", HeirAddress: "omega@example.is",
		WaitDays: 30, Label: "For the heir",
		Locations: []string{"Sheet 1 of 2: the fire safe at home", "Sheet 2 of 2: with the lawyer, Zoë Łukasz"},
		Lang:      lang,
	}
}

func TestRenderMakesPDF(t *testing.T) {
	for _, p := range []Paper{A4, Letter} {
		for _, lang := range []string{"en", "is"} {
			var b bytes.Buffer
			if err := RenderFragment(&b, fragment(lang), p); err != nil {
				t.Fatalf("fragment %s %s: %v", p, lang, err)
			}
			if !bytes.HasPrefix(b.Bytes(), []byte("%PDF-")) || !bytes.Contains(b.Bytes(), []byte("%%EOF")) {
				t.Errorf("fragment %s %s: not a PDF", p, lang)
			}
			b.Reset()
			if err := RenderInheritance(&b, inheritance(lang), p); err != nil {
				t.Fatalf("inheritance %s %s: %v", p, lang, err)
			}
			if !bytes.HasPrefix(b.Bytes(), []byte("%PDF-")) {
				t.Errorf("inheritance %s %s: not a PDF", p, lang)
			}
		}
	}
}

func TestRenderRefusesBadInput(t *testing.T) {
	cases := []struct {
		name   string
		change func(*FragmentSheet)
		want   error
	}{
		{"no code", func(s *FragmentSheet) { s.Code = "  " }, ErrEmpty},
		{"no title", func(s *FragmentSheet) { s.Title = "\n" }, ErrEmpty},
		{"no date", func(s *FragmentSheet) { s.Date = time.Time{} }, ErrEmpty},
		{"code with a letter nobody can type", func(s *FragmentSheet) { s.Code = "PC1Ø" }, nil},
		{"endless code", func(s *FragmentSheet) { s.Code = strings.Repeat("A", maxCode+1) }, nil},
		{"endless title", func(s *FragmentSheet) { s.Title = strings.Repeat("Þ", maxField+1) }, nil},
		{"not UTF-8", func(s *FragmentSheet) { s.Owner = "\xff\xfe" }, nil},
		{"too many locations", func(s *FragmentSheet) { s.Locations = make([]string, maxLocs+1) }, nil},
		{"unknown paper", nil, nil},
	}
	for _, c := range cases {
		s, p := fragment("en"), A4
		if c.change != nil {
			c.change(&s)
		} else {
			p = Paper(7)
		}
		var b bytes.Buffer
		err := RenderFragment(&b, s, p)
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		if c.want != nil && !errors.Is(err, c.want) {
			t.Errorf("%s: err = %v, want %v", c.name, err, c.want)
		}
		if strings.Contains(err.Error(), testCode) {
			t.Errorf("%s: the error shows the code: %v", c.name, err)
		}
		if b.Len() != 0 {
			t.Errorf("%s: %d bytes written despite the error", c.name, b.Len())
		}
	}

	h := inheritance("en")
	h.InstallURL = ""
	if err := RenderInheritance(&bytes.Buffer{}, h, A4); !errors.Is(err, ErrEmpty) {
		t.Errorf("inheritance without install URL: err = %v", err)
	}
	h = inheritance("en")
	h.WaitDays = -1
	if err := RenderInheritance(&bytes.Buffer{}, h, A4); err == nil {
		t.Error("inheritance with a negative waiting period: no error")
	}
}

func TestClean(t *testing.T) {
	// A right-to-left override would make "gpj.exe" read as "exe.jpg".
	got, err := clean("title", "Photos\u202Egpj.exe\u202C\tand\nmore  ")
	if err != nil {
		t.Fatal(err)
	}
	if got != "Photosgpj.exe and more" {
		t.Errorf("clean = %q", got)
	}
	code, err := cleanCode("code", " PC1Q PZRY\n9X8G ")
	if err != nil || code != "PC1QPZRY9X8G" {
		t.Errorf("cleanCode = %q, %v", code, err)
	}
}

func TestGroups(t *testing.T) {
	if len(testCode) != 96 {
		t.Errorf("testCode has %d characters, want 96", len(testCode))
	}
	got := groups("PC1QPZRY9X8GF2")
	if want := []string{"PC1", "QPZR", "Y9X8", "GF2"}; !slices.Equal(got, want) {
		t.Errorf("groups = %q, want %q", got, want)
	}
	if got := groups("ABCD"); !slices.Equal(got, []string{"ABCD"}) {
		t.Errorf("groups(ABCD) = %q", got)
	}
}

func TestWording(t *testing.T) {
	for lang, want := range map[string]*wording{"is": &wordingIS, "is-IS": &wordingIS, "IS_is": &wordingIS, "en": &wordingEN, "": &wordingEN, "de": &wordingEN} {
		if got := wordingFor(lang); got != want {
			t.Errorf("wordingFor(%q) is the wrong language", lang)
		}
	}
	for n, want := range map[int]string{1: "1 dag", 21: "21 dag", 11: "11 daga", 30: "30 daga", 111: "111 daga"} {
		if got := wordingIS.days(n); got != want {
			t.Errorf("Icelandic days(%d) = %q, want %q", n, got, want)
		}
	}
	if got := wordingEN.days(1) + ", " + wordingEN.days(14); got != "1 day, 14 days" {
		t.Errorf("English days = %q", got)
	}
	if got := wordingIS.date(&wordingIS, made); got != "2. mars 2025" {
		t.Errorf("Icelandic date = %q", got)
	}
	if got := wordingEN.date(&wordingEN, made); got != "2 March 2025" {
		t.Errorf("English date = %q", got)
	}
	v := vars{"title": "X"}
	wordingIS.ownerVars(v, "")
	if got := v.fill("{Owner} og {owner}: {title} {unknown}"); got != "Eigandinn og eigandinn: X {unknown}" {
		t.Errorf("fill = %q", got)
	}
	// Every sentence of both languages is filled in.
	for _, w := range []*wording{&wordingEN, &wordingIS} {
		for _, s := range []string{w.printed, w.validUntil, w.noExpiry, w.page, w.scanCaption, w.fragHeader, w.fragTitle, w.fragOwner, w.typeCaption, w.typeHint, w.whatHeading, w.whatText, w.whatTextOwner, w.whenText, w.howHeading, w.safeHeading, w.safeText, w.validText, w.validForever, w.whereHeading, w.inhHeader, w.inhTitle, w.inhFor, w.inhIntro, w.inhNoPrior, w.inhStepsHead, w.inhInstall, w.inhOpen, w.inhScan, w.inhMail, w.inhMailNoAddr, w.inhWait, w.inhPieces, w.keyCaption, w.inhSafeText} {
			if strings.TrimSpace(s) == "" {
				t.Errorf("%s: an empty sentence", w.theOwner)
			}
		}
		if len(w.howSteps) != len(wordingEN.howSteps) {
			t.Errorf("%s: %d steps, English has %d", w.theOwner, len(w.howSteps), len(wordingEN.howSteps))
		}
	}
}

func TestVisualOrder(t *testing.T) {
	cases := map[string]string{
		"Zoë Łukasz":                  "Zoë Łukasz",
		"Recovery for שלום עולם 2024": "Recovery for םלוע םולש 2024",
		"(שלום)":                      "(םולש)",
	}
	for in, want := range cases {
		if got := visual(in); got != want {
			t.Errorf("visual(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFontsCoverNames(t *testing.T) {
	for _, name := range []string{"Þórður Ægisson", "Zoë", "Łukasz", "Ωmega", "Александра", "Nguyễn Thị Minh Khai", "ნინო", "Şükrü Çağlar", "שלום"} {
		if u := Unprintable(name); len(u) > 0 {
			t.Errorf("%q: cannot print %q", name, u)
		}
	}
	// gopdf copies composite glyphs' parts one level deep; the deeper
	// parts of "ễ" (a circumflex and a tilde) need helper characters.
	if fs, _ := loadFonts(); fs.helpers(sans, "ễ") == "" || fs.helpers(sans, "eé") != "" {
		t.Errorf("helpers(ễ) = %q, helpers(eé) = %q", fs.helpers(sans, "ễ"), fs.helpers(sans, "eé"))
	}
	if u := Unprintable("王小明 Wang"); !slices.Equal(u, []rune("王小明")) {
		t.Errorf("Unprintable(Chinese) = %q", u)
	}
	fs, err := loadFonts()
	if err != nil {
		t.Fatal(err)
	}
	// A code prints in mono; a character mono lacks falls back to sans,
	// one no font has becomes the visible replacement character.
	got := fs.runs(mono, "AB שׁ王")
	want := []run{{mono, "AB "}, {sans, "שׁ"}, {mono, string(replacement)}}
	if !slices.Equal(got, want) {
		t.Errorf("runs = %+v, want %+v", got, want)
	}
}

// TestQRModulesDecode checks that the modules drawn into the PDF carry
// the code, by decoding them as a picture with qrscan (no PDF renderer).
func TestQRModulesDecode(t *testing.T) {
	for _, content := range []string{testCode, inheritance("en").Key, "https://passcrow.example.org/r/ABCD-EFGH?x=1&y=2"} {
		mods, err := qrModules(content)
		if err != nil {
			t.Fatal(err)
		}
		const px = 6
		n := len(mods)
		img := image.NewGray(image.Rect(0, 0, (n+8)*px, (n+8)*px))
		for i := range img.Pix {
			img.Pix[i] = 255
		}
		for y, row := range mods {
			for x, dark := range row {
				if dark {
					for dy := range px {
						for dx := range px {
							img.SetGray((x+4)*px+dx, (y+4)*px+dy, color.Gray{0})
						}
					}
				}
			}
		}
		got, err := qrscan.Decode(img)
		if err != nil || got != content {
			t.Errorf("decoded %q, %v; want %q", got, err, content)
		}
	}
	if mods, _ := qrModules(testCode); len(mods) != 41 {
		t.Errorf("the fragment's QR code has %d modules a side, want 41 (version 6)", len(mods))
	}
}
