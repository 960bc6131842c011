package state

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/passcrow/passcrow-desktop/recovery"
)

// An item on our demo server, a printed sheet, a USB stick folder and an
// heir, 3 of 4; then the health check, with dates kept, and the stick
// unplugged.
func TestProtectEveryKindAndCheck(t *testing.T) {
	s, url := openForTest(t, fileStore(t))
	ctx := context.Background()
	sheets, stick := t.TempDir(), t.TempDir()
	p := Plan{
		Name: "wallet", Secret: []byte("seed words"), Identities: []string{"email:me@example.org"},
		Servers: []string{url}, Policy: PolicyNofM, N: 3,
		Extras: []Extra{
			{Kind: ExtraPaper, Dir: sheets, ListAll: true},
			{Kind: ExtraMedia, Dir: stick},
			{Kind: ExtraHeir, Heir: "heir@example.net", Notify: "me@example.org", Days: 7},
		},
	}
	var stages []int
	if err := s.Protect(ctx, p, func(i int, _ Progress) { stages = append(stages, i) }); err != nil {
		t.Fatal(err)
	}
	seen := map[int]bool{}
	for _, i := range stages {
		seen[i] = true
	}
	if len(seen) != 4 {
		t.Errorf("progress reached locations %v, want all 4", seen)
	}
	files, err := s.SheetFiles("wallet")
	if err != nil || len(files) != 1 || filepath.Dir(files[0]) != sheets {
		t.Fatalf("sheet files %v, %v; want one in %s", files, err, sheets)
	}
	if b, err := os.ReadFile(files[0]); err != nil || !bytes.HasPrefix(b, []byte("%PDF")) {
		t.Fatalf("the sheet is not a PDF: %v", err)
	}
	if !s.HasHeir("wallet") {
		t.Fatal("HasHeir is false")
	}
	pdf, err := s.InheritanceSheet("wallet", "Me", true)
	if err != nil || !bytes.HasPrefix(pdf, []byte("%PDF")) {
		t.Fatalf("inheritance sheet: %v", err)
	}

	hs, err := s.CheckHealth(ctx, "wallet", nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]HealthState{recovery.KindPasscrow: HealthPresent, string(ExtraPaper): HealthUnchecked, string(ExtraMedia): HealthPresent, string(ExtraHeir): HealthPresent}
	for _, h := range hs {
		if h.State != want[h.Kind] {
			t.Errorf("%s (%s): state %d (%s %q), want %d", h.Hint, h.Kind, h.State, h.Why, h.Detail, want[h.Kind])
		}
		if h.State == HealthPresent && h.LastSeen.IsZero() {
			t.Errorf("%s: present but no last-seen date", h.Hint)
		}
	}

	// The stick unplugged: not checked, and still seen at the last check.
	if err := os.Rename(stick, stick+".away"); err != nil {
		t.Fatal(err)
	}
	hs, err = s.CheckHealth(ctx, "wallet", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range hs {
		if h.Kind == string(ExtraMedia) && (h.State != HealthUnchecked || h.Why != WhyNotPlugged || h.LastSeen.IsZero()) {
			t.Errorf("unplugged stick: %+v, want unchecked, not plugged, with its last-seen date", h)
		}
	}
	last, err := s.LastSeen("wallet")
	if err != nil || len(last) != 4 {
		t.Fatalf("LastSeen: %v, %v", last, err)
	}
}

// A location that fails takes back what was placed before it: the
// server's escrow and the printed sheet.
func TestProtectRollsBackEveryKind(t *testing.T) {
	s, url := openForTest(t, fileStore(t))
	sheets := t.TempDir()
	p := Plan{
		Name: "wallet", Secret: []byte("seed words"), Identities: []string{"email:me@example.org"},
		Servers: []string{url}, Policy: PolicyAll,
		Extras: []Extra{
			{Kind: ExtraPaper, Dir: sheets},
			{Kind: ExtraMedia, Dir: filepath.Join(t.TempDir(), "not-plugged-in")},
		},
	}
	if err := s.Protect(context.Background(), p, nil); err == nil {
		t.Fatal("protect succeeded with a missing folder")
	}
	if has, _ := s.HasItem("wallet"); has {
		t.Error("the item was saved")
	}
	if ents, _ := os.ReadDir(sheets); len(ents) != 0 {
		t.Errorf("the sheet was left behind: %v", ents)
	}
}

// Renewing an item that has a printed sheet from its saved plan, which
// cannot place the sheet again, is refused before anything changes: it
// would otherwise drop the sheet and delete its PDF.
func TestRenewRefusesToDropPlaces(t *testing.T) {
	s, url := openForTest(t, fileStore(t))
	ctx := context.Background()
	sheets := t.TempDir()
	p := Plan{
		Name: "wallet", Secret: []byte("seed words"), Identities: []string{"email:me@example.org"},
		Servers: []string{url}, Policy: PolicyAll,
		Extras: []Extra{{Kind: ExtraPaper, Dir: sheets}},
	}
	if err := s.Protect(ctx, p, nil); err != nil {
		t.Fatal(err)
	}
	files, _ := s.SheetFiles("wallet")
	renew, err := s.PlanFor("wallet")
	if err != nil {
		t.Fatal(err)
	}
	renew.Secret, renew.Replace = []byte("seed words"), "wallet"
	if err := s.Protect(ctx, renew, nil); !errors.Is(err, ErrWouldDropPlaces) {
		t.Fatalf("renewing without the sheet: %v, want ErrWouldDropPlaces", err)
	}
	if len(files) != 1 {
		t.Fatalf("sheet files %v", files)
	}
	if _, err := os.Stat(files[0]); err != nil {
		t.Errorf("the sheet is gone: %v", err)
	}
}
