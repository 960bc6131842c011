package cli

import (
	"github.com/passcrow/passcrow-desktop/internal/version"
)

// "passcrow version" and "passcrow --version" print which Passcrow this
// is; release builds carry the version and commit (internal/version).
func init() { commands["version"] = command{runVersion} }

func isVersionFlag(a string) bool { return a == "--version" || a == "-version" }

func runVersion(e *env, args []string) error {
	var c commonFlags
	fs := newFlagSet(e, "version", "", &c)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("version: takes no arguments")
	}
	v := version.Get()
	if c.json {
		writeJSON(e.stdout, map[string]any{"version": v.Version, "commit": v.Commit, "modified": v.Modified})
		return nil
	}
	_, err = e.stdout.Write([]byte(v.String() + "\n"))
	return err
}
