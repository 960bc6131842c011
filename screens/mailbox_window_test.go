package screens

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// TestMailboxWindowFitsTheScreen: the demo mailbox opens at its own size,
// whatever it holds, and each message's subject wraps instead of being
// cut off.
func TestMailboxWindowFitsTheScreen(t *testing.T) {
	u := newTestUI(t)
	protectForTest(t, u, "My password manager with a long name")
	startRecoveryForTest(t, u, "My password manager with a long name")
	var m *Mailbox
	look(u, func() {
		u.ShowMailbox()
		m = u.mailbox
	})
	if m == nil {
		t.Fatal("no mailbox window")
	}
	var size, min fyne.Size
	var subjects []*widget.Label
	look(u, func() {
		m.Refresh()
		size, min = m.Win.Canvas().Size(), m.Win.Content().MinSize()
		for _, msg := range m.Messages {
			if l := findLabel(m.Win.Content(), msg.Subject); l != nil {
				subjects = append(subjects, l)
			}
		}
	})
	shot(t, m.Win, "mailbox")
	if len(m.Messages) == 0 {
		t.Fatal("no messages in the demo mailbox")
	}
	if size.Height > 800 || size.Width > 800 || size != mailboxSize {
		t.Errorf("the mailbox window is %v, want %v", size, mailboxSize)
	}
	if min.Width > size.Width || min.Height > size.Height {
		t.Errorf("its content needs %v, more than the window's %v", min, size)
	}
	if len(subjects) != len(m.Messages) {
		t.Fatalf("%d of %d subjects shown as labels", len(subjects), len(m.Messages))
	}
	for _, l := range subjects {
		if l.Wrapping == fyne.TextWrapOff || l.Truncation != fyne.TextTruncateOff {
			t.Errorf("the subject %q is cut off", l.Text)
		}
	}
}

// findLabel is the label under o with exactly text, or nil.
func findLabel(o fyne.CanvasObject, text string) *widget.Label {
	switch w := o.(type) {
	case *widget.Label:
		if w.Text == text {
			return w
		}
	case *fyne.Container:
		for _, c := range w.Objects {
			if l := findLabel(c, text); l != nil {
				return l
			}
		}
	case *container.Scroll:
		return findLabel(w.Content, text)
	}
	return nil
}
