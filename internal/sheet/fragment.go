package sheet

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// RenderFragment writes a fragment sheet as a PDF to w: what the sheet is,
// the piece as a QR code and as typable text, when and how to use it, how
// to keep it, and until when it is valid. It fits one page unless a long
// list of locations needs a second.
func RenderFragment(w io.Writer, s FragmentSheet, p Paper) error {
	var err error
	if s.Code, err = cleanCode("code", s.Code); err != nil {
		return err
	}
	if s.Title, err = clean("title", s.Title); err != nil {
		return err
	}
	if s.Title == "" {
		return fmt.Errorf("%w: title", ErrEmpty)
	}
	if s.Owner, err = clean("owner", s.Owner); err != nil {
		return err
	}
	if s.Label, err = clean("label", s.Label); err != nil {
		return err
	}
	if s.Locations, err = cleanList("locations", s.Locations); err != nil {
		return err
	}
	if s.Date.IsZero() {
		return fmt.Errorf("%w: date", ErrEmpty)
	}
	mods, err := qrModules(s.Code)
	if err != nil {
		return err
	}

	wd := wordingFor(s.Lang)
	d, err := newDoc(p, wd)
	if err != nil {
		return err
	}
	v := vars{"title": s.Title}
	wd.ownerVars(v, s.Owner)
	printed, valid := wd.dates(s.Date, s.Expires)

	d.onNewPage = func() { d.header(wd.fragHeader, s.Label) }
	d.newPage()

	d.para(bold, sizeTitle, d.left(), v.fill(wd.fragTitle))
	d.y += 2
	d.gray(60)
	if s.Owner != "" {
		d.para(sans, sizeBody, d.left(), v.fill(wd.fragOwner))
	}
	d.para(sans, sizeBody, d.left(), printed+"   ·   "+valid)
	d.gray(0)

	d.codeBlock(mods, groups(s.Code), wd.scanCaption, wd.typeCaption, wd.typeHint)

	what := wd.whatText
	if s.Owner != "" {
		what = wd.whatTextOwner
	}
	// What and when are one section, and validity closes the safekeeping
	// one, so that a sheet with a list of locations still fits one page.
	d.section(wd.whatHeading, v.fill(what)+" "+v.fill(wd.whenText))
	d.heading(wd.howHeading, keepBody)
	for i, step := range wd.howSteps {
		d.item(fmt.Sprintf("%d.", i+1), v.fill(step))
	}
	d.section(wd.safeHeading, v.fill(wd.safeText))
	d.y += 4
	d.validity(v, s.Expires)
	if len(s.Locations) > 0 {
		// A short list moves to the next page whole, with its heading.
		keep := float64(min(len(s.Locations), 2*keepLines)) * (lineHeight(sizeBody) + 2)
		d.heading(wd.whereHeading, keep)
		for _, l := range s.Locations {
			d.item("•", l)
		}
	}

	d.footers(strings.Join(nonEmpty("Passcrow", s.Label, printed), "  ·  "))
	if d.err != nil {
		return fmt.Errorf("sheet: %w", d.err)
	}
	_, err = d.pdf.WriteTo(w)
	return err
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Sizes of the code text: as large as fits beside the QR code.
const (
	codeSizeMax = 16
	codeSizeMin = 10
	codeLeading = 1.65 // line spacing, so the eye does not slip a line
)

// codeBlock draws the QR code on the left and the same code as text in
// groups of four on the right; the block never breaks across pages.
func (d *doc) codeBlock(mods [][]bool, grps []string, scan, typeCap, hint string) {
	top, below, colX := d.qrBlock(mods, scan)
	qrBottom := top + qrWidth(len(mods))
	colW := d.pw - margin - colX
	y := top
	for _, line := range d.wrap(bold, sizeBody, typeCap, colW) {
		d.text(bold, sizeBody, colX, y+sizeBody, line)
		y += lineHeight(sizeBody)
	}
	y += 6

	hintLines := d.wrap(sans, sizeSmall, hint, colW)
	avail := qrBottom - y - float64(len(hintLines))*lineHeight(sizeSmall) - 8
	size, perLine := d.fitCode(len(grps), colW, avail)
	cw := d.measure(mono, size, "0")
	for i := 0; i < len(grps); i += perLine {
		gx := colX
		for _, g := range grps[i:min(i+perLine, len(grps))] {
			d.text(mono, size, gx, y+size, g)
			gx += cw * 5.5
		}
		y += size * codeLeading
	}
	y += 2
	d.gray(70)
	for _, line := range hintLines {
		d.text(sans, sizeSmall, colX, y+sizeSmall, line)
		y += lineHeight(sizeSmall)
	}
	d.gray(0)
	d.y = max(below, y) + 4
}

// fitCode picks the largest code size from codeSizeMax down to codeSizeMin
// at which n groups fit width and height, with a gap between groups of one
// and a half characters so groups stand apart but a line reads as one.
// Lines are balanced: 25 groups make five lines of five, not four of six
// and one left over.
func (d *doc) fitCode(n int, width, height float64) (size float64, perLine int) {
	for size = codeSizeMax; ; size -= 0.5 {
		cw := d.measure(mono, size, "0")
		most := max(1, int((width+cw*1.5)/(cw*5.5)))
		lines := (n + most - 1) / most
		perLine = (n + lines - 1) / lines
		if size <= codeSizeMin || float64(lines)*size*codeLeading <= height {
			return size, perLine
		}
	}
}

// validity says until when the sheet is valid and what to do then.
func (d *doc) validity(v vars, expires time.Time) {
	if expires.IsZero() {
		d.para(sans, sizeBody, d.left(), v.fill(d.w.validForever))
		return
	}
	v["date"] = d.w.date(d.w, expires)
	d.para(sans, sizeBody, d.left(), v.fill(d.w.validText))
}
