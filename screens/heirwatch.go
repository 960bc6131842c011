package screens

import (
	"context"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/passcrow/passcrow-desktop/app/state"
)

// HeirWatch tells the owner, on the overview, when an heir has started a
// recovery of one of their items, with a red "Stop it" until the
// release. It asks the heirs' servers in the background, at most once
// per state.HeirCheckInterval by the state's clock: when the overview is
// shown and on an hourly timer.
type HeirWatch struct {
	ui      *UI
	Box     *fyne.Container
	Banners []*HeirBanner
	Checks  int // how many times the servers were asked (tests)

	last     time.Time // when the servers were last asked
	checking bool
	ticker   *time.Ticker
	checked  chan struct{} // closed when the last look or stop finished
}

// A HeirBanner is one pending release.
type HeirBanner struct {
	Release state.PendingRelease
	Text    *widget.Label
	Stop    *widget.Button
	Confirm *dialog.ConfirmDialog // shown by Stop
}

// HeirBanners is the overview's place for the heir banners (the
// overview adds it once); showing it looks at the servers when the last
// look is an hour old.
func (u *UI) HeirBanners() fyne.CanvasObject {
	w := u.heirs()
	w.maybeCheck()
	return w.Box
}

// heirWatches are the UIs' watches (one UI in the app; one per test),
// kept here so the UI type need not know of them.
var heirWatches = struct {
	sync.Mutex
	m map[*UI]*HeirWatch
}{m: map[*UI]*HeirWatch{}}

// heirs is u's watch, made on first use.
func (u *UI) heirs() *HeirWatch {
	heirWatches.Lock()
	defer heirWatches.Unlock()
	w := heirWatches.m[u]
	if w == nil {
		w = &HeirWatch{ui: u, Box: container.NewVBox()}
		heirWatches.m[u] = w
	}
	return w
}

// maybeCheck asks the servers unless they were asked within the hour or
// are being asked. Call it on the UI goroutine.
func (w *HeirWatch) maybeCheck() {
	now := w.ui.State.Now()
	if w.checking || (!w.last.IsZero() && now.Sub(w.last) < state.HeirCheckInterval) {
		return
	}
	if len(w.Banners) == 0 && !w.ui.State.HasHeirs() {
		return // nothing to ask about, and nothing shown to take away
	}
	if w.ticker == nil && w.ui.MailboxPoll > 0 { // a live app, not a test
		w.ticker = time.NewTicker(state.HeirCheckInterval)
		go func() {
			for range w.ticker.C {
				w.ui.do(w.maybeCheck)
			}
		}()
	}
	w.checking, w.last = true, now
	w.Checks++
	w.checked = make(chan struct{})
	done := w.checked
	go func() {
		defer close(done)
		ctx, stop := context.WithTimeout(context.Background(), 2*time.Minute)
		defer stop()
		found, err := w.ui.State.HeirReleases(ctx)
		if err != nil {
			fyne.LogError("asking heirs' servers", err)
		}
		w.ui.doAndWait(func() {
			w.checking = false
			w.show(found)
		})
	}()
}

// show replaces the banners with those of found.
func (w *HeirWatch) show(found []state.PendingRelease) {
	w.Box.RemoveAll()
	w.Banners = nil
	for _, p := range found {
		b := &HeirBanner{Release: p}
		b.Text = para(lang.L("Your heir asked for “{{.Item}}” on {{.Claimed}}. It will be released on {{.Release}}.",
			map[string]any{"Item": p.Item, "Claimed": dateWords(p.Claimed), "Release": dateWords(p.ReleaseAt)}))
		b.Text.Importance = widget.DangerImportance
		b.Stop = widget.NewButtonWithIcon(lang.L("Stop it"), theme.CancelIcon(), func() { w.onStop(b) })
		b.Stop.Importance = widget.DangerImportance
		w.Banners = append(w.Banners, b)
		w.Box.Add(widget.NewCard(lang.L("An heir has started a recovery"), p.Heir, container.NewVBox(b.Text, container.NewHBox(b.Stop))))
	}
	w.Box.Refresh()
}

// onStop asks for confirmation, then stops the release.
func (w *HeirWatch) onStop(b *HeirBanner) {
	b.Confirm = dialog.NewConfirm(lang.L("Stop the release?"),
		lang.L("Your heir will not get “{{.Item}}”. The inheritance stays in place: the sheet still works, and if the heir asks again you are told again.", map[string]any{"Item": b.Release.Item}),
		func(ok bool) {
			if ok {
				w.stop(b)
			}
		}, w.ui.Win)
	b.Confirm.SetConfirmText(lang.L("Stop it"))
	b.Confirm.SetConfirmImportance(widget.DangerImportance)
	b.Confirm.Show()
}

func (w *HeirWatch) stop(b *HeirBanner) {
	b.Stop.Disable()
	w.checked = make(chan struct{})
	done := w.checked
	go func() {
		defer close(done)
		ctx, stop := context.WithTimeout(context.Background(), 2*time.Minute)
		defer stop()
		err := w.ui.State.StopRelease(ctx, b.Release)
		w.ui.doAndWait(func() {
			if err != nil {
				b.Stop.Enable()
				w.ui.showError(err)
				return
			}
			b.Text.SetText(lang.L("Stopped: your heir will not get “{{.Item}}” now.", map[string]any{"Item": b.Release.Item}))
			b.Text.Importance = widget.SuccessImportance
			b.Text.Refresh()
			b.Stop.Hide()
		})
	}()
}
