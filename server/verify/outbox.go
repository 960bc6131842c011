package verify

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"github.com/passcrow/passcrow-desktop/internal/atomicfile"
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
	return o.write(now, text)
}

// write puts one mail's text into a new file of o.Dir.
func (o *Outbox) write(now time.Time, text []byte) error {
	if err := os.MkdirAll(o.Dir, 0o700); err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	var r [4]byte
	rand.Read(r[:])
	name := now.UTC().Format("20060102T150405.000000000Z") + "-" + hex.EncodeToString(r[:]) + ".eml"
	if err := atomicfile.WriteFile(filepath.Join(o.Dir, name), text); err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	return nil
}
