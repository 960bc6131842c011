package platform

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/passcrow/passcrow-desktop/internal/testreal"
)

func TestValidateName(t *testing.T) {
	good := []string{"a", "Alice's pack", "ünïcode", strings.Repeat("x", MaxNameLen), ".hidden", "con"}
	for _, n := range good {
		if err := ValidateName(n); err != nil {
			t.Errorf("ValidateName(%q) = %v, want nil", n, err)
		}
	}
	bad := map[string]string{
		"":                                "empty",
		"a/b":                             "'/'",
		"tab\there":                       "control",
		"nl\n":                            "control",
		"del\x7f":                         "control",
		strings.Repeat("x", MaxNameLen+1): "longer than 100",
		"\xff\xfe":                        "not UTF-8",
	}
	for n, want := range bad {
		err := ValidateName(n)
		if !errors.Is(err, ErrBadName) || !strings.Contains(err.Error(), want) {
			t.Errorf("ValidateName(%q) = %v, want ErrBadName mentioning %q", n, err, want)
		}
	}
}

func TestOpenStoreHome(t *testing.T) {
	home := filepath.Join(t.TempDir(), "home")
	s, notice, err := OpenStore(home)
	if err != nil {
		t.Fatal(err)
	}
	fs, ok := s.(*FileStore)
	if !ok || fs.Dir() != home {
		t.Fatalf("OpenStore(%q) = %T %v, want a FileStore in that directory", home, s, s)
	}
	if notice != "" {
		t.Errorf("notice = %q, want none when a home is given", notice)
	}
}

func TestOpenStoreWithoutKeychainFallsBackToFiles(t *testing.T) {
	cfg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", cfg)
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path="+filepath.Join(cfg, "no-bus"))
	s, notice, err := OpenStore("")
	if err != nil {
		t.Fatal(err)
	}
	fs, ok := s.(*FileStore)
	want := filepath.Join(cfg, "passcrow")
	if !ok || fs.Dir() != want {
		t.Fatalf("OpenStore(\"\") = %T %v, want a FileStore in %s", s, s, want)
	}
	if !strings.Contains(notice, "kept as files") || !strings.Contains(notice, want) {
		t.Errorf("notice = %q, want it to say packs are kept as files in %s", notice, want)
	}
}

func TestOpenStoreUsesKeychain(t *testing.T) {
	if err := NewKeychainStore(KeychainService).Check(); err != nil {
		testreal.Require(t, "a Secret Service (run under scripts/with-keyring.sh)", err)
	}
	s, notice, err := OpenStore("")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := s.(*KeychainStore); !ok || notice != "" {
		t.Fatalf("OpenStore(\"\") = %T, notice %q; want the keychain and no notice", s, notice)
	}
}
