package state

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/passcrow/passcrow-desktop/internal/packstore"
	"github.com/passcrow/passcrow-desktop/platform"
	"github.com/passcrow/passcrow-desktop/recovery"
)

// storeFake is the real FileStore with chosen failures, which a real
// keychain or disk cannot be made to produce on demand: Put fails for
// names with putFails as prefix, Get for the name getFails.
type storeFake struct {
	*platform.FileStore
	putFails, getFails string
}

func (s *storeFake) Put(name string, v []byte) error {
	if s.putFails != "" && strings.HasPrefix(name, s.putFails) {
		return errors.New("disk full")
	}
	return s.FileStore.Put(name, v)
}

func (s *storeFake) Get(name string) ([]byte, error) {
	if s.getFails != "" && name == s.getFails {
		return nil, errors.New("the keychain did not answer")
	}
	return s.FileStore.Get(name)
}

// openForTest opens a state on st with the demo server running.
func openForTest(t *testing.T, st platform.Store) (*State, string) {
	t.Helper()
	a := test.NewTempApp(t)
	s, err := Open(a.Preferences(), Options{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	d, err := s.StartDemo(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return s, d.URL
}

func fileStore(t *testing.T) *platform.FileStore {
	t.Helper()
	fs, err := platform.NewFileStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return fs
}

func testPlan(name, server string) Plan {
	return Plan{Name: name, Secret: []byte("correct horse"), Policy: PolicyAll, Servers: []string{server},
		Identities: []string{"email:a@example.org", "email:b@example.org"}}
}

// ctxForTest ends with the test; go test's -timeout catches a hang. A
// fixed bound here failed under -race on a loaded machine.
func ctxForTest(t *testing.T) context.Context {
	return t.Context()
}

// copyOf keeps a copy of name's current pack under copyName, to tell
// later whether its escrows still answer.
func copyOf(t *testing.T, s *State, name, copyName string) {
	t.Helper()
	b, err := s.Export(name)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.Import(b, copyName); err != nil || got != copyName {
		t.Fatalf("Import = %q, %v", got, err)
	}
}

// escrowsAnswer reports whether the server still holds name's escrows:
// it does unless it says it has no such escrow (it may also refuse to
// send another code so soon, which says the escrow is there).
func escrowsAnswer(t *testing.T, s *State, name string) bool {
	t.Helper()
	_, err := s.StartRecovery(ctxForTest(t), name)
	var se *recovery.ServerError
	return !errors.As(err, &se) || !strings.Contains(strings.ToLower(se.Message), "no such escrow")
}

// TestPlanSaveFailureStillForgetsOldFake: when the plan cannot be saved
// after the new pack was, the item is protected (a warning, not a
// failure) and the old escrows are still forgotten.
func TestPlanSaveFailureStillForgetsOldFake(t *testing.T) {
	st := &storeFake{FileStore: fileStore(t)}
	s, url := openForTest(t, st)
	ctx := ctxForTest(t)
	if err := s.Protect(ctx, testPlan("disk", url), nil); err != nil {
		t.Fatal(err)
	}
	copyOf(t, s, "disk", "old disk")
	if !escrowsAnswer(t, s, "old disk") {
		t.Fatal("the old escrows do not answer before the renewal")
	}

	st.putFails = planPrefix
	p := testPlan("disk", url)
	p.Replace = "disk"
	err := s.Protect(ctx, p, nil)
	if !errors.Is(err, ErrPlanNotSaved) || !Protected(err) {
		t.Fatalf("Protect = %v, want a warning that the plan was not saved", err)
	}
	if escrowsAnswer(t, s, "old disk") {
		t.Error("the old escrows were not forgotten")
	}
	if !escrowsAnswer(t, s, "disk") {
		t.Error("the new escrows do not answer")
	}
}

// TestImportKeepsWhatMayBeThereFake: Import never writes over a stored
// item: not over a damaged pack, and not when the store cannot say
// whether one is there (a keychain that did not answer).
func TestImportKeepsWhatMayBeThereFake(t *testing.T) {
	st := &storeFake{FileStore: fileStore(t)}
	s, url := openForTest(t, st)
	if err := s.Protect(ctxForTest(t), testPlan("disk", url), nil); err != nil {
		t.Fatal(err)
	}
	pack, err := s.Export("disk")
	if err != nil {
		t.Fatal(err)
	}

	damaged := []byte("{not a pack")
	if err := st.Put(packstore.Prefix+"wallet", damaged); err != nil {
		t.Fatal(err)
	}
	if has, err := s.HasItem("wallet"); !has || err != nil {
		t.Errorf("HasItem of a damaged pack = %v, %v; want present", has, err)
	}
	if name, err := s.Import(pack, "wallet"); err != nil || name == "wallet" {
		t.Errorf("Import over a damaged pack = %q, %v", name, err)
	}
	if b, _ := st.Get(packstore.Prefix + "wallet"); !bytes.Equal(b, damaged) {
		t.Error("the damaged pack was written over")
	}

	st.getFails = packstore.Prefix + "mail"
	if err := st.FileStore.Put(packstore.Prefix+"mail", damaged); err != nil {
		t.Fatal(err)
	}
	if has, err := s.HasItem("mail"); err == nil {
		t.Errorf("HasItem with the store failing = %v, no error", has)
	}
	if name, err := s.Import(pack, "mail"); err == nil {
		t.Errorf("Import with the store failing stored %q", name)
	}
	if b, _ := st.FileStore.Get(packstore.Prefix + "mail"); !bytes.Equal(b, damaged) {
		t.Error("the pack the store could not read was written over")
	}
	p := testPlan("mail", url)
	if err := s.Protect(ctxForTest(t), p, nil); err == nil {
		t.Error("Protect went ahead with the store failing")
	}
}

// TestImportName: the name the caller gives wins over the pack's own;
// with none, the pack's own name is used, made unique.
func TestImportName(t *testing.T) {
	s, url := openForTest(t, fileStore(t))
	if err := s.Protect(ctxForTest(t), testPlan("disk", url), nil); err != nil {
		t.Fatal(err)
	}
	pack, err := s.Export("disk")
	if err != nil {
		t.Fatal(err)
	}
	if name, err := s.Import(pack, "backup"); err != nil || name != "backup" {
		t.Errorf("Import(pack, backup) = %q, %v", name, err)
	}
	if name, err := s.Import(pack, ""); err != nil || name != "disk (2)" {
		t.Errorf("Import(pack, \"\") = %q, %v", name, err)
	}
}

// TestTypedRenewalKeepsPrevious: a renewal with a typed secret (KeepOld)
// keeps the old escrows until they expire, shown on the item, until
// ForgetPrevious; a renewal with a recovered secret forgets them at once.
func TestTypedRenewalKeepsPrevious(t *testing.T) {
	s, url := openForTest(t, fileStore(t))
	ctx := ctxForTest(t)
	if err := s.Protect(ctx, testPlan("disk", url), nil); err != nil {
		t.Fatal(err)
	}
	copyOf(t, s, "disk", "first")
	old, err := s.loadPack("disk")
	if err != nil {
		t.Fatal(err)
	}

	p := testPlan("disk", url)
	p.Replace, p.KeepOld = "disk", true
	if err := s.Protect(ctx, p, nil); err != nil {
		t.Fatal(err)
	}
	if !escrowsAnswer(t, s, "first") {
		t.Fatal("a renewal with a typed secret forgot the old escrows")
	}
	it := item(t, s, "disk")
	if !it.HasPrevious || !it.PreviousUntil.Equal(lastExpiry(old)) || it.PreviousUntil.IsZero() {
		t.Fatalf("item after a typed renewal: previous %v until %v, want until %v", it.HasPrevious, it.PreviousUntil, lastExpiry(old))
	}

	// A second typed renewal keeps the first previous pack, the oldest.
	copyOf(t, s, "disk", "second")
	if err := s.Protect(ctx, p, nil); err != nil {
		t.Fatal(err)
	}
	if escrowsAnswer(t, s, "second") || !escrowsAnswer(t, s, "first") {
		t.Error("a second typed renewal did not keep the first previous pack and forget the one between")
	}

	if err := s.ForgetPrevious(ctx, "disk"); err != nil {
		t.Fatal(err)
	}
	if escrowsAnswer(t, s, "first") || item(t, s, "disk").HasPrevious {
		t.Error("ForgetPrevious left the previous escrows")
	}

	// With a recovered secret the old escrows go at once.
	copyOf(t, s, "disk", "third")
	p.KeepOld = false
	if err := s.Protect(ctx, p, nil); err != nil {
		t.Fatal(err)
	}
	if escrowsAnswer(t, s, "third") || item(t, s, "disk").HasPrevious {
		t.Error("a renewal with a recovered secret kept the old escrows")
	}
}

func item(t *testing.T, s *State, name string) Item {
	t.Helper()
	items, err := s.Items()
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if it.Name == name {
			return it
		}
	}
	t.Fatalf("no item %q in %+v", name, items)
	return Item{}
}
