// Command mkicon draws Icon.png, the app icon: a white shield with a
// keyhole on a rounded blue square. It is a program rather than a drawing
// so the icon can be regenerated exactly and reviewed as code. The
// keyhole is wide and the shield fills the square so that both still read
// at 16×16 and 32×32 (the release test renders those sizes to look at).
//
//	go run ./app/internal/mkicon -o Icon.png
package main

import (
	"flag"
	"image"
	"image/color"
	"image/png"
	"log"
	"math"
	"os"
)

const (
	size = 512
	ss   = 4 // supersamples per axis, for smooth edges
)

var (
	background = color.NRGBA{0x1f, 0x5f, 0xa8, 0xff}
	shield     = color.NRGBA{0xff, 0xff, 0xff, 0xff}
)

func main() {
	out := flag.String("o", "Icon.png", "output file")
	flag.Parse()
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			var bg, fg int
			for sy := 0; sy < ss; sy++ {
				for sx := 0; sx < ss; sx++ {
					u := (float64(x)+(float64(sx)+0.5)/ss)/size*2 - 1
					v := (float64(y)+(float64(sy)+0.5)/ss)/size*2 - 1
					if !inRoundedSquare(u, v) {
						continue
					}
					bg++
					if inShield(u, v) && !inKeyhole(u, v) {
						fg++
					}
				}
			}
			img.SetNRGBA(x, y, mix(bg, fg))
		}
	}
	f, err := os.Create(*out)
	if err != nil {
		log.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}

// mix blends the covered samples: bg of them inside the square, fg of
// those white.
func mix(bg, fg int) color.NRGBA {
	n := float64(ss * ss)
	if bg == 0 {
		return color.NRGBA{}
	}
	w := float64(fg) / float64(bg)
	c := func(a, b uint8) uint8 { return uint8(math.Round(float64(a)*(1-w) + float64(b)*w)) }
	return color.NRGBA{c(background.R, shield.R), c(background.G, shield.G), c(background.B, shield.B), uint8(math.Round(255 * float64(bg) / n))}
}

func inRoundedSquare(u, v float64) bool {
	const half, r = 0.96, 0.34
	dx := math.Max(math.Abs(u)-(half-r), 0)
	dy := math.Max(math.Abs(v)-(half-r), 0)
	return math.Abs(u) <= half && math.Abs(v) <= half && dx*dx+dy*dy <= r*r
}

// inShield is a heater shield: a gently dipped top edge, straight sides,
// and sides that curve in to a point at the bottom.
func inShield(u, v float64) bool {
	const w, top, mid, bottom = 0.62, -0.72, 0.02, 0.82
	a := math.Abs(u)
	if a > w {
		return false
	}
	if v < top+0.1*(a/w)*(a/w) {
		return false
	}
	if v <= mid {
		return true
	}
	if v > bottom {
		return false
	}
	t := (v - mid) / (bottom - mid)
	return a <= w*math.Pow(1-math.Pow(t, 1.7), 0.75)
}

func inKeyhole(u, v float64) bool {
	const cy, r = -0.14, 0.2
	if u*u+(v-cy)*(v-cy) <= r*r {
		return true
	}
	if v < cy || v > 0.42 {
		return false
	}
	t := (v - cy) / (0.42 - cy)
	return math.Abs(u) <= 0.09+0.05*t
}
