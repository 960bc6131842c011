package verify

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// Outbox "sends" a message by writing its full mail text into Dir, one
// file per message, for the demo mode and scripted tests. File names start
// with the UTC time to the nanosecond, so a sorted directory listing is in
// the order the messages were sent. Files are 0600 and appear whole
// (written to a temporary name, synced, then renamed).
type Outbox struct {
	Dir  string
	From string // the sender in the From header; DefaultFrom if empty
}

var _ Verifier = (*Outbox)(nil)

// Send writes m to a new file in o.Dir, creating the directory (0700) if
// needed. Any kind of identity is accepted: the file is the delivery.
func (o *Outbox) Send(ctx context.Context, m Message) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	now := time.Now()
	text, err := Compose(m, o.From, now)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(o.Dir, 0o700); err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	var r [4]byte
	rand.Read(r[:])
	name := now.UTC().Format("20060102T150405.000000000Z") + "-" + hex.EncodeToString(r[:]) + ".eml"
	if err := writeFileAtomic(filepath.Join(o.Dir, name), text); err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	return nil
}

func writeFileAtomic(path string, data []byte) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err = f.Chmod(0o600); err != nil {
		return err
	}
	if _, err = f.Write(data); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return err
	}
	// Make the rename itself durable.
	if d, derr := os.Open(filepath.Dir(path)); derr == nil {
		d.Sync()
		d.Close()
	}
	return nil
}
