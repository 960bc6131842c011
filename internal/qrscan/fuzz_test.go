package qrscan

import (
	"image"
	"testing"
)

// FuzzDecode: a picture is whatever a user (or whoever sent it to them)
// opens, so no pixels make Decode panic. Seeded with a printed code, so
// mutations reach ZXing's finder, sampler and decoder.
func FuzzDecode(f *testing.F) {
	g := printed(&testing.T{}, code, 100)
	f.Add(uint16(g.Rect.Dx()), g.Pix)
	f.Fuzz(func(t *testing.T, w uint16, pix []byte) {
		if w == 0 || int(w) > len(pix) {
			return
		}
		h := len(pix) / int(w)
		img := &image.Gray{Pix: pix[:int(w)*h], Stride: int(w), Rect: image.Rect(0, 0, int(w), h)}
		_, _ = Decode(img)
	})
}
