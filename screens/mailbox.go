package screens

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/passcrow/passcrow-desktop/app/state"
)

// Mailbox is the demo server's mailbox, in a window of its own: the codes
// the demo server "sends" land here instead of in someone's e-mail.
type Mailbox struct {
	ui       *UI
	Win      fyne.Window
	List     *fyne.Container
	Messages []state.MailMessage
	stop     chan struct{}
}

// ShowMailbox opens (or brings forward) the demo mailbox window.
func (u *UI) ShowMailbox() {
	if u.mailbox != nil {
		u.mailbox.Win.RequestFocus()
		return
	}
	d := u.State.Demo()
	if d == nil {
		return
	}
	m := &Mailbox{ui: u, Win: u.App.NewWindow(lang.L("Demo mailbox")), List: container.NewVBox(), stop: make(chan struct{})}
	u.mailbox = m
	// Sized before it has content, and all of it in one scroll: a
	// wrapped text's height is worked out for the width it has, and a
	// window without one yet grew to fit every word on a line of its own.
	m.Win.Resize(mailboxSize)
	intro := para(lang.L("The demo server sends its codes here instead of by e-mail or text message. Newest first."))
	m.Win.SetContent(container.NewVScroll(container.NewPadded(container.NewVBox(intro, widget.NewSeparator(), m.List))))
	m.Win.Resize(mailboxSize)
	m.Win.Content().Refresh() // lay the wrapped text out at the width it has now
	m.Win.SetOnClosed(func() {
		close(m.stop)
		u.mailbox = nil
	})
	m.Refresh()
	m.Win.Show()
	if u.MailboxPoll > 0 {
		go m.poll(d, u.MailboxPoll)
	}
}

func (m *Mailbox) poll(d *state.Demo, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	seen := -1
	for {
		select {
		case <-m.stop:
			return
		case <-t.C:
		}
		msgs, err := d.Messages()
		if err != nil || len(msgs) == seen {
			continue
		}
		seen = len(msgs)
		m.ui.do(func() { m.show(msgs) })
	}
}

// Refresh reads the mailbox now (tests call it instead of waiting for the
// poll).
func (m *Mailbox) Refresh() {
	d := m.ui.State.Demo()
	if d == nil {
		return
	}
	msgs, err := d.Messages()
	if err != nil {
		m.ui.showError(err)
		return
	}
	m.show(msgs)
}

func (m *Mailbox) show(msgs []state.MailMessage) {
	m.Messages = msgs
	m.List.RemoveAll()
	if len(msgs) == 0 {
		m.List.Add(widget.NewLabel(lang.L("No messages yet.")))
	}
	for _, msg := range msgs {
		code := widget.NewLabelWithStyle(msg.Code, fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
		code.Selectable = true
		when := msg.Sent.Local().Format("15:04:05")
		// The subject wraps (a card's title would be cut off).
		subject := para(msg.Subject)
		subject.TextStyle = fyne.TextStyle{Bold: true}
		m.List.Add(container.NewVBox(subject,
			para(lang.L("To {{.To}} at {{.Time}}", map[string]any{"To": msg.To, "Time": when})),
			container.NewHBox(widget.NewLabel(lang.L("Code:")), code),
			widget.NewSeparator()))
	}
}

// mailboxSize is the demo mailbox window's size: beside the main window
// on a small screen.
var mailboxSize = fyne.NewSize(440, 520)
