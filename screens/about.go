package screens

import (
	"net/url"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/passcrow/passcrow-desktop/internal/version"
)

// About says which Passcrow this is, so a user can tell support what
// they run: the version and commit of a release build (internal/version),
// the same line `passcrow --version` prints.
type About struct {
	ui      *UI
	Version *widget.Label
	Commit  *widget.Label
	// Copy puts the one-line version (Info.String) on the clipboard.
	Copy *widget.Button
}

// aboutInfo is what the About screen shows; tests set it.
var aboutInfo = version.Get

// aboutButton opens the About screen; the settings screen shows it.
func (u *UI) aboutButton() *widget.Button {
	return widget.NewButtonWithIcon(lang.L("About Passcrow"), theme.InfoIcon(), u.ShowAbout)
}

// ShowAbout shows the About screen; Back returns to the settings.
func (u *UI) ShowAbout() {
	a, body := u.about()
	back := widget.NewButtonWithIcon(lang.L("Back"), theme.NavigateBackIcon(), u.ShowSettings)
	u.show(a, page(lang.L("About Passcrow"), container.NewVScroll(body), back))
}

// about makes the About screen's widgets and body, which the menu's
// About shows in a dialog over whatever screen is open.
func (u *UI) about() (*About, fyne.CanvasObject) {
	info := aboutInfo()
	a := &About{ui: u}
	a.Version = widget.NewLabel(lang.L("Version {{.Version}}", map[string]any{"Version": info.Version}))
	switch {
	case info.Commit == "":
		a.Commit = widget.NewLabel(lang.L("Commit unknown"))
	case info.Modified:
		a.Commit = widget.NewLabel(lang.L("Commit {{.Commit}}, with changes not committed", map[string]any{"Commit": info.ShortCommit()}))
	default:
		a.Commit = widget.NewLabel(lang.L("Commit {{.Commit}}", map[string]any{"Commit": info.ShortCommit()}))
	}
	a.Commit.TextStyle.Monospace = true
	a.Copy = widget.NewButtonWithIcon(lang.L("Copy version"), theme.ContentCopyIcon(), func() {
		u.App.Clipboard().SetContent(info.String())
	})

	name := widget.NewLabelWithStyle("Passcrow", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	name.SizeName = theme.SizeNameSubHeadingText
	head := fyne.CanvasObject(name)
	// Release builds carry the icon (fyne package puts it in the metadata).
	if res := u.App.Metadata().Icon; res != nil {
		icon := canvas.NewImageFromResource(res)
		icon.FillMode = canvas.ImageFillContain
		icon.SetMinSize(fyne.NewSize(64, 64))
		head = container.NewHBox(icon, container.NewCenter(name))
	}
	return a, container.NewVBox(
		head,
		para(lang.L("Recover encrypted data after a lost password.")),
		a.Version,
		a.Commit,
		container.NewHBox(a.Copy),
		widget.NewHyperlink("passcrow.is", siteURL),
	)
}

// siteURL is Passcrow's web site.
var siteURL, _ = url.Parse("https://passcrow.is")
