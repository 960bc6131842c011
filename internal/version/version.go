// Package version says which Passcrow this is: the release version and
// the git commit it was built from, for `passcrow --version` and the
// app's About screen.
//
// Release builds (scripts/release.sh) set both with the linker:
//
//	-ldflags '-X github.com/passcrow/passcrow-desktop/internal/version.version=0.1.0
//	          -X github.com/passcrow/passcrow-desktop/internal/version.commit=<full hash>'
//
// A plain `go build` in a git checkout sets neither; then the commit comes
// from the VCS stamp Go puts in every binary (debug.ReadBuildInfo), and the
// version says it is a development build.
package version

import (
	"runtime/debug"
	"strings"
)

// Set by the linker in release builds; never assigned in code.
var (
	version string
	commit  string
)

// Dev is the version of a build that is not a release.
const Dev = "devel"

// Info is what a binary knows about its own build.
type Info struct {
	// Version is the release version ("0.1.0", "0.2.0-dev.14+g1a2b3c4d"),
	// or Dev.
	Version string
	// Commit is the full git commit hash, or "" when unknown (a build
	// from a source archive without git).
	Commit string
	// Modified is set when the work tree had uncommitted changes (only
	// known from Go's VCS stamp, so never in a release build).
	Modified bool
}

// Get returns this binary's build information.
func Get() Info {
	bi, _ := debug.ReadBuildInfo()
	return get(version, commit, bi)
}

// get is Get with the linker's values and the build info given, so tests
// can try every case.
func get(v, c string, bi *debug.BuildInfo) Info {
	info := Info{Version: v, Commit: c}
	if info.Version == "" {
		info.Version = Dev
		// Go records the module version: the tag for `go install
		// module@v1.2.3`, and since Go 1.24 a pseudo-version from git
		// for `go build` in a checkout (with "+dirty" for a changed tree).
		if bi != nil && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			info.Version = strings.TrimPrefix(bi.Main.Version, "v")
		}
	}
	if info.Commit == "" && bi != nil {
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				info.Commit = s.Value
			case "vcs.modified":
				info.Modified = s.Value == "true"
			}
		}
	}
	return info
}

// ShortCommit is the commit's first 12 hex digits ("" when unknown).
func (i Info) ShortCommit() string {
	if len(i.Commit) > 12 {
		return i.Commit[:12]
	}
	return i.Commit
}

// String is the one line `passcrow --version` prints:
// "passcrow 0.1.0 (commit 1a2b3c4d5e6f)", with ", modified" for a build
// from a changed work tree and "commit unknown" when there is none.
func (i Info) String() string {
	c := "commit unknown"
	if i.Commit != "" {
		c = "commit " + i.ShortCommit()
		if i.Modified {
			c += ", modified"
		}
	}
	return "passcrow " + i.Version + " (" + c + ")"
}
