package platform

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAutostartLinux(t *testing.T) {
	cfg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", cfg)
	file := filepath.Join(cfg, "autostart", "passcrow-remind.desktop")

	if on, err := AutostartEnabled(); err != nil || on {
		t.Fatalf("AutostartEnabled() before enabling = %v, %v", on, err)
	}
	if err := EnableAutostart("/opt/Pass crow/passcrow", "remind"); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	entry := string(b)
	for _, line := range []string{
		"[Desktop Entry]",
		"Type=Application",
		`Exec="/opt/Pass crow/passcrow" remind`,
	} {
		if !strings.Contains(entry, "\n"+line+"\n") && !strings.HasPrefix(entry, line+"\n") {
			t.Errorf("entry lacks the line %q:\n%s", line, entry)
		}
	}
	if on, err := AutostartEnabled(); err != nil || !on {
		t.Fatalf("AutostartEnabled() after enabling = %v, %v", on, err)
	}

	if err := DisableAutostart(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(file); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("entry still there after DisableAutostart: %v", err)
	}
	if on, err := AutostartEnabled(); err != nil || on {
		t.Fatalf("AutostartEnabled() after disabling = %v, %v", on, err)
	}
	if err := DisableAutostart(); err != nil {
		t.Fatalf("DisableAutostart() when already off = %v", err)
	}
}

func TestAutostartRejectsBadCommands(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	for _, argv := range [][]string{{""}, {"passcrow", "remind"}, {"/bin/passcrow", "re\nmind"}} {
		if err := EnableAutostart(argv[0], argv[1:]...); err == nil {
			t.Errorf("EnableAutostart(%q) succeeded", argv)
		}
	}
	if on, _ := AutostartEnabled(); on {
		t.Error("a rejected command left an autostart entry")
	}
}

func TestDesktopExec(t *testing.T) {
	cases := []struct {
		argv []string
		want string
	}{
		{[]string{"/usr/bin/passcrow", "remind"}, `/usr/bin/passcrow remind`},
		{[]string{"/home/a b/passcrow", "remind"}, `"/home/a b/passcrow" remind`},
		{[]string{"/x/100%/p"}, `/x/100%%/p`},
		{[]string{`/x/a"b$c`}, `"/x/a\\"b\\$c"`},
		{[]string{`/x/back\slash`}, `"/x/back\\\\slash"`},
		{[]string{"/p", ""}, `/p ""`},
	}
	for _, c := range cases {
		if got := desktopExec(c.argv); got != c.want {
			t.Errorf("desktopExec(%q) = %s, want %s", c.argv, got, c.want)
		}
	}
}
