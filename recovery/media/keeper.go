package media

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/passcrow/passcrow-desktop/recovery"
)

// Keeper uses media records: at recovery it opens the file the user
// picks; Delete removes the file; Check looks at it. Register it with
// recovery.NewKeepers.
type Keeper struct{}

// Kind is Kind.
func (Keeper) Kind() string { return Kind }

// Asks is the fragment file: the media may be mounted anywhere.
func (Keeper) Asks(recovery.Record) recovery.Ask { return recovery.AskFile }

// Gather opens the file the user picked with r's key. A file with no
// fragment, or whose fragment does not open with this key (another
// location's or another pack's) is an error wrapping
// recovery.ErrNotThisPack, the latter also ErrWrongFragment; a damaged or
// changed one is ErrWrongFragment with the checksum's findings.
func (Keeper) Gather(_ context.Context, r recovery.Record, in recovery.Input) (recovery.Fragment, error) {
	d, key, err := decode(r)
	if err != nil {
		return nil, err
	}
	name := in.FileName
	if name == "" {
		name = d.File
	}
	return open(key, name, in.File)
}

func open(key []byte, name string, b []byte) (recovery.Fragment, error) {
	what := fmt.Sprintf("%q", name)
	if len(b) > maxFile {
		return nil, &refused{what + " is too large to be a fragment file", []error{recovery.ErrNotThisPack}}
	}
	f, err := openText(key, string(b))
	switch {
	case err == nil:
		return f, nil
	case errors.Is(err, recovery.ErrNoSealedText):
		return nil, &refused{what + " is not a Passcrow fragment file", []error{recovery.ErrNotThisPack}}
	case errors.Is(err, recovery.ErrWrongFragment):
		// Another location's or another pack's: GatherAny goes on.
		return nil, &refused{what + " holds the fragment of another location or another pack", []error{recovery.ErrNotThisPack, recovery.ErrWrongFragment}}
	}
	// Damaged: the checksum says where; the user should hear of it.
	return nil, &refused{what + " holds a fragment that was changed or damaged: " + err.Error(), []error{recovery.ErrWrongFragment, err}}
}

// refused says why in its own words and unwraps to the sentinels, whose
// texts would only repeat it.
type refused struct {
	msg  string
	errs []error
}

func (e *refused) Error() string   { return e.msg }
func (e *refused) Unwrap() []error { return e.errs }

// Delete removes the fragment file when it is where it was written and
// still is, byte for byte, what Place wrote there with r's key, then the README beside it when no other
// fragment file is left there. A file that is gone, or a stick that is
// not attached, is not an error: once the pack is deleted, its seal key
// is gone and the file is unreadable for good. A file of that name that
// is not this fragment is left alone.
func (Keeper) Delete(_ context.Context, r recovery.Record) error {
	d, key, err := decode(r)
	if err != nil {
		return err
	}
	b, err := readSmall(d.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("media: %w", err)
	}
	if !isOurFile(key, b) {
		return nil // not ours: someone else's file, or one changed since
	}
	if err := remove(d.Path); err != nil {
		return fmt.Errorf("media: deleting %q: %w", d.Path, err)
	}
	if d.Readme != "" {
		return removeReadme(filepath.Dir(d.Path), d.Readme)
	}
	return nil
}

// removeReadme removes our README from dir unless a fragment file is
// still there, or the folder is too large to look through.
func removeReadme(dir, name string) error {
	path := filepath.Join(dir, name)
	b, err := readSmall(path)
	if err != nil || !isOurReadme(b) {
		return nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) > maxReadmeChecks {
		return nil
	}
	for _, e := range entries {
		if !e.Type().IsRegular() || e.Name() == name {
			continue
		}
		if b, err := readSmall(filepath.Join(dir, e.Name())); err == nil && isFragmentFile(b) {
			return nil
		}
	}
	if err := remove(path); err != nil {
		return fmt.Errorf("media: deleting %q: %w", path, err)
	}
	return nil
}

func isFragmentFile(b []byte) bool {
	return len(b) >= len(fragmentMarker) && string(b[:len(fragmentMarker)]) == fragmentMarker
}

// Check reads the file where it was written and opens it. With in.File
// set, it checks that file instead (the user picked it, the media being
// mounted elsewhere). A folder that cannot be reached is an error: the
// stick may just not be attached.
func (k Keeper) Check(ctx context.Context, r recovery.Record, in recovery.Input) (recovery.Health, error) {
	d, key, err := decode(r)
	if err != nil {
		return recovery.Health{}, err
	}
	if in.File != nil {
		if _, err := k.Gather(ctx, r, in); err != nil {
			return recovery.Health{Detail: err.Error()}, nil
		}
		return recovery.Health{Present: true, Detail: "the file is readable and is this fragment"}, nil
	}
	dir := filepath.Dir(d.Path)
	if _, err := os.Stat(dir); err != nil {
		return recovery.Health{}, fmt.Errorf("media: the folder %q cannot be reached; is the media attached? %w", dir, err)
	}
	b, err := readSmall(d.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return recovery.Health{Detail: fmt.Sprintf("the file %s is not in %s", d.File, dir)}, nil
	}
	if err != nil {
		return recovery.Health{}, fmt.Errorf("media: %w", err)
	}
	if _, err := openText(key, string(b)); err != nil {
		return recovery.Health{Detail: fmt.Sprintf("the file %s is not this fragment, or it was changed", d.Path)}, nil
	}
	return recovery.Health{Present: true, Detail: fmt.Sprintf("the file %s is readable and is this fragment", d.Path)}, nil
}

func decode(r recovery.Record) (recordData, []byte, error) {
	var d recordData
	if r.Kind != Kind {
		return d, nil, fmt.Errorf("media: a record of kind %q", r.Kind)
	}
	if err := json.Unmarshal(r.Data, &d); err != nil {
		return d, nil, fmt.Errorf("media record: %w", err)
	}
	key, err := recovery.DecodeSealKey(d.SealKey)
	if err != nil {
		return d, nil, fmt.Errorf("media record: %w", err)
	}
	if d.Path == "" || !filepath.IsAbs(d.Path) || checkName(filepath.Base(d.Path)) != nil {
		return d, nil, fmt.Errorf("media record: the path %q is not a fragment file's", d.Path)
	}
	if d.Readme != "" && d.Readme != readmeName && d.Readme != readmeFallback {
		return d, nil, fmt.Errorf("media record: unknown README name %q", d.Readme)
	}
	return d, key, nil
}
