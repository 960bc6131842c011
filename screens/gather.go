package screens

import (
	"context"
	"errors"
	"fmt"
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
)

// A GatherLine is one location on the recovery page whose fragment comes
// back through what the user gives: the text typed from a printed sheet
// or a photo of it, a file from a USB stick, a friend's returned mail,
// or a mailbox's password.
type GatherLine struct {
	G      state.Gather
	Icon   *widget.Icon
	Title  *widget.Label
	Text   *widget.Entry  // a sheet's text (multi-line), or nil
	UseIt  *widget.Button // uses Text, or Password
	Open   *widget.Button // opens a file, or nil
	Pass   *widget.Entry  // a mailbox's password, or nil
	Keep   *widget.Check  // keep the password in the keychain (off)
	Status *widget.Label  // what became of the last try
	// Details holds the error behind a failed try.
	Details *ErrorView
	box     *fyne.Container
}

// addGathers adds a line per location the user provides for, and the
// groups' progress for a grouped pack.
func (s *Recovery) addGathers(box *fyne.Container) {
	s.Gathers = map[string]*GatherLine{}
	for _, g := range s.rec.GathersFor(s.ui.State) {
		l := s.newGatherLine(g)
		s.Gathers[g.Prefix] = l
		box.Add(l.box)
	}
}

func (s *Recovery) newGatherLine(g state.Gather) *GatherLine {
	l := &GatherLine{G: g, Icon: widget.NewIcon(theme.DocumentIcon()), Title: para(""), Status: para("")}
	l.Title.TextStyle = fyne.TextStyle{Bold: true}
	var rows []fyne.CanvasObject
	switch g.Kind {
	case state.KindMailbox:
		l.Icon.SetResource(theme.MailComposeIcon())
		l.Title.SetText(lang.L("Password for mailbox {{.User}} at {{.Host}}", map[string]any{"User": g.MailboxUser, "Host": g.MailboxHost}))
		l.Pass = widget.NewPasswordEntry()
		l.Pass.OnSubmitted = func(string) { s.onGather(l, state.GatherInput{Password: l.Pass.Text, KeepPassword: l.Keep.Checked}) }
		l.Keep = widget.NewCheck(lang.L("Keep this password in the keychain"), nil)
		l.UseIt = widget.NewButtonWithIcon(lang.L("Open the mailbox"), theme.LoginIcon(), func() {
			s.onGather(l, state.GatherInput{Password: l.Pass.Text, KeepPassword: l.Keep.Checked})
		})
		if g.Unchosen {
			warn := para(lang.L("You never chose {{.Host}} as a mail server of yours: this pack names it. Type the password only if it is your mailbox's server.", map[string]any{"Host": g.MailboxHost}))
			warn.Importance = widget.DangerImportance
			rows = append(rows, warn)
		}
		rows = append(rows, container.NewBorder(nil, nil, nil, l.UseIt, l.Pass), l.Keep)
	case state.KindFriend:
		l.Icon.SetResource(theme.MailReplyIcon())
		l.Title.SetText(lang.L("Open the mail your friend sent back (.eml) or the attachment"))
		l.Open = widget.NewButtonWithIcon(lang.L("Open a friend's mail…"), theme.FolderOpenIcon(), func() { s.openFile(l) })
		rows = append(rows, container.NewHBox(l.Open))
	case state.KindPaper:
		l.Title.SetText(lang.L("Printed sheet: {{.Hint}}", map[string]any{"Hint": g.Hint}))
		l.Text = widget.NewMultiLineEntry()
		l.Text.SetPlaceHolder(lang.L("Type the text printed on the sheet"))
		l.Text.Wrapping = fyne.TextWrapWord
		l.Text.SetMinRowsVisible(3)
		l.UseIt = widget.NewButtonWithIcon(lang.L("Use this text"), theme.ConfirmIcon(), func() {
			s.onGather(l, state.GatherInput{Text: l.Text.Text})
		})
		l.Open = widget.NewButtonWithIcon(lang.L("Open a photo of the sheet or the file…"), theme.FolderOpenIcon(), func() { s.openFile(l) })
		rows = append(rows, l.Text, container.NewHBox(l.UseIt, l.Open))
	default: // a file on a USB stick, or a kind that takes a file
		l.Icon.SetResource(theme.StorageIcon())
		l.Title.SetText(lang.L("A file: {{.Hint}}", map[string]any{"Hint": g.Hint}))
		l.Open = widget.NewButtonWithIcon(lang.L("Open the file…"), theme.FolderOpenIcon(), func() { s.openFile(l) })
		rows = append(rows, container.NewHBox(l.Open))
	}
	rows = append([]fyne.CanvasObject{container.NewBorder(nil, nil, l.Icon, nil, l.Title)}, rows...)
	l.Details = NewErrorView()
	l.box = container.NewVBox(append(rows, l.Status, l.Details)...)
	return l
}

// openFile asks for a file for l, read in the background.
func (s *Recovery) openFile(l *GatherLine) {
	dialog.ShowFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			s.ui.showError(err)
			return
		}
		if r == nil {
			return
		}
		s.useFile(l, r.URI().Name(), r)
	}, s.ui.Win)
}

// useFile reads at most state.MaxGatherFile of r and gives it to l.
func (s *Recovery) useFile(l *GatherLine, name string, r io.ReadCloser) {
	s.gathering = make(chan struct{})
	done := s.gathering
	go func() {
		b, err := io.ReadAll(io.LimitReader(r, state.MaxGatherFile+1))
		r.Close()
		if err == nil && len(b) > state.MaxGatherFile {
			err = errors.New(lang.L("That file is too big to hold a fragment."))
		}
		if err != nil {
			s.ui.doAndWait(func() { s.gatherFailed(l, err) })
			close(done)
			return
		}
		s.gather(l, state.GatherInput{File: b, FileName: name}, done)
	}()
}

// onGather tries what the user typed for l.
func (s *Recovery) onGather(l *GatherLine, in state.GatherInput) {
	if strings.TrimSpace(in.Text) == "" && in.Password == "" {
		return
	}
	s.gathering = make(chan struct{})
	done := s.gathering
	go s.gather(l, in, done)
}

// gather gives in to l's location off the UI goroutine, then shows how
// it went, and opens the secret once enough fragments are in. The typed
// text stays as typed: a typo is shown where it is, never corrected.
func (s *Recovery) gather(l *GatherLine, in state.GatherInput, done chan struct{}) {
	defer close(done)
	rec := s.rec
	s.ui.doAndWait(func() { l.setBusy(true) })
	ctx, stop := context.WithTimeout(context.Background(), 2*time.Minute)
	defer stop()
	_, err := rec.GatherFrom(ctx, s.ui.State, l.G.Prefix, in)
	var secret []byte
	var wrong []state.Challenge
	var openErr error
	if err == nil && rec.Enough() {
		secret, wrong, openErr = s.open(rec)
	}
	got, need := rec.Progress()
	s.ui.doAndWait(func() {
		l.setBusy(false)
		l.Details.Clear()
		s.updateReceived(got, need)
		if err != nil {
			s.gatherFailed(l, err)
			return
		}
		if l.Pass != nil {
			l.Pass.SetText("")
		}
		l.Status.Importance = widget.SuccessImportance
		if l.G.Kind == state.KindFriend {
			l.Status.SetText(lang.L("A friend's fragment is in."))
		} else {
			l.Status.SetText(lang.L("Received"))
			l.Icon.SetResource(theme.ConfirmIcon())
			l.disable()
		}
		s.afterFragment(secret, wrong, openErr)
	})
}

func (l *GatherLine) setBusy(busy bool) {
	for _, b := range []*widget.Button{l.UseIt, l.Open} {
		if b == nil {
			continue
		}
		if busy {
			b.Disable()
		} else {
			b.Enable()
		}
	}
}

func (l *GatherLine) disable() {
	for _, b := range []*widget.Button{l.UseIt, l.Open} {
		if b != nil {
			b.Disable()
		}
	}
	if l.Text != nil {
		l.Text.Disable()
	}
	if l.Pass != nil {
		l.Pass.Disable()
		l.Keep.Disable()
	}
}

// gatherFailed says why l's input did not work, naming the location;
// a sheet's typos by group and character.
func (s *Recovery) gatherFailed(l *GatherLine, err error) {
	l.Status.Importance = widget.DangerImportance
	l.Icon.SetResource(theme.WarningIcon())
	if places := state.TypoPlaces(err); places != nil {
		l.Status.SetText(typoText(places))
		return
	}
	if errors.Is(err, state.ErrNeedPassword) {
		l.Status.SetText(lang.L("Type the mailbox's password."))
		return
	}
	where := l.G.Hint
	if l.G.Kind == state.KindMailbox {
		where = fmt.Sprintf("%s (%s)", l.G.MailboxUser, l.G.MailboxHost)
	}
	if l.G.Kind == state.KindFriend {
		where = lang.L("your friends' mails")
	}
	l.Status.SetText(plainSentence(lang.L("{{.Where}} did not give its fragment.", map[string]any{"Where": where}), err))
	l.Details.ExplainAs(s.ui, "", err) // Status says it in words
}

// afterFragment shows the secret once it opens, or why it does not yet.
func (s *Recovery) afterFragment(secret []byte, wrong []state.Challenge, openErr error) {
	s.updateGroups()
	for _, w := range wrong {
		if l := s.Lines[w.Prefix]; l != nil {
			l.markProblem(lang.L("Wrong fragment"), false)
		}
		if l := s.Gathers[w.Prefix]; l != nil {
			l.Status.Importance = widget.DangerImportance
			l.Status.SetText(lang.L("Wrong fragment"))
		}
	}
	switch {
	case secret != nil:
		s.secret, s.wrong = secret, wrong
		delete(s.ui.recoveries, s.Name) // its codes are used up
		s.showSecret()
	case len(wrong) > 0:
		s.Problem.Set(lang.L("{{.Where}} sent back a wrong fragment, so the secret cannot be opened yet. Type a code from another place.", map[string]any{"Where": hints(wrong)}), "")
	case errors.Is(openErr, state.ErrNoMatch):
		s.Problem.Set(lang.L("The codes were accepted, but the fragments do not fit together: one of these places sent back a wrong fragment. A code from one more place will tell which."), "")
	case openErr != nil:
		s.Problem.Explain(s.ui, lang.L("Could not open the secret."), openErr)
	}
}

// updateGroups says how far each group of a grouped pack is:
// "servers: 1 of 2 · family: done".
func (s *Recovery) updateGroups() {
	if s.GroupsLabel == nil || s.rec == nil {
		return
	}
	gs := s.rec.Groups()
	if len(gs) == 0 {
		s.GroupsLabel.Hide()
		return
	}
	var parts []string
	for _, g := range gs {
		if g.Have >= g.Need {
			parts = append(parts, lang.L("{{.Group}}: done", map[string]any{"Group": g.Name}))
		} else {
			parts = append(parts, lang.L("{{.Group}}: {{.Have}} of {{.Need}}", map[string]any{"Group": g.Name, "Have": g.Have, "Need": g.Need}))
		}
	}
	s.GroupsLabel.SetText(strings.Join(parts, " · "))
	s.GroupsLabel.Show()
}
