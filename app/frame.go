package app

import (
	"image"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
)

// A frameProbe tells when the window was drawn: a transparent raster laid
// over every screen, whose generator the painter calls while drawing a
// frame after the probe was refreshed. Fyne has no frame callback; the
// startup benchmark and the screenshot script need one.
type frameProbe struct {
	raster *canvas.Raster // the current screen's; touched on the UI goroutine only
	drawn  chan struct{}
}

func newFrameProbe() *frameProbe {
	return &frameProbe{drawn: make(chan struct{}, 1)}
}

// wrap lays a new probe over content: a raster object must not move
// from one screen to the next, since its texture goes with the old one.
func (p *frameProbe) wrap(content fyne.CanvasObject) fyne.CanvasObject {
	empty := image.NewNRGBA(image.Rect(0, 0, 1, 1))
	p.raster = canvas.NewRaster(func(w, h int) image.Image {
		select {
		case p.drawn <- struct{}{}:
		default:
		}
		return empty
	})
	return container.NewStack(content, p.raster)
}

// next waits until a frame drawn after this call, or the timeout.
func (p *frameProbe) next(timeout time.Duration) bool {
	select {
	case <-p.drawn:
	default:
	}
	fyne.DoAndWait(func() { p.raster.Refresh() })
	select {
	case <-p.drawn:
		return true
	case <-time.After(timeout):
		return false
	}
}
