package screens

import (
	"context"
	"errors"
	"io"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/passcrow/passcrow-desktop/app/state"
	"github.com/passcrow/passcrow-desktop/recovery/heir"
)

// SheetClaim is an heir's recovery from an inheritance sheet on a fresh
// install: the sheet's key (typed, pasted, or a photo of its QR code),
// a code mailed to the heir, the waiting period during which the owner
// can stop it, and then the normal recovery of the owner's pack.
type SheetClaim struct {
	ui    *UI
	claim *state.HeirClaim

	Key     *widget.Entry // the sheet's key
	Photo   *widget.Button
	Next    *widget.Button
	Code    *widget.Entry
	UseCode *widget.Button
	Info    *widget.Label
	Error   *widget.Label // the sentence of Problem
	Problem *ErrorView

	done chan struct{} // closed when the last step finished (tests)
}

// ShowSheetClaim opens the heir's recovery, where it was left when a
// claim is kept.
func (u *UI) ShowSheetClaim() {
	s := &SheetClaim{ui: u}
	s.Info = para("")
	s.Error = para("")
	s.Error.Importance = widget.DangerImportance
	s.Problem = wrapErrorLabel(s.Error)
	if h, err := u.State.KeptClaim(); err != nil {
		s.Error.SetText(errText(err))
	} else if h != nil {
		s.claim = h
		s.showCode()
		s.begin()
		return
	}
	s.Key = widget.NewMultiLineEntry()
	s.Key.Wrapping = fyne.TextWrapWord
	s.Key.SetPlaceHolder(lang.L("The key printed on the sheet: the server, a colon, then groups of four characters"))
	s.Photo = widget.NewButtonWithIcon(lang.L("Open a photo of the sheet's QR code…"), theme.FolderOpenIcon(), s.openPhoto)
	s.Next = widget.NewButtonWithIcon(lang.L("Next"), theme.NavigateNextIcon(), func() { s.onKey(s.Key.Text) })
	s.Next.Importance = widget.HighImportance
	body := container.NewVBox(
		para(lang.L("Someone left you a recovery sheet. Type or paste the key printed on it, or open a photo of its QR code. A code will be mailed to you; after a waiting period you get what the sheet's owner left for you.")),
		s.Key, container.NewHBox(s.Photo), s.Problem,
	)
	u.show(s, page(lang.L("I have a recovery sheet"), container.NewVScroll(body), widget.NewButton(lang.L("Cancel"), u.Start), s.Next))
	u.Win.Canvas().Focus(s.Key)
}

func (s *SheetClaim) openPhoto() {
	dialog.ShowFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			s.ui.showError(err)
			return
		}
		if r != nil {
			s.usePhoto(r)
		}
	}, s.ui.Win)
}

// usePhoto reads the sheet's key from a photo of its QR code.
func (s *SheetClaim) usePhoto(r io.ReadCloser) {
	s.done = make(chan struct{})
	done := s.done
	go func() {
		defer close(done)
		text, err := state.ReadQR(r)
		s.ui.doAndWait(func() {
			if err != nil {
				s.Problem.ExplainAs(s.ui, lang.L("Could not read a QR code in that picture. Try a sharper photo, or type the key."), err)
				return
			}
			s.Key.SetText(text)
			s.onKey(text)
		})
	}()
}

// onKey checks the sheet's key, then asks for a code.
func (s *SheetClaim) onKey(text string) {
	h, err := s.ui.State.StartClaim(text)
	if err != nil {
		if places := state.TypoPlaces(err); places != nil {
			s.Problem.Set(typoText(places), "")
		} else {
			s.Problem.Set(errText(err), "") // the key as typed: plain words
		}
		return
	}
	s.claim = h
	s.showCode()
	s.begin()
}

func (s *SheetClaim) showCode() {
	u := s.ui
	s.Code = widget.NewEntry()
	s.Code.SetPlaceHolder(lang.L("Type the code from your e-mail"))
	s.Code.OnSubmitted = func(string) { s.onCode() }
	s.UseCode = widget.NewButtonWithIcon(lang.L("Use code"), theme.ConfirmIcon(), s.onCode)
	s.UseCode.Importance = widget.HighImportance
	s.Code.Disable()
	s.UseCode.Disable()
	s.Info.SetText(lang.L("Asking {{.Server}} to send you a code…", map[string]any{"Server": s.claim.Server}))
	again := widget.NewButtonWithIcon(lang.L("Send a new code"), theme.MailSendIcon(), s.begin)
	body := container.NewVBox(s.Info, container.NewBorder(nil, nil, nil, s.UseCode, s.Code), again, s.Problem)
	u.show(s, page(lang.L("I have a recovery sheet"), container.NewVScroll(body), widget.NewButton(lang.L("Close"), u.Start)))
}

// begin has the server mail the code, or says when the wait ends.
func (s *SheetClaim) begin() {
	s.done = make(chan struct{})
	done, h := s.done, s.claim
	go func() {
		defer close(done)
		ctx, stop := context.WithTimeout(context.Background(), 2*time.Minute)
		defer stop()
		hint, err := h.Begin(ctx)
		s.ui.doAndWait(func() {
			if err != nil {
				s.claimError(err)
				return
			}
			s.Problem.Clear()
			s.Info.SetText(lang.L("A code was sent to {{.Hint}}. Type it here.", map[string]any{"Hint": hint}))
			s.Code.Enable()
			s.UseCode.Enable()
			s.ui.Win.Canvas().Focus(s.Code)
		})
	}()
}

func (s *SheetClaim) onCode() {
	code := strings.TrimSpace(s.Code.Text)
	if code == "" {
		return
	}
	s.UseCode.Disable()
	s.done = make(chan struct{})
	done, h := s.done, s.claim
	go func() {
		defer close(done)
		ctx, stop := context.WithTimeout(context.Background(), 2*time.Minute)
		defer stop()
		name, err := h.Claim(ctx, code)
		s.ui.doAndWait(func() {
			s.UseCode.Enable()
			if err != nil {
				s.claimError(err)
				return
			}
			s.ui.State.SetWelcomed()
			s.ui.ShowRecovery(name)
		})
	}()
}

// claimError says what went wrong; the wait is said as a date in words.
func (s *SheetClaim) claimError(err error) {
	if pe, ok := errors.AsType[*heir.ReleasePendingError](err); ok {
		s.Code.SetText("")
		s.Code.Disable()
		s.UseCode.Disable()
		s.Problem.Clear()
		s.Info.SetText(lang.L("You can finish on {{.Date}}. The owner has been told and can stop this. Come back then: Passcrow keeps the sheet's key in the keychain until you finish.", map[string]any{"Date": dateWords(pe.Until)}))
		return
	}
	if errors.Is(err, state.ErrWrongCode) {
		s.Problem.Set(lang.L("That code was not accepted. Check it, or ask for a new one."), "")
		return
	}
	s.Problem.Explain(s.ui, "", err)
}

// typoText says where a typed key's typos are.
func typoText(places [][2]int) string {
	var ps []string
	for _, p := range places {
		ps = append(ps, lang.L("group {{.Group}}, character {{.Nth}}", map[string]any{"Group": p[0], "Nth": p[1]}))
	}
	return lang.L("The text has a typo at: {{.Places}}. Compare it with the sheet and correct it.", map[string]any{"Places": strings.Join(ps, "; ")})
}

// dateWords is a date as people write it: "16 December 2026".
func dateWords(t time.Time) string {
	t = t.Local()
	months := []string{lang.L("January"), lang.L("February"), lang.L("March"), lang.L("April"), lang.L("May"), lang.L("June"),
		lang.L("July"), lang.L("August"), lang.L("September"), lang.L("October"), lang.L("November"), lang.L("December")}
	return lang.L("{{.Day}} {{.Month}} {{.Year}}", map[string]any{"Day": t.Day(), "Month": months[t.Month()-1], "Year": t.Year()})
}
