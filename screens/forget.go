package screens

import (
	"context"
	"errors"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/passcrow/passcrow-desktop/app/state"
)

// Forgetting an item cannot be undone, so it asks first with Cancel as
// the default (Escape and Enter cancel), and never ends in a dead end:
// when a place cannot be reached to delete its fragment (a server gone,
// the demo server not running), the user is told what is left where and
// until when, and may try again or remove the item from this computer
// anyway.

// DangerConfirm is a question whose Yes cannot be undone.
type DangerConfirm struct {
	Dialog *dialog.CustomDialog
	Cancel *widget.Button
	Do     *widget.Button
	// Extra is a third, harmless choice (Try again), when there is one.
	Extra *widget.Button
}

// confirmDanger asks msg with Cancel and a red action button. Escape
// and Enter cancel: a key pressed by habit never destroys anything.
func (u *UI) confirmDanger(title string, msg fyne.CanvasObject, action string, do func()) *DangerConfirm {
	c := &DangerConfirm{}
	keys := u.Win.Canvas().OnTypedKey()
	closeWith := func(f func()) func() {
		return func() {
			u.Win.Canvas().SetOnTypedKey(keys)
			c.Dialog.Hide()
			if f != nil {
				f()
			}
		}
	}
	c.Cancel = widget.NewButtonWithIcon(lang.L("Cancel"), theme.CancelIcon(), closeWith(nil))
	c.Do = widget.NewButtonWithIcon(action, theme.DeleteIcon(), closeWith(do))
	c.Do.Importance = widget.DangerImportance
	c.Dialog = dialog.NewCustomWithoutButtons(title, msg, u.Win)
	c.Dialog.SetButtons([]fyne.CanvasObject{c.Cancel, c.Do})
	c.Dialog.Resize(fyne.NewSize(560, 0))
	u.Win.Canvas().Unfocus()
	u.Win.Canvas().SetOnTypedKey(func(ev *fyne.KeyEvent) {
		switch ev.Name {
		case fyne.KeyEscape, fyne.KeyReturn, fyne.KeyEnter:
			c.Cancel.OnTapped()
		}
	})
	c.Dialog.Show()
	return c
}

// withExtra adds a harmless choice between Cancel and the action.
func (c *DangerConfirm) withExtra(text string, f func()) {
	c.Extra = widget.NewButton(text, func() {
		c.Cancel.OnTapped()
		f()
	})
	c.Dialog.SetButtons([]fyne.CanvasObject{c.Cancel, c.Extra, c.Do})
}

func (s *Overview) onForget(name string) {
	msg := para(lang.L("Forget “{{.Name}}”? The servers delete their fragments and the pack is removed from this computer. You will not be able to recover this secret with Passcrow any more.", map[string]any{"Name": name}))
	s.LastConfirm = s.ui.confirmDanger(lang.L("Forget"), msg, lang.L("Forget"), func() { s.forget(name) })
}

// forget deletes the item's fragments and pack in the background; the
// returned channel closes when it is done. When some fragment could not
// be deleted it offers to remove the item from this computer anyway.
func (s *Overview) forget(name string) <-chan struct{} {
	s.forgetting = s.inBackground(func(ctx context.Context) error { return s.ui.State.Forget(ctx, name) })
	return s.forgetting
}

// inBackground runs a deletion with a progress dialog that can be
// cancelled, then shows the overview again; the returned channel closes
// when it is done.
func (s *Overview) inBackground(del func(context.Context) error) <-chan struct{} {
	u := s.ui
	done := make(chan struct{})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	bar := widget.NewProgressBarInfinite()
	stop := widget.NewButtonWithIcon(lang.L("Cancel"), theme.CancelIcon(), cancel)
	prog := dialog.NewCustomWithoutButtons(lang.L("Deleting the fragments…"), container.NewVBox(bar, container.NewHBox(layout.NewSpacer(), stop)), u.Win)
	prog.Show()
	go func() {
		defer close(done)
		defer cancel()
		err := del(ctx)
		u.doAndWait(func() {
			prog.Hide()
			u.ShowOverview()
			var fe *state.ForgetError
			switch {
			case errors.As(err, &fe):
				if o, ok := u.Current().(*Overview); ok {
					o.LastLeftover = o.showLeftovers(fe)
				}
			case err != nil:
				u.showError(err)
			}
		})
	}()
	return done
}

// showLeftovers says which fragments could not be deleted and until when
// they are kept, and offers to try again or to remove the item from this
// computer anyway.
func (s *Overview) showLeftovers(fe *state.ForgetError) *DangerConfirm {
	u := s.ui
	name := fe.Name
	lines := []string{lang.L("“{{.Name}}” is still here: these places could not be reached to delete their fragments.", map[string]any{"Name": name})}
	lines = append(lines, leftoverGroups(u, fe.Left)...)
	lines = append(lines, lang.L("You can try again later, or remove it from this computer anyway. The fragments left behind are deleted by their servers when they expire, and without the pack on this computer they cannot be used to recover anything."))
	c := u.confirmDanger(lang.L("Some fragments could not be deleted"), para(strings.Join(lines, "\n\n")),
		lang.L("Remove from this computer anyway"), func() {
			if err := u.State.RemoveLocal(name); err != nil {
				u.showError(err)
			}
			u.ShowOverview()
		})
	c.withExtra(lang.L("Try again"), func() { s.forget(name) })
	return c
}

// leftoverGroups words the fragments left behind, grouped by server
// (one heading says why the server was not reached, instead of every
// line saying it again), then the other places.
func leftoverGroups(u *UI, left []state.Leftover) []string {
	var order []string
	groups := map[string][]state.Leftover{}
	for _, l := range left {
		if _, ok := groups[l.Server]; !ok {
			order = append(order, l.Server)
		}
		groups[l.Server] = append(groups[l.Server], l)
	}
	var out []string
	for _, server := range order {
		ls := groups[server]
		var head string
		switch host := serverHost(ls[0]); {
		case server == "":
			head = lang.L("Other places that could not be reached:")
		case u.State.Demo() == nil && u.State.IsDemoServer(server):
			head = lang.L("{{.Server}}, the demo server on this computer, is not running:", map[string]any{"Server": host})
		default:
			head = lang.L("{{.Server}} did not answer:", map[string]any{"Server": host})
		}
		block := []string{head}
		for _, l := range ls {
			block = append(block, "• "+leftoverLine(l))
		}
		out = append(out, strings.Join(block, "\n"))
	}
	return out
}

// serverHost is the server of a leftover as the pack names it (the part
// of its hint after " at "), else its URL.
func serverHost(l state.Leftover) string {
	if _, host, ok := strings.Cut(l.Hint, " at "); ok && host != "" {
		return host
	}
	return l.Server
}

// leftoverLine is one fragment left behind, in words, under its server's
// heading (leftoverGroups).
func leftoverLine(l state.Leftover) string {
	// The letter tells apart two addresses with the same hint.
	place := placeHint(l.Hint)
	if l.Server != "" {
		place, _, _ = strings.Cut(l.Hint, " at ") // the heading names the server
	}
	where := strings.TrimSpace(l.Prefix + "  " + place)
	if l.Previous {
		where += " " + lang.L("(an old fragment, kept after a renewal)")
	}
	if l.Expires.IsZero() {
		return where + ": " + lang.L("when it expires is not known.")
	}
	return where + ": " + lang.L("kept until {{.Date}} at the latest.", map[string]any{"Date": date(l.Expires)})
}
