// Package qrscan reads the QR code on a recovery sheet from a photo or a
// scan: turned any way, small or large in the picture, a little blurred or
// seen at an angle. It tries the cheap readings first (the picture shrunk
// to a phone-screen size, ZXing's local thresholds) and falls back to a
// larger size, smoothing and inverted colours.
//
// ZXing (gozxing) thresholds the picture, samples the code's grid and
// decodes it; the code's corner squares are looked for here (finders.go),
// on every row of the picture, and the likeliest few sets of three are
// tried, where ZXing's own finder stops at the first three it sees twice.
//
// Pictures come from users and could be made by anyone, so a file's
// dimensions are read from its header and refused over a limit before any
// pixel is decoded.
package qrscan

import (
	"errors"
	"image"

	"github.com/makiuchi-d/gozxing"
)

var (
	// ErrNoCode means no QR code was seen at all.
	ErrNoCode = errors.New("no QR code found in the picture")
	// ErrUnreadable means a QR code was seen but its content could not be
	// read, usually because the photo is blurred, too small or too dark.
	ErrUnreadable = errors.New("a QR code was found but could not be read: try a sharper photo, closer and with more light")
	// ErrTooLarge means the picture has more pixels than MaxPixels.
	ErrTooLarge = errors.New("the picture is too large")
	// ErrFormat means the file is neither PNG nor JPEG.
	ErrFormat = errors.New("the file is not a PNG or JPEG picture")
)

// Limits on what is decoded: a 50-megapixel phone photo passes, a
// decompression bomb does not.
const (
	MaxPixels   = 52_000_000
	MaxSide     = 20_000
	MaxFileSize = 64 << 20
	// maxDecoded bounds the memory a decoded picture may take.
	maxDecoded = 256 << 20
)

// attempts are the readings tried in order, each a longer side in pixels
// and whether to smooth first: ~1280 reads most phone photos fastest;
// 2400 finds a code that is small in a big photo; smoothing (and the
// averaging a smaller size does) steadies a grainy photo from a dark room.
// A picture is enlarged at most 2× and only when it is small. Measured on
// the copies in internal/sheet's tests, ZXing's global-histogram binarizer
// and an unsmoothed 640 never read what these did not, so they are not
// tried.
var attempts = []struct {
	side   int
	smooth bool
}{{1280, false}, {2400, false}, {1280, true}, {640, true}}

// Decode returns the text of the QR code in img.
func Decode(img image.Image) (string, error) {
	b := img.Bounds()
	if b.Dx() > MaxSide || b.Dy() > MaxSide || b.Dx()*b.Dy() > MaxPixels {
		return "", ErrTooLarge
	}
	if b.Dx() < 21 || b.Dy() < 21 { // the smallest QR code has 21×21 modules
		return "", ErrNoCode
	}
	long := max(b.Dx(), b.Dy())
	seen := false
	grays := map[int]*image.Gray{}
	tried := map[[2]int]bool{}
	for _, a := range attempts {
		side := min(a.side, 2*long)
		if side > long && long >= 1000 {
			side = long // a large picture is not enlarged
		}
		key := [2]int{side, 0}
		if a.smooth {
			key[1] = 1
		}
		if tried[key] {
			continue
		}
		tried[key] = true
		g, ok := grays[side]
		if !ok {
			g = toGray(img, side)
			grays[side] = g
		}
		if a.smooth {
			g = smooth(g)
		}
		text, found, ok := read(g)
		if ok {
			return text, nil
		}
		seen = seen || found
	}
	if seen {
		return "", ErrUnreadable
	}
	return "", ErrNoCode
}

// read tries ZXing's local-threshold binarizer on the picture and on its
// inverse (a code printed light on dark, or a photo of a screen), and
// decodes the code at the sets of corners cornerSets finds. found reports
// whether a code was located even if it could not be read.
func read(g *image.Gray) (text string, found, ok bool) {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	src, err := gozxing.NewPlanarYUVLuminanceSource(g.Pix, g.Stride, h, 0, 0, w, h, false)
	if err != nil {
		return "", false, false
	}
	for _, s := range []gozxing.LuminanceSource{src, src.Invert()} {
		m, err := gozxing.NewHybridBinarizer(s).GetBlackMatrix()
		if err != nil {
			continue
		}
		centers, ok := finderCandidates(m)
		if !ok {
			found = true // too busy to be read in reasonable time
			continue
		}
		for _, p := range cornerSets(centers) {
			text, err := decodeCorners(m, p)
			if err == nil {
				return text, true, true
			}
			if !isNotFound(err) {
				found = true // located, but the format or checksum failed
			}
		}
	}
	return "", found, false
}
