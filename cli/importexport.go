package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/passcrow/passcrow-desktop/internal/atomicfile"
	"github.com/passcrow/passcrow-desktop/internal/packstore"
	"github.com/passcrow/passcrow-desktop/internal/termtext"

	"github.com/passcrow/passcrow-desktop/recovery"
)

// maxPackFile bounds what import reads: packs are kilobytes.
const maxPackFile = 32 << 20

func runImport(e *env, args []string) error {
	var c commonFlags
	fs := newFlagSet(e, "import", "FILE [--name NAME] [--force]", &c)
	name := fs.String("name", "", "store it under `NAME` (default: the pack's own name)")
	force := fs.Bool("force", false, "replace an item of the same name")
	file, err := parseName(fs, args)
	if err != nil {
		return err
	}
	info, err := os.Stat(file)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	if info.Size() > maxPackFile {
		return fmt.Errorf("import: %q is %d bytes, too large to be a Recovery Pack", file, info.Size())
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	p, err := parseAnyPack(data)
	if err != nil {
		return fmt.Errorf("import: %q: %w", file, err)
	}
	if *name == "" {
		// The pack's own name is whatever its maker chose.
		*name = strings.TrimSpace(termtext.Clean(p.Name))
	}
	if *name == "" {
		*name = strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
	}
	if err := packstore.ValidateName(*name); err != nil {
		return usagef("import: --name: %v", err)
	}
	st, err := e.openStore(&c)
	if err != nil {
		return err
	}
	// Only a free name is written without --force: a pack that cannot be
	// read now (a newer format, a keychain hiccup) may still find escrows.
	switch _, err := packstore.Load(st, *name); {
	case err == nil && !*force:
		return fmt.Errorf("import: %q exists already (use --name or --force)", *name)
	case err != nil && !errors.Is(err, packstore.ErrNoSuchItem) && !*force:
		return fmt.Errorf("import: %q holds a pack that cannot be read; use --name, or --force to replace it: %w", *name, err)
	}
	if err := packstore.Save(st, *name, p); err != nil {
		return fmt.Errorf("import: %w", err)
	}
	if err := packstore.DeletePartial(st, *name); err != nil {
		e.notice("passcrow: could not remove codes kept for the old pack: %v", err)
	}
	e.warnUnknownServers(st, p)
	info2 := packSummary(p)
	info2.Name = *name
	e.result(&c, info2, fmt.Sprintf("Imported %q.\n%s", termtext.Clean(*name), info2.text()))
	return nil
}

// parseAnyPack reads our pack format, else the reference client's.
func parseAnyPack(data []byte) (*recovery.Pack, error) {
	p, err := recovery.ParsePack(data)
	if err == nil {
		return p, nil
	}
	rp, rerr := recovery.ImportReferencePack(data)
	if rerr == nil {
		return rp, nil
	}
	return nil, errors.Join(fmt.Errorf("not a Passcrow pack: %w", err), fmt.Errorf("not a reference .passcrow pack: %w", rerr))
}

func runExport(e *env, args []string) error {
	var c commonFlags
	fs := newFlagSet(e, "export", "NAME --out FILE", &c)
	out := fs.String("out", "", "write the pack to `FILE`")
	name, err := parseName(fs, args)
	if err != nil {
		return err
	}
	if *out == "" {
		return usagef("export: --out FILE is needed")
	}
	_, p, err := e.openPack(&c, name)
	if err != nil {
		return err
	}
	b, err := p.Marshal()
	if err != nil {
		return err
	}
	if err := atomicfile.WriteFile(*out, b); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	e.result(&c, map[string]any{"name": name, "out": *out}, fmt.Sprintf("Wrote the Recovery Pack of %q to %s.\n", name, *out))
	return nil
}
