package server

import (
	"context"
	"testing"
	"time"
)

// A hand-over to bbolt that fails (here: the file may not grow, as on a
// full disk) leaves its escrows journaled, and a later, smaller
// hand-over that succeeds must not mark them applied: replay skips
// every record up to the mark, so a crash then lost acknowledged
// escrows. The data dir is copied while the store is open, as a kill -9
// would leave it.
func TestJournalFailedApplyKeepsItsRecords(t *testing.T) {
	dir := t.TempDir()
	s, err := openBoltStore(dir, 8<<10)
	mustBeNil(t, err)
	defer s.Close()
	ctx := context.Background()
	now := time.Now()
	lost := holdMarkBack(t, s, dir)

	c, err := OpenBoltStore(copyAsCrashed(t, dir))
	mustBeNil(t, err)
	defer c.Close()
	missing := 0
	for _, id := range append(lost, "small") {
		if _, err := c.Escrow(ctx, id, now); err != nil {
			missing++
		}
	}
	if missing > 0 {
		t.Errorf("%d of %d acknowledged escrows lost in a crash after a failed hand-over to bbolt", missing, len(lost)+1)
	}
	// The store itself still serves them, and has them once bbolt may grow.
	for _, id := range lost {
		if _, err := s.Escrow(ctx, id, now); err != nil {
			t.Fatalf("%s: %v", id, err)
		}
	}
}
