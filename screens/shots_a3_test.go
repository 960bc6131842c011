package screens

import (
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

// shotForReview saves what the window shows as a PNG under
// $PASSCROW_REVIEW_SHOTS, for a person to look at; without it, nothing.
func shotForReview(t *testing.T, u *UI, name string) {
	t.Helper()
	dir := os.Getenv("PASSCROW_REVIEW_SHOTS")
	if dir == "" {
		return
	}
	var f *os.File
	var err error
	look(u, func() {
		img := u.Win.Canvas().Capture()
		if f, err = os.Create(filepath.Join(dir, name+".png")); err == nil {
			err = png.Encode(f, img)
			f.Close()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
}
