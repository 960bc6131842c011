package screens

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
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

// The setup wizard's steps, in order.
const (
	stepSecret = iota
	stepIdentities
	stepPolicy
	stepServers
	stepReview
	stepProgress
	stepDone
)

// Setup is the wizard that protects a secret: what, who, how many, where,
// review, progress, done. It also renews and changes the policy of an
// item (Plan.Replace set), and then switches packs only after every new
// escrow succeeded.
type Setup struct {
	ui   *UI
	Plan state.Plan
	Step int

	// what to protect
	Name       *widget.Entry
	Secret     *widget.Entry
	FileLabel  *widget.Label
	ChooseFile *widget.Button
	fileSecret []byte

	// identities
	Identity      *widget.Entry
	AddIdentity   *widget.Button
	IdentityError *widget.Label
	identityList  *fyne.Container

	// policy
	Policy  *widget.RadioGroup
	N       *widget.Select
	Explain *widget.Label

	// servers
	ServerChecks map[string]*widget.Check
	ServerInfo   map[string]*widget.Label
	policies     map[string]state.ServerPolicy
	fetched      map[string]chan struct{} // closed when a server's policy is shown
	NewServer    *widget.Entry
	Warning      *widget.Label
	serverList   *fyne.Container

	// review, progress, done
	Review   *widget.Label
	Bars     []*widget.ProgressBar
	Stages   []*widget.Label
	Warnings []*widget.Label // per location, shown when it keeps the fragment for less time
	Cancel   *widget.Button
	Finished *widget.Label
	cancel   context.CancelFunc
	done     chan struct{} // closed when the last Protect returned (tests wait on it)

	Back, Next *widget.Button
	Error      *widget.Label
	renewing   bool
}

// ShowSetup opens the setup wizard, prefilled from p (empty for a new item).
func (u *UI) ShowSetup(p state.Plan) {
	s := &Setup{ui: u, Plan: p, ServerChecks: map[string]*widget.Check{}, ServerInfo: map[string]*widget.Label{}, policies: map[string]state.ServerPolicy{}, fetched: map[string]chan struct{}{}}
	s.Back = widget.NewButtonWithIcon(lang.L("Back"), theme.NavigateBackIcon(), s.onBack)
	s.Next = widget.NewButtonWithIcon(lang.L("Next"), theme.NavigateNextIcon(), s.onNext)
	s.Next.Importance = widget.HighImportance
	s.Next.IconPlacement = widget.ButtonIconTrailingText
	s.Error = widget.NewLabel("")
	s.Error.Importance = widget.DangerImportance
	s.Error.Wrapping = fyne.TextWrapWord
	s.build()
	s.showStep(stepSecret)
}

func (s *Setup) build() {
	p := s.Plan
	s.Name = widget.NewEntry()
	s.Name.SetPlaceHolder(lang.L("For example: My password manager"))
	s.Name.SetText(p.Name)
	s.Name.OnSubmitted = func(string) { s.onNext() }
	if p.Replace != "" {
		s.Name.Disable()
	}
	s.Secret = widget.NewPasswordEntry()
	s.Secret.SetPlaceHolder(lang.L("Type or paste the password or key"))
	s.Secret.OnSubmitted = func(string) { s.onNext() }
	s.FileLabel = widget.NewLabel("")
	s.ChooseFile = widget.NewButtonWithIcon(lang.L("Choose a file…"), theme.FileIcon(), s.onChooseFile)

	s.Identity = widget.NewEntry()
	s.Identity.SetPlaceHolder(lang.L("name@example.org or +354 555 1234"))
	s.Identity.OnSubmitted = func(string) { s.onAddIdentity() }
	s.AddIdentity = widget.NewButtonWithIcon(lang.L("Add"), theme.ContentAddIcon(), s.onAddIdentity)
	s.IdentityError = widget.NewLabel("")
	s.IdentityError.Importance = widget.DangerImportance
	s.identityList = container.NewVBox()

	s.Policy = widget.NewRadioGroup([]string{lang.L("All of them"), lang.L("Any one of them"), lang.L("Some of them")}, func(string) { s.onPolicy() })
	s.Policy.Required = true
	s.N = widget.NewSelect(nil, func(string) { s.onPolicy() })
	s.Explain = para("")

	s.NewServer = widget.NewEntry()
	s.NewServer.SetPlaceHolder("https://passcrow.example.org")
	s.NewServer.OnSubmitted = func(string) { s.onAddServer() }
	s.Warning = para("")
	s.Warning.Importance = widget.WarningImportance
	s.serverList = container.NewVBox()

	s.Review = para("")
	s.Finished = para("")
}

func (s *Setup) title() string {
	if s.renewing {
		return lang.L("Renew “{{.Name}}”", map[string]any{"Name": s.Plan.Replace})
	}
	if s.Plan.Replace != "" {
		return lang.L("Change how “{{.Name}}” is protected", map[string]any{"Name": s.Plan.Replace})
	}
	return lang.L("Protect something")
}

func (s *Setup) showStep(step int) {
	s.Step = step
	s.Error.SetText("")
	s.Back.Enable()
	s.Next.SetText(lang.L("Next"))
	s.Next.Enable()
	var body fyne.CanvasObject
	var focus fyne.Focusable
	var buttons []fyne.CanvasObject
	stepOf := func(n int) string {
		return lang.L("Step {{.N}} of {{.Of}}", map[string]any{"N": n, "Of": 5})
	}
	switch step {
	case stepSecret:
		s.Back.Disable()
		body = container.NewVBox(
			widget.NewLabel(stepOf(1)),
			para(lang.L("What do you want to be able to recover? Passcrow keeps it encrypted; the key to it is split among the servers.")),
			widget.NewForm(
				widget.NewFormItem(lang.L("Name"), s.Name),
				widget.NewFormItem(lang.L("Secret"), s.Secret),
			),
			container.NewHBox(s.ChooseFile, s.FileLabel),
		)
		focus = s.Name
		if s.Plan.Replace != "" {
			focus = s.Secret
		}
	case stepIdentities:
		s.refreshIdentities()
		body = container.NewVBox(
			widget.NewLabel(stepOf(2)),
			para(lang.L("Where should the recovery codes be sent? Add the e-mail addresses and phone numbers you will still have if you lose the password. Each gets one fragment of the key.")),
			container.NewBorder(nil, nil, nil, s.AddIdentity, s.Identity),
			s.IdentityError,
			s.identityList,
		)
		focus = s.Identity
	case stepPolicy:
		s.preparePolicy()
		body = container.NewVBox(
			widget.NewLabel(stepOf(3)),
			para(lang.L("How many codes should recovery need?")),
			s.Policy,
			container.NewHBox(widget.NewLabel(lang.L("Codes needed:")), s.N),
			s.Explain,
		)
		focus = nil // a RadioGroup takes focus per option, by Tab
	case stepServers:
		s.prepareServers()
		add := widget.NewButtonWithIcon(lang.L("Add server"), theme.ContentAddIcon(), s.onAddServer)
		body = container.NewVBox(
			widget.NewLabel(stepOf(4)),
			para(lang.L("Which servers should keep the fragments? Servers in different countries, run by different people, are safest.")),
			s.serverList,
			container.NewBorder(nil, nil, nil, add, s.NewServer),
			s.Warning,
		)
	case stepReview:
		s.Review.SetText(s.reviewText())
		body = container.NewVBox(widget.NewLabel(stepOf(5)), s.Review)
		s.Next.SetText(lang.L("Protect"))
		focus = s.Next
	case stepProgress:
		body, buttons = s.progressBody(), []fyne.CanvasObject{s.Cancel}
		focus = s.Cancel
		s.startProtect()
	case stepDone:
		s.Finished.SetText(lang.L("Done. “{{.Name}}” is protected.", map[string]any{"Name": s.Plan.Name}) + "\n\n" +
			lang.L("Also make a hard copy: export the recovery pack and keep it on paper or a USB stick somewhere safe. Without the pack, the codes alone cannot recover anything."))
		ok := widget.NewButtonWithIcon(lang.L("Done"), theme.ConfirmIcon(), s.ui.ShowOverview)
		ok.Importance = widget.HighImportance
		export := widget.NewButtonWithIcon(lang.L("Save the pack to a file…"), theme.DocumentSaveIcon(), func() { s.ui.exportPack(s.Plan.Name) })
		body, buttons = s.Finished, []fyne.CanvasObject{export, ok}
		focus = ok
	}
	if buttons == nil {
		cancel := widget.NewButton(lang.L("Cancel"), s.ui.ShowOverview)
		buttons = []fyne.CanvasObject{cancel, s.Back, s.Next}
	}
	s.ui.show(s, page(s.title(), container.NewVScroll(container.NewVBox(body, s.Error)), buttons...))
	if focus != nil {
		s.ui.Win.Canvas().Focus(focus)
	}
}

func (s *Setup) onBack() {
	if s.Step > stepSecret && s.Step <= stepReview {
		s.showStep(s.Step - 1)
	}
}

// onNext checks the step and moves on; Enter in a step's entry does the same.
func (s *Setup) onNext() {
	switch s.Step {
	case stepSecret:
		s.Plan.Name = strings.TrimSpace(s.Name.Text)
		switch {
		case s.Plan.Name == "":
			s.Error.SetText(lang.L("Give it a name, so you know later what it is."))
			return
		case s.Plan.Replace == "" && s.ui.State.HasItem(s.Plan.Name):
			s.Error.SetText(lang.L("Something with that name is already protected."))
			return
		case s.Secret.Text == "" && s.fileSecret == nil:
			s.Error.SetText(lang.L("Type the secret, or choose a file."))
			return
		}
		if s.Secret.Text != "" {
			s.Plan.Secret = []byte(s.Secret.Text)
		} else {
			s.Plan.Secret = s.fileSecret
		}
	case stepIdentities:
		if strings.TrimSpace(s.Identity.Text) != "" {
			if !s.addIdentity() {
				return
			}
		}
		if len(s.Plan.Identities) == 0 {
			s.Error.SetText(lang.L("Add at least one e-mail address or phone number."))
			return
		}
	case stepServers:
		s.Plan.Servers = s.chosenServers()
		if len(s.Plan.Servers) == 0 {
			s.Error.SetText(lang.L("Choose at least one server."))
			return
		}
	case stepReview:
		if err := s.Plan.Check(); err != nil {
			s.Error.SetText(lang.L(err.Error()))
			return
		}
	}
	s.showStep(s.Step + 1)
}

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

func (s *Setup) onAddIdentity() {
	if s.addIdentity() {
		s.ui.Win.Canvas().Focus(s.Identity)
	}
}

func (s *Setup) addIdentity() bool {
	id, err := state.ParseIdentity(s.Identity.Text)
	if err != nil {
		s.IdentityError.SetText(lang.L("“{{.Text}}” is not an e-mail address or an international phone number (+ country code).", map[string]any{"Text": strings.TrimSpace(s.Identity.Text)}))
		return false
	}
	s.IdentityError.SetText("")
	if !slices.Contains(s.Plan.Identities, id) {
		s.Plan.Identities = append(s.Plan.Identities, id)
	}
	s.Identity.SetText("")
	s.refreshIdentities()
	return true
}

func (s *Setup) refreshIdentities() {
	s.identityList.RemoveAll()
	for _, id := range s.Plan.Identities {
		kind, addr, _ := strings.Cut(id, ":")
		icon := theme.MailComposeIcon()
		if kind == state.KindSMS {
			icon = theme.AccountIcon()
		}
		remove := widget.NewButtonWithIcon("", theme.DeleteIcon(), func() {
			s.Plan.Identities = slices.DeleteFunc(s.Plan.Identities, func(x string) bool { return x == id })
			s.refreshIdentities()
		})
		s.identityList.Add(container.NewBorder(nil, nil, widget.NewIcon(icon), remove, widget.NewLabel(addr)))
	}
}

var policyChoices = []state.PolicyKind{state.PolicyAll, state.PolicyAnyOne, state.PolicyNofM}

func (s *Setup) preparePolicy() {
	m := len(s.Plan.Identities)
	var opts []string
	for i := 1; i <= m; i++ {
		opts = append(opts, fmt.Sprint(i))
	}
	s.N.Options = opts
	if s.Plan.Policy == state.PolicyAll && s.Plan.N == 0 && m >= 3 {
		// A sensible default for three or more: a majority.
		s.Plan.Policy, s.Plan.N = state.PolicyNofM, m/2+1
	}
	s.Policy.SetSelected(s.Policy.Options[slices.Index(policyChoices, s.Plan.Policy)])
	s.onPolicy()
}

func (s *Setup) onPolicy() {
	if s.Policy == nil || s.N == nil || s.Explain == nil {
		return
	}
	if i := slices.Index(s.Policy.Options, s.Policy.Selected); i >= 0 {
		s.Plan.Policy = policyChoices[i]
	}
	if s.Plan.Policy == state.PolicyNofM {
		if n := slices.Index(s.N.Options, s.N.Selected) + 1; n > 0 {
			s.Plan.N = n
		}
		s.N.Enable()
	} else {
		s.N.Disable()
	}
	need := s.Plan.Threshold()
	if s.N.Selected != fmt.Sprint(need) && need > 0 {
		s.N.SetSelected(fmt.Sprint(need))
	}
	m := len(s.Plan.Identities)
	var why string
	switch {
	case need == m && m > 1:
		why = lang.L("Safest against strangers, easiest to lose: if you lose access to even one of these, you cannot recover.")
	case need == 1 && m > 1:
		why = lang.L("Easiest to recover, weakest against strangers: anyone who gets into just one of these can recover your secret.")
	case need == 1:
		why = lang.L("With one address or number, recovery needs its code, and whoever can read it can recover.")
	default:
		why = lang.L("A balance: you can lose access to {{.Spare}} and still recover, and someone would have to get into {{.Need}} of them to recover without you.", map[string]any{"Spare": m - need, "Need": need})
	}
	s.Explain.SetText(lang.L("Recovery will need {{.Need}} of {{.Total}} codes.", map[string]any{"Need": need, "Total": m}) + " " + why)
}

// serverCandidates are the servers offered: those the plan has, the
// configured and known public ones, and the demo server when it runs.
func (s *Setup) serverCandidates() []string {
	var out []string
	add := func(urls ...string) {
		for _, u := range urls {
			if !slices.Contains(out, u) {
				out = append(out, u)
			}
		}
	}
	add(s.Plan.Servers...)
	if d := s.ui.State.Demo(); d != nil {
		add(d.URL)
	}
	add(s.ui.State.Servers()...)
	add(s.ui.KnownServers...)
	return out
}

func (s *Setup) prepareServers() {
	chosen := s.Plan.Servers
	if len(chosen) == 0 {
		chosen = s.ui.State.Servers()
		if d := s.ui.State.Demo(); d != nil && len(chosen) == 0 {
			chosen = []string{d.URL}
		}
	}
	for _, url := range s.serverCandidates() {
		s.addServerRow(url, slices.Contains(chosen, url))
	}
	s.updateWarning()
}

func (s *Setup) addServerRow(url string, checked bool) {
	if _, ok := s.ServerChecks[url]; ok {
		return
	}
	label := url
	if d := s.ui.State.Demo(); d != nil && d.URL == url {
		label = lang.L("Local demo server ({{.URL}})", map[string]any{"URL": url})
	}
	check := widget.NewCheck(label, func(bool) { s.updateWarning() })
	check.SetChecked(checked)
	info := widget.NewLabel(lang.L("Checking the server…"))
	busy := widget.NewActivity()
	busy.Start()
	s.ServerChecks[url] = check
	s.ServerInfo[url] = info
	s.serverList.Add(container.NewVBox(check, container.NewHBox(busy, info)))
	fetched := make(chan struct{})
	s.fetched[url] = fetched
	go func() {
		defer close(fetched)
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		pol, err := s.ui.State.FetchPolicy(ctx, url)
		s.ui.doAndWait(func() {
			busy.Stop()
			busy.Hide()
			if err != nil {
				info.SetText(lang.L("Could not reach this server: {{.Err}}", map[string]any{"Err": err.Error()}))
				info.Importance = widget.DangerImportance
				info.Refresh()
				return
			}
			s.policies[url] = pol
			info.SetText(describePolicy(pol))
		})
	}()
}

// describePolicy is a server's policy in one line.
func describePolicy(p state.ServerPolicy) string {
	country := p.Country
	if country == "" || country == "--" {
		country = lang.L("no country given")
	}
	return lang.L("Country: {{.Country}} · sends codes by: {{.Kinds}} · keeps fragments up to {{.Days}} days · payment: {{.Payment}}", map[string]any{
		"Country": country,
		"Kinds":   strings.Join(p.Kinds, ", "),
		"Days":    int(p.MaxExpiry.Hours() / 24),
		"Payment": lang.L(p.Payment),
	})
}

func (s *Setup) onAddServer() {
	url := strings.TrimRight(strings.TrimSpace(s.NewServer.Text), "/")
	if !strings.HasPrefix(url, "https://") && !strings.HasPrefix(url, "http://127.0.0.1:") && !strings.HasPrefix(url, "http://localhost:") {
		s.Error.SetText(lang.L("A server address starts with https://"))
		return
	}
	s.Error.SetText("")
	s.NewServer.SetText("")
	s.addServerRow(url, true)
	s.ui.State.SetServers(appendNew(s.ui.State.Servers(), url))
	s.updateWarning()
}

func appendNew(list []string, v string) []string {
	if slices.Contains(list, v) {
		return list
	}
	return append(list, v)
}

func (s *Setup) chosenServers() []string {
	var out []string
	for _, url := range s.serverCandidates() {
		if c, ok := s.ServerChecks[url]; ok && c.Checked {
			out = append(out, url)
		}
	}
	// Servers added in this step are not candidates until saved.
	for url, c := range s.ServerChecks {
		if c.Checked && !slices.Contains(out, url) {
			out = append(out, url)
		}
	}
	return out
}

func (s *Setup) updateWarning() {
	if s.Warning == nil {
		return
	}
	s.updateWarningFor(s.chosenServers())
}

func (s *Setup) updateWarningFor(servers []string) {
	p := s.Plan
	p.Servers = servers
	if srv := p.Concentrated(); srv != "" && len(p.Identities) > 0 {
		s.Warning.SetText(lang.L("Warning: {{.Server}} alone would hold enough fragments to recover your secret. Whoever runs it, or breaks into it, would only need access to your codes there. Choose more servers, or need more codes.", map[string]any{"Server": srv}))
		s.Warning.Show()
		return
	}
	s.Warning.Hide()
}

func (s *Setup) reviewText() string {
	p := s.Plan
	var b strings.Builder
	b.WriteString(lang.L("Name: {{.Name}}", map[string]any{"Name": p.Name}) + "\n")
	b.WriteString(lang.L("Secret: {{.Size}} bytes, kept encrypted", map[string]any{"Size": len(p.Secret)}) + "\n")
	b.WriteString(lang.L("Recovery will need {{.Need}} of {{.Total}} codes.", map[string]any{"Need": p.Threshold(), "Total": len(p.Identities)}) + "\n\n")
	for _, a := range p.Assignments() {
		_, addr, _ := strings.Cut(a.Identity, ":")
		b.WriteString("• " + lang.L("{{.Address}} via {{.Server}}", map[string]any{"Address": addr, "Server": a.Server}) + "\n")
	}
	if srv := p.Concentrated(); srv != "" && p.Threshold() > 1 {
		b.WriteString("\n" + lang.L("Warning: {{.Server}} alone would hold enough fragments to recover your secret. Whoever runs it, or breaks into it, would only need access to your codes there. Choose more servers, or need more codes.", map[string]any{"Server": srv}))
	}
	if p.Replace != "" {
		b.WriteString("\n" + lang.L("The old fragments are deleted only after all the new ones are in place."))
	}
	return b.String()
}

func (s *Setup) progressBody() fyne.CanvasObject {
	s.Bars, s.Stages, s.Warnings = nil, nil, nil
	rows := container.NewVBox(para(lang.L("Placing the fragments. Paying a server can take a minute: the computer solves a small puzzle instead of paying money.")))
	for _, a := range s.Plan.Assignments() {
		_, addr, _ := strings.Cut(a.Identity, ":")
		bar := widget.NewProgressBar()
		stage := widget.NewLabel(stageLabel(state.StageWaiting))
		warn := para("")
		warn.Importance = widget.WarningImportance
		warn.Hide()
		s.Bars = append(s.Bars, bar)
		s.Stages = append(s.Stages, stage)
		s.Warnings = append(s.Warnings, warn)
		rows.Add(widget.NewLabel(lang.L("{{.Address}} via {{.Server}}", map[string]any{"Address": addr, "Server": a.Server})))
		rows.Add(container.NewBorder(nil, nil, nil, stage, bar))
		rows.Add(warn)
	}
	s.Cancel = widget.NewButtonWithIcon(lang.L("Cancel"), theme.CancelIcon(), func() {
		if s.cancel != nil {
			s.cancel()
		}
	})
	return rows
}

func (s *Setup) startProtect() {
	plan := s.Plan
	s.done = make(chan struct{})
	done := s.done
	s.cancel = background(func(ctx context.Context) {
		defer close(done)
		err := s.ui.State.Protect(ctx, plan, func(i int, p state.Progress) {
			s.ui.do(func() { s.onProgress(i, p) })
		})
		s.ui.doAndWait(func() {
			if err != nil {
				s.showStep(stepReview)
				if errors.Is(err, state.ErrCanceled) {
					s.Error.SetText(lang.L("Cancelled. Nothing was changed."))
				} else {
					s.Error.SetText(lang.L("Could not protect it: {{.Err}}", map[string]any{"Err": lang.L(err.Error())}))
				}
				return
			}
			s.clearSecret()
			s.showStep(stepDone)
		})
	})
}

// clearSecret drops the secret from the wizard once it is protected.
func (s *Setup) clearSecret() {
	s.Secret.SetText("")
	clear(s.Plan.Secret)
	s.Plan.Secret, s.fileSecret = nil, nil
}

// onProgress shows what location i is doing: a label for its stage, and
// a warning line of its own when the server keeps the fragment for less
// time than asked, since that shortens the time until renewal.
func (s *Setup) onProgress(i int, p state.Progress) {
	if i < 0 || i >= len(s.Bars) {
		return
	}
	if p.Stage == state.StageShortExpiry {
		msg := lang.L("This server keeps the fragment for less time than asked. Passcrow will remind you to renew in time.")
		if !p.Until.IsZero() {
			msg = lang.L("This server keeps the fragment only until {{.Date}}, less time than asked. Passcrow will remind you to renew before then.", map[string]any{"Date": p.Until.Format("2006-01-02")})
		}
		s.Warnings[i].SetText(msg)
		s.Warnings[i].Show()
		return
	}
	s.Stages[i].SetText(stageLabel(p.Stage))
	if p.Fraction >= 0 {
		s.Bars[i].SetValue(p.Fraction)
	}
}

// stageLabel is a stage's label beside its progress bar.
func stageLabel(stage string) string {
	switch stage {
	case state.StageWaiting:
		return lang.L("Waiting for its turn")
	case state.StageSending:
		return lang.L("Sending")
	case state.StagePaying:
		return lang.L("Paying with a puzzle")
	case state.StageDone:
		return lang.L("Done")
	case state.StageShortExpiry:
		return lang.L("Kept for less time")
	}
	return lang.L("Working")
}
