package screens

import (
	"errors"
	"io"

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
	s.FileLabel.SetText(lang.L("File: {{.Name}} ({{.Size}} bytes)", map[string]any{"Name": name, "Size": len(data)}))
	if s.Name.Text == "" {
		s.Name.SetText(name)
	}
}
