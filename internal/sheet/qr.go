package sheet

import (
	"fmt"

	qrcode "github.com/skip2/go-qrcode"
)

// qrLevel is QR error correction level Q: a quarter of the symbol can be
// stained or torn and it still reads. A fragment's code makes a symbol of
// 37 to 41 modules a side (qrWidth gives its printed size), which phones
// read easily.
const qrLevel = qrcode.High // go-qrcode calls Q "High"

const mm = 72 / 25.4

// qrWidth is the printed width of a QR symbol of n modules, without its
// quiet zone: 1.6 mm a module, at least 50 and at most 62 mm, which any
// phone camera reads at arm's length. A fragment's code makes 37 to 41
// modules, so 59 to 62 mm; a short key gets a smaller symbol and leaves
// room for the instructions.
func qrWidth(n int) float64 {
	return min(62*mm, max(50*mm, float64(n)*1.6*mm))
}

// qrQuiet is the white margin the QR standard asks for around a symbol, in
// modules; nothing is drawn inside it.
const qrQuiet = 4

// qrModules returns the modules of content's QR symbol, row by row.
func qrModules(content string) ([][]bool, error) {
	q, err := qrcode.New(content, qrLevel)
	if err != nil {
		return nil, fmt.Errorf("sheet: making the QR code: %w", err)
	}
	q.DisableBorder = true
	return q.Bitmap(), nil
}

// qr draws the modules as vector squares with the symbol's top left corner
// at (x, y), size points wide: sharp at any printer resolution, unlike a
// bitmap. A row's adjacent dark modules are one rectangle, and each
// reaches a hair into the row below, so no light seams appear between rows
// when a viewer anti-aliases.
func (d *doc) qr(mods [][]bool, x, y, size float64) {
	n := len(mods)
	m := size / float64(n)
	d.pdf.SetFillColor(0, 0, 0)
	for r, row := range mods {
		h := m
		if r < n-1 {
			h += m * 0.04
		}
		for c := 0; c < n; {
			if !row[c] {
				c++
				continue
			}
			start := c
			for c < n && row[c] {
				c++
			}
			d.pdf.RectFromUpperLeftWithStyle(x+float64(start)*m, y+float64(r)*m, float64(c-start)*m, h, "F")
		}
	}
}

// qrBlock draws a QR code at the left margin with a caption under it and
// returns where the code starts, where the caption ends and where the
// column of text beside it goes. The page margin is the
// code's quiet zone on the left; a quiet zone is kept above and right.
func (d *doc) qrBlock(mods [][]bool, caption string) (top, below, colX float64) {
	w := qrWidth(len(mods))
	quiet := qrQuiet * w / float64(len(mods))
	d.ensure(quiet + w + 4 + 2*lineHeight(sizeSmall) + 6)
	top = d.y + quiet
	x := d.left()
	d.qr(mods, x, top, w)
	d.gray(70)
	y := top + w + 4
	for _, line := range d.wrap(sans, sizeSmall, caption, w) {
		cw := d.measure(sans, sizeSmall, line)
		d.text(sans, sizeSmall, x+(w-cw)/2, y+sizeSmall, line)
		y += lineHeight(sizeSmall)
	}
	d.gray(0)
	return top, y, x + w + quiet + 6
}
