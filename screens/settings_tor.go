package screens

import (
	"context"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/passcrow/passcrow-desktop/app/state"
)

// torAddrs are where Settings looks for Tor; tests point it at a proxy
// of their own.
var torAddrs = state.TorAddrs

// TorSettings is the privacy part of Settings: it looks for a Tor on
// this computer and offers to send every request to a Passcrow server
// through it (docs/PRIVACY.md).
type TorSettings struct {
	ui     *UI
	Use    *widget.Check
	Status *widget.Label
	Again  *widget.Button
	found  string // the proxy DetectTor found, "" for none
	// looked is closed when the first look for Tor is done (tests).
	looked chan struct{}
	box    *fyne.Container
}

func (u *UI) newTorSettings() *TorSettings {
	t := &TorSettings{ui: u, looked: make(chan struct{})}
	t.Status = para(lang.L("Looking for Tor on this computer…"))
	t.Use = widget.NewCheck(lang.L("Use Tor to reach Passcrow servers"), nil)
	t.Use.SetChecked(u.State.TorProxy() != "")
	t.Use.OnChanged = t.onUse
	t.Use.Disable()
	t.Again = widget.NewButtonWithIcon(lang.L("Look for Tor again"), theme.ViewRefreshIcon(), func() { t.look(nil) })
	spread := para(lang.L("Requests to several servers go out in random order, seconds apart, so the servers cannot link them."))
	spread.TextStyle.Italic = true // LowImportance is the disabled colour, too faint to read
	t.box = container.NewVBox(
		widget.NewLabelWithStyle(lang.L("Privacy"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		t.Use,
		container.NewBorder(nil, nil, nil, t.Again, t.Status),
		spread,
	)
	t.look(t.looked)
	return t
}

// look runs DetectTor in the background and shows what it found;
// done, when set, is closed afterwards. Under headless tests (Serial
// set) it looks at once on the calling goroutine, which already holds
// the UI: fyne's test driver has no UI goroutine to queue on, and a
// background look raced with the test's own taps.
func (t *TorSettings) look(done chan struct{}) {
	t.Again.Disable()
	run := func(apply func(func())) {
		if done != nil {
			defer close(done)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		found := state.DetectTor(ctx, torAddrs...)
		apply(func() {
			t.found = found
			t.Again.Enable()
			t.show()
		})
	}
	if t.ui.Serial != nil {
		run(func(f func()) { f() })
		return
	}
	go run(t.ui.doAndWait)
}

// show says whether Tor is in use, found or missing; it runs on the UI
// goroutine.
func (t *TorSettings) show() {
	using := t.ui.State.TorProxy()
	t.Status.Importance = widget.MediumImportance
	switch {
	case using != "" && t.found == using:
		t.Status.SetText(lang.L("Passcrow servers are reached through Tor at {{.Addr}}.", map[string]any{"Addr": addrOf(using)}))
	case using != "":
		t.Status.Importance = widget.DangerImportance
		t.Status.SetText(lang.L("Tor at {{.Addr}} does not answer: start it again, or turn Tor off. Nothing goes to the servers without it.", map[string]any{"Addr": addrOf(using)}))
	case t.found != "":
		t.Status.SetText(lang.L("Tor is running on this computer ({{.Addr}}). With it, servers do not see your address, and your network does not see which servers you use.", map[string]any{"Addr": addrOf(t.found)}))
	default:
		t.Status.SetText(lang.L("No Tor found on this computer (ports 9050 and 9150). Start Tor or Tor Browser, then look again."))
	}
	t.Status.Refresh()
	if using != "" || t.found != "" {
		t.Use.Enable()
	} else {
		t.Use.Disable()
	}
}

func (t *TorSettings) onUse(on bool) {
	url := ""
	if on {
		url = t.found
		if url == "" {
			url = t.ui.State.TorProxy()
		}
	}
	if err := t.ui.State.SetTorProxy(url); err != nil {
		t.Status.Importance = widget.DangerImportance
		t.Status.SetText(lang.L("Could not change the Tor setting."))
		t.ui.showErrorSaying(lang.L("Could not change the Tor setting."), err)
		return
	}
	t.show()
}

func addrOf(proxyURL string) string {
	_, a, _ := strings.Cut(proxyURL, "://")
	return a
}

// waitLabel says how long a spread's wait is, and why.
func waitLabel(d time.Duration) string {
	secs := max(1, int(d.Round(time.Second)/time.Second))
	return lang.L("Waiting {{.Seconds}} s so servers cannot link your requests", map[string]any{"Seconds": secs})
}
