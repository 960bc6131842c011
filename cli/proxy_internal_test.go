package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/recovery"
)

// Only commands that reach servers take --proxy and --quick.
func TestNetFlagsOnServerCommands(t *testing.T) {
	for _, name := range []string{"protect", "verify", "recover", "recover-ephemeral", "check", "forget", "heir-status", "heir-stop", "claim", "list", "import", "serve", "heir-sheet"} {
		e := &env{getenv: func(string) string { return "" }}
		fs := newFlagSet(e, name, "", &commonFlags{})
		has := fs.Lookup("proxy") != nil && fs.Lookup("quick") != nil
		if has != serverCommands[name] || (e.net != nil) != has {
			t.Errorf("%s: --proxy and --quick registered: %v", name, has)
		}
	}
}

// Waits are on unless --quick, or every server is on this computer.
func TestSpreadChoice(t *testing.T) {
	remote := []string{"passcrow.mailpile.is", "http://127.0.0.1:8765"}
	local := []string{"http://127.0.0.1:8765", "http://[::1]:8766"}
	e := &env{net: &netOptions{}}
	s := e.spread(remote)
	if s == nil || s.Min != recovery.DefaultSpreadMin || s.Max != recovery.DefaultSpreadMax {
		t.Errorf("remote servers: %+v, want the default spread", s)
	}
	if s := e.spread(local); s != nil {
		t.Errorf("servers on loopback: %+v, want none", s)
	}
	e.net.quick = true
	if s := e.spread(remote); s != nil {
		t.Errorf("--quick: %+v, want none", s)
	}
	if s := (&env{}).spread(remote); s != nil {
		t.Errorf("a command without the flags: %+v, want none", s)
	}
}

// The wait shows on stderr, in words, with its length.
func TestProgressShowsWait(t *testing.T) {
	var stderr bytes.Buffer
	e := &env{stderr: &stderr}
	d := 7*time.Second + 300*time.Millisecond
	e.progressPrinter()(recovery.Progress{Location: "e-mail a*@e*ple.org via passcrow.example.org", Stage: recovery.WaitingStage(d), Fraction: -1, Wait: d})
	if want := "e-mail a*@e*ple.org via passcrow.example.org: waiting 7 s so servers cannot link your requests\n"; !strings.HasSuffix(stderr.String(), want) {
		t.Errorf("stderr %q, want %q", stderr.String(), want)
	}
}
