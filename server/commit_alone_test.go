package server

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

// A lone client's creation is journaled and synced by the creating
// goroutine itself (writeAlone), with no hand-off to the committer, and
// each one is durable when acknowledged: a copy of the store's files
// taken before it closed has them all.
func TestJournalLoneCreationWritesItself(t *testing.T) {
	dir := t.TempDir()
	s, err := OpenBoltStore(dir)
	mustBeNil(t, err)
	var alone, beside int
	s.journal.sync = func(f *os.File) error {
		buf := make([]byte, 8<<10)
		if strings.Contains(string(buf[:runtime.Stack(buf, false)]), ".writeAlone(") {
			alone++
		} else {
			beside++
		}
		return fdatasync(f)
	}
	ctx := context.Background()
	now := time.Now()
	const n = 20
	for i := range n {
		mustBeNil(t, s.CreateEscrow(ctx, Escrow{ID: fmt.Sprint("lone-", i), Kind: "email", Data: "x", Expiration: now.Unix() + 3600}, now))
	}
	if alone != n || beside != 0 {
		t.Fatalf("%d of %d creations synced by their own goroutine, %d by the committer", alone, n, beside)
	}
	crashed := copyAsCrashed(t, dir) // as a kill -9 would leave it
	mustBeNil(t, s.Close())
	reopened, err := OpenBoltStore(crashed)
	mustBeNil(t, err)
	defer reopened.Close()
	for i := range n {
		if _, err := reopened.Escrow(ctx, fmt.Sprint("lone-", i), now); err != nil {
			t.Fatalf("lone-%d after reopening: %v", i, err)
		}
	}
}
