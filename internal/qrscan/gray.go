package qrscan

import (
	"image"
	"image/color"
)

// toGray returns img as luminance with its longer side side pixels.
// Shrinking averages each output pixel's source area (which also smooths
// sensor noise); enlarging, only ever done for a small picture, repeats
// pixels so module edges stay sharp. Transparent pixels count as white, as
// on paper. Source rows are read once, in order, so memory is the output
// plus one row of sums.
func toGray(img image.Image, side int) *image.Gray {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	long := max(w, h)
	ow, oh := max(1, w*side/long), max(1, h*side/long)
	out := image.NewGray(image.Rect(0, 0, ow, oh))
	if ow >= w {
		// Enlarge (or keep): nearest source pixel.
		row := make([]uint8, w)
		for oy := 0; oy < oh; oy++ {
			lumaRow(img, b.Min.Y+oy*h/oh, row)
			dst := out.Pix[oy*out.Stride:]
			for ox := 0; ox < ow; ox++ {
				dst[ox] = row[ox*w/ow]
			}
		}
		return out
	}
	sum := make([]uint32, ow)
	count := make([]uint32, ow)
	col := make([]int, w) // output column of each source column
	for x := range col {
		col[x] = x * ow / w
	}
	row := make([]uint8, w)
	flush := func(oy int) {
		dst := out.Pix[oy*out.Stride:]
		for i := range sum {
			if count[i] > 0 {
				dst[i] = uint8(sum[i] / count[i])
			}
			sum[i], count[i] = 0, 0
		}
	}
	cur := 0
	for y := 0; y < h; y++ {
		oy := y * oh / h
		if oy != cur {
			flush(cur)
			cur = oy
		}
		lumaRow(img, b.Min.Y+y, row)
		for x, v := range row {
			sum[col[x]] += uint32(v)
			count[col[x]]++
		}
	}
	flush(cur)
	return out
}

// lumaRow fills row with the luminance of img's row y, with fast paths for
// what the PNG and JPEG decoders return.
func lumaRow(img image.Image, y int, row []uint8) {
	b := img.Bounds()
	switch m := img.(type) {
	case *image.YCbCr:
		copy(row, m.Y[m.YOffset(b.Min.X, y):])
	case *image.Gray:
		copy(row, m.Pix[m.PixOffset(b.Min.X, y):])
	case *image.NRGBA:
		p := m.Pix[m.PixOffset(b.Min.X, y):]
		for x := range row {
			r, g, bl, a := uint32(p[4*x]), uint32(p[4*x+1]), uint32(p[4*x+2]), uint32(p[4*x+3])
			l := (299*r + 587*g + 114*bl) / 1000
			row[x] = uint8((l*a + 255*(255-a)) / 255)
		}
	case *image.RGBA:
		p := m.Pix[m.PixOffset(b.Min.X, y):]
		for x := range row {
			r, g, bl, a := uint32(p[4*x]), uint32(p[4*x+1]), uint32(p[4*x+2]), uint32(p[4*x+3])
			row[x] = uint8(min(255, (299*r+587*g+114*bl)/1000+255-a)) // premultiplied over white
		}
	default:
		for x := range row {
			c := color.NRGBAModel.Convert(img.At(b.Min.X+x, y)).(color.NRGBA)
			r, g, bl, a := uint32(c.R), uint32(c.G), uint32(c.B), uint32(c.A)
			l := (299*r + 587*g + 114*bl) / 1000
			row[x] = uint8((l*a + 255*(255-a)) / 255)
		}
	}
}

// smooth returns g blurred by a 3×3 box, which evens out sensor noise that
// would otherwise break modules apart when thresholded.
func smooth(g *image.Gray) *image.Gray {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	out := image.NewGray(g.Rect)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			sum, n := 0, 0
			for yy := max(0, y-1); yy <= min(h-1, y+1); yy++ {
				for xx := max(0, x-1); xx <= min(w-1, x+1); xx++ {
					sum += int(g.Pix[yy*g.Stride+xx])
					n++
				}
			}
			out.Pix[y*out.Stride+x] = uint8(sum / n)
		}
	}
	return out
}
