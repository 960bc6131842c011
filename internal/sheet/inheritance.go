package sheet

import (
	"fmt"
	"io"
	"strings"
)

// RenderInheritance writes a sheet for an heir as a PDF to w: who left it
// and for what, the key as a QR code and as text, and each step from
// installing Passcrow to the waiting period, for a reader who has never
// heard of Passcrow.
func RenderInheritance(w io.Writer, s InheritanceSheet, p Paper) error {
	var err error
	if s.Key, err = cleanCode("key", s.Key); err != nil {
		return err
	}
	fields := []struct {
		name string
		val  *string
	}{{"title", &s.Title}, {"owner", &s.Owner}, {"heir", &s.Heir}, {"install URL", &s.InstallURL}, {"heir address", &s.HeirAddress}, {"label", &s.Label}}
	for _, f := range fields {
		if *f.val, err = clean(f.name, *f.val); err != nil {
			return err
		}
	}
	if s.Title == "" {
		return fmt.Errorf("%w: title", ErrEmpty)
	}
	if s.InstallURL == "" {
		return fmt.Errorf("%w: install URL", ErrEmpty)
	}
	if s.Date.IsZero() {
		return fmt.Errorf("%w: date", ErrEmpty)
	}
	if s.WaitDays < 0 || s.WaitDays > 3650 {
		return fmt.Errorf("sheet: waiting period of %d days", s.WaitDays)
	}
	if s.Locations, err = cleanList("locations", s.Locations); err != nil {
		return err
	}
	mods, err := qrModules(s.Key)
	if err != nil {
		return err
	}

	wd := wordingFor(s.Lang)
	d, err := newDoc(p, wd)
	if err != nil {
		return err
	}
	v := vars{"title": s.Title, "heir": s.Heir, "url": s.InstallURL, "address": s.HeirAddress, "days": wd.days(s.WaitDays)}
	wd.ownerVars(v, s.Owner)
	printed, valid := wd.dates(s.Date, s.Expires)

	d.onNewPage = func() { d.header(wd.inhHeader, s.Label) }
	d.newPage()

	d.para(bold, sizeTitle, d.left(), v.fill(wd.inhTitle))
	d.y += 2
	d.gray(60)
	if s.Heir != "" {
		d.para(sans, sizeBody, d.left(), v.fill(wd.inhFor))
	}
	d.para(sans, sizeBody, d.left(), printed+"   ·   "+valid)
	d.gray(0)
	d.y += 6
	d.para(sans, sizeBody, d.left(), v.fill(wd.inhIntro))

	d.keyBlock(mods, s.Key, wd.scanCaption, wd.keyCaption)

	d.heading(wd.inhStepsHead, keepBody)
	d.para(sans, sizeBody, d.left(), wd.inhNoPrior)
	d.y += 3
	steps := []string{wd.inhInstall, wd.inhOpen, wd.inhScan}
	if s.HeirAddress != "" {
		steps = append(steps, wd.inhMail)
	} else {
		steps = append(steps, wd.inhMailNoAddr)
	}
	if s.WaitDays > 0 {
		steps = append(steps, wd.inhWait)
	}
	if len(s.Locations) > 0 {
		steps = append(steps, wd.inhPieces)
	}
	for i, step := range steps {
		d.item(fmt.Sprintf("%d.", i+1), v.fill(step))
	}
	for _, l := range s.Locations {
		d.subItem("•", l)
	}

	// The dates are under the title; renewing is the owner's business.
	d.section(wd.safeHeading, v.fill(wd.inhSafeText))

	d.footers(strings.Join(nonEmpty("Passcrow", s.Label, printed), "  ·  "))
	if d.err != nil {
		return fmt.Errorf("sheet: %w", d.err)
	}
	_, err = d.pdf.WriteTo(w)
	return err
}

// keySize is the type size of a key printed beside its QR code; a key is
// made as small as keyMin to keep it on one line.
const (
	keySize = 14
	keyMin  = 11.5
)

// keyBlock draws the QR code on the left and the key as text on the right,
// broken across lines after a separator where it is too long for one.
func (d *doc) keyBlock(mods [][]bool, key, scan, caption string) {
	top, below, colX := d.qrBlock(mods, scan)
	colW := d.pw - margin - colX
	y := top
	for _, line := range d.wrap(bold, sizeBody, caption, colW) {
		d.text(bold, sizeBody, colX, y+sizeBody, line)
		y += lineHeight(sizeBody)
	}
	y += 8
	// On one line if it fits at a legible size, else broken at a separator.
	size := float64(keySize)
	for size > keyMin && d.measure(mono, size, key) > colW {
		size -= 0.5
	}
	if d.measure(mono, size, key) > colW {
		size = keySize
	}
	for _, line := range d.breakKey(key, size, colW) {
		d.text(mono, size, colX, y+size, line)
		y += size * 1.6
	}
	d.y = max(below, y) + 4
}

// breakKey cuts a key into lines that fit width: after the last ':' or
// '/' that fits (so "server:PC1-ABCD-…" prints the server on a line of its
// own), else after the last '?', '&', '=' or '-' (so the key's lines end
// between groups), else before a '.', else anywhere. Every group of a key is joined by '-', so a
// line ending in one reads as "continued", and the app ignores dashes.
func (d *doc) breakKey(key string, size, width float64) []string {
	var lines []string
	for key != "" {
		head := d.fitPrefix(mono, size, key, width)
		if head != key {
			if i := strings.LastIndexAny(head, ":/"); i >= len(head)/3 {
				head = head[:i+1]
			} else if i := strings.LastIndexAny(head, "?&=-"); i >= len(head)/3 {
				head = head[:i+1]
			} else if i := strings.LastIndexByte(head, '.'); i >= len(head)/3 && i > 0 {
				head = head[:i]
			}
		}
		lines = append(lines, head)
		key = key[len(head):]
	}
	return lines
}

// subItem is a list entry indented under the previous numbered item.
func (d *doc) subItem(mark, s string) {
	const indent = 36
	lines := d.wrap(sans, sizeBody, s, d.width()-indent)
	for i, line := range lines {
		d.ensure(lineHeight(sizeBody))
		if i == 0 {
			d.text(sans, sizeBody, d.left()+indent-12, d.y+sizeBody, mark)
		}
		d.text(sans, sizeBody, d.left()+indent, d.y+sizeBody, line)
		d.y += lineHeight(sizeBody)
	}
	d.y += 1
}
