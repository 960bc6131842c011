package packstore

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/passcrow/passcrow-desktop/platform"
	"github.com/passcrow/passcrow-desktop/recovery"
)

// The reference pack from the captured traffic: a real pack to store.
func referencePack(t *testing.T) *recovery.Pack {
	b, err := os.ReadFile("../../../shared/vectors/roundtrip-2of3/recovery-pack.passcrow")
	if err != nil {
		t.Fatal(err)
	}
	p, err := recovery.ImportReferencePack(b)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestSaveLoadNamesDelete(t *testing.T) {
	st, err := platform.NewFileStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	p := referencePack(t)
	for _, n := range []string{"wallet", "mail key"} {
		if err := Save(st, n, p); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Put("partial.wallet", []byte("{}")); err != nil {
		t.Fatal(err)
	}
	names, err := Names(st)
	if err != nil || !reflect.DeepEqual(names, []string{"mail key", "wallet"}) {
		t.Fatalf("Names = %q, %v", names, err)
	}
	got, err := Load(st, "wallet")
	if err != nil {
		t.Fatal(err)
	}
	want, _ := p.Marshal()
	if b, _ := got.Marshal(); string(b) != string(want) {
		t.Error("the loaded pack differs from the saved one")
	}
	if err := Delete(st, "wallet"); err != nil {
		t.Fatal(err)
	}
	if err := Delete(st, "wallet"); err != nil {
		t.Errorf("deleting twice: %v", err)
	}
	if _, err := Load(st, "wallet"); !errors.Is(err, ErrNoSuchItem) {
		t.Errorf("Load after Delete: %v, want ErrNoSuchItem", err)
	}
}

func TestLoadDamaged(t *testing.T) {
	dir := t.TempDir()
	st, _ := platform.NewFileStore(dir)
	if err := st.Put(Prefix+"x", []byte(`{"passcrow-pack": 2}`)); err != nil {
		t.Fatal(err)
	}
	_, err := Load(st, "x")
	var pe *recovery.PackError
	if !errors.As(err, &pe) {
		t.Fatalf("damaged pack: %v, want a *recovery.PackError", err)
	}
	if matches, _ := filepath.Glob(filepath.Join(dir, "*")); len(matches) != 1 {
		t.Errorf("Load changed the store: %v", matches)
	}
}

func TestValidateName(t *testing.T) {
	for _, bad := range []string{"", "a/b", "x\n"} {
		if ValidateName(bad) == nil {
			t.Errorf("ValidateName(%q) = nil", bad)
		}
	}
	if err := ValidateName("Password manager"); err != nil {
		t.Error(err)
	}
}

func TestChosenServers(t *testing.T) {
	st, err := platform.NewFileStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if got, err := ChosenServers(st); err != nil || got != nil {
		t.Fatalf("a new store: %q, %v", got, err)
	}
	if err := AddChosenServers(st, "a.example", "http://127.0.0.1:8765"); err != nil {
		t.Fatal(err)
	}
	if err := AddChosenServers(st, "http://127.0.0.1:8765", "b.example", ""); err != nil {
		t.Fatal(err)
	}
	got, err := ChosenServers(st)
	if want := []string{"a.example", "http://127.0.0.1:8765", "b.example"}; err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("ChosenServers = %q, %v; want %q", got, err, want)
	}
	// A damaged list is reported, and the next choice starts it afresh.
	if err := st.Put(ChosenServersEntry, []byte("{")); err != nil {
		t.Fatal(err)
	}
	if _, err := ChosenServers(st); err == nil {
		t.Fatal("a damaged list read without an error")
	}
	if err := AddChosenServers(st, "c.example"); err != nil {
		t.Fatal(err)
	}
	if got, _ := ChosenServers(st); !reflect.DeepEqual(got, []string{"c.example"}) {
		t.Errorf("after a damaged list: %q", got)
	}
	// The entry is no pack.
	if names, _ := Names(st); len(names) != 0 {
		t.Errorf("Names = %q", names)
	}
}
