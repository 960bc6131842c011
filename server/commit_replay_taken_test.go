package server

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// A journal record beyond bbolt's applied mark whose creation failed
// (its write reached the disk, its sync did not, and the client was
// refused) does not overwrite at replay the escrow with a waiting period
// that took its id meanwhile, which went to bbolt directly.
func TestJournalReplayKeepsAnEscrowThatTookTheID(t *testing.T) {
	dir := t.TempDir()
	s, err := OpenBoltStore(dir)
	mustBeNil(t, err)
	ctx := context.Background()
	now := time.Now()
	exp := now.Unix() + 3600
	r := Release{Expiration: exp, DelayDays: 7, OwnerHash: []byte{1}, Language: "en"}
	mustBeNil(t, s.CreateDelayedEscrow(ctx, Escrow{ID: "taken", Kind: "email", Data: "the heir's", Expiration: exp}, r, now))
	mustBeNil(t, s.Close())

	var applied uint64
	mustBeNil(t, withBolt(dir, func(tx *bolt.Tx) error { applied = readApplied(tx); return nil }))
	rec := appendRecord(nil, applied+1, Escrow{ID: "taken", Kind: "email", Data: "refused", Expiration: exp})
	rec = appendRecord(rec, applied+2, Escrow{ID: "other", Kind: "email", Data: "refused too", Expiration: exp})
	mustBeNil(t, os.WriteFile(filepath.Join(dir, journalPrefix+"00000000000000ff"), rec, 0o600))

	s, err = OpenBoltStore(dir)
	mustBeNil(t, err)
	defer s.Close()
	if e, err := s.Escrow(ctx, "taken", now); err != nil || e.Data != "the heir's" {
		t.Errorf("after replay: %+v, %v; want the escrow with the waiting period", e, err)
	}
	// A record whose id nobody took is replayed as before.
	if e, err := s.Escrow(ctx, "other", now); err != nil || e.Data != "refused too" {
		t.Errorf("other after replay: %+v, %v", e, err)
	}
}
