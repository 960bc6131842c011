package qrscan

import (
	"bytes"
	"errors"
	"image"
	"image/png"
	"testing"
)

// finderTiles is a picture tiled with QR corner squares of mod pixels a
// module, each with a light border.
func finderTiles(side, mod int) *image.Gray {
	tile := 9 * mod
	g := image.NewGray(image.Rect(0, 0, side, side))
	for y := range side {
		for x := range side {
			mx, my := (x%tile)/mod-1, (y%tile)/mod-1
			v := uint8(255)
			if mx >= 0 && mx <= 6 && my >= 0 && my <= 6 {
				if ring := min(mx, my, 6-mx, 6-my); ring != 1 {
					v = 0
				}
			}
			g.Pix[y*side+x] = v
		}
	}
	return g
}

// A small PNG tiled with thousands of corner squares is refused as
// unreadable at once. ZXing tries every three candidate corners: without
// the limit, at 3 or 2 pixels a module this took minutes, and at 1 it
// ran past any test timeout.
func TestDecodeRefusesAPictureOfManyCorners(t *testing.T) {
	for _, mod := range []int{1, 2, 3} {
		var b bytes.Buffer
		if err := png.Encode(&b, finderTiles(2400, mod)); err != nil {
			t.Fatal(err)
		}
		if b.Len() > 64<<10 {
			t.Fatalf("the hostile PNG has %d KB; it should be small", b.Len()>>10)
		}
		if _, err := DecodeBytes(b.Bytes()); !errors.Is(err, ErrUnreadable) {
			t.Errorf("%d pixels a module: %v, want ErrUnreadable", mod, err)
		}
	}
}
