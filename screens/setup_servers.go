package screens

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/passcrow/passcrow-desktop/app/state"
)

// The setup wizard's servers step: which Passcrow servers keep the
// fragments, each with its policy shown, and the one-server warning.

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

// policyTimeout bounds the look at a server's policy: the step never
// waits for it, and an offline computer hears "not reachable" soon.
const policyTimeout = 8 * time.Second

// addServerRow lists url with a box to choose it, and its policy once
// fetched in the background. Every text in the row wraps, so a long
// address or answer never widens the window. The demo's public servers
// are not asked unless chosen: trying the demo needs no network.
func (s *Setup) addServerRow(url string, checked bool) {
	if _, ok := s.ServerChecks[url]; ok {
		return
	}
	label := url
	demo := s.ui.State.Demo()
	if demo != nil && demo.URL == url {
		label = lang.L("Local demo server ({{.URL}})", map[string]any{"URL": url})
	}
	name := para(label)
	info := para("")
	busy := widget.NewActivity()
	busy.Hide()
	details := NewErrorView()
	fetched := make(chan struct{})
	var once sync.Once
	fetch := func() {
		once.Do(func() {
			info.SetText(lang.L("Checking the server…"))
			busy.Show()
			busy.Start()
			go s.fetchPolicy(url, info, busy, details, fetched)
		})
	}
	check := widget.NewCheck("", func(on bool) {
		if on {
			fetch()
		}
		s.updateWarning()
	})
	check.SetChecked(checked)
	s.ServerChecks[url] = check
	s.ServerInfo[url] = info
	s.fetched[url] = fetched
	row := container.NewBorder(nil, nil, container.NewVBox(check), nil,
		container.NewVBox(name, container.NewBorder(nil, nil, busy, nil, info), details))
	s.serverList.Add(row)
	if demo != nil && !checked {
		info.SetText(lang.L("Not contacted while you try the demo; choose it to see its terms."))
		return
	}
	fetch()
}

// fetchPolicy asks url for its policy, off the UI goroutine, and shows
// it in info, or says in plain words that the server is not reachable.
func (s *Setup) fetchPolicy(url string, info *widget.Label, busy *widget.Activity, details *ErrorView, fetched chan struct{}) {
	defer close(fetched)
	ctx, cancel := context.WithTimeout(context.Background(), policyTimeout)
	defer cancel()
	pol, err := s.ui.State.FetchPolicy(ctx, url)
	s.ui.doAndWait(func() {
		busy.Stop()
		busy.Hide()
		if err != nil {
			info.SetText(lang.L("Not reachable right now. You can still choose it if you trust it; it is tried again when you protect."))
			info.Importance = widget.WarningImportance
			info.Refresh()
			details.ExplainAs(s.ui, "", err) // info says it in words
			return
		}
		s.policies[url] = pol
		info.SetText(describePolicy(pol))
	})
}

// describePolicy is a server's policy in one line.
func describePolicy(p state.ServerPolicy) string {
	country := p.Country
	if country == "" || country == "--" {
		country = lang.L("no country given")
	}
	return lang.L("Country: {{.Country}} · sends codes by: {{.Kinds}} · keeps fragments up to {{.Days}} days · {{.Payment}}", map[string]any{
		"Country": country,
		"Kinds":   strings.Join(p.Kinds, ", "),
		"Days":    int(p.MaxExpiry.Hours() / 24),
		"Payment": describePayment(p),
	})
}

// describePayment says what a stay costs: servers keep fragments briefly
// for free and longer for a proof of work, a few seconds of this computer's
// time (hashcash) instead of money.
func describePayment(p state.ServerPolicy) string {
	switch {
	case p.FreeFor > 0 && p.FreeFor >= p.MaxExpiry:
		return lang.L("free")
	case p.FreeFor > 0 && p.WorkFor > 0:
		return lang.L("free for {{.Hours}} hours, longer for a few seconds of computer work", map[string]any{"Hours": int(p.FreeFor.Hours())})
	case p.WorkFor > 0:
		return lang.L("paid with a few seconds of computer work")
	}
	return lang.L("payment unknown")
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
