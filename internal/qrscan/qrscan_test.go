package qrscan

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	qrcode "github.com/skip2/go-qrcode"
)

// code stands in for papercode.Encode's output: 96 uppercase characters
// from its alphabet, which QR codes store in alphanumeric mode.
const code = "PC1QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7LQPZRY9X8GF2TVDW0S3JN54KHCE6MUA7LQPZRY9X8GF2TVDW0S3JN54KHCE6MU"

// printed is the QR code as the sheet prints it (level Q), on a white
// page-like background, about as many pixels as a phone photo of it.
func printed(t *testing.T, content string, px int) *image.Gray {
	t.Helper()
	q, err := qrcode.New(content, qrcode.High)
	if err != nil {
		t.Fatal(err)
	}
	src := q.Image(px)
	g := image.NewGray(image.Rect(0, 0, px+px/2, px+px/3))
	for i := range g.Pix {
		g.Pix[i] = 250
	}
	for y := 0; y < px; y++ {
		for x := 0; x < px; x++ {
			r, _, _, _ := src.At(x, y).RGBA()
			g.SetGray(x+px/4, y+px/6, color.Gray{uint8(r >> 8)})
		}
	}
	return g
}

// warp maps img through the homography h (from output to input pixel
// coordinates), bilinear, filling outside with a grey like a table top.
func warp(img *image.Gray, w, hgt int, h [9]float64) *image.Gray {
	out := image.NewGray(image.Rect(0, 0, w, hgt))
	b := img.Bounds()
	for y := 0; y < hgt; y++ {
		for x := 0; x < w; x++ {
			fx, fy := float64(x)+0.5, float64(y)+0.5
			z := h[6]*fx + h[7]*fy + h[8]
			sx := (h[0]*fx+h[1]*fy+h[2])/z - 0.5
			sy := (h[3]*fx+h[4]*fy+h[5])/z - 0.5
			x0, y0 := int(math.Floor(sx)), int(math.Floor(sy))
			ax, ay := sx-float64(x0), sy-float64(y0)
			at := func(x, y int) float64 {
				if x < b.Min.X || y < b.Min.Y || x >= b.Max.X || y >= b.Max.Y {
					return 120
				}
				return float64(img.GrayAt(x, y).Y)
			}
			v := (1-ay)*((1-ax)*at(x0, y0)+ax*at(x0+1, y0)) + ay*((1-ax)*at(x0, y0+1)+ax*at(x0+1, y0+1))
			out.Pix[y*out.Stride+x] = uint8(v + 0.5)
		}
	}
	return out
}

// rotate turns img by deg degrees about its centre, on a canvas that fits.
func rotate(img *image.Gray, deg float64) *image.Gray {
	b := img.Bounds()
	a := deg * math.Pi / 180
	c, s := math.Cos(a), math.Sin(a)
	w := int(math.Abs(float64(b.Dx())*c) + math.Abs(float64(b.Dy())*s))
	h := int(math.Abs(float64(b.Dx())*s) + math.Abs(float64(b.Dy())*c))
	cx, cy := float64(b.Dx())/2, float64(b.Dy())/2
	ox, oy := float64(w)/2, float64(h)/2
	// input = R(-a) * (output - o) + c
	return warp(img, w, h, [9]float64{c, s, cx - c*ox - s*oy, -s, c, cy + s*ox - c*oy, 0, 0, 1})
}

func scale(img *image.Gray, f float64) *image.Gray {
	b := img.Bounds()
	return warp(img, int(float64(b.Dx())*f), int(float64(b.Dy())*f), [9]float64{1 / f, 0, 0, 0, 1 / f, 0, 0, 0, 1})
}

// perspective looks at img from below and to one side, as in a photo of
// a sheet lying on a table: the far edge is 30% shorter and shifted.
func perspective(img *image.Gray) *image.Gray {
	b := img.Bounds()
	w, h := float64(b.Dx()), float64(b.Dy())
	in := [4][2]float64{{0, 0}, {w, 0}, {w, h}, {0, h}}
	out := [4][2]float64{{0.20 * w, 0.05 * h}, {0.90 * w, 0.12 * h}, {w, h}, {0, 0.95 * h}}
	return warp(img, b.Dx(), b.Dy(), homography(out, in))
}

// homography returns the projective map taking each from[i] to to[i],
// solved as the usual 8×8 linear system by Gaussian elimination.
func homography(from, to [4][2]float64) [9]float64 {
	var m [8][9]float64
	for i := range 4 {
		x, y, u, v := from[i][0], from[i][1], to[i][0], to[i][1]
		m[2*i] = [9]float64{x, y, 1, 0, 0, 0, -u * x, -u * y, u}
		m[2*i+1] = [9]float64{0, 0, 0, x, y, 1, -v * x, -v * y, v}
	}
	for c := range 8 {
		p := c
		for r := c + 1; r < 8; r++ {
			if math.Abs(m[r][c]) > math.Abs(m[p][c]) {
				p = r
			}
		}
		m[c], m[p] = m[p], m[c]
		for r := range 8 {
			if r != c {
				f := m[r][c] / m[c][c]
				for k := c; k < 9; k++ {
					m[r][k] -= f * m[c][k]
				}
			}
		}
	}
	var h [9]float64
	for i := range 8 {
		h[i] = m[i][8] / m[i][i]
	}
	h[8] = 1
	return h
}

// place puts img on a large grey background, right of centre.
func place(img *image.Gray, w, h int) *image.Gray {
	big := image.NewGray(image.Rect(0, 0, w, h))
	for i := range big.Pix {
		big.Pix[i] = 200
	}
	for y := 0; y < img.Rect.Dy(); y++ {
		copy(big.Pix[(y+h/2)*w+w/2:], img.Pix[y*img.Stride:y*img.Stride+img.Rect.Dx()])
	}
	return big
}

func blur(img *image.Gray, r int) *image.Gray {
	b := img.Bounds()
	out := image.NewGray(b)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			sum, n := 0, 0
			for dy := -r; dy <= r; dy++ {
				for dx := -r; dx <= r; dx++ {
					if p := (image.Point{x + dx, y + dy}); p.In(b) {
						sum += int(img.GrayAt(p.X, p.Y).Y)
						n++
					}
				}
			}
			out.SetGray(x, y, color.Gray{uint8(sum / n)})
		}
	}
	return out
}

func noise(img *image.Gray, amp int) *image.Gray {
	rng := rand.New(rand.NewPCG(1, 2))
	out := image.NewGray(img.Bounds())
	for i, v := range img.Pix {
		n := int(v) + rng.IntN(2*amp+1) - amp
		out.Pix[i] = uint8(max(0, min(255, n)))
	}
	return out
}

func invert(img *image.Gray) *image.Gray {
	out := image.NewGray(img.Bounds())
	for i, v := range img.Pix {
		out.Pix[i] = 255 - v
	}
	return out
}

// dim lowers contrast and lights one side, like a photo under a lamp.
func dim(img *image.Gray) *image.Gray {
	out := image.NewGray(img.Bounds())
	w := img.Bounds().Dx()
	for i, v := range img.Pix {
		x := i % img.Stride
		light := 0.45 + 0.4*float64(x)/float64(w)
		out.Pix[i] = uint8(float64(60+int(v)*120/255) * light * 1.6)
	}
	return out
}

func TestDecodeDistorted(t *testing.T) {
	base := printed(t, code, 400)
	cases := []struct {
		name string
		img  image.Image
	}{
		{"clean", base},
		{"rotated 7°", rotate(base, 7)},
		{"rotated 15°", rotate(base, 15)},
		{"rotated 45°", rotate(base, 45)},
		{"rotated 90°", rotate(base, 90)},
		{"rotated 180°", rotate(base, 180)},
		{"small, 2 px a module", scale(base, 0.35)},
		{"large, 3000 px", scale(base, 5)},
		{"blurred", blur(base, 2)},
		{"noisy", noise(base, 60)},
		{"very grainy", noise(base, 120)},
		{"blurred and grainy", noise(blur(base, 3), 70)},
		{"small in a 24 MP photo", place(scale(base, 0.45), 6000, 4000)},
		{"inverted", invert(base)},
		{"perspective", perspective(base)},
		{"dim and uneven light", dim(base)},
		{"rotated, blurred, noisy", noise(blur(rotate(base, 12), 1), 30)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Decode(c.img)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if got != code {
				t.Fatalf("Decode = %q, want %q", got, code)
			}
		})
	}
}

// cornerLookAlikes are heir-sheet keys (as recovery/heir prints them, for
// a test server on loopback) whose QR code has a look-alike of a corner
// square in its data. ZXing's finder stopped scanning at it, before the
// bottom-left corner, and a perfect picture of the code read as no code
// or as unreadable: 5 keys in 400 from a 150 dpi render of the sheet.
var cornerLookAlikes = []string{
	"http://127.0.0.1:63025:PC1-FRPD-D029-UEE6-8J3R-CZ6E-56ZX-67YS-M3AV-4P5E-K8GG-S",
	"http://127.0.0.1:31716:PC1-FP5K-VXHF-7LHR-6H2U-95RS-FSJM-GXZQ-ZLTM-FJ7A-R394-T",
	"http://127.0.0.1:34245:PC1-FPYY-DSJ2-Q9A5-S2Y8-5CK3-DT7T-TT9Q-XLVH-PU8C-88SP-W",
	"http://127.0.0.1:37263:PC1-FZGD-C0JD-HRWS-8AXD-2PEV-F6AM-PT7S-MK4K-LRLF-KKCZ-U",
	"http://127.0.0.1:39113:PC1-FQX7-NRQ7-VE52-V30K-JH59-GJLT-3DDS-9PF5-4880-RTRE-4",
	"http://127.0.0.1:59547:PC1-FRMK-45C7-DGKQ-N859-KSAK-S9JW-JS6S-MYRL-JKQX-6W0X-P",
}

// A clean code reads at every size even when its data holds a look-alike
// of a corner square; the sheet's own check, through poppler, is
// internal/sheet's TestCornerLookAlikesPrint.
func TestDecodeCornerLookAlikes(t *testing.T) {
	for _, content := range cornerLookAlikes {
		q, err := qrcode.New(content, qrcode.High)
		if err != nil {
			t.Fatal(err)
		}
		q.DisableBorder = true
		mods := q.Bitmap()
		for px := 2; px <= 6; px++ {
			side := (len(mods) + 8) * px // a quiet zone of 4 modules
			g := image.NewGray(image.Rect(0, 0, side, side))
			for i := range g.Pix {
				g.Pix[i] = 255
			}
			for y, row := range mods {
				for x, dark := range row {
					if dark {
						for i := range px {
							at := ((y+4)*px+i)*side + (x+4)*px
							clear(g.Pix[at : at+px])
						}
					}
				}
			}
			if got, err := Decode(g); err != nil || got != content {
				t.Errorf("%s at %d pixels a module: %q, %v", content, px, got, err)
			}
		}
	}
}

func TestDecodeNothing(t *testing.T) {
	blank := image.NewGray(image.Rect(0, 0, 800, 600))
	for i := range blank.Pix {
		blank.Pix[i] = 255
	}
	if _, err := Decode(blank); !errors.Is(err, ErrNoCode) {
		t.Errorf("blank page: err = %v, want ErrNoCode", err)
	}
	if _, err := Decode(image.NewGray(image.Rect(0, 0, 5, 5))); !errors.Is(err, ErrNoCode) {
		t.Errorf("tiny picture: err = %v, want ErrNoCode", err)
	}
	// image.Uniform claims a two-billion-pixel-wide picture.
	if _, err := Decode(image.NewUniform(color.White)); !errors.Is(err, ErrTooLarge) {
		t.Errorf("endless picture: err = %v, want ErrTooLarge", err)
	}
	// A code torn in half: found (finder patterns) but not readable.
	torn := printed(t, code, 400)
	b := torn.Bounds()
	for y := b.Min.Y + b.Dy()/2 - 40; y < b.Min.Y+b.Dy()/2+40; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			torn.SetGray(x, y, color.Gray{250})
		}
	}
	if _, err := Decode(torn); !errors.Is(err, ErrUnreadable) {
		t.Errorf("torn code: err = %v, want ErrUnreadable", err)
	}
}

func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDecodeFile(t *testing.T) {
	img := rotate(printed(t, code, 300), 20)
	var pngBuf, jpgBuf bytes.Buffer
	if err := png.Encode(&pngBuf, img); err != nil {
		t.Fatal(err)
	}
	if err := jpeg.Encode(&jpgBuf, img, &jpeg.Options{Quality: 40}); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"sheet.png": pngBuf.Bytes(), "sheet.jpg": jpgBuf.Bytes()} {
		got, err := DecodeFile(writeFile(t, name, data))
		if err != nil || got != code {
			t.Errorf("%s: DecodeFile = %q, %v", name, got, err)
		}
	}
	// A transparent PNG with a black code: transparency is paper white.
	q, _ := qrcode.New(code, qrcode.High)
	bm := q.Bitmap()
	n := image.NewNRGBA(image.Rect(0, 0, len(bm)*6, len(bm)*6))
	for y := range n.Rect.Dy() {
		for x := range n.Rect.Dx() {
			if bm[y/6][x/6] {
				n.SetNRGBA(x, y, color.NRGBA{0, 0, 0, 255})
			}
		}
	}
	var tbuf bytes.Buffer
	png.Encode(&tbuf, n)
	if got, err := DecodeFile(writeFile(t, "transparent.png", tbuf.Bytes())); err != nil || got != code {
		t.Errorf("transparent PNG: DecodeFile = %q, %v", got, err)
	}
}

// pngHeader is a PNG file that is all header: it claims w×h pixels but has
// no image data, the start of a decompression bomb.
func pngHeader(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 6 // 8-bit RGBA
	chunk := append([]byte("IHDR"), ihdr...)
	binary.Write(&b, binary.BigEndian, uint32(13))
	b.Write(chunk)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return b.Bytes()
}

func TestDecodeFileHostile(t *testing.T) {
	cases := []struct {
		name string
		data []byte
		want error
	}{
		{"huge PNG", pngHeader(100_000, 100_000), ErrTooLarge},
		{"wide PNG", pngHeader(30_000, 10), ErrTooLarge},
		{"60 MP PNG", pngHeader(10_000, 6_000), ErrTooLarge},
		// A JFIF marker and a start-of-frame for 65,500×65,500, nothing after.
		{"huge JPEG", []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xc0\x00\x11\x08\xff\xdc\xff\xdc\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01"), ErrTooLarge},
		{"GIF", []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"), ErrFormat},
		{"text", []byte("PC1QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L"), ErrFormat},
		{"empty", nil, ErrFormat},
		{"broken PNG", []byte("\x89PNG\r\n\x1a\nrubbish"), ErrFormat},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := DecodeFile(writeFile(t, "x", c.data))
			if !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
		})
	}
	if _, err := DecodeFile(filepath.Join(t.TempDir(), "missing.png")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: err = %v", err)
	}
}
