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
	m.Win.SetContent(container.NewBorder(
		container.NewPadded(para(lang.L("The demo server sends its codes here instead of by e-mail or text message. Newest first."))),
		nil, nil, nil, container.NewVScroll(container.NewPadded(m.List))))
	m.Win.Resize(fyne.NewSize(520, 480))
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
		m.List.Add(widget.NewCard(msg.Subject, lang.L("To {{.To}} at {{.Time}}", map[string]any{"To": msg.To, "Time": when}),
			container.NewHBox(widget.NewLabel(lang.L("Code:")), code)))
	}
}
