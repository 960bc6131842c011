package screens

import "fyne.io/fyne/v2"

// The main window opens at the size it had when the app last closed
// (state.WindowSize), never below MinSize, nor absurdly large: a
// preference file edited by hand must not make a window no screen holds.

// defaultSize is the window's size on the first run.
var defaultSize = fyne.NewSize(860, 640)

// maxSide bounds a remembered width or height.
const maxSide = 8192

// startSize is the size the window opens at.
func (u *UI) startSize() fyne.Size {
	w, h := u.State.WindowSize()
	if !(w >= MinSize.Width && w <= maxSide && h >= MinSize.Height && h <= maxSide) {
		return defaultSize
	}
	return fyne.NewSize(w, h)
}

// saveWindowSize keeps the window's size for the next run; a full-screen
// window's size is not the one to come back to.
func (u *UI) saveWindowSize() {
	if u.Win.FullScreen() {
		return
	}
	s := u.Win.Canvas().Size()
	if s.Width >= MinSize.Width && s.Height >= MinSize.Height {
		u.State.SetWindowSize(s.Width, s.Height)
	}
}
