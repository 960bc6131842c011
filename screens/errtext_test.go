package screens

import (
	"errors"
	"log"
	"os"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/passcrow/passcrow-desktop/app/state"
	"github.com/passcrow/passcrow-desktop/app/translations"
	"github.com/passcrow/passcrow-desktop/internal/syncbuf"
)

// forceIcelandic makes Icelandic the user's language for the test, as
// a system set to it would: fyne then picks Icelandic, and a key missing
// from is.json is a "Translation failure" that fyne logs. English is
// back afterwards for the other tests.
func forceIcelandic(t *testing.T) {
	t.Helper()
	// Registered before t.Setenv, so it runs after the environment is back.
	t.Cleanup(func() {
		if err := translations.Load(""); err != nil {
			t.Error(err)
		}
	})
	for _, v := range []string{"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"} {
		t.Setenv(v, "is_IS.UTF-8")
	}
	if err := translations.Load("is"); err != nil {
		t.Fatal(err)
	}
	if got := lang.L("Cancel"); got == "Cancel" {
		t.Fatalf("Icelandic is not in force: %q", got)
	}
}

// captureLog sends the standard log, which fyne.LogError writes to, to
// a buffer for the test.
func captureLog(t *testing.T) *syncbuf.Buffer {
	t.Helper()
	var buf syncbuf.Buffer
	log.SetOutput(&buf)
	t.Cleanup(func() { log.SetOutput(os.Stderr) })
	return &buf
}

// texts is every label's and rich text's text under o.
func texts(o fyne.CanvasObject) []string {
	var out []string
	switch w := o.(type) {
	case *widget.Label:
		return []string{w.Text}
	case *widget.RichText:
		return []string{w.String()}
	case *fyne.Container:
		for _, c := range w.Objects {
			out = append(out, texts(c)...)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(w).Objects() {
			out = append(out, texts(c)...)
		}
	}
	return out
}

// serverSays is what a server (or anyone who can put text in an error)
// might answer: template markup, and a typed code that must not be
// logged.
const serverSays = `server says {{printf "%q" "spoofed"}} 1234567`

// TestRuntimeTextIsNeverATranslationKey: outside English an error's
// text used to be looked up as a translation key. Fyne logged the miss
// with the whole text (a server's answer, a typed code), and ran the text
// as a template, so `{{printf ...}}` in it was executed. Now such text is
// template data, shown as it is, and nothing is logged.
func TestRuntimeTextIsNeverATranslationKey(t *testing.T) {
	forceIcelandic(t)
	logged := captureLog(t)
	u := newTestUI(t)
	err := errors.New(serverSays)

	// An error dialog: the text is behind Details, as it is.
	var shown []string
	look(u, func() {
		u.showError(err)
		for _, o := range u.Win.Canvas().Overlays().List() {
			shown = append(shown, texts(o)...)
		}
	})
	if !containsText(shown, serverSays) {
		t.Errorf("the error dialog shows %q, not the error as it is", shown)
	}

	// A code that did not work, and a location that could not send one:
	// the text as it is, behind Details.
	rec := &Recovery{ui: u, Lines: map[string]*CodeLine{}, Problem: NewErrorView(), ResendHere: &widget.Button{}}
	var hint, detail, problem, problemDetail string
	look(u, func() {
		rec.codeFailed(nil, "A123456", err)
		problem, problemDetail = rec.Problem.Message.Text, rec.Problem.Detail.Text
		box := &fyne.Container{}
		rec.addHint(box, state.Challenge{Prefix: "A", Err: err})
		hint, detail = rec.Lines["A"].Hint.Text, rec.Lines["A"].Details.Detail.Text
	})
	if strings.Contains(problem, serverSays) || !strings.Contains(problemDetail, serverSays) {
		t.Errorf("a code's error shows %q, with %q behind Details; want the error as it is, behind Details", problem, problemDetail)
	}
	if strings.Contains(hint, serverSays) || !strings.Contains(detail, serverSays) || strings.HasPrefix(hint, "Code") {
		t.Errorf("the location's line says %q, with %q behind Details; want the error as it is, behind Details, in Icelandic words", hint, detail)
	}

	// One of our own errors is still translated.
	if got := errText(errors.New("choose at least one server")); got == "choose at least one server" {
		t.Errorf("our own error %q is not translated", got)
	}

	if s := logged.String(); s != "" {
		t.Errorf("logged:\n%s", s)
	}
}

func containsText(list []string, s string) bool {
	for _, x := range list {
		if strings.Contains(x, s) {
			return true
		}
	}
	return false
}
