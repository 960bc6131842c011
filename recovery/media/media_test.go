package media_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/papercode"
	"github.com/passcrow/passcrow-desktop/recovery"
	"github.com/passcrow/passcrow-desktop/recovery/media"
)

var fragment = recovery.Fragment("0123456789abcdef0123456789abcdef\x07")

func place(t *testing.T, l *media.Location, prefix string) recovery.Record {
	t.Helper()
	r, err := l.Place(context.Background(), fragment, recovery.PlaceOptions{Prefix: prefix})
	if err != nil {
		t.Fatalf("Place in %s: %v", l.Dir, err)
	}
	return r
}

func names(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	return out
}

func recordPath(t *testing.T, r recovery.Record) string {
	t.Helper()
	var d struct{ File, Path string }
	if err := json.Unmarshal(r.Data, &d); err != nil {
		t.Fatal(err)
	}
	if filepath.Base(d.Path) != d.File {
		t.Fatalf("record path %q does not end in its file %q", d.Path, d.File)
	}
	return d.Path
}

// TestPlaceGatherCheckDelete goes through a fragment's life on a real
// (tmpfs) file system: written with its README, read back, checked,
// deleted with the README.
func TestPlaceGatherCheckDelete(t *testing.T) {
	dir, _ := tmpfs(t, 1<<20)
	ctx := context.Background()
	r := place(t, &media.Location{Dir: dir, Label: "the blue stick"}, "C")
	if r.Kind != media.Kind || r.Prefix != "C" || !strings.Contains(r.Hint, "the blue stick") {
		t.Errorf("record = %+v", r)
	}
	path := recordPath(t, r)
	if got := names(t, dir); !slices.Equal(got, []string{"README.txt", filepath.Base(path)}) {
		t.Fatalf("folder holds %v", got)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("fragment file: %v, %v; want mode 0600", fi, err)
	}
	b, _ := os.ReadFile(path)
	if !strings.HasPrefix(string(b), "Passcrow recovery fragment\n") || bytes.Contains(b, fragment) {
		t.Errorf("fragment file reads:\n%s", b)
	}
	readme, _ := os.ReadFile(filepath.Join(dir, "README.txt"))
	if !strings.Contains(string(readme), "useless for good") {
		t.Errorf("README does not say forgetting makes the file useless:\n%s", readme)
	}

	var k media.Keeper
	if k.Asks(r) != recovery.AskFile {
		t.Errorf("Asks = %v, want AskFile", k.Asks(r))
	}
	got, err := k.Gather(ctx, r, recovery.Input{File: b, FileName: "E:\\" + filepath.Base(path)})
	if err != nil || !bytes.Equal(got, fragment) {
		t.Fatalf("Gather = %x, %v", got, err)
	}
	h, err := k.Check(ctx, r, recovery.Input{})
	if err != nil || !h.Present {
		t.Fatalf("Check = %+v, %v", h, err)
	}

	if err := k.Delete(ctx, r); err != nil {
		t.Fatal(err)
	}
	if got := names(t, dir); len(got) != 0 {
		t.Fatalf("after Delete the folder holds %v", got)
	}
	if err := k.Delete(ctx, r); err != nil {
		t.Errorf("deleting again: %v, want nil (gone is not an error)", err)
	}
	h, err = k.Check(ctx, r, recovery.Input{})
	if err != nil || h.Present {
		t.Errorf("Check after Delete = %+v, %v; want not present", h, err)
	}
}

func TestIcelandicReadme(t *testing.T) {
	dir := t.TempDir()
	place(t, &media.Location{Dir: dir, Language: "is"}, "A")
	b, _ := os.ReadFile(filepath.Join(dir, "README.txt"))
	if !strings.HasPrefix(string(b), "Um Passcrow-skrárnar") {
		t.Errorf("README:\n%s", b)
	}
	_, err := (&media.Location{Dir: dir, Language: "xx"}).Place(context.Background(), fragment, recovery.PlaceOptions{Prefix: "B"})
	if err == nil || !strings.Contains(err.Error(), `"xx"`) {
		t.Errorf("unknown language: %v", err)
	}
}

// TestRefusesToOverwrite: a file of the fragment's name is never
// replaced, and nothing else is written either.
func TestRefusesToOverwrite(t *testing.T) {
	dir := t.TempDir()
	old := []byte("Passcrow recovery fragment\nanother pack's\n")
	if err := os.WriteFile(filepath.Join(dir, "wallet.txt"), old, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := (&media.Location{Dir: dir, FileName: "wallet.txt"}).Place(context.Background(), fragment, recovery.PlaceOptions{Prefix: "A"})
	if !errors.Is(err, media.ErrExists) {
		t.Fatalf("Place over an existing file: %v, want ErrExists", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "wallet.txt")); !bytes.Equal(b, old) {
		t.Errorf("the existing file changed to %q", b)
	}
	if got := names(t, dir); !slices.Equal(got, []string{"wallet.txt"}) {
		t.Errorf("folder holds %v", got)
	}
	for _, bad := range []string{"../x.txt", "README.txt", "a/b", ".tmp-x", ""} {
		l := &media.Location{Dir: dir, FileName: bad}
		if bad == "" {
			l.Dir = filepath.Join(dir, "missing")
		}
		if _, err := l.Place(context.Background(), fragment, recovery.PlaceOptions{Prefix: "A"}); err == nil {
			t.Errorf("Place with file name %q in %s succeeded", bad, l.Dir)
		}
	}
}

// fill writes into dir until the file system is full and returns the
// filler's path.
func fill(t *testing.T, dir string) string {
	t.Helper()
	p := filepath.Join(dir, "filler")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	page := make([]byte, 4096)
	for i := 0; ; i++ {
		if _, err := f.Write(page); err != nil {
			if i == 0 {
				t.Fatalf("the tmpfs is full before filling: %v", err)
			}
			break
		}
	}
	return p
}

// TestFullDisk fills a real 64 KiB tmpfs. With no room at all, and with
// room for the fragment file but not its README, Place says the media is
// full and leaves nothing behind.
func TestFullDisk(t *testing.T) {
	dir, _ := tmpfs(t, 64<<10)
	filler := fill(t, dir)
	l := &media.Location{Dir: dir}
	_, err := l.Place(context.Background(), fragment, recovery.PlaceOptions{Prefix: "A"})
	if !errors.Is(err, media.ErrFull) {
		t.Fatalf("Place on a full tmpfs: %v, want ErrFull", err)
	}
	t.Logf("full: %v", err)
	if got := names(t, dir); !slices.Equal(got, []string{"filler"}) {
		t.Fatalf("folder holds %v after the failed Place", got)
	}

	// One page free: the fragment file fits; the README does not.
	fi, _ := os.Stat(filler)
	if err := os.Truncate(filler, fi.Size()-4096); err != nil {
		t.Fatal(err)
	}
	_, err = l.Place(context.Background(), fragment, recovery.PlaceOptions{Prefix: "A"})
	if !errors.Is(err, media.ErrFull) || !strings.Contains(err.Error(), "README.txt") {
		t.Fatalf("Place with room for one file: %v, want ErrFull writing README.txt", err)
	}
	t.Logf("room for one file: %v", err)
	if got := names(t, dir); !slices.Equal(got, []string{"filler"}) {
		t.Fatalf("folder holds %v after the failed Place", got)
	}
}

// TestSharedReadme: two packs' fragments on one stick share one README,
// which goes with the last of them; a README.txt that is not ours is
// never touched.
func TestSharedReadme(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	r1 := place(t, &media.Location{Dir: dir}, "A")
	r2 := place(t, &media.Location{Dir: dir, Language: "is"}, "B")
	if n := len(names(t, dir)); n != 3 {
		t.Fatalf("folder holds %v, want two fragments and one README", names(t, dir))
	}
	if err := (media.Keeper{}).Delete(ctx, r1); err != nil {
		t.Fatal(err)
	}
	if got := names(t, dir); !slices.Contains(got, "README.txt") || len(got) != 2 {
		t.Fatalf("after deleting one of two: %v", got)
	}
	if err := (media.Keeper{}).Delete(ctx, r2); err != nil {
		t.Fatal(err)
	}
	if got := names(t, dir); len(got) != 0 {
		t.Fatalf("after deleting both: %v", got)
	}

	theirs := []byte("README for my holiday photos\n")
	os.WriteFile(filepath.Join(dir, "README.txt"), theirs, 0o644)
	r := place(t, &media.Location{Dir: dir}, "A")
	if got := names(t, dir); !slices.Contains(got, "README-passcrow.txt") {
		t.Fatalf("with a README.txt of someone else's: %v", got)
	}
	if err := (media.Keeper{}).Delete(ctx, r); err != nil {
		t.Fatal(err)
	}
	if got := names(t, dir); !slices.Equal(got, []string{"README.txt"}) {
		t.Fatalf("after Delete: %v", got)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "README.txt")); !bytes.Equal(b, theirs) {
		t.Errorf("their README changed to %q", b)
	}
}

// TestGatherRefuses: another pack's fragment file is not this pack's and
// a wrong fragment; a changed one a wrong fragment, with the change
// located; a file that is no fragment at all not this pack's.
func TestGatherRefuses(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	mine := place(t, &media.Location{Dir: dir, FileName: "mine.txt"}, "A")
	place(t, &media.Location{Dir: filepath.Join(dir), FileName: "other.txt"}, "A")
	other, _ := os.ReadFile(filepath.Join(dir, "other.txt"))
	own, _ := os.ReadFile(filepath.Join(dir, "mine.txt"))
	changed := bytes.Clone(own)
	i := bytes.LastIndexAny(changed, "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L") // the code's last character
	changed[i] = map[bool]byte{true: 'Q', false: 'P'}[changed[i] != 'Q']

	var k media.Keeper
	_, err := k.Gather(ctx, mine, recovery.Input{File: other, FileName: "other.txt"})
	if !errors.Is(err, recovery.ErrNotThisPack) || !errors.Is(err, recovery.ErrWrongFragment) || !strings.Contains(err.Error(), "other.txt") {
		t.Errorf("Gather(another pack's file) = %v, want ErrNotThisPack and ErrWrongFragment naming the file", err)
	}
	// A changed character is found by the checksum, and said: it is not
	// "not this pack's", which GatherAny would pass over in silence.
	_, err = k.Gather(ctx, mine, recovery.Input{File: changed, FileName: "changed.txt"})
	var typo *papercode.TypoError
	if errors.Is(err, recovery.ErrNotThisPack) || !errors.Is(err, recovery.ErrWrongFragment) || !errors.As(err, &typo) || !strings.Contains(err.Error(), "changed.txt") {
		t.Errorf("Gather(changed file) = %v, want ErrWrongFragment with the typo's place, naming the file", err)
	}
	for name, file := range map[string][]byte{"photo.jpg": {0xff, 0xd8, 0xff}, "empty": {}, "big": make([]byte, 1<<20)} {
		_, err := k.Gather(ctx, mine, recovery.Input{File: file, FileName: name})
		if !errors.Is(err, recovery.ErrNotThisPack) || errors.Is(err, recovery.ErrWrongFragment) {
			t.Errorf("Gather(%s) = %v, want ErrNotThisPack only", name, err)
		}
	}
}

// TestDeleteLeavesOthersFiles: a file that took the fragment's name but
// does not open with the record's key is not deleted.
func TestDeleteLeavesOthersFiles(t *testing.T) {
	dir := t.TempDir()
	r := place(t, &media.Location{Dir: dir, FileName: "f.txt"}, "A")
	path := recordPath(t, r)
	os.Remove(path)
	// Another pack now writes a fragment under the same name.
	place(t, &media.Location{Dir: dir, FileName: "f.txt"}, "A")
	before, _ := os.ReadFile(path)
	if err := (media.Keeper{}).Delete(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	if after, err := os.ReadFile(path); err != nil || !bytes.Equal(before, after) {
		t.Fatalf("the other pack's file was touched: %v", err)
	}
	h, err := (media.Keeper{}).Check(context.Background(), r, recovery.Input{})
	if err != nil || h.Present {
		t.Errorf("Check of a replaced file = %+v, %v; want not present", h, err)
	}
}

// TestCheckUnplugged: with the stick gone the check cannot be made (an
// error, not "missing"); Delete then has nothing to do.
func TestCheckUnplugged(t *testing.T) {
	dir, unplug := tmpfs(t, 1<<20)
	sub := filepath.Join(dir, "passcrow")
	if err := os.Mkdir(sub, 0o700); err != nil {
		t.Fatal(err)
	}
	r := place(t, &media.Location{Dir: sub}, "A")
	b, _ := os.ReadFile(recordPath(t, r))
	unplug()
	if _, err := (media.Keeper{}).Check(context.Background(), r, recovery.Input{}); err == nil {
		t.Fatal("Check with the stick unplugged succeeded")
	} else {
		t.Logf("unplugged: %v", err)
	}
	if err := (media.Keeper{}).Delete(context.Background(), r); err != nil {
		t.Errorf("Delete with the stick unplugged: %v, want nil", err)
	}
	// Picked by the user from wherever the stick mounts now.
	h, err := (media.Keeper{}).Check(context.Background(), r, recovery.Input{File: b})
	if err != nil || !h.Present {
		t.Errorf("Check of the picked file = %+v, %v", h, err)
	}
}

// TestProtectRollsBack: when a later location fails, Protect deletes the
// media file (with no Keepers entry: the Location is its own keeper).
func TestProtectRollsBack(t *testing.T) {
	dir := t.TempDir()
	_, err := recovery.Protect(context.Background(), recovery.ProtectRequest{
		Name: "t", Secret: []byte("s"), Policy: recovery.NofM(2),
		Locations: []recovery.Location{&media.Location{Dir: dir}, &media.Location{Dir: filepath.Join(dir, "missing")}},
		Expires:   timeInAYear(),
	})
	if err == nil {
		t.Fatal("Protect with a missing folder succeeded")
	}
	if got := names(t, dir); len(got) != 0 {
		t.Fatalf("after the failed Protect the folder holds %v", got)
	}
}

func timeInAYear() time.Time { return time.Now().AddDate(1, 0, 0) }

// TestProtectRecoverFromSticks: any 2 of 3 sticks, each picked as a file
// with GatherAny, which finds the location the file belongs to.
func TestProtectRecoverFromSticks(t *testing.T) {
	ctx := context.Background()
	var dirs []string
	var locs []recovery.Location
	for range 3 {
		d := t.TempDir()
		dirs = append(dirs, d)
		locs = append(locs, &media.Location{Dir: d})
	}
	secret := []byte("my wallet seed")
	p, err := recovery.Protect(ctx, recovery.ProtectRequest{Name: "wallet", Secret: secret, Policy: recovery.NofM(2), Locations: locs, Expires: timeInAYear()})
	if err != nil {
		t.Fatal(err)
	}
	file := func(i int) recovery.Input {
		b, err := os.ReadFile(recordPath(t, p.Records[i]))
		if err != nil {
			t.Fatal(err)
		}
		return recovery.Input{File: b, FileName: "fragment.txt"}
	}
	for _, pair := range [][2]int{{0, 1}, {2, 0}, {1, 2}} {
		rec := recovery.NewRecovery(p, recovery.NewKeepers(media.Keeper{}))
		for _, i := range pair {
			got, err := rec.GatherAny(ctx, file(i))
			if err != nil || got.Prefix != p.Records[i].Prefix {
				t.Fatalf("GatherAny(file %d) = %q, %v", i, got.Prefix, err)
			}
		}
		s, bad, err := rec.Secret()
		if err != nil || bad != nil || !bytes.Equal(s, secret) {
			t.Fatalf("sticks %v: Secret = %q, %v, %v", pair, s, bad, err)
		}
	}
	if err := recovery.Forget(ctx, p, recovery.NewKeepers(media.Keeper{})); err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		if got := names(t, d); len(got) != 0 {
			t.Errorf("after Forget %s holds %v", d, got)
		}
	}
}
