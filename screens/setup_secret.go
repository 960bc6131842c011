package screens

import (
	"errors"
	"io"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
)

// The setup wizard's first step: what to protect, typed or from a file.

func (s *Setup) onChooseFile() {
	dialog.ShowFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			s.ui.showError(err)
			return
		}
		if r == nil {
			return
		}
		go func() {
			defer r.Close()
			b, err := io.ReadAll(io.LimitReader(r, maxSecretFile+1))
			s.ui.do(func() {
				switch {
				case err != nil:
					s.ui.showError(err)
				case len(b) > maxSecretFile:
					s.ui.showError(errors.New(lang.L("That file is too big: a secret file can be at most 64 KiB.")))
				default:
					s.SetSecretFile(r.URI().Name(), b)
				}
			})
		}()
	}, s.ui.Win)
}

// maxSecretFile is the largest file protected whole: keys and key files
// are small, and the pack (with the encrypted secret) must fit a keychain.
const maxSecretFile = 64 << 10

// SetSecretFile takes the secret from a file's contents.
func (s *Setup) SetSecretFile(name string, data []byte) {
	s.fileSecret = data
	s.Secret.SetText("")
	s.Again.SetText("")
	s.FileLabel.SetText(lang.L("File: {{.Name}} ({{.Size}} bytes)", map[string]any{"Name": name, "Size": len(data)}))
	if s.Name.Text == "" {
		s.Name.SetText(name)
	}
}

// checkSecret is what is wrong with the first step, or "". A typed
// secret must be typed twice alike: a typo in it could never be fixed,
// since nobody could recover the secret that was meant.
func (s *Setup) checkSecret() string {
	name := strings.TrimSpace(s.Name.Text)
	var taken bool
	var err error
	if s.Plan.Replace == "" && name != "" {
		taken, err = s.ui.State.HasItem(name)
	}
	switch {
	case name == "":
		return lang.L("Give it a name, so you know later what it is.")
	case err != nil:
		return lang.L("Could not look at what is already protected.") + " " + plainReason(err)
	case taken:
		return lang.L("Something with that name is already protected.")
	case s.Secret.Text == "" && s.fileSecret == nil:
		return lang.L("Type the secret, or choose a file.")
	case s.Secret.Text != "" && s.Again.Text == "":
		return lang.L("Type the secret a second time, below the first, to be sure it has no typo.")
	case s.Secret.Text != s.Again.Text && s.Secret.Text != "":
		return lang.L("The two secrets you typed are not the same. Type it again in both fields.")
	}
	return ""
}

// revalidate checks the first step again as the user types, once it
// has shown an error: the error goes as soon as its cause does, or
// changes to what is still wrong.
func (s *Setup) revalidate() {
	if s.Step != stepSecret || s.Error == nil || s.Error.Text == "" {
		return
	}
	s.Error.SetText(s.checkSecret())
}
