package verify

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestOutbox(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "outbox")
	o := &Outbox{Dir: dir}
	codes := []string{"1000001", "2000002", "3000003"}
	for i, code := range codes {
		m := testMessage([]string{"en", "is", "de"}[i])
		m.Code = code
		if err := o.Send(context.Background(), m); err != nil {
			t.Fatal(err)
		}
	}
	m := testMessage("en")
	m.Description = "bad\r\nBcc: eve@example.net"
	if err := o.Send(context.Background(), m); !errors.Is(err, ErrInvalidMessage) {
		t.Errorf("injection: err = %v", err)
	}

	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("outbox dir: %v %v", fi.Mode(), err)
	}
	entries, err := os.ReadDir(dir) // sorted by name
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(codes) {
		t.Fatalf("%d files, want %d (no temporary files left)", len(entries), len(codes))
	}
	for i, e := range entries {
		if strings.HasPrefix(e.Name(), ".") || !strings.HasSuffix(e.Name(), ".eml") {
			t.Errorf("file name %q", e.Name())
		}
		fi, _ := e.Info()
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v", e.Name(), fi.Mode())
		}
		text, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if code, ok := ReadCode(string(text)); !ok || code != codes[i] {
			t.Errorf("file %d (%s): code %q %v, want %q: listing is not in sending order", i, e.Name(), code, ok, codes[i])
		}
	}
}

func TestOutboxSMS(t *testing.T) {
	o := &Outbox{Dir: t.TempDir()}
	m := testMessage("en")
	m.Kind, m.Address = "sms", "+3545551267"
	if err := o.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(o.Dir)
	if len(entries) != 1 {
		t.Fatalf("%d files", len(entries))
	}
	text, _ := os.ReadFile(filepath.Join(o.Dir, entries[0].Name()))
	if code, ok := ReadCode(string(text)); !ok || code != m.Code {
		t.Errorf("code %q %v", code, ok)
	}
}

func TestOutboxCancelled(t *testing.T) {
	o := &Outbox{Dir: t.TempDir()}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := o.Send(ctx, testMessage("en")); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v", err)
	}
}
