package version

import (
	"runtime/debug"
	"testing"
)

func TestGet(t *testing.T) {
	const hash = "2a6ae81b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f"
	vcs := func(rev, modified string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: rev}, {Key: "vcs.modified", Value: modified}}
	}
	tests := []struct {
		name         string
		linkV, linkC string
		bi           *debug.BuildInfo
		want         Info
		wantString   string
	}{
		{"release build: the linker's values win over the VCS stamp", "0.1.0", hash,
			&debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs("ffffffffffffffffffffffffffffffffffffffff", "true")},
			Info{Version: "0.1.0", Commit: hash}, "passcrow 0.1.0 (commit 2a6ae81b1c2d)"},
		{"go build in a changed checkout", "", "",
			&debug.BuildInfo{Main: debug.Module{Version: "v0.1.1-0.20251202034900-2a6ae81b1c2d+dirty"}, Settings: vcs(hash, "true")},
			Info{Version: "0.1.1-0.20251202034900-2a6ae81b1c2d+dirty", Commit: hash, Modified: true},
			"passcrow 0.1.1-0.20251202034900-2a6ae81b1c2d+dirty (commit 2a6ae81b1c2d, modified)"},
		{"go build with no module version", "", "",
			&debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs(hash, "false")},
			Info{Version: Dev, Commit: hash}, "passcrow devel (commit 2a6ae81b1c2d)"},
		{"go install module@v0.2.0", "", "",
			&debug.BuildInfo{Main: debug.Module{Version: "v0.2.0"}},
			Info{Version: "0.2.0"}, "passcrow 0.2.0 (commit unknown)"},
		{"no build info at all", "", "", nil, Info{Version: Dev}, "passcrow devel (commit unknown)"},
		{"version set, commit from the stamp", "0.1.0", "", &debug.BuildInfo{Settings: vcs(hash, "false")},
			Info{Version: "0.1.0", Commit: hash}, "passcrow 0.1.0 (commit 2a6ae81b1c2d)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := get(tt.linkV, tt.linkC, tt.bi)
			if got != tt.want {
				t.Errorf("get = %+v, want %+v", got, tt.want)
			}
			if s := got.String(); s != tt.wantString {
				t.Errorf("String = %q, want %q", s, tt.wantString)
			}
		})
	}
}

// The test binary is built by go test from this checkout: whatever Get
// says, it is never empty.
func TestGetThisBinary(t *testing.T) {
	if v := Get().Version; v == "" {
		t.Fatal("Get().Version is empty")
	}
}
