package screens

import (
	"context"

	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// passwordAsked, when set (tests), gets the password entry once the
// question is on screen.
var passwordAsked func(*widget.Entry)

// askMailboxPassword asks for a mailbox's password when a flow outside
// recovery must open it (forgetting an item deletes its message). It is
// called off the UI goroutine and waits for the answer; "" means the
// user declined.
func (u *UI) askMailboxPassword(ctx context.Context, host, user string) (string, error) {
	answer := make(chan string, 1)
	u.do(func() {
		pw := u.newDialogPasswordEntry()
		d := dialog.NewForm(lang.L("Mailbox password"), lang.L("Open the mailbox"), lang.L("Cancel"),
			[]*widget.FormItem{
				widget.NewFormItem("", para(lang.L("Password for mailbox {{.User}} at {{.Host}}", map[string]any{"User": user, "Host": host}))),
				widget.NewFormItem(lang.L("Password"), pw),
			},
			func(ok bool) {
				if ok {
					answer <- pw.Text
				} else {
					answer <- ""
				}
			}, u.Win)
		d.Show()
		u.Win.Canvas().Focus(pw)
		if passwordAsked != nil {
			passwordAsked(&pw.Entry)
		}
	})
	select {
	case pw := <-answer:
		return pw, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}
