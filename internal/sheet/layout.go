package sheet

import (
	"fmt"
	"strings"

	"github.com/signintech/gopdf"
)

// Measures in PDF points (1/72 inch, 2.835 pt to a millimetre).
const (
	margin    = 48 // ~17 mm left, right and top: clear of any printer's border
	footLine  = 36 // the footer's baseline above the bottom edge (12.7 mm)
	footerGap = 20 // empty space between the text and the footer
	leading   = 1.38
	// keepLines is the longest paragraph moved whole to the next page
	// rather than split across two.
	keepLines = 6
)

// Type sizes: body text large enough for an older reader without glasses.
const (
	sizeSmall   = 9
	sizeBody    = 11
	sizeHeading = 12.5
	sizeTitle   = 19
)

// doc is a PDF being written top to bottom: y is where the next block
// starts, and a block that does not fit goes to a new page. The first error
// from gopdf is kept in err and ends all further drawing.
type doc struct {
	pdf    *gopdf.GoPdf
	fs     *fontSet
	w      *wording
	pw, ph float64
	y      float64
	pages  int
	err    error
	// onNewPage draws what every page starts with (the header line).
	onNewPage func()
}

func newDoc(p Paper, w *wording) (*doc, error) {
	fs, err := loadFonts()
	if err != nil {
		return nil, err
	}
	var size gopdf.Rect
	switch p {
	case A4:
		size = *gopdf.PageSizeA4
	case Letter:
		size = *gopdf.PageSizeLetter
	default:
		return nil, fmt.Errorf("sheet: unknown paper size %d", int(p))
	}
	d := &doc{pdf: &gopdf.GoPdf{}, fs: fs, w: w, pw: size.W, ph: size.H}
	d.pdf.Start(gopdf.Config{Unit: gopdf.UnitPT, PageSize: size})
	// The PDF's own title stays generic: it shows in print queues and
	// file managers, where the secret's name has no business.
	d.pdf.SetInfo(gopdf.PdfInfo{Title: "Passcrow", Creator: "Passcrow", Producer: "Passcrow"})
	for st, data := range fs.ttf {
		if err := d.pdf.AddTTFFontData(family[st], data); err != nil {
			return nil, fmt.Errorf("sheet: font %s: %w", family[st], err)
		}
	}
	return d, nil
}

func (d *doc) fail(err error) {
	if err != nil && d.err == nil {
		d.err = err
	}
}

func (d *doc) left() float64   { return margin }
func (d *doc) width() float64  { return d.pw - 2*margin }
func (d *doc) bottom() float64 { return d.ph - footLine - footerGap }

func (d *doc) newPage() {
	d.pdf.AddPage()
	d.pages++
	d.y = margin
	if d.onNewPage != nil {
		d.onNewPage()
	}
}

// ensure starts a new page unless h more points fit on this one.
func (d *doc) ensure(h float64) {
	if d.y+h > d.bottom() {
		d.newPage()
	}
}

func (d *doc) setFont(st style, size float64) {
	d.fail(d.pdf.SetFont(family[st], "", size))
}

func (d *doc) gray(level uint8) {
	d.pdf.SetTextColor(level, level, level)
}

// measure is the printed width of s.
func (d *doc) measure(st style, size float64, s string) float64 {
	total := 0.0
	for _, r := range d.fs.runs(st, s) {
		d.setFont(r.st, size)
		w, err := d.pdf.MeasureTextWidth(r.text)
		d.fail(err)
		total += w
	}
	return total
}

// text draws one line with its baseline at y and returns its width.
func (d *doc) text(st style, size, x, baseline float64, s string) float64 {
	if d.err != nil {
		return 0
	}
	start := x
	for _, r := range d.fs.runs(st, visual(s)) {
		d.setFont(r.st, size)
		d.pdf.SetXY(x, baseline)
		d.fail(d.pdf.Text(r.text))
		w, err := d.pdf.MeasureTextWidth(r.text)
		d.fail(err)
		x += w
		if h := d.fs.helpers(r.st, r.text); h != "" {
			_, err := d.pdf.MeasureTextWidth(h) // adds h's glyphs to the font
			d.fail(err)
		}
	}
	return x - start
}

// wrap breaks s into lines no wider than width, at spaces where it can and
// inside a word only when the word alone is too wide (a long e-mail address).
func (d *doc) wrap(st style, size float64, s string, width float64) []string {
	var lines []string
	for _, para := range strings.Split(s, "\n") {
		line := ""
		for _, word := range strings.Fields(para) {
			try := word
			if line != "" {
				try = line + " " + word
			}
			if d.measure(st, size, try) <= width {
				line = try
				continue
			}
			if line != "" {
				lines = append(lines, line)
				line = ""
			}
			for d.measure(st, size, word) > width {
				head := d.fitPrefix(st, size, word, width)
				lines = append(lines, head)
				word = word[len(head):]
			}
			line = word
		}
		lines = append(lines, line)
	}
	return lines
}

// fitPrefix is the longest prefix of s (at least one character) that fits.
func (d *doc) fitPrefix(st style, size float64, s string, width float64) string {
	end := 0
	for i, r := range s {
		next := i + len(string(r))
		if end > 0 && d.measure(st, size, s[:next]) > width {
			break
		}
		end = next
	}
	return s[:end]
}

func lineHeight(size float64) float64 { return size * leading }

// para writes wrapped text from x to the right margin and moves y below it.
func (d *doc) para(st style, size float64, x float64, s string) {
	lines := d.wrap(st, size, s, d.pw-margin-x)
	if len(lines) <= keepLines {
		d.ensure(lineHeight(size) * float64(len(lines)))
	}
	for _, line := range lines {
		d.ensure(lineHeight(size))
		d.text(st, size, x, d.y+size, line)
		d.y += lineHeight(size)
	}
}

// heading starts a section and stays on one page with the keep points of
// text that follow it.
func (d *doc) heading(s string, keep float64) {
	d.y += sizeHeading * 0.7
	d.ensure(lineHeight(sizeHeading) + 1 + keep)
	d.para(bold, sizeHeading, d.left(), s)
	d.y += 1
}

// section writes a heading and a paragraph of body text; the heading stays
// with the whole paragraph when it is short, else with its first lines.
func (d *doc) section(heading, text string) {
	n := len(d.wrap(sans, sizeBody, text, d.width()))
	d.heading(heading, float64(min(n, keepLines))*lineHeight(sizeBody))
	d.para(sans, sizeBody, d.left(), text)
}

// keepBody is how much text a heading keeps with it by default.
const keepBody = 3 * sizeBody * leading

// item writes a numbered or bulleted list entry with a hanging indent.
func (d *doc) item(mark string, s string) {
	const indent = 20
	lines := d.wrap(sans, sizeBody, s, d.width()-indent)
	d.ensure(lineHeight(sizeBody) * float64(min(len(lines), keepLines)))
	d.text(bold, sizeBody, d.left()+4, d.y+sizeBody, mark)
	for _, line := range lines {
		d.ensure(lineHeight(sizeBody))
		d.text(sans, sizeBody, d.left()+indent, d.y+sizeBody, line)
		d.y += lineHeight(sizeBody)
	}
	d.y += 2
}

// rule draws a thin grey line across the text column.
func (d *doc) rule() {
	d.pdf.SetStrokeColor(170, 170, 170)
	d.pdf.SetLineWidth(0.6)
	d.pdf.Line(d.left(), d.y, d.pw-margin, d.y)
}

// header draws the small line at the top of a page: what the sheet is on
// the left, which sheet it is on the right.
func (d *doc) header(left, right string) {
	d.gray(90)
	base := d.y + sizeSmall
	d.text(bold, sizeSmall, d.left(), base, left)
	if right != "" {
		w := d.measure(bold, sizeSmall, right)
		d.text(bold, sizeSmall, d.pw-margin-w, base, right)
	}
	d.gray(0)
	d.y += lineHeight(sizeSmall) + 2
	d.rule()
	d.y += 8
}

// footers writes, once the page count is known, the footer of each page.
func (d *doc) footers(left string) {
	for n := 1; n <= d.pages; n++ {
		d.fail(d.pdf.SetPage(n))
		base := d.ph - footLine
		d.gray(110)
		d.text(sans, sizeSmall, d.left(), base, left)
		if d.pages > 1 {
			v := vars{"n": fmt.Sprint(n), "total": fmt.Sprint(d.pages)}
			s := v.fill(d.w.page)
			d.text(sans, sizeSmall, d.pw-margin-d.measure(sans, sizeSmall, s), base, s)
		}
		d.gray(0)
	}
}
