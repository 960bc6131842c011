package state

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"github.com/zalando/go-keyring"

	"github.com/passcrow/passcrow-desktop/internal/packstore"
	"github.com/passcrow/passcrow-desktop/internal/testreal"
	"github.com/passcrow/passcrow-desktop/platform"
	"github.com/passcrow/passcrow-desktop/recovery"
)

// TestDrillRecordInKeychain: on the real Secret Service (run under
// scripts/with-keyring.sh), a drill's pass is kept beside the pack with
// nothing but a time and the pack's fingerprint, is not listed as an
// item, and no longer counts once another pack is kept under the name.
func TestDrillRecordInKeychain(t *testing.T) {
	var b [6]byte
	rand.Read(b[:])
	service := "passcrow-test-" + hex.EncodeToString(b[:])
	ks := platform.NewKeychainStore(service)
	if err := ks.Check(); err != nil {
		testreal.Require(t, "a Secret Service (run under scripts/with-keyring.sh)", err)
	}
	t.Cleanup(func() {
		if err := keyring.DeleteAll(service); err != nil && !errors.Is(err, keyring.ErrNotFound) {
			t.Errorf("cleaning up %s: %v", service, err)
		}
	})
	now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	s, err := Open(test.NewTempApp(t).Preferences(), Options{Store: ks, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "vectors", "roundtrip-2of3", "recovery-pack.passcrow"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := recovery.ImportReferencePack(data)
	if err != nil {
		t.Fatal(err)
	}
	if err := packstore.Save(ks, "Disk", p); err != nil {
		t.Fatal(err)
	}
	if got := s.LastDrill("Disk"); !got.IsZero() {
		t.Fatalf("never drilled: %v", got)
	}
	if err := s.DrillPassed("Disk"); err != nil {
		t.Fatal(err)
	}
	if got := s.LastDrill("Disk"); !got.Equal(now) {
		t.Fatalf("last drill %v, want %v", got, now)
	}
	raw, err := ks.Get(drillPrefix + "Disk")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil || len(m) != 2 || m["pack"] != packstore.Fingerprint(p) {
		t.Fatalf("the drill record holds %s", raw)
	}
	if names, _ := s.names(); !slices.Equal(names, []string{"Disk"}) {
		t.Fatalf("items %v", names)
	}

	// Another pack under the name: another sealed secret.
	data, err = os.ReadFile(filepath.Join("..", "..", "..", "shared", "vectors", "ephemeral", "recovered-ephemeral-pack.passcrow"))
	if err != nil {
		t.Fatal(err)
	}
	other, err := recovery.ImportReferencePack(data)
	if err != nil {
		t.Fatal(err)
	}
	if err := packstore.Save(ks, "Disk", other); err != nil {
		t.Fatal(err)
	}
	if got := s.LastDrill("Disk"); !got.IsZero() {
		t.Fatalf("a replaced pack keeps the old drill: %v", got)
	}
}
