package screens

import (
	"context"
	"errors"
	"image/color"
	"net"
	"os"
	"syscall"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/passcrow/passcrow-desktop/app/state"
	"github.com/passcrow/passcrow-desktop/app/translations"
	"github.com/passcrow/passcrow-desktop/platform"
	"github.com/passcrow/passcrow-desktop/recovery"
	"github.com/passcrow/passcrow-desktop/recovery/friend"
	"github.com/passcrow/passcrow-desktop/recovery/mailbox"
)

// Every error a person sees goes through this file: a short plain
// sentence that says what to do next, with the chain of Go errors behind
// a "Details" expander and in the error log (app/logfile), never as the
// only text. Screens use one of two forms:
//
//	u.showErrorSaying(lang.L("Could not save the file."), err) // a dialog
//	s.Error.Explain(u, lang.L("Could not save the file."), err) // in place (an *ErrorView)
//
// u.showError(err) is the dialog with no sentence of the caller's own.

// ErrorView is an error shown in place on a screen: the plain sentence,
// and under it a closed "Details" expander with the technical text.
// Hidden while there is no error.
type ErrorView struct {
	widget.BaseWidget
	// Message is the plain sentence; Detail the technical text, shown
	// once Details is opened.
	Message *widget.Label
	Detail  *widget.Label
	Details *widget.Accordion
	box     *fyne.Container
	// inPlace views wrap a screen's own label and stay shown.
	inPlace bool
	// shown tells when Details opens or closes (a dialog grows).
	shown *shownHook
}

// shownHook is the detail inside the expander: the accordion shows and
// hides it as it opens and closes, and onChange hears of it.
type shownHook struct {
	widget.BaseWidget
	content  fyne.CanvasObject
	onChange func()
}

func newShownHook(content fyne.CanvasObject) *shownHook {
	h := &shownHook{content: content}
	h.ExtendBaseWidget(h)
	return h
}

func (h *shownHook) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(h.content)
}

func (h *shownHook) Show() {
	was := h.Visible()
	h.BaseWidget.Show()
	if !was && h.onChange != nil {
		h.onChange()
	}
}

func (h *shownHook) Hide() {
	was := h.Visible()
	h.BaseWidget.Hide()
	if was && h.onChange != nil {
		h.onChange()
	}
}

// NewErrorView is an empty, hidden error view.
func NewErrorView() *ErrorView {
	e := &ErrorView{Message: para(""), Detail: para("")}
	e.Message.Importance = widget.DangerImportance
	e.Detail.TextStyle = fyne.TextStyle{Monospace: true}
	e.Detail.Wrapping = fyne.TextWrapBreak
	e.shown = newShownHook(e.Detail)
	e.Details = widget.NewAccordion(widget.NewAccordionItem(lang.L("Details"), e.shown))
	e.box = container.NewVBox(e.Message, e.Details)
	e.ExtendBaseWidget(e)
	e.Hide()
	return e
}

// wrapErrorLabel is an error view around a screen's own label (an
// Error or Status field its tests read): the label stays the sentence,
// and stays shown, with Details under it when an error has any.
func wrapErrorLabel(l *widget.Label) *ErrorView {
	e := NewErrorView()
	e.Message = l
	e.box.Objects[0] = l
	e.inPlace = true
	e.Details.Hide()
	e.Show()
	return e
}

// CreateRenderer is the sentence above the expander.
func (e *ErrorView) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(e.box) }

// Explain explains err under the sentence what (say what failed; may be
// "") and writes the detail to u's log. A cancelled flow shows nothing.
func (e *ErrorView) Explain(u *UI, what string, err error) {
	if errors.Is(err, state.ErrCanceled) {
		e.Clear()
		return
	}
	plain, detail := u.explain(what, err)
	e.Set(plain, detail)
}

// ExplainAs shows plain (your own sentence; "" shows Details alone)
// with err behind Details, and writes err to u's log.
func (e *ErrorView) ExplainAs(u *UI, plain string, err error) {
	e.Set(plain, u.errDetail(plain, err))
}

// Set shows plain with detail behind Details (none when ""), closed.
func (e *ErrorView) Set(plain, detail string) {
	e.Message.SetText(plain)
	if plain == "" && !e.inPlace {
		e.Message.Hide()
	} else {
		e.Message.Show()
	}
	e.Detail.SetText(detail)
	e.Details.CloseAll()
	if detail == "" {
		e.Details.Hide()
	} else {
		e.Details.Show()
	}
	e.Show()
	e.Refresh()
}

// Text is the plain sentence on show, "" when hidden.
func (e *ErrorView) Text() string {
	if !e.Visible() || !e.Message.Visible() {
		return ""
	}
	return e.Message.Text
}

// Clear hides the error.
func (e *ErrorView) Clear() {
	e.Message.SetText("")
	e.Detail.SetText("")
	if e.inPlace {
		e.Details.Hide()
		return
	}
	e.Hide()
}

// showError tells the user in a dialog what went wrong, in plain words,
// with the detail behind Details.
func (u *UI) showError(err error) { u.showErrorSaying("", err) }

// showErrorSaying is showError with a sentence saying what failed.
func (u *UI) showErrorSaying(what string, err error) {
	if errors.Is(err, state.ErrCanceled) {
		return
	}
	v := NewErrorView()
	v.Explain(u, what, err)
	v.Message.Importance = widget.MediumImportance
	// Wrapped text in a dialog has no width of its own: give it one
	// that fits the smallest window.
	width := canvas.NewRectangle(color.Transparent)
	width.SetMinSize(fyne.NewSize(420, 0))
	d := dialog.NewCustom(lang.L("Something went wrong"), lang.L("OK"), container.NewStack(width, v), u.Win)
	// A dialog keeps the size it opened at: fit it to the detail as
	// Details opens and closes (after the accordion's layout).
	// Under headless tests (Serial set) at once, on the calling goroutine,
	// which holds the UI already: a goroutine of its own outlived its test
	// and raced with the next one in fyne's shared caches.
	v.shown.onChange = func() {
		if u.Serial != nil {
			d.Resize(d.MinSize())
			return
		}
		go u.do(func() { d.Resize(d.MinSize()) })
	}
	u.lastError = v
	d.Show()
}

// explain is the plain sentence for err after what, and the detail: the
// error's own text and where the log is. The detail is logged.
func (u *UI) explain(what string, err error) (plain, detail string) {
	return plainSentence(what, err), u.errDetail(what, err)
}

// plainSentence is what failed followed by what err means and what to
// do next (plainReason); nothing is logged.
func plainSentence(what string, err error) string {
	reason := plainReason(err)
	switch {
	case what == "":
		return reason
	case reason == "":
		return what
	}
	return what + " " + reason
}

// errDetail is err's text for Details, and where the log is; it writes
// err to the log under what.
func (u *UI) errDetail(what string, err error) string {
	detail := errText(err)
	if u != nil && u.Log != nil {
		if lerr := u.Log.Add(what, err); lerr != nil {
			fyne.LogError("writing the error log", lerr)
		} else {
			detail += "\n\n" + lang.L("This is also written in {{.Path}}.", map[string]any{"Path": u.Log.Path()})
		}
	}
	return detail
}

// plainReason says in a sentence what err means for the user and what
// to do next.
func plainReason(err error) string {
	var dns *net.DNSError
	var op *net.OpError
	switch {
	case errors.Is(err, platform.ErrKeychainLocked):
		return lang.L("The keychain is locked or did not answer: unlock it, then try again.")
	case errors.Is(err, mailbox.ErrLogin), errors.Is(err, friend.ErrAuth):
		return lang.L("The mail server refused the username or password. Check them, then try again.")
	case errors.Is(err, recovery.ErrIncorrectCode):
		return lang.L("That code is not the one the server sent. Check it against the newest message, or send a new code.")
	case errors.Is(err, recovery.ErrCodeExpired):
		return lang.L("That code has expired or was used up. Send a new code and type that one.")
	case errors.Is(err, recovery.ErrTooSoon):
		return lang.L("A code was sent a moment ago. Wait a minute, then try again.")
	case errors.Is(err, recovery.ErrLockedOut):
		return lang.L("This server takes no more codes for this fragment for now: too many wrong ones were typed. Try again after {{.Time}}, or use the other places.", map[string]any{"Time": laterTime(err)})
	case errors.Is(err, recovery.ErrSendLimited):
		return lang.L("This server has sent as many codes to that address or number as it may for now. Try again after {{.Time}}.", map[string]any{"Time": laterTime(err)})
	case errors.Is(err, recovery.ErrRateLimited):
		return lang.L("The server is busy with too many requests. Wait a few minutes, then try again.")
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded):
		return lang.L("A server did not answer in time. Check that this computer is online, then try again.")
	case errors.As(err, &dns), errors.Is(err, syscall.ECONNREFUSED), errors.As(err, &op):
		return lang.L("A server is not reachable right now. Check that this computer is online, then try again.")
	case translations.Known(err.Error()):
		// One of our own messages: already plain words.
		return translations.Text(err.Error())
	}
	return lang.L("Open Details for what went wrong. Trying again may help.")
}

// laterTime is when a LaterError ends, in the user's local time, or
// "a while" when the server did not say.
func laterTime(err error) string {
	var later *recovery.LaterError
	if !errors.As(err, &later) || later.Until.IsZero() {
		return lang.L("a while")
	}
	return later.Until.Local().Format("2006-01-02 15:04")
}
