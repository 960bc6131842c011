package logfile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAddIsPrivateBoundedAndScrubbed: the log is 0600, keeps what went
// wrong, blots out codes, keys and the secrets named, and moves to
// errors.log.1 before it passes MaxSize.
func TestAddIsPrivateBoundedAndScrubbed(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "logs")
	l := New(dir)
	key := "q83vEjRWeJq83vEjRWeJ3Q=="
	err := fmt.Errorf("asking for the codes: %w", fmt.Errorf("server said code 1234567 and B-123 456 are wrong for key %s, password hunter22", key))
	if e := l.Add("recovering “Disk”", err, "hunter22"); e != nil {
		t.Fatal(e)
	}
	b, e := os.ReadFile(l.Path())
	if e != nil {
		t.Fatal(e)
	}
	got := string(b)
	for _, secret := range []string{"1234567", "123 456", key, "hunter22"} {
		if strings.Contains(got, secret) {
			t.Errorf("the log holds %q:\n%s", secret, got)
		}
	}
	if !strings.Contains(got, "asking for the codes: server said code [hidden]") || !strings.Contains(got, "recovering “Disk”") {
		t.Errorf("the log lost what went wrong:\n%s", got)
	}
	for _, p := range []string{dir, l.Path()} {
		fi, e := os.Stat(p)
		if e != nil {
			t.Fatal(e)
		}
		if fi.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s is %v, want private", p, fi.Mode().Perm())
		}
	}

	long := errors.New(strings.Repeat("connection refused ", 1000))
	for range 2 * MaxSize / len(long.Error()) {
		if e := l.Add("x", long); e != nil {
			t.Fatal(e)
		}
	}
	for _, p := range []string{l.Path(), l.Path() + ".1"} {
		fi, e := os.Stat(p)
		if e != nil {
			t.Fatal(e)
		}
		if fi.Size() > MaxSize {
			t.Errorf("%s is %d bytes, more than %d", p, fi.Size(), MaxSize)
		}
	}
}

// TestScrubKeepsPlainText: addresses, ports, URLs and dates stay readable.
func TestScrubKeepsPlainText(t *testing.T) {
	for _, s := range []string{
		`Post "https://passcrow.example.org/passcrow/recovery": dial tcp: lookup passcrow.example.org on 10.255.255.53:53: no such host`,
		`dial tcp 127.0.0.1:41313: connect: connection refused`,
		`me@example.org on 2026-12-02`,
	} {
		if got := Scrub(s); got != s {
			t.Errorf("Scrub(%q) = %q", s, got)
		}
	}
}

// TestNilWritesNothing: code without a log calls it all the same.
func TestNilWritesNothing(t *testing.T) {
	var l *Log
	if err := l.Add("x", errors.New("y")); err != nil || l.Path() != "" {
		t.Fatal(err, l.Path())
	}
}
