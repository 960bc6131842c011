package screens

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
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
	Again      *widget.Entry // the secret typed twice: a typo could never be fixed
	FileLabel  *widget.Label
	ChooseFile *widget.Button
	fileSecret []byte

	// identities
	Identity      *widget.Entry
	AddIdentity   *widget.Button
	IdentityError *widget.Label // a bad address, or one already listed
	identityList  *fyne.Container

	// policy
	Policy  *widget.RadioGroup
	N       *widget.Select
	Explain *widget.Label
	// defaultFor is the number of places the default policy was picked
	// for: a choice the user made stays while that number does.
	defaultFor int

	// servers
	ServerChecks map[string]*widget.Check
	ServerInfo   map[string]*widget.Label
	policies     map[string]state.ServerPolicy
	fetched      map[string]chan struct{} // closed when a server's policy is shown
	NewServer    *widget.Entry
	Warning      *widget.Label
	serverList   *fyne.Container

	// other places (setup_kinds.go)
	AddKind   map[state.ExtraKind]*widget.Button
	Form      *KindForm // the last form opened
	extraList *fyne.Container
	Mailpile  *widget.Check

	// review, progress, done
	Review   *widget.Label
	Bars     []*widget.ProgressBar
	Stages   []*widget.Label
	Warnings []*widget.Label // per location, shown when it keeps the fragment for less time
	Cancel   *widget.Button
	Finished *widget.Label
	// Diversity warns of locations with one mail provider; it is filled
	// in the background and diversityDone closes then.
	Diversity     *widget.Label
	diversityDone chan struct{}
	// PackCopy keeps a copy of the pack in the first mailbox that may
	// hold it; CopyResult says how that went.
	PackCopy   *widget.Check
	CopyResult *widget.Label
	// OpenSheets open the printed sheets; HeirSheet saves the
	// inheritance sheet.
	OpenSheets []*widget.Button
	HeirSheet  *widget.Button
	cancel     context.CancelFunc
	done       chan struct{} // closed when the last Protect returned (tests wait on it)

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
	s.Name.OnSubmitted = func(string) {
		// Enter moves on to the secret, as Tab would, until it is typed.
		if s.Secret.Text == "" && s.fileSecret == nil && !s.Secret.Disabled() {
			s.ui.Win.Canvas().Focus(s.Secret)
			return
		}
		s.onNext()
	}
	if p.Replace != "" {
		s.Name.Disable()
	}
	s.Secret = widget.NewPasswordEntry()
	s.Secret.SetPlaceHolder(lang.L("Type or paste the password or key"))
	s.Secret.OnSubmitted = func(string) { s.ui.Win.Canvas().Focus(s.Again) }
	s.Again = widget.NewPasswordEntry()
	s.Again.SetPlaceHolder(lang.L("Type it once more, the same way"))
	s.Again.OnSubmitted = func(string) { s.onNext() }
	s.Name.OnChanged = func(string) { s.revalidate() }
	s.Secret.OnChanged = func(string) { s.revalidate() }
	s.Again.OnChanged = func(string) { s.revalidate() }
	s.FileLabel = widget.NewLabel("")
	s.ChooseFile = widget.NewButtonWithIcon(lang.L("Choose a file…"), theme.FileIcon(), s.onChooseFile)

	s.Identity = widget.NewEntry()
	s.Identity.SetPlaceHolder(lang.L("name@example.org or +354 555 1234"))
	s.Identity.OnSubmitted = func(string) { s.onAddIdentity() }
	s.Identity.OnChanged = func(string) { s.revalidateIdentity() }
	s.AddIdentity = widget.NewButtonWithIcon(lang.L("Add"), theme.ContentAddIcon(), s.onAddIdentity)
	s.IdentityError = widget.NewLabel("")
	s.IdentityError.Importance = widget.DangerImportance
	s.IdentityError.Wrapping = fyne.TextWrapWord
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
	s.buildKinds()
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
				widget.NewFormItem(lang.L("Again"), s.Again),
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
			para(serverLine()),
			widget.NewSeparator(),
			s.otherPlaces(),
		)
		s.refreshExtras()
		focus = s.Identity
	case stepPolicy:
		s.preparePolicy()
		body = container.NewVBox(
			widget.NewLabel(stepOf(3)),
			para(lang.L("How many codes should recovery need?")),
			s.Policy,
			container.NewHBox(widget.NewLabel(lang.L("Codes needed:")), s.N),
			s.Mailpile,
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
		body = container.NewVBox(widget.NewLabel(stepOf(5)), s.Review, s.Diversity, s.PackCopy)
		s.prepareReview()
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
		body, buttons = container.NewVBox(s.Finished, s.doneExtras()), []fyne.CanvasObject{export, ok}
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
	if s.Step == stepReview && !s.Plan.NeedsServers() {
		s.showStep(stepPolicy)
		return
	}
	if s.Step > stepSecret && s.Step <= stepReview {
		s.showStep(s.Step - 1)
	}
}

// onNext checks the step and moves on; Enter in a step's entry does the same.
func (s *Setup) onNext() {
	switch s.Step {
	case stepSecret:
		if msg := s.checkSecret(); msg != "" {
			s.Error.SetText(msg)
			return
		}
		s.Plan.Name = strings.TrimSpace(s.Name.Text)
		if s.Secret.Text != "" {
			s.Plan.Secret = []byte(s.Secret.Text)
		} else {
			s.Plan.Secret = s.fileSecret
		}
	case stepIdentities:
		if strings.TrimSpace(s.Identity.Text) != "" {
			if !s.addIdentity() || s.IdentityError.Text != "" {
				return // a bad address, or one already listed: say so here
			}
		}
		if s.Plan.Total() == 0 {
			s.Error.SetText(lang.L("Add at least one e-mail address or phone number, or another place."))
			return
		}
	case stepPolicy:
		if !s.Plan.NeedsServers() {
			s.showStep(stepReview) // no Passcrow server is needed
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
			s.Error.SetText(errText(err))
			return
		}
	}
	s.showStep(s.Step + 1)
}
