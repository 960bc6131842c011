package server

import (
	"context"
	"errors"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// After a failed hand-over held the applied mark back, the next one that
// brings its escrows in lifts the mark past every escrow bbolt got
// meanwhile: one of those deleted in that same write stays deleted after
// a crash (a mark left at the failed escrows' last seq replayed it).
func TestJournalMarkCatchesUpAfterFailedApply(t *testing.T) {
	dir := t.TempDir()
	s, err := openBoltStore(dir, 8<<10)
	mustBeNil(t, err)
	defer s.Close()
	ctx := context.Background()
	now := time.Now()
	holdMarkBack(t, s, dir)

	// Room again; the deletion's write hands the large ones over first.
	holdWriter(s, func(tx *bolt.Tx) { tx.DB().MaxSize = 0 })()
	mustBeNil(t, s.DeleteEscrow(ctx, "small"))

	c, err := OpenBoltStore(copyAsCrashed(t, dir))
	mustBeNil(t, err)
	defer c.Close()
	if _, err := c.Escrow(ctx, "small", now); !errors.Is(err, ErrNotFound) {
		t.Errorf("an escrow deleted after the failed hand-over came back: %v", err)
	}
	if _, err := c.Escrow(ctx, "big099", now); err != nil {
		t.Errorf("an escrow of the failed hand-over: %v", err)
	}
}
