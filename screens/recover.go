package screens

import (
	"context"
	"errors"
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

// afterFunc schedules the clipboard clearing; tests fire it themselves.
var afterFunc = func(d time.Duration, f func()) { time.AfterFunc(d, f) }

// Recovery is the wizard that gets a secret back: pick an item, the codes
// are sent, the user types them in any order, and the secret is shown.
type Recovery struct {
	ui   *UI
	Name string
	rec  *state.Recovery
	// drill, when set, makes this a rehearsal (drill.go): the codes
	// are sent and typed as ever, but the secret is never shown.
	drill *Drill

	Items    *widget.RadioGroup
	Import   *widget.Button
	Servers  *widget.Label // the servers the recovery contacts
	Waiting  *widget.ProgressBarInfinite
	Hints    []*widget.Label
	Lines    map[string]*CodeLine // by code prefix
	Code     *widget.Entry
	UseCode  *widget.Button
	Received *widget.Label
	Error    *widget.Label // the plain sentence of Problem
	// Problem is what went wrong, with the detail behind Details
	// (errview.go); ResendHere sends a new code for the location whose
	// code was just refused, beside the refusal.
	Problem    *ErrorView
	ResendHere *widget.Button
	// UseSent and SendNew answer the question asked when codes sent
	// earlier still work (askBeforeSending).
	UseSent, SendNew *widget.Button
	// Gathers are the locations the user provides for (a sheet, a
	// file, a mailbox; friends' letters under ""), by code prefix.
	Gathers map[string]*GatherLine
	// GroupsLabel says how far each group of a grouped pack is.
	GroupsLabel *widget.Label

	Secret  *widget.Label
	Warning *widget.Label // on the secret's page: a location sent a wrong fragment
	Copy    *widget.Button
	Save    *widget.Button
	Saved   *widget.Label // where the secret was saved
	Renew   *widget.Button
	secret  []byte
	wrong   []state.Challenge

	started chan struct{} // closed when the codes were requested (tests wait on it)
	pending chan struct{} // closed when the last submitted code was checked
	resent  chan struct{} // closed when the last "Send a new code" was answered
	// gathering is closed when the last sheet, file or password given
	// was checked.
	gathering chan struct{}
}

// A CodeLine is one location's row on the codes page: where its code
// went and how it fared, with "Send a new code" when the old one is void.
type CodeLine struct {
	Prefix string
	Icon   *widget.Icon
	Hint   *widget.Label
	Status *widget.Label
	Resend *widget.Button
	// Details holds why the location could not send its code.
	Details *ErrorView
	// Open opens the page the server asked the user to visit (a
	// payment, a CAPTCHA), named by its host; only on a click, and only
	// when state.ActionLink accepts the link.
	Open *widget.Button
}

// ShowRecovery opens the recovery wizard at the item name, or at the
// choice of item when name is "".
func (u *UI) ShowRecovery(name string) { u.showRecovery(name, nil) }

// showRecovery is ShowRecovery, or a drill of name when drill is set.
func (u *UI) showRecovery(name string, drill *Drill) {
	s := &Recovery{ui: u, Name: name, Lines: map[string]*CodeLine{}, drill: drill}
	s.Error = para("")
	s.Error.Importance = widget.DangerImportance
	if name == "" {
		s.showPick()
		return
	}
	s.checkServers()
}

// checkServers asks before codes are requested from a server the user
// never chose (see ServerTrust), then shows the codes page.
func (s *Recovery) checkServers() {
	title := s.title()
	s.ui.checkServers(s.Name, title, s.showCodes)
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
		s.checkServers()
	})
	next.Importance = widget.HighImportance
	body := container.NewVBox(para(lang.L("What do you want to recover?")), s.Items, s.Import, s.Error)
	u.show(s, page(lang.L("Recover"), container.NewVScroll(body), widget.NewButton(lang.L("Cancel"), u.ShowOverview), next))
}

// showCodes asks for the codes, unless codes sent earlier in this
// session still work: asking again would void them, so it asks first.
func (s *Recovery) showCodes(servers []string) {
	if prev := s.ui.recoveries[s.Name]; prev != nil && len(prev.CodesOut(s.ui.State.Now())) > 0 {
		s.askBeforeSending(prev, servers)
		return
	}
	s.showCodesWith(servers, nil)
}

// showCodesWith is the codes page. With prev it goes on with that
// recovery's codes, sending none; else it asks for new ones.
func (s *Recovery) showCodesWith(servers []string, prev *state.Recovery) {
	u := s.ui
	s.Problem = NewErrorView()
	s.Error = s.Problem.Message
	s.ResendHere = widget.NewButtonWithIcon(lang.L("Send a new code"), theme.MailSendIcon(), nil)
	s.ResendHere.Hide()
	s.Servers = para(lang.L("Servers contacted: {{.Servers}}", map[string]any{"Servers": strings.Join(servers, ", ")}))
	s.Servers.TextStyle.Italic = true // LowImportance is the disabled colour, too faint to read
	if len(servers) == 0 {
		s.Servers.Hide()
	}
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
	gathers := container.NewVBox()
	s.GroupsLabel = widget.NewLabel("")
	s.GroupsLabel.TextStyle = fyne.TextStyle{Bold: true}
	s.GroupsLabel.Hide()
	intro := para(lang.L("Asking the servers to send the codes for “{{.Name}}”…", map[string]any{"Name": s.Name}))
	body := container.NewVBox(
		intro,
		s.Servers,
		s.Waiting,
		hints,
		container.NewBorder(nil, nil, nil, s.UseCode, s.Code),
		gathers,
		s.Problem,
		container.NewHBox(s.ResendHere),
		s.Received,
		s.GroupsLabel,
	)
	cancel := widget.NewButton(lang.L("Cancel"), u.ShowOverview)
	u.show(s, page(s.title(), container.NewVScroll(body), cancel))

	s.started = make(chan struct{})
	started := s.started
	name := s.Name
	go func() {
		defer close(started)
		ctx, stop := context.WithTimeout(context.Background(), 3*time.Minute)
		defer stop()
		rec, err := prev, error(nil)
		if prev == nil {
			u.State.OnSpreadWait(func(d time.Duration) { u.do(func() { intro.SetText(waitLabel(d)) }) })
			rec, err = u.State.StartRecovery(ctx, name)
			u.State.OnSpreadWait(nil)
		}
		u.doAndWait(func() {
			s.Waiting.Stop()
			s.Waiting.Hide()
			if err != nil {
				s.Problem.Explain(u, lang.L("Could not ask for the codes."), err)
				return
			}
			s.rec = rec
			if u.recoveries == nil {
				u.recoveries = map[string]*state.Recovery{}
			}
			u.recoveries[name] = rec
			intro.SetText(lang.L("The codes are on their way. Type them below as they arrive, in any order: the first digit or letter says which is which."))
			sent, received := rec.Sent()
			for _, c := range sent {
				s.addHint(hints, c)
				if received[c.Prefix] {
					s.Lines[c.Prefix].markReceived()
				}
			}
			s.Code.Enable()
			s.UseCode.Enable()
			s.addGathers(gathers)
			if len(rec.Challenges) == 0 {
				// Nothing sends a code: only what the user provides.
				s.Code.Hide()
				s.UseCode.Hide()
				intro.SetText(lang.L("Give what each place below asks for, in any order."))
			} else if len(s.Gathers) > 0 {
				intro.SetText(lang.L("The codes are on their way. Type them below as they arrive, in any order, and give what each other place below asks for."))
			}
			got, need := rec.Progress()
			s.updateReceived(got, need)
			s.updateGroups()
			u.Win.Canvas().Focus(s.Code)
		})
	}()
}

func (s *Recovery) addHint(box *fyne.Container, c state.Challenge) {
	l := &CodeLine{Prefix: c.Prefix, Icon: widget.NewIcon(theme.MailSendIcon()), Hint: para(""), Status: widget.NewLabel(""), Details: NewErrorView()}
	l.Status.TextStyle = fyne.TextStyle{Bold: true}
	l.Resend = widget.NewButtonWithIcon(lang.L("Send a new code"), theme.MailSendIcon(), func() { s.onResend(l) })
	l.Resend.Hide()
	l.Open = widget.NewButtonWithIcon("", theme.ComputerIcon(), nil)
	s.Lines[c.Prefix] = l
	s.Hints = append(s.Hints, l.Hint)
	s.setChallenge(l, c, false)
	box.Add(container.NewVBox(container.NewBorder(nil, nil, l.Icon, container.NewHBox(l.Status, l.Resend, l.Open), l.Hint), l.Details))
}

// setChallenge shows where the location sent its code (again, when
// resent). A server may ask for a visit to a page first (a payment, a
// CAPTCHA): its host is shown on a button that opens it, never opened
// without a click, since the link comes from the server; a link
// state.ActionLink refuses is not offered at all.
func (s *Recovery) setChallenge(l *CodeLine, c state.Challenge, again bool) {
	switch {
	case c.Err != nil:
		l.Hint.SetText(lang.L("Code {{.Prefix}}: the server could not send it right now. The other codes may be enough; if not, try again later.", map[string]any{"Prefix": c.Prefix}))
		l.Icon.SetResource(theme.ErrorIcon())
		l.Details.ExplainAs(s.ui, "", c.Err)
	case again:
		l.Details.Clear()
		l.Hint.SetText(lang.L("Code {{.Prefix}}: a new code was sent to {{.Hint}} at {{.Sent}}. It works until {{.Expires}}.", codeTimes(c)))
	default:
		l.Hint.SetText(lang.L("Code {{.Prefix}}: sent to {{.Hint}} at {{.Sent}}. It works until {{.Expires}}.", codeTimes(c)))
	}
	l.Open.Hide()
	l.Open.OnTapped = nil
	if c.ActionURL == "" && !c.LinkRefused {
		return
	}
	link, err := state.ActionLink(c.ActionURL)
	if c.LinkRefused || err != nil {
		l.Hint.SetText(l.Hint.Text + "\n" + lang.L("The server also sent a link to open, which Passcrow does not open: it is not a safe web address."))
		return
	}
	l.Hint.SetText(l.Hint.Text + "\n" + lang.L("The server asks you to visit a page at {{.Host}} first.", map[string]any{"Host": link.Host}))
	l.Open.SetText(lang.L("Open {{.Host}}", map[string]any{"Host": link.Host}))
	l.Open.OnTapped = func() {
		if err := s.ui.App.OpenURL(link); err != nil {
			s.ui.showError(err)
		}
	}
	l.Open.Show()
}

// codeTimes is a challenge's prefix, hint, and when its code was sent
// and stops working, as the clock shows them.
func codeTimes(c state.Challenge) map[string]any {
	return map[string]any{"Prefix": c.Prefix, "Hint": c.Hint, "Sent": clock(c.Sent), "Expires": clock(c.Expires)}
}

// clock is t as the time of day in the user's zone.
func clock(t time.Time) string { return t.Local().Format("15:04") }

// markReceived shows that a location's code was accepted.
func (l *CodeLine) markReceived() {
	l.Icon.SetResource(theme.ConfirmIcon())
	l.Status.SetText(lang.L("Received"))
	l.Status.Importance = widget.SuccessImportance
	l.Status.Refresh()
	l.Resend.Hide()
}

// markProblem shows what is wrong with a location, with the Send a new
// code button when asking again helps.
func (l *CodeLine) markProblem(status string, resend bool) {
	l.Icon.SetResource(theme.WarningIcon())
	l.Status.SetText(status)
	l.Status.Importance = widget.WarningImportance
	l.Status.Refresh()
	if resend {
		l.Resend.Enable()
		l.Resend.Show()
	}
}

func (s *Recovery) onResend(l *CodeLine) {
	l.Resend.Disable()
	s.ResendHere.Disable()
	s.resent = make(chan struct{})
	resent, rec := s.resent, s.rec
	go func() {
		defer close(resent)
		ctx, stop := context.WithTimeout(context.Background(), 2*time.Minute)
		defer stop()
		c, err := rec.ResendCode(ctx, l.Prefix)
		s.ui.doAndWait(func() {
			l.Resend.Enable()
			s.ResendHere.Enable()
			if errors.Is(err, state.ErrTooSoon) {
				s.Problem.Set(lang.L("A code was sent to this place moments ago. Servers send one code a minute: wait a minute, then try again."), "")
				return
			}
			if err != nil {
				s.Problem.Explain(s.ui, lang.L("Could not ask for a new code."), err)
				return
			}
			s.setChallenge(l, c, true)
			l.Icon.SetResource(theme.MailSendIcon())
			l.Status.SetText(lang.L("New code sent"))
			l.Status.Importance = widget.MediumImportance
			l.Status.Refresh()
			l.Resend.Hide()
			s.ResendHere.Hide()
			s.Problem.Clear()
			s.Code.SetText("")
			s.ui.Win.Canvas().Focus(s.Code)
		})
	}()
}

func (s *Recovery) updateReceived(got, need int) {
	s.Received.SetText(lang.L("{{.Got}} of {{.Need}} received", map[string]any{"Got": got, "Need": need}))
}

func (s *Recovery) onCode() {
	code := strings.TrimSpace(s.Code.Text)
	if code == "" || s.rec == nil {
		return
	}
	// The code stays in the entry until it is accepted: if it is not,
	// the user sees what they typed beside the reason.
	s.Problem.Clear()
	s.ResendHere.Hide()
	s.UseCode.Disable()
	s.pending = make(chan struct{})
	pending := s.pending
	rec := s.rec
	go func() {
		defer close(pending)
		ctx, stop := context.WithTimeout(context.Background(), 2*time.Minute)
		defer stop()
		prefix, got, need, err := rec.Submit(ctx, code)
		var secret []byte
		var wrong []state.Challenge
		var openErr error
		if err == nil && rec.Enough() {
			secret, wrong, openErr = s.open(rec)
		}
		s.ui.doAndWait(func() {
			s.UseCode.Enable()
			s.updateReceived(got, need)
			s.ui.Win.Canvas().Focus(s.Code)
			line := s.Lines[prefix]
			if err != nil {
				s.codeFailed(line, code, err)
				return
			}
			s.Code.SetText("")
			if line != nil {
				line.markReceived()
			}
			s.afterFragment(secret, wrong, openErr)
		})
	}()
}

// codeFailed says why the typed code did not work, beside the code,
// which stays in the entry; where a new code helps, "Send a new code"
// is offered right there and on the location's line.
func (s *Recovery) codeFailed(line *CodeLine, code string, err error) {
	msg := codeError(err, code)
	if msg == "" {
		s.Problem.Explain(s.ui, lang.L("That code could not be checked."), err)
	} else {
		s.Problem.Set(msg, "")
	}
	if line == nil || !(errors.Is(err, state.ErrWrongCode) || errors.Is(err, state.ErrCodeVoid)) {
		return
	}
	if errors.Is(err, state.ErrCodeVoid) {
		line.markProblem(lang.L("Needs a new code"), true)
	} else {
		line.markProblem(lang.L("Not accepted"), true)
	}
	s.ResendHere.SetText(lang.L("Send a new code {{.Prefix}}…", map[string]any{"Prefix": line.Prefix}))
	s.ResendHere.OnTapped = func() { s.onResend(line) }
	s.ResendHere.Enable()
	s.ResendHere.Show()
}

// codeError says in plain words why a typed code did not work, or ""
// when the error is not about the code (then the detail is shown).
func codeError(err error, code string) string {
	switch {
	case errors.Is(err, state.ErrWrongCode):
		return lang.L("That code was not accepted. Check it against the newest message; if it still fails, send a new code.")
	case errors.Is(err, state.ErrCodeVoid):
		return lang.L("That code no longer works: it expired, or there were too many wrong tries. Send a new code and type that one.")
	case errors.Is(err, state.ErrNotACode):
		return lang.L("That is not a code. A code is seven characters long, such as 2581947.")
	case errors.Is(err, state.ErrUnknownPrefix):
		first, _ := utf8.DecodeRuneInString(strings.ToUpper(strings.TrimSpace(code)))
		return lang.L("None of this item's codes starts with “{{.First}}”. The first character of a code says which place sent it: check that the code is for this item, and typed from its first character.", map[string]any{"First": string(first)})
	case errors.Is(err, state.ErrAlreadyReceived):
		return lang.L("The code for that place was already received. Type a code from another one.")
	}
	return ""
}

// hints names locations by where their codes went.
func hints(cs []state.Challenge) string {
	var hs []string
	for _, c := range cs {
		hs = append(hs, c.Hint)
	}
	return strings.Join(hs, ", ")
}

func (s *Recovery) showSecret() {
	if s.drill != nil {
		s.drill.passed(s)
		return
	}
	u := s.ui
	s.Secret = widget.NewLabel("")
	s.Secret.TextStyle = fyne.TextStyle{Monospace: true}
	s.Secret.Selectable = true
	s.Secret.Wrapping = fyne.TextWrapBreak
	text := utf8.Valid(s.secret) && !strings.ContainsRune(string(s.secret), 0)
	if text {
		s.Secret.SetText(string(s.secret))
	} else {
		s.Secret.SetText(lang.L("Your secret is {{.What}}, not text: save it to a file.", map[string]any{"What": secretWords(s.secret)}))
	}
	s.Copy = widget.NewButtonWithIcon(lang.L("Copy"), theme.ContentCopyIcon(), s.onCopy)
	if !text {
		s.Copy.Disable()
	}
	s.Save = widget.NewButtonWithIcon(lang.L("Save to a file…"), theme.DocumentSaveIcon(), s.onSave)
	s.Saved = para("")
	s.Saved.Importance = widget.SuccessImportance
	s.Saved.Hide()
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
	s.Warning = para("")
	s.Warning.Importance = widget.WarningImportance
	if len(s.wrong) > 0 {
		s.Warning.SetText(lang.L("{{.Where}} sent back a wrong fragment. Your secret was recovered with the others; renew to replace it.", map[string]any{"Where": hints(s.wrong)}))
	} else {
		s.Warning.Hide()
	}
	body := container.NewVBox(
		para(lang.L("Recovered. Here is your secret:")),
		widget.NewCard("", "", s.Secret),
		s.Warning,
		container.NewHBox(s.Copy, s.Save),
		s.Saved,
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
	afterFunc(ClipboardTimeout, func() {
		s.ui.do(func() {
			if cb.Content() == text {
				cb.SetContent("")
			}
		})
	})
	s.Copy.SetText(lang.L("Copied (cleared in a minute)"))
}

// onSave saves the secret to a file only the user can read.
func (s *Recovery) onSave() {
	s.ui.saveFile(lang.L("Save the secret"), s.Name, s.secret, func(path string) {
		s.Saved.SetText(lang.L("Saved to {{.Path}}", map[string]any{"Path": path}))
		s.Saved.Show()
		s.Save.SetText(lang.L("Saved"))
	})
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
			u.do(func() {
				if err != nil {
					u.showImportError(err) // stale.go
					return
				}
				u.ShowRecovery(name)
			})
		}()
	}, u.Win)
}

// secretWords says what a secret is, for the review and the recovered
// secret's page: text by its length in characters, anything else as a
// file by its size (docs/GLOSSARY.md: not "28 bytes").
func secretWords(secret []byte) string {
	if utf8.Valid(secret) && !strings.ContainsRune(string(secret), 0) {
		return lang.L("a password or phrase of {{.N}} characters", map[string]any{"N": utf8.RuneCount(secret)})
	}
	if len(secret) < 1024 {
		return lang.L("a file of {{.N}} bytes", map[string]any{"N": len(secret)})
	}
	return lang.L("a file of {{.N}} KB", map[string]any{"N": (len(secret) + 512) / 1024})
}
