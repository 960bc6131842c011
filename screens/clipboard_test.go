package screens

import (
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

func TestCopiedSecretIsClearedFromTheClipboard(t *testing.T) {
	var scheduled []func()
	var after []time.Duration
	old := afterFunc
	afterFunc = func(d time.Duration, f func()) { after = append(after, d); scheduled = append(scheduled, f) }
	t.Cleanup(func() { afterFunc = old })

	a := test.NewApp()
	defer a.Quit()
	u := &UI{App: a, Win: a.NewWindow("t"), Serial: &sync.Mutex{}}
	s := &Recovery{ui: u, secret: []byte("correct horse"), Copy: widget.NewButton("", nil)}

	s.onCopy()
	if got := a.Clipboard().Content(); got != "correct horse" {
		t.Fatalf("copied %q", got)
	}
	if len(scheduled) != 1 || after[0] != time.Minute {
		t.Fatalf("clearing scheduled %d times, after %v; want once, after a minute", len(scheduled), after)
	}
	scheduled[0]() // the minute is up
	if got := a.Clipboard().Content(); got != "" {
		t.Fatalf("after a minute the clipboard still holds %q", got)
	}

	// Something the user copied since is theirs: it stays.
	s.onCopy()
	a.Clipboard().SetContent("a shopping list")
	scheduled[1]()
	if got := a.Clipboard().Content(); got != "a shopping list" {
		t.Fatalf("the user's own clipboard was changed to %q", got)
	}
}
