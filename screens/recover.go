package screens

import (
	"context"
	"net/url"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/passcrow/passcrow-desktop/app/state"
)

// ClipboardTimeout is how long a copied secret stays on the clipboard.
var ClipboardTimeout = time.Minute

// Recovery is the wizard that gets a secret back: pick an item, the codes
// are sent, the user types them in any order, and the secret is shown.
type Recovery struct {
	ui   *UI
	Name string
	rec  *state.Recovery

	Items    *widget.RadioGroup
	Import   *widget.Button
	Waiting  *widget.ProgressBarInfinite
	Hints    []*widget.Label
	Code     *widget.Entry
	UseCode  *widget.Button
	Received *widget.Label
	Error    *widget.Label

	Secret *widget.Label
	Copy   *widget.Button
	Save   *widget.Button
	Renew  *widget.Button
	secret []byte

	started chan struct{} // closed when the codes were requested (tests wait on it)
	pending chan struct{} // closed when the last submitted code was checked
}

// ShowRecovery opens the recovery wizard at the item name, or at the
// choice of item when name is "".
func (u *UI) ShowRecovery(name string) {
	s := &Recovery{ui: u, Name: name}
	s.Error = para("")
	s.Error.Importance = widget.DangerImportance
	if name == "" {
		s.showPick()
		return
	}
	s.showCodes()
}

func (s *Recovery) showPick() {
	u := s.ui
	items, err := u.State.Items()
	if err != nil {
		u.showError(err)
	}
	var names []string
	for _, it := range items {
		names = append(names, it.Name)
	}
	s.Items = widget.NewRadioGroup(names, nil)
	s.Import = widget.NewButtonWithIcon(lang.L("Import a pack file…"), theme.FolderOpenIcon(), u.importPack)
	next := widget.NewButtonWithIcon(lang.L("Next"), theme.NavigateNextIcon(), func() {
		if s.Items.Selected == "" {
			s.Error.SetText(lang.L("Choose what to recover."))
			return
		}
		s.Name = s.Items.Selected
		s.showCodes()
	})
	next.Importance = widget.HighImportance
	body := container.NewVBox(para(lang.L("What do you want to recover?")), s.Items, s.Import, s.Error)
	u.show(s, page(lang.L("Recover"), container.NewVScroll(body), widget.NewButton(lang.L("Cancel"), u.ShowOverview), next))
}

func (s *Recovery) showCodes() {
	u := s.ui
	s.Waiting = widget.NewProgressBarInfinite()
	s.Code = widget.NewEntry()
	s.Code.SetPlaceHolder(lang.L("Type a code from your e-mail or phone"))
	s.Code.OnSubmitted = func(string) { s.onCode() }
	s.Code.Disable()
	s.UseCode = widget.NewButtonWithIcon(lang.L("Use code"), theme.ConfirmIcon(), s.onCode)
	s.UseCode.Importance = widget.HighImportance
	s.UseCode.Disable()
	s.Received = widget.NewLabel("")
	hints := container.NewVBox()
	intro := para(lang.L("Asking the servers to send the codes for “{{.Name}}”…", map[string]any{"Name": s.Name}))
	body := container.NewVBox(
		intro,
		s.Waiting,
		hints,
		container.NewBorder(nil, nil, nil, s.UseCode, s.Code),
		s.Received,
		s.Error,
	)
	cancel := widget.NewButton(lang.L("Cancel"), u.ShowOverview)
	u.show(s, page(lang.L("Recover “{{.Name}}”", map[string]any{"Name": s.Name}), container.NewVScroll(body), cancel))

	s.started = make(chan struct{})
	started := s.started
	name := s.Name
	go func() {
		defer close(started)
		ctx, stop := context.WithTimeout(context.Background(), 3*time.Minute)
		defer stop()
		rec, err := u.State.StartRecovery(ctx, name)
		fyne.DoAndWait(func() {
			s.Waiting.Stop()
			s.Waiting.Hide()
			if err != nil {
				s.Error.SetText(lang.L("Could not ask for the codes: {{.Err}}", map[string]any{"Err": lang.L(err.Error())}))
				return
			}
			s.rec = rec
			intro.SetText(lang.L("The codes are on their way. Type them below as they arrive, in any order: the first digit or letter says which is which."))
			for _, c := range rec.Challenges {
				s.addHint(hints, c)
			}
			s.Code.Enable()
			s.UseCode.Enable()
			s.updateReceived(0, rec.Need)
			u.Win.Canvas().Focus(s.Code)
		})
	}()
}

func (s *Recovery) addHint(box *fyne.Container, c state.Challenge) {
	var text string
	if c.Err != nil {
		text = lang.L("Code {{.Prefix}}: the server could not send it ({{.Err}})", map[string]any{"Prefix": c.Prefix, "Err": lang.L(c.Err.Error())})
	} else {
		text = lang.L("Code {{.Prefix}}: sent to {{.Hint}}", map[string]any{"Prefix": c.Prefix, "Hint": c.Hint})
	}
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	s.Hints = append(s.Hints, l)
	if c.ActionURL == "" {
		box.Add(l)
		return
	}
	link, err := url.Parse(c.ActionURL)
	if err != nil {
		box.Add(l)
		return
	}
	open := widget.NewButtonWithIcon(lang.L("Open page"), theme.ComputerIcon(), func() { s.ui.App.OpenURL(link) })
	box.Add(container.NewBorder(nil, nil, nil, open, l))
	// The server asks for a visit (such as a payment or a CAPTCHA) before
	// it sends the code.
	s.ui.App.OpenURL(link)
}

func (s *Recovery) updateReceived(got, need int) {
	s.Received.SetText(lang.L("{{.Got}} of {{.Need}} received", map[string]any{"Got": got, "Need": need}))
}

func (s *Recovery) onCode() {
	code := strings.TrimSpace(s.Code.Text)
	if code == "" || s.rec == nil {
		return
	}
	s.Code.SetText("")
	s.Error.SetText("")
	s.UseCode.Disable()
	s.pending = make(chan struct{})
	pending := s.pending
	rec := s.rec
	go func() {
		defer close(pending)
		ctx, stop := context.WithTimeout(context.Background(), 2*time.Minute)
		defer stop()
		got, need, err := rec.Submit(ctx, code)
		secret, ok := rec.Secret()
		fyne.DoAndWait(func() {
			s.UseCode.Enable()
			s.updateReceived(got, need)
			if err != nil {
				s.Error.SetText(lang.L("That code did not work: {{.Err}}", map[string]any{"Err": lang.L(err.Error())}))
				s.ui.Win.Canvas().Focus(s.Code)
				return
			}
			if ok {
				s.secret = secret
				s.showSecret()
				return
			}
			s.ui.Win.Canvas().Focus(s.Code)
		})
	}()
}

func (s *Recovery) showSecret() {
	u := s.ui
	s.Secret = widget.NewLabel("")
	s.Secret.TextStyle = fyne.TextStyle{Monospace: true}
	s.Secret.Selectable = true
	s.Secret.Wrapping = fyne.TextWrapBreak
	text := utf8.Valid(s.secret) && !strings.ContainsRune(string(s.secret), 0)
	if text {
		s.Secret.SetText(string(s.secret))
	} else {
		s.Secret.SetText(lang.L("{{.Size}} bytes of data: save them to a file.", map[string]any{"Size": len(s.secret)}))
	}
	s.Copy = widget.NewButtonWithIcon(lang.L("Copy"), theme.ContentCopyIcon(), s.onCopy)
	if !text {
		s.Copy.Disable()
	}
	s.Save = widget.NewButtonWithIcon(lang.L("Save to a file…"), theme.DocumentSaveIcon(), s.onSave)
	s.Renew = widget.NewButtonWithIcon(lang.L("Renew with fresh fragments"), theme.ViewRefreshIcon(), func() {
		secret := s.secret
		s.secret = nil
		u.ShowRenew(s.Name, secret)
	})
	done := widget.NewButtonWithIcon(lang.L("Done"), theme.ConfirmIcon(), func() {
		clear(s.secret)
		s.secret = nil
		u.ShowOverview()
	})
	done.Importance = widget.HighImportance
	body := container.NewVBox(
		para(lang.L("Recovered. Here is your secret:")),
		widget.NewCard("", "", s.Secret),
		container.NewHBox(s.Copy, s.Save),
		para(lang.L("Now set a new password where you used this one, and then renew, so the servers keep fresh fragments that no one has seen codes for.")),
	)
	u.show(s, page(lang.L("Recover “{{.Name}}”", map[string]any{"Name": s.Name}), container.NewVScroll(body), s.Renew, done))
	u.Win.Canvas().Focus(s.Copy)
}

// onCopy puts the secret on the clipboard and takes it off again after
// ClipboardTimeout, unless the user copied something else meanwhile.
func (s *Recovery) onCopy() {
	cb := s.ui.App.Clipboard()
	text := string(s.secret)
	cb.SetContent(text)
	time.AfterFunc(ClipboardTimeout, func() {
		fyne.Do(func() {
			if cb.Content() == text {
				cb.SetContent("")
			}
		})
	})
	s.Copy.SetText(lang.L("Copied (cleared in a minute)"))
}

func (s *Recovery) onSave() {
	secret := s.secret
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			s.ui.showError(err)
			return
		}
		if w == nil {
			return
		}
		go func() {
			_, err := w.Write(secret)
			if cerr := w.Close(); err == nil {
				err = cerr
			}
			fyne.Do(func() {
				if err != nil {
					s.ui.showError(err)
					return
				}
				s.Save.SetText(lang.L("Saved"))
			})
		}()
	}, s.ui.Win)
	d.SetFileName(filepath.Base(s.Name))
	d.Show()
}

// importPack asks for a pack file (ours or a reference .passcrow), stores
// it, and starts recovering it.
func (u *UI) importPack() {
	dialog.ShowFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			u.showError(err)
			return
		}
		if r == nil {
			return
		}
		name := strings.TrimSuffix(r.URI().Name(), r.URI().Extension())
		go func() {
			defer r.Close()
			data, err := readLimited(r, 1<<20)
			if err == nil {
				name, err = u.State.Import(data, name)
			}
			fyne.Do(func() {
				if err != nil {
					u.showError(err)
					return
				}
				u.ShowRecovery(name)
			})
		}()
	}, u.Win)
}
