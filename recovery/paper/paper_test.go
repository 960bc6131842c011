package paper_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/papercode"
	"github.com/passcrow/passcrow-desktop/internal/servertest"
	"github.com/passcrow/passcrow-desktop/internal/testreal"
	"github.com/passcrow/passcrow-desktop/recovery"
	"github.com/passcrow/passcrow-desktop/recovery/paper"
	"github.com/passcrow/passcrow-desktop/server"
	"github.com/passcrow/passcrow-desktop/server/verify"
)

// ourServer is our Passcrow server on 127.0.0.1, codes recorded.
func ourServer(t *testing.T) (*recovery.Client, *servertest.Recorder) {
	t.Helper()
	rec := &servertest.Recorder{}
	srv, err := server.New(server.Config{
		Verifiers:     map[string]verify.Verifier{"email": rec},
		MaxExpiration: 3 * 24 * time.Hour,
		SweepInterval: -1,
		Logger:        slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(func() { hs.Close(); srv.Close() })
	c, err := recovery.NewClient(hs.URL)
	if err != nil {
		t.Fatal(err)
	}
	c.Interval = 0
	return c, rec
}

// render turns the first page of a PDF into a PNG with pdftoppm.
func render(t *testing.T, pdf string) string {
	t.Helper()
	_, err := exec.LookPath("pdftoppm")
	testreal.Require(t, "pdftoppm (poppler-utils)", err)
	out := filepath.Join(t.TempDir(), "page")
	if b, err := exec.Command("pdftoppm", "-r", "150", "-png", "-singlefile", pdf, out).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, b)
	}
	return out + ".png"
}

// sheetText is the grouped code as printed, read from the PDF's text.
func sheetCode(t *testing.T, pdf string) string {
	t.Helper()
	_, err := exec.LookPath("pdftotext")
	testreal.Require(t, "pdftotext (poppler-utils)", err)
	b, err := exec.Command("pdftotext", "-layout", pdf, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	if i := strings.Index(text, "PC1"); i >= 0 {
		// The code wraps over several lines of groups of four.
		var groups []string
		for _, f := range strings.Fields(text[i:]) {
			if len(f) > 4 || strings.ToUpper(f) != f {
				break
			}
			groups = append(groups, f)
		}
		return strings.Join(groups, " ")
	}
	t.Fatalf("no PC1 code in the sheet's text:\n%s", b)
	return ""
}

func TestPaperSheetsWithOurServer(t *testing.T) {
	c, rec := ourServer(t)
	dir := t.TempDir()
	server, err := recovery.NewPasscrowLocation(c, "email:owner@example.org")
	if err != nil {
		t.Fatal(err)
	}
	sheets := []*paper.Location{
		{Dir: dir, Title: "Family photos", Owner: "Þórður Ægisson", Label: "Sheet 1 of 2", Lang: "is"},
		{Dir: dir, Title: "Family photos", Owner: "Þórður Ægisson", Label: "Sheet 2 of 2", Lang: "en"},
	}
	keepers := recovery.NewKeepers(paper.Keeper{}, &recovery.PasscrowKeeper{Client: func(string) (*recovery.Client, error) { return c, nil }})
	secret := []byte("correct horse battery staple")
	p, err := recovery.Protect(context.Background(), recovery.ProtectRequest{
		Name: "photos", Secret: secret, Policy: recovery.NofM(2),
		Locations: []recovery.Location{server, sheets[0], sheets[1]},
		Expires:   time.Now().Add(20 * time.Hour),
		Keepers:   keepers,
	})
	if err != nil {
		t.Fatal(err)
	}
	pdfs, _ := filepath.Glob(filepath.Join(dir, "passcrow-sheet-*.pdf"))
	if len(pdfs) != 2 {
		t.Fatalf("%d sheet files, want 2", len(pdfs))
	}
	for _, f := range pdfs {
		if st, _ := os.Stat(f); st.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", f, st.Mode().Perm())
		}
	}
	var file [2]string
	for i, r := range p.Records[1:] {
		if !strings.Contains(r.Hint, sheets[i].Label) {
			t.Errorf("hint %q does not name %q", r.Hint, sheets[i].Label)
		}
		for _, f := range pdfs {
			if bytes.Contains(r.Data, []byte(filepath.Base(f))) {
				file[i] = f
			}
		}
	}
	ctx := context.Background()

	t.Run("a photo of sheet 1 and sheet 2 typed", func(t *testing.T) {
		r := recovery.NewRecovery(p, keepers)
		png, err := os.ReadFile(render(t, file[0]))
		if err != nil {
			t.Fatal(err)
		}
		// Which sheet it is need not be said: GatherAny finds it.
		got, err := r.GatherAny(ctx, recovery.Input{File: png, FileName: "photo.png"})
		if err != nil || got.Prefix != p.Records[1].Prefix {
			t.Fatalf("the page's picture: %v (record %q)", err, got.Prefix)
		}
		typed := strings.ToLower(sheetCode(t, file[1]))
		if _, err := r.Gather(ctx, p.Records[2].Prefix, recovery.Input{Text: typed}); err != nil {
			t.Fatalf("typed sheet: %v", err)
		}
		s, bad, err := r.Secret()
		if err != nil || bad != nil || !bytes.Equal(s, secret) {
			t.Fatalf("secret: %q, %v, %v", s, bad, err)
		}
	})
	t.Run("a typo is shown where it is, and the server's code fills in", func(t *testing.T) {
		r := recovery.NewRecovery(p, keepers)
		code := []rune(sheetCode(t, file[0]))
		i := 12 // the 13th character, in group 3 (or 4 when PC1 stands alone)
		if code[i] == 'Q' {
			code[i] = 'P'
		} else {
			code[i] = 'Q'
		}
		_, err := r.Gather(ctx, p.Records[1].Prefix, recovery.Input{Text: string(code)})
		var te *papercode.TypoError
		if !errors.As(err, &te) || len(te.Positions) != 1 || te.Positions[0] != 10 {
			t.Fatalf("typo: %v, want a TypoError at position 10", err)
		}
		if !strings.Contains(err.Error(), "Sheet 1 of 2") {
			t.Errorf("error %q does not name the sheet", err)
		}
		for _, res := range r.RequestCodes(ctx, "en") {
			if res.Err != nil {
				t.Fatal(res.Err)
			}
		}
		if _, err := r.SubmitCode(ctx, rec.CodeFor(t, "owner@example.org")); err != nil {
			t.Fatal(err)
		}
		if _, err := r.Gather(ctx, p.Records[2].Prefix, recovery.Input{Text: sheetCode(t, file[1])}); err != nil {
			t.Fatal(err)
		}
		if s, _, err := r.Secret(); err != nil || !bytes.Equal(s, secret) {
			t.Fatalf("secret: %v", err)
		}
	})
	t.Run("a sheet of another pack is refused", func(t *testing.T) {
		other := &paper.Location{Dir: t.TempDir(), Title: "Other", Label: "Sheet 1 of 1"}
		rec2, err := other.Place(ctx, recovery.Fragment(bytes.Repeat([]byte{1}, 33)), recovery.PlaceOptions{Expires: time.Now().Add(time.Hour), Prefix: "1"})
		if err != nil {
			t.Fatal(err)
		}
		var d struct{ File string }
		_ = jsonUnmarshal(rec2.Data, &d)
		r := recovery.NewRecovery(p, keepers)
		_, err = r.GatherAny(ctx, recovery.Input{Text: sheetCode(t, d.File)})
		if !errors.Is(err, recovery.ErrNotThisPack) {
			t.Fatalf("another pack's sheet: %v, want ErrNotThisPack", err)
		}
		if _, err := r.Gather(ctx, p.Records[1].Prefix, recovery.Input{Text: sheetCode(t, d.File)}); !errors.Is(err, recovery.ErrWrongFragment) || !strings.Contains(err.Error(), "Sheet 1 of 2") {
			t.Fatalf("another pack's sheet for sheet 1: %v", err)
		}
		if _, err := r.GatherAny(ctx, recovery.Input{File: []byte("%PDF-1.4 ...")}); err == nil || !strings.Contains(err.Error(), "photo or scan") {
			t.Errorf("the PDF itself: %v", err)
		}
	})
	t.Run("forget removes the sheet files", func(t *testing.T) {
		if err := recovery.Forget(ctx, p, keepers); err != nil {
			t.Fatal(err)
		}
		if left, _ := filepath.Glob(filepath.Join(dir, "*")); len(left) != 0 {
			t.Errorf("left after Forget: %v", left)
		}
	})
}

func TestPaperPlaceLeavesNothingOnFailure(t *testing.T) {
	dir := t.TempDir()
	l := &paper.Location{Dir: dir, Title: strings.Repeat("x", 1000)} // too long for a sheet
	if _, err := l.Place(context.Background(), recovery.Fragment(bytes.Repeat([]byte{1}, 33)), recovery.PlaceOptions{Expires: time.Now().Add(time.Hour), Prefix: "1"}); err == nil {
		t.Fatal("an impossible sheet was placed")
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "*")); len(left) != 0 {
		t.Errorf("left after a failed Place: %v", left)
	}
	l = &paper.Location{Dir: filepath.Join(dir, "missing"), Title: "t"}
	if _, err := l.Place(context.Background(), recovery.Fragment(bytes.Repeat([]byte{1}, 33)), recovery.PlaceOptions{Expires: time.Now().Add(time.Hour), Prefix: "1"}); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Fatalf("a missing folder: %v", err)
	}
}
