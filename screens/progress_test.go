package screens

import (
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/passcrow/passcrow-desktop/app/state"
	"github.com/passcrow/passcrow-desktop/app/translations"
)

// TestStageLabels: every stage has its own capitalised label, in English
// and in Icelandic, never the raw stage name.
func TestStageLabels(t *testing.T) {
	check := func(language string) map[string]string {
		seen := map[string]string{}
		for _, st := range state.Stages {
			l := stageLabel(st)
			r, _ := utf8.DecodeRuneInString(l)
			if l == "" || l == st || !unicode.IsUpper(r) {
				t.Errorf("%s: stage %q has the label %q", language, st, l)
			}
			if other, dup := seen[l]; dup {
				t.Errorf("%s: stages %q and %q share the label %q", language, st, other, l)
			}
			seen[l] = st
		}
		return seen
	}
	en := check("en")
	if err := translations.Load("is"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { translations.Load("en") })
	for l := range check("is") {
		if _, same := en[l]; same {
			t.Errorf("is: %q is the English label", l)
		}
	}
}

// TestShortExpiryWarningLine: a server keeping a fragment for less time
// than asked shows as a whole warning line under its row, with the date,
// and stays when the row turns Done.
func TestShortExpiryWarningLine(t *testing.T) {
	u := newTestUI(t)
	u.ShowSetup(state.Plan{Name: "Disk", Identities: []string{"email:a@example.org", "email:b@example.org"},
		Servers: []string{"https://one.example", "https://two.example"}})
	s := u.Current().(*Setup)
	s.progressBody()
	if s.Stages[0].Text != "Waiting for its turn" || s.Warnings[0].Visible() {
		t.Fatalf("before progress: %q, warning shown %v", s.Stages[0].Text, s.Warnings[0].Visible())
	}
	s.onProgress(0, state.Progress{Stage: state.StagePaying, Fraction: 0.5})
	if s.Stages[0].Text != "Proving this request is not spam" || s.Bars[0].Value != 0.5 {
		t.Fatalf("paying: %q at %v", s.Stages[0].Text, s.Bars[0].Value)
	}
	s.onProgress(0, state.Progress{Stage: state.StageShortExpiry, Fraction: -1, Until: time.Date(2027, 1, 2, 0, 0, 0, 0, time.UTC)})
	s.onProgress(0, state.Progress{Stage: state.StageDone, Fraction: 1})
	w := s.Warnings[0]
	if !w.Visible() || !strings.Contains(w.Text, "only until 2027-01-02") || s.Stages[0].Text != "Done" {
		t.Fatalf("after a short expiry: warning %q shown %v, stage %q", w.Text, w.Visible(), s.Stages[0].Text)
	}
	if s.Warnings[1].Visible() {
		t.Fatal("the other location shows a warning too")
	}
}

// TestDueReason: the banner names the reason, the fragments' expiry first.
func TestDueReason(t *testing.T) {
	now := time.Date(2027, 3, 1, 12, 0, 0, 0, time.Local)
	day := 24 * time.Hour
	for _, tc := range []struct {
		it   state.Item
		days int
		want string
	}{
		{state.Item{Name: "A", Renewed: now.Add(-400 * day), Expires: now.Add(-day)}, 365, "its fragments expired on 2027-02-28"},
		{state.Item{Name: "A", Renewed: now.Add(-300 * day), Expires: now.Add(20 * day)}, 365, "its fragments expire on 2027-03-21"},
		{state.Item{Name: "A", Renewed: now.Add(-366 * day), Expires: now.Add(300 * day)}, 365, "a year since the last renewal (2026-02-28)"},
		{state.Item{Name: "A", Renewed: now.Add(-31 * day), Expires: now.Add(300 * day)}, 30, "31 days since the last renewal"},
	} {
		if got := dueReason(tc.it, now, tc.days); !strings.Contains(got, tc.want) || !strings.Contains(got, "“A”") {
			t.Errorf("%+v: %q, want %q", tc.it, got, tc.want)
		}
	}
}
