package screens

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/testreal"
	"github.com/passcrow/passcrow-desktop/recovery"
	"github.com/passcrow/passcrow-desktop/recovery/media"
	"github.com/passcrow/passcrow-desktop/recovery/paper"
)

// packForTest protects TourSecret with req's locations (the demo
// server's among them through loc) and imports the pack as name, as a
// pack made elsewhere would be.
func packForTest(t *testing.T, u *UI, name string, req recovery.ProtectRequest) {
	t.Helper()
	c, err := client(u)
	if err != nil {
		t.Fatal(err)
	}
	req.Name, req.Description, req.Secret = name, name, []byte(TourSecret)
	req.Expires = time.Now().Add(30 * 24 * time.Hour)
	req.Keepers = recovery.NewKeepers(paper.Keeper{}, media.Keeper{},
		&recovery.PasscrowKeeper{Client: func(string) (*recovery.Client, error) { return c, nil }})
	p, err := recovery.Protect(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	b, err := p.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := u.State.Import(b, name); err != nil {
		t.Fatal(err)
	}
}

// client is a client of the demo server, started if need be.
func client(u *UI) (*recovery.Client, error) {
	dir, err := u.demoDir()
	if err != nil {
		return nil, err
	}
	d, err := u.State.StartDemo(dir)
	if err != nil {
		return nil, err
	}
	c, err := recovery.NewClient(d.URL)
	if err == nil {
		c.Interval = 0
	}
	return c, err
}

func demoLocation(t *testing.T, u *UI, id string) recovery.Location {
	t.Helper()
	c, err := client(u)
	if err != nil {
		t.Fatal(err)
	}
	l, err := recovery.NewPasscrowLocation(c, id)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// sheetCode is the code printed on a sheet, read from its PDF's text.
func sheetCode(t *testing.T, dir string) string {
	t.Helper()
	_, err := exec.LookPath("pdftotext")
	testreal.Require(t, "pdftotext (poppler-utils)", err)
	pdfs, _ := filepath.Glob(filepath.Join(dir, "passcrow-sheet-*.pdf"))
	if len(pdfs) != 1 {
		t.Fatalf("sheets in %s: %v", dir, pdfs)
	}
	b, err := exec.Command("pdftotext", "-layout", pdfs[0], "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	i := strings.Index(text, "PC1")
	if i < 0 {
		t.Fatalf("no code on the sheet:\n%s", b)
	}
	var groups []string
	for _, f := range strings.Fields(text[i:]) {
		if len(f) > 4 || strings.ToUpper(f) != f {
			break
		}
		groups = append(groups, f)
	}
	return strings.Join(groups, " ")
}

func fragmentFile(t *testing.T, dir string) []byte {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "passcrow-fragment-*"))
	if len(files) != 1 {
		t.Fatalf("fragment files in %s: %v", dir, files)
	}
	b, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// gatherForTest gives line what a user would and waits for the answer.
func gatherForTest(t *testing.T, u *UI, rec *Recovery, give func()) {
	t.Helper()
	give()
	var done chan struct{}
	look(u, func() { done = rec.gathering })
	if err := wait(done, TourStepTimeout, "what was given to be checked"); err != nil {
		t.Fatal(err)
	}
}

func useFileForTest(t *testing.T, u *UI, rec *Recovery, l *GatherLine, name string, data []byte) {
	t.Helper()
	gatherForTest(t, u, rec, func() {
		look(u, func() { rec.useFile(l, name, io.NopCloser(bytes.NewReader(data))) })
	})
}

// TestRecoveryFromSheetAndStick: a pack of 2 of a server, a printed
// sheet and a USB stick. The page asks for the sheet's text and the
// stick's file; a typo is shown by group and character with the typed
// text left as it was; a file of another pack is refused naming the
// stick; with the sheet and the stick the secret opens, and no code
// from the server was needed.
func TestRecoveryFromSheetAndStick(t *testing.T) {
	u := newTestUI(t)
	sheetDir, stickDir, otherDir := t.TempDir(), t.TempDir(), t.TempDir()
	packForTest(t, u, "Wallet", recovery.ProtectRequest{Policy: recovery.NofM(2), Locations: []recovery.Location{
		demoLocation(t, u, "email:a@example.org"),
		&paper.Location{Dir: sheetDir, Title: "Wallet", Label: "Sheet 1 of 1"},
		&media.Location{Dir: stickDir, Label: "the USB stick at home"},
	}})
	packForTest(t, u, "Other", recovery.ProtectRequest{Policy: recovery.NofM(2), Locations: []recovery.Location{
		demoLocation(t, u, "email:a@example.org"),
		&media.Location{Dir: otherDir, Label: "another stick"},
	}})
	rec := startRecoveryForTest(t, u, "Wallet")
	var sheet, stick *GatherLine
	look(u, func() {
		for _, l := range rec.Gathers {
			switch {
			case l.Text != nil:
				sheet = l
			case l.Open != nil:
				stick = l
			}
		}
	})
	if sheet == nil || stick == nil || len(rec.Gathers) != 2 {
		t.Fatalf("gather lines %v", rec.Gathers)
	}
	if !strings.Contains(sheet.Title.Text, "Sheet 1 of 1") || !strings.Contains(stick.Title.Text, "the USB stick at home") {
		t.Fatalf("titles %q, %q", sheet.Title.Text, stick.Title.Text)
	}

	code := sheetCode(t, sheetDir)
	// A typo in the 5th group's 2nd character (group 1 is "PC1").
	typo := []rune(code)
	pos := len("PC1 ") + 3*5 + 1
	if typo[pos] == 'Q' {
		typo[pos] = 'P'
	} else {
		typo[pos] = 'Q'
	}
	gatherForTest(t, u, rec, func() {
		look(u, func() { sheet.Text.SetText(string(typo)) }) // as pasted: fyne's test typing jumbles wrapped lines
		tap(u, sheet.UseIt)
	})
	look(u, func() {
		if !strings.Contains(sheet.Status.Text, "group 5, character 2") || sheet.Text.Text != string(typo) {
			t.Errorf("after a typo: %q, text now %q", sheet.Status.Text, sheet.Text.Text)
		}
	})
	gatherForTest(t, u, rec, func() {
		look(u, func() { sheet.Text.SetText(code) })
		tap(u, sheet.UseIt)
	})
	look(u, func() {
		if sheet.Status.Text != "Received" || !strings.HasPrefix(rec.Received.Text, "1 of 2") {
			t.Errorf("after the sheet: %q, %q", sheet.Status.Text, rec.Received.Text)
		}
	})

	useFileForTest(t, u, rec, stick, "passcrow-fragment.txt", fragmentFile(t, otherDir))
	look(u, func() {
		if !strings.Contains(stick.Status.Text, "the USB stick at home") || rec.Secret != nil {
			t.Errorf("another pack's file: %q", stick.Status.Text)
		}
	})
	useFileForTest(t, u, rec, stick, "passcrow-fragment.txt", fragmentFile(t, stickDir))
	look(u, func() {
		if rec.Secret == nil || rec.Secret.Text != TourSecret {
			t.Fatalf("no secret after the sheet and the stick: %q %q", stick.Status.Text, rec.Error.Text)
		}
	})
}

// TestRecoveryGroupsProgress: a grouped pack (1 of 2 servers' codes and
// 2 of 2 sticks) says how far each group is as fragments come in.
func TestRecoveryGroupsProgress(t *testing.T) {
	u := newTestUI(t)
	a, b := t.TempDir(), t.TempDir()
	packForTest(t, u, "Photos", recovery.ProtectRequest{
		GroupsNeeded: recovery.All(),
		Groups: []recovery.Group{
			{Name: "servers", Policy: recovery.AnyOne(), Locations: []recovery.Location{
				demoLocation(t, u, "email:a@example.org"), demoLocation(t, u, "email:b@example.org")}},
			{Name: "family", Policy: recovery.All(), Locations: []recovery.Location{
				&media.Location{Dir: a, Label: "stick A"}, &media.Location{Dir: b, Label: "stick B"}}},
		},
	})
	rec := startRecoveryForTest(t, u, "Photos")
	look(u, func() {
		if !rec.GroupsLabel.Visible() || rec.GroupsLabel.Text != "servers: 0 of 1 · family: 0 of 2" {
			t.Errorf("groups at the start: %q", rec.GroupsLabel.Text)
		}
	})
	lines := map[string]*GatherLine{}
	look(u, func() {
		for _, l := range rec.Gathers {
			lines[l.G.Hint] = l
		}
	})
	var la, lb *GatherLine
	for h, l := range lines {
		if strings.Contains(h, "stick A") {
			la = l
		}
		if strings.Contains(h, "stick B") {
			lb = l
		}
	}
	if la == nil || lb == nil {
		t.Fatalf("lines %v", lines)
	}
	useFileForTest(t, u, rec, la, "a", fragmentFile(t, a))
	useFileForTest(t, u, rec, lb, "b", fragmentFile(t, b))
	look(u, func() {
		if rec.GroupsLabel.Text != "servers: 0 of 1 · family: done" || rec.Secret != nil {
			t.Errorf("groups after both sticks: %q", rec.GroupsLabel.Text)
		}
	})
	codes := codesInOrder(t, u, rec)
	submitForTest(t, u, rec, codes[0])
	look(u, func() {
		if rec.Secret == nil || rec.Secret.Text != TourSecret {
			t.Errorf("no secret with a server's code: %q", rec.Error.Text)
		}
	})
}
