package paper_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/recovery"
	"github.com/passcrow/passcrow-desktop/recovery/paper"
)

// A pack can come from anywhere: Forget must remove a sheet's PDF, and
// never a file a planted or edited record names.
func TestPaperDeleteRemovesOnlyItsOwnSheet(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	t.Chdir(dir)
	l := &paper.Location{Dir: ".", Title: "Wallet", Label: "Sheet 1 of 1"}
	rec, err := l.Place(ctx, recovery.Fragment(bytes.Repeat([]byte{7}, 33)), recovery.PlaceOptions{Expires: time.Now().Add(time.Hour), Prefix: "1"})
	if err != nil {
		t.Fatal(err)
	}
	var d map[string]any
	if err := json.Unmarshal(rec.Data, &d); err != nil {
		t.Fatal(err)
	}
	sheetPath, _ := d["file"].(string)
	if !filepath.IsAbs(sheetPath) {
		t.Fatalf("the record keeps %q, not an absolute path: Forget from elsewhere would miss it", sheetPath)
	}
	pdf, err := os.ReadFile(sheetPath)
	if err != nil {
		t.Fatal(err)
	}

	planted := func(file string) recovery.Record {
		m := map[string]any{}
		for k, v := range d {
			m[k] = v
		}
		m["file"] = file
		raw, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		return recovery.Record{Kind: paper.Kind, Prefix: "1", Data: raw}
	}
	victims := map[string][]byte{
		"notes.txt": []byte("the user's own file"),
		// A sheet's name, but not this sheet's bytes.
		"passcrow-sheet-2026-01-01-0123abcd.pdf": []byte("%PDF-1.4 another sheet"),
	}
	for name, content := range victims {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, content, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := (paper.Keeper{}).Delete(ctx, planted(path)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if b, err := os.ReadFile(path); err != nil || !bytes.Equal(b, content) {
			t.Errorf("Delete of a record naming %s removed or changed it: %v", name, err)
		}
	}
	// A link with a sheet's name to the sheet is not the sheet.
	link := filepath.Join(dir, "passcrow-sheet-2026-01-02-0123abcd.pdf")
	if err := os.Symlink(sheetPath, link); err != nil {
		t.Fatal(err)
	}
	if err := (paper.Keeper{}).Delete(ctx, planted(link)); err != nil {
		t.Error(err)
	}
	if _, err := os.Lstat(link); err != nil {
		t.Errorf("the link was removed: %v", err)
	}
	// A sheet changed since (saved again from a viewer) is left alone.
	changed := append(append([]byte(nil), pdf...), '\n')
	if err := os.WriteFile(sheetPath, changed, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := (paper.Keeper{}).Delete(ctx, rec); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(sheetPath); err != nil {
		t.Fatalf("a changed sheet was removed: %v", err)
	}
	// The sheet as written is removed, from any working directory.
	if err := os.WriteFile(sheetPath, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir())
	if err := (paper.Keeper{}).Delete(ctx, rec); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(sheetPath); !os.IsNotExist(err) {
		t.Fatalf("the sheet is still there: %v", err)
	}
	if err := (paper.Keeper{}).Delete(ctx, rec); err != nil {
		t.Fatalf("deleting a sheet that is gone: %v", err)
	}
}
