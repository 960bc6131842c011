package state

// The main window's size is kept across runs, as desktop apps do. It is
// a preference like any other, nothing secret.
const (
	prefWindowWidth  = "window.width"  // float: the main window's width when it closed
	prefWindowHeight = "window.height" // float: and its height
)

// WindowSize is the main window's size when the app last closed; zero
// when it never did.
func (s *State) WindowSize() (width, height float32) {
	return float32(s.prefs.FloatWithFallback(prefWindowWidth, 0)), float32(s.prefs.FloatWithFallback(prefWindowHeight, 0))
}

// SetWindowSize keeps the main window's size for the next run.
func (s *State) SetWindowSize(width, height float32) {
	s.prefs.SetFloat(prefWindowWidth, float64(width))
	s.prefs.SetFloat(prefWindowHeight, float64(height))
}
