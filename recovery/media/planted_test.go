package media_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/passcrow/passcrow-desktop/recovery"
	"github.com/passcrow/passcrow-desktop/recovery/media"
)

// A pack can come from anywhere. One whose media record names a file of
// the user's, into which its sealed fragment was smuggled (a pasted
// mail, a note, a shell history), must not make Forget delete that file.
func TestDeleteRefusesAFileThatMerelyHoldsTheFragment(t *testing.T) {
	ctx := context.Background()
	stick := t.TempDir()
	r := place(t, &media.Location{Dir: stick, FileName: "f.txt"}, "A")
	fragFile, err := os.ReadFile(recordPath(t, r))
	if err != nil {
		t.Fatal(err)
	}
	code := string(fragFile[strings.Index(string(fragFile), "PC1"):])

	home := t.TempDir()
	victim := filepath.Join(home, "notes.txt")
	content := []byte("shopping list\n" + code + "\nmilk\n")
	if err := os.WriteFile(victim, content, 0o600); err != nil {
		t.Fatal(err)
	}
	var d map[string]any
	if err := json.Unmarshal(r.Data, &d); err != nil {
		t.Fatal(err)
	}
	d["path"], d["file"] = victim, "notes.txt"
	raw, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	planted := recovery.Record{Kind: media.Kind, Prefix: "A", Data: raw}
	if err := (media.Keeper{}).Delete(ctx, planted); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(victim); err != nil || !bytes.Equal(b, content) {
		t.Fatalf("Delete removed or changed a file that only holds the fragment: %v", err)
	}

	// The fragment file itself, one line changed, is not ours either.
	changed := bytes.Replace(fragFile, []byte("Keep this file"), []byte("Kept this file"), 1)
	if err := os.WriteFile(recordPath(t, r), changed, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := (media.Keeper{}).Delete(ctx, r); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(recordPath(t, r)); err != nil {
		t.Fatalf("a changed fragment file was removed: %v", err)
	}
	// As written, it goes.
	if err := os.WriteFile(recordPath(t, r), fragFile, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := (media.Keeper{}).Delete(ctx, r); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(recordPath(t, r)); !os.IsNotExist(err) {
		t.Fatalf("the fragment file is still there: %v", err)
	}
}
