package screens

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/passcrow/passcrow-desktop/app/logfile"
)

// refusedPostError is the error a real POST to a closed loopback port
// gives, wrapped as the app's flows wrap it: a URL and a dial error.
func refusedPostError(t *testing.T) error {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	resp, err := http.Post("http://"+addr+"/passcrow/recovery", "application/json", strings.NewReader("{}"))
	if err == nil {
		resp.Body.Close()
		t.Fatalf("a POST to the closed port %s worked", addr)
	}
	return fmt.Errorf("asking for the codes: %w", err)
}

// visibleTexts is the text of every label and rich text under o that is
// on show (hidden objects and their children are skipped).
func visibleTexts(o fyne.CanvasObject) []string {
	if !o.Visible() {
		return nil
	}
	var out []string
	switch w := o.(type) {
	case *widget.Label:
		return []string{w.Text}
	case *widget.RichText:
		return []string{w.String()}
	case *fyne.Container:
		for _, c := range w.Objects {
			out = append(out, visibleTexts(c)...)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(w).Objects() {
			out = append(out, visibleTexts(c)...)
		}
	}
	return out
}

// TestErrorShowsPlainSentenceDetailBehindExpander: a chained Go error
// (a URL and a dial error, from a real refused connection) is shown as a
// plain sentence saying what to do next; its text shows only once
// Details is opened, and it is in the log file, which is private.
func TestErrorShowsPlainSentenceDetailBehindExpander(t *testing.T) {
	u := newTestUI(t)
	u.Log = logfile.New(t.TempDir())
	err := refusedPostError(t)

	var v *ErrorView
	var before, after []string
	look(u, func() {
		u.showErrorSaying("Could not ask for the codes.", err)
		v = u.lastError
		for _, o := range u.Win.Canvas().Overlays().List() {
			before = append(before, visibleTexts(o)...)
		}
		v.Details.Open(0)
		for _, o := range u.Win.Canvas().Overlays().List() {
			after = append(after, visibleTexts(o)...)
		}
	})
	if v == nil {
		t.Fatal("no error dialog")
	}
	if got := v.Message.Text; !strings.HasPrefix(got, "Could not ask for the codes. A server is not reachable right now.") {
		t.Errorf("the sentence is %q", got)
	}
	if containsText(before, "dial tcp") || containsText(before, "http://") {
		t.Errorf("the raw error shows before Details is opened: %q", before)
	}
	if !containsText(before, "Details") {
		t.Errorf("no Details to open: %q", before)
	}
	if !containsText(after, "dial tcp") || !containsText(after, u.Log.Path()) {
		t.Errorf("after opening Details: %q", after)
	}

	b, rerr := os.ReadFile(u.Log.Path())
	if rerr != nil {
		t.Fatal(rerr)
	}
	if !strings.Contains(string(b), "dial tcp") || !strings.Contains(string(b), "Could not ask for the codes.") {
		t.Errorf("the log holds:\n%s", b)
	}
	if fi, _ := os.Stat(u.Log.Path()); fi.Mode().Perm() != 0o600 {
		t.Errorf("the log is %v", fi.Mode().Perm())
	}
}

// TestErrorViewInPlace: the view on a screen hides until an error,
// keeps the detail closed, and hides again when cleared.
func TestErrorViewInPlace(t *testing.T) {
	u := newTestUI(t)
	err := refusedPostError(t)
	v := NewErrorView()
	w := test.NewTempWindow(t, v)
	if v.Visible() || v.Text() != "" {
		t.Fatal("an empty error view shows")
	}
	v.Explain(u, "", err)
	if !strings.HasPrefix(v.Text(), "A server is not reachable right now.") || containsText(visibleTexts(w.Content()), "dial tcp") {
		t.Errorf("in place: %q, on show %q", v.Text(), visibleTexts(w.Content()))
	}
	v.Clear()
	if v.Visible() {
		t.Error("still shown after Clear")
	}
}
