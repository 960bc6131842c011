package screens

import (
	"slices"

	"fyne.io/fyne/v2"

	"github.com/passcrow/passcrow-desktop/app/state"
)

// restartDemo starts the demo server in the background when items made
// with it exist and it is not running (the app was restarted): it comes
// back on the same address with the escrows it kept, and the overview is
// shown again with the Demo mailbox button. When it cannot start, the
// demo items say so (Overview.itemNote) and nothing else waits on it.
func (u *UI) restartDemo() {
	if !u.State.DemoNeeded() {
		return
	}
	dir, err := u.demoDir()
	if err != nil {
		return // the items say the demo is not running
	}
	u.demoStarted = make(chan struct{})
	started := u.demoStarted
	go func() {
		defer close(started)
		_, err := u.State.StartDemo(dir)
		if err != nil {
			fyne.LogError("restarting the demo server", err)
		}
		u.doAndWait(func() {
			if _, ok := u.Current().(*Overview); ok {
				u.ShowOverview()
			}
		})
	}()
}

// watchOtherClients shows the overview afresh when the window comes to
// the front and the items changed meanwhile, as when the command line
// protected something in the same store.
func (u *UI) watchOtherClients() {
	o, ok := u.Current().(*Overview)
	if !ok {
		return
	}
	had := itemNames(o.Items)
	u.App.Lifecycle().SetOnEnteredForeground(func() {
		u.do(func() {
			if _, ok := u.Current().(*Overview); !ok {
				return
			}
			items, err := u.State.Items()
			if err == nil && !slices.Equal(itemNames(items), had) {
				u.ShowOverview()
			}
		})
	})
}

func itemNames(items []state.Item) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.Name)
	}
	return out
}
