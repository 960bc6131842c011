package screens

import (
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/passcrow/passcrow-desktop/platform"
)

// OpenError is shown instead of everything else when the packs cannot be
// opened at all, most often because the keychain is locked: it says so in
// plain words and lets the user try again once it is unlocked. (A missing
// keychain is a different screen: the user may choose files instead.)
type OpenError struct {
	Message *widget.Label
	// Cause is the error's own text, behind Details.
	Cause   *widget.Label
	Details *ErrorView
	Retry   *widget.Button
	Quit    *widget.Button

	retry func() error
}

// NewOpenError explains err; retry opens the packs again and returns nil
// once it worked (the caller then shows the app), quit ends the app.
func NewOpenError(err error, retry func() error, quit func()) *OpenError {
	o := &OpenError{retry: retry}
	o.Message = para("")
	o.Details = NewErrorView()
	o.Cause = o.Details.Detail
	o.Retry = widget.NewButtonWithIcon(lang.L("Try again"), theme.ViewRefreshIcon(), o.onRetry)
	o.Retry.Importance = widget.HighImportance
	o.Quit = widget.NewButtonWithIcon(lang.L("Quit"), theme.CancelIcon(), quit)
	o.show(err)
	return o
}

func (o *OpenError) show(err error) {
	if errors.Is(err, platform.ErrKeychainLocked) {
		o.Message.SetText(lang.L("Your recovery packs are in this computer's keychain, and the keychain is locked or did not answer. Unlock it (your system may be asking for your login password), then try again."))
	} else {
		o.Message.SetText(lang.L("Passcrow could not open the place where your recovery packs are kept. Nothing has been changed."))
	}
	o.Details.ExplainAs(nil, "", err) // Message says it in words

}

func (o *OpenError) onRetry() {
	if err := o.retry(); err != nil {
		o.show(err)
	}
}

// Content is the screen's layout.
func (o *OpenError) Content() fyne.CanvasObject {
	return page(lang.L("Cannot open your recovery packs"), container.NewVBox(o.Message, o.Details), o.Quit, o.Retry)
}
