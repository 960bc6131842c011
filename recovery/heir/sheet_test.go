package heir_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/papercode"
	"github.com/passcrow/passcrow-desktop/internal/qrscan"
	"github.com/passcrow/passcrow-desktop/internal/sheet"
	"github.com/passcrow/passcrow-desktop/internal/testreal"
	"github.com/passcrow/passcrow-desktop/recovery"
	"github.com/passcrow/passcrow-desktop/recovery/heir"
	"github.com/passcrow/passcrow-desktop/recovery/media"
)

// TestSheetScansBack: the printed sheet, rendered to an image by
// poppler, gives back through our QR reader (internal/qrscan, what the
// app uses for a photo) and through its printed text the key the heir
// recovers with, and names the other fragments' places.
func TestSheetScansBack(t *testing.T) {
	_, err := exec.LookPath("pdftoppm")
	testreal.Require(t, "pdftoppm (poppler-utils)", err)
	_, err = exec.LookPath("pdftotext")
	testreal.Require(t, "pdftotext (poppler-utils)", err)

	e := ourServer(t, newClock(), false)
	p, loc, _ := protect(t, e, []byte("s"), 30)
	dir := t.TempDir()
	pdf := filepath.Join(dir, "sheet.pdf")
	var b bytes.Buffer
	if err := heir.WriteSheet(&b, p, p.Records[1], heir.SheetOptions{Owner: "Þórður Ægisson", HeirName: "Ómega", Lang: "is", Paper: sheet.Letter, Date: e.clock.Now()}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pdf, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("pdftoppm", "-r", "150", "-png", "-singlefile", pdf, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	scanned, err := qrscan.DecodeFile(filepath.Join(dir, "page.png"))
	if err != nil {
		t.Fatal(err)
	}
	want := loc.Sheet().String()
	if scanned != want {
		t.Fatalf("the QR code holds %q, want %q", scanned, want)
	}
	text, err := exec.Command("pdftotext", "-layout", pdf, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	flat := strings.Join(strings.Fields(string(text)), "")
	if !strings.Contains(flat, strings.ReplaceAll(want, " ", "")) {
		t.Errorf("the printed text lacks the key %q:\n%s", want, text)
	}
	for _, s := range []string{"USB stick at home", "USB stick at the bank", "30 dag", heirAddr} {
		if !strings.Contains(string(text), s) {
			t.Errorf("the sheet does not say %q:\n%s", s, text)
		}
	}
	// The scanned key finds the escrow.
	st, err := e.claimant(t, scanned).Status(context.Background())
	if err != nil || !st.Present || st.DelayDays != 30 {
		t.Fatalf("status from the scanned sheet: %+v %v", st, err)
	}
}

func TestParseSheet(t *testing.T) {
	s := heir.NewSheetForTest(t, "passcrow.example.org")
	text := s.String()
	server, code, _ := strings.Cut(text, ":")
	for _, ok := range []string{
		text,
		strings.ToLower(text),
		"  " + server + " : " + strings.ReplaceAll(code, "-", " ") + "\n",
		server + ":" + strings.ReplaceAll(code, "-", ""),
	} {
		got, err := heir.ParseSheet(ok)
		if err != nil || got.String() != text {
			t.Errorf("%q: %v, %v", ok, got, err)
		}
	}
	// One wrong character: refused, and the group it is in is named.
	i := strings.LastIndexByte(text, '-') + 1
	typo := []byte(text)
	if typo[i] == 'Q' {
		typo[i] = 'P'
	} else {
		typo[i] = 'Q'
	}
	_, err := heir.ParseSheet(string(typo))
	var te *papercode.TypoError
	if !errors.As(err, &te) || !errors.Is(err, heir.ErrSheet) {
		t.Fatalf("a typo: %v", err)
	}
	if strings.Contains(err.Error(), code[4:12]) {
		t.Errorf("the error repeats the key: %v", err)
	}
	for _, bad := range []string{
		"",
		"passcrow.example.org",
		":" + code,
		"http://passcrow.example.org:" + code, // plain http off loopback
		"passcrow.example.org:" + papercode.Encode([]byte{1, 2, 3, 4, 5, 6}), // a fragment, not a key
	} {
		if _, err := heir.ParseSheet(bad); !errors.Is(err, heir.ErrSheet) {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

// TestRenewKeepsSheet: renewing the pack moves the heir's escrow to the
// next generation under the same key; the heir, with the old sheet,
// finds the newer escrow while both exist, and the only one once the
// old pack is forgotten.
func TestRenewKeepsSheet(t *testing.T) {
	ctx := context.Background()
	e := ourServer(t, newClock(), false)
	secret := []byte("renewed secret")
	old, loc, _ := protect(t, e, secret, 3)
	sheetText := loc.Sheet().String()

	e.clock.advance(30 * 24 * time.Hour)
	renewed, err := heir.RenewLocation(e.client(t), old.Records[1])
	if err != nil {
		t.Fatal(err)
	}
	if renewed.Sheet().String() != sheetText {
		t.Fatal("renewal changed the sheet")
	}
	newDirs := [2]string{t.TempDir(), t.TempDir()}
	p, err := recovery.Renew(ctx, old, secret, []recovery.Location{
		&media.Location{Dir: newDirs[0]}, renewed, &media.Location{Dir: newDirs[1]},
	}, recovery.RenewOptions{Expires: e.clock.Now().Add(60 * 24 * time.Hour), Keepers: e.keepers(t), Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	c := e.claimant(t, sheetText)
	st, err := c.Status(ctx)
	if err != nil || !st.Expires.Equal(time.Unix(p.Records[1].Expires, 0)) {
		t.Fatalf("with both generations: %+v %v, want the new one", st, err)
	}
	if err := recovery.Forget(ctx, old, e.keepers(t)); err != nil {
		t.Fatal(err)
	}
	_, err = e.askAndClaim(t, c)
	pendingUntil(t, err)
	e.clock.advance(2 * 24 * time.Hour)
	e.srv.Sweep(ctx)
	e.clock.advance(24 * time.Hour)
	got, err := e.askAndClaim(t, c)
	if err != nil {
		t.Fatal(err)
	}
	if got.Pack.Secret != p.Secret || got.Pack.Secret == old.Secret {
		t.Fatal("the heir did not get the renewed pack")
	}
	r, err := got.Recovery(ctx, recovery.NewKeepers(media.Keeper{}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.GatherAny(ctx, recovery.Input{File: fragmentFile(t, newDirs[0])}); err != nil {
		t.Fatal(err)
	}
	if out, _, err := r.Secret(); err != nil || string(out) != string(secret) {
		t.Fatalf("secret %q %v", out, err)
	}
}
