package screens

import (
	"testing"

	"fyne.io/fyne/v2"

	"github.com/passcrow/passcrow-desktop/app/state"
)

// TestProgressBarsLineUp: the progress bars of all places are as wide as
// one another whatever their stages say (with the stage beside the bar,
// "Done" and "Proving this request is not spam" made bars of different
// widths).
func TestProgressBarsLineUp(t *testing.T) {
	u := newTestUI(t)
	u.Win.Resize(fyne.NewSize(1024, 768))
	u.ShowSetup(state.Plan{Name: "Disk", Identities: []string{"email:a@example.org", "email:b@example.org"},
		Servers: []string{"https://one.example", "https://two.example"}})
	s := u.Current().(*Setup)
	look(u, func() {
		u.Win.SetContent(s.progressBody()) // the step's body, without protecting anything
		s.onProgress(0, state.Progress{Stage: state.StageDone, Fraction: 1})
		s.onProgress(1, state.Progress{Stage: state.StagePaying, Fraction: 0.2})
		u.Win.Content().Refresh()
	})
	var w0, w1 float32
	look(u, func() { w0, w1 = s.Bars[0].Size().Width, s.Bars[1].Size().Width })
	if w0 == 0 || w0 != w1 {
		t.Fatalf("progress bars are %v and %v wide, want one width", w0, w1)
	}
}
