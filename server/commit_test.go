package server

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// A journal left by a crash is replayed at open: whole records become
// escrows, a torn last record is ignored, and the files go.
func TestJournalReplay(t *testing.T) {
	dir := t.TempDir()
	s, err := OpenBoltStore(dir)
	mustBeNil(t, err)
	mustBeNil(t, s.Close())

	exp := time.Now().Unix() + 3600
	var buf []byte
	for i := range 3 {
		buf = appendRecord(buf, uint64(i+1), Escrow{ID: fmt.Sprintf("id%d", i), Kind: "email", Data: "sealed", Expiration: exp})
	}
	buf = appendRecord(buf, 4, Escrow{ID: "torn", Kind: "email", Data: "sealed", Expiration: exp})
	buf = buf[:len(buf)-3]
	mustBeNil(t, os.WriteFile(filepath.Join(dir, journalPrefix+"0000000000000001"), buf, 0o600))

	s, err = OpenBoltStore(dir)
	mustBeNil(t, err)
	ctx := context.Background()
	for i := range 3 {
		e, err := s.Escrow(ctx, fmt.Sprintf("id%d", i), time.Now())
		if err != nil || e.Data != "sealed" || e.Expiration != exp {
			t.Errorf("id%d after replay: %+v, %v", i, e, err)
		}
	}
	if _, err := s.Escrow(ctx, "torn", time.Now()); !errors.Is(err, ErrNotFound) {
		t.Errorf("a torn record became an escrow: %v", err)
	}
	// The next creation gets a seq after the replayed ones.
	mustBeNil(t, s.CreateEscrow(ctx, Escrow{ID: "next", Kind: "email", Data: "x", Expiration: exp}, time.Now()))
	mustBeNil(t, s.Close())
	if names, _ := filepath.Glob(filepath.Join(dir, journalPrefix+"*")); len(names) != 0 {
		t.Errorf("journals left after a clean close: %v", names)
	}
	mustBeNil(t, withBolt(dir, func(tx *bolt.Tx) error {
		if got := readApplied(tx); got != 4 {
			t.Errorf("applied mark %d, want 4", got)
		}
		return nil
	}))
}

// An escrow deleted after its creation stays deleted when the journal
// that created it is read again after a crash: the data dir is copied
// while the store is open, as a kill -9 would leave it.
func TestJournalNoResurrection(t *testing.T) {
	dir := t.TempDir()
	s, err := OpenBoltStore(dir)
	mustBeNil(t, err)
	ctx := context.Background()
	now := time.Now()
	exp := now.Unix() + 3600
	mustBeNil(t, s.CreateEscrow(ctx, Escrow{ID: "gone", Kind: "email", Data: "a", Expiration: exp}, now))
	mustBeNil(t, s.CreateEscrow(ctx, Escrow{ID: "kept", Kind: "email", Data: "b", Expiration: exp}, now))
	mustBeNil(t, s.DeleteEscrow(ctx, "gone"))
	// Created after the deletion: still only in the journal, most likely.
	mustBeNil(t, s.CreateEscrow(ctx, Escrow{ID: "late", Kind: "email", Data: "c", Expiration: exp}, now))

	crashed := t.TempDir()
	names, err := filepath.Glob(filepath.Join(dir, "*"))
	mustBeNil(t, err)
	journals := 0
	for _, name := range names {
		b, err := os.ReadFile(name)
		mustBeNil(t, err)
		mustBeNil(t, os.WriteFile(filepath.Join(crashed, filepath.Base(name)), b, 0o600))
		if filepath.Base(name) != DBName {
			journals++
		}
	}
	mustBeNil(t, s.Close())
	if journals == 0 {
		t.Fatal("no journal in the data dir while the store was open")
	}

	s, err = OpenBoltStore(crashed)
	mustBeNil(t, err)
	defer s.Close()
	if _, err := s.Escrow(ctx, "gone", now); !errors.Is(err, ErrNotFound) {
		t.Errorf("a deleted escrow came back: %v", err)
	}
	for _, id := range []string{"kept", "late"} {
		if _, err := s.Escrow(ctx, id, now); err != nil {
			t.Errorf("%s: %v", id, err)
		}
	}
}

// A delayed escrow and a plain one of the same id, made at once: exactly
// one succeeds, however the two interleave.
func TestJournalClaimAgainstDelayed(t *testing.T) {
	s, err := OpenBoltStore(t.TempDir())
	mustBeNil(t, err)
	defer s.Close()
	ctx := context.Background()
	now := time.Now()
	exp := now.Unix() + 3600
	for i := range 50 {
		id := fmt.Sprintf("race%d", i)
		errs := make(chan error, 2)
		go func() {
			errs <- s.CreateEscrow(ctx, Escrow{ID: id, Kind: "email", Data: "plain", Expiration: exp}, now)
		}()
		go func() {
			errs <- s.CreateDelayedEscrow(ctx, Escrow{ID: id, Kind: "email", Data: "delayed", Expiration: exp}, Release{}, now)
		}()
		ok := 0
		for range 2 {
			switch err := <-errs; {
			case err == nil:
				ok++
			case !errors.Is(err, ErrExists):
				t.Fatal(err)
			}
		}
		if ok != 1 {
			t.Fatalf("%s: %d creations succeeded, want 1", id, ok)
		}
		// The winner is what stays once both writes are in bbolt.
		_, delayedErr := s.Release(ctx, id)
		want := "plain"
		if delayedErr == nil {
			want = "delayed"
		}
		mustBeNil(t, s.write(ctx, func(*bolt.Tx) error { return nil })) // everything journaled is in bbolt now
		if e, err := s.Escrow(ctx, id, now); err != nil || e.Data != want {
			t.Fatalf("%s: %+v, %v; want %s", id, e, err, want)
		}
	}
}

func withBolt(dir string, fn func(*bolt.Tx) error) error {
	db, err := bolt.Open(filepath.Join(dir, DBName), 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		return err
	}
	defer db.Close()
	return db.View(fn)
}

// A deletion right after a creation is never undone by the creation's
// later hand-over to bbolt, however it meets the committer's own timed
// hand-overs (which once took the escrows before sending them, so a
// deletion in between went first).
func TestJournalDeleteAfterCreate(t *testing.T) {
	s, err := OpenBoltStore(t.TempDir())
	mustBeNil(t, err)
	defer s.Close()
	ctx := context.Background()
	now := time.Now()
	exp := now.Unix() + 3600
	const n = 1000 // the old fault showed in about 1 in 200
	for i := range n {
		id := fmt.Sprintf("del%d", i)
		mustBeNil(t, s.CreateEscrow(ctx, Escrow{ID: id, Kind: "email", Data: "x", Expiration: exp}, now))
		mustBeNil(t, s.DeleteEscrow(ctx, id))
	}
	mustBeNil(t, s.write(ctx, func(*bolt.Tx) error { return nil })) // all in bbolt
	back := 0
	for i := range n {
		if _, err := s.Escrow(ctx, fmt.Sprintf("del%d", i), now); err == nil {
			back++
		}
	}
	if back > 0 {
		t.Errorf("%d of %d deleted escrows came back", back, n)
	}
}

// Records of a recycled journal file that follow the new ones are what
// it held before: replay reads up to the first record whose seq does
// not follow.
func TestJournalStopsAtStaleRecords(t *testing.T) {
	exp := time.Now().Unix() + 3600
	var buf []byte
	for _, seq := range []uint64{40, 41, 7, 8} {
		buf = appendRecord(buf, seq, Escrow{ID: fmt.Sprintf("id%d", seq), Kind: "email", Data: "x", Expiration: exp})
	}
	name := filepath.Join(t.TempDir(), journalPrefix+"0000000000000003")
	mustBeNil(t, os.WriteFile(name, buf, 0o600))
	recs, err := readJournal(name)
	mustBeNil(t, err)
	if len(recs) != 2 || recs[0].seq != 40 || recs[1].seq != 41 {
		t.Fatalf("read %+v, want seqs 40 and 41 only", recs)
	}
}

// Journal files are recycled once bbolt has their records, and a crash
// with recycled files in the data dir loses no escrow and brings back
// none that was deleted: the data dir is copied while the store is open,
// as a kill -9 would leave it.
func TestJournalRecycledFilesAfterCrash(t *testing.T) {
	dir := t.TempDir()
	s, err := openBoltStore(dir, 8<<10) // a few dozen records a file
	mustBeNil(t, err)
	ctx := context.Background()
	now := time.Now()
	exp := now.Unix() + 3600
	deleted := map[string]bool{}
	for i := range 600 {
		id := fmt.Sprintf("esc%03d", i)
		mustBeNil(t, s.CreateEscrow(ctx, Escrow{ID: id, Kind: "email", Data: fmt.Sprintf("%0150d", i), Expiration: exp}, now))
		if i%7 == 0 {
			mustBeNil(t, s.DeleteEscrow(ctx, id)) // also hands the journal to bbolt
			deleted[id] = true
		}
	}
	crashed := t.TempDir()
	names, err := filepath.Glob(filepath.Join(dir, "*"))
	mustBeNil(t, err)
	recycled := false
	for _, name := range names {
		b, err := os.ReadFile(name)
		mustBeNil(t, err)
		mustBeNil(t, os.WriteFile(filepath.Join(crashed, filepath.Base(name)), b, 0o600))
		if filepath.Base(name) != DBName && holdsOlderRecords(b) {
			recycled = true
		}
	}
	mustBeNil(t, s.Close())
	if !recycled {
		t.Fatal("no journal file in the data dir was a recycled one")
	}

	s, err = OpenBoltStore(crashed)
	mustBeNil(t, err)
	defer s.Close()
	for i := range 600 {
		id := fmt.Sprintf("esc%03d", i)
		e, err := s.Escrow(ctx, id, now)
		switch {
		case deleted[id] && !errors.Is(err, ErrNotFound):
			t.Errorf("%s was deleted and came back: %v", id, err)
		case !deleted[id] && (err != nil || e.Data != fmt.Sprintf("%0150d", i)):
			t.Errorf("%s: %+v, %v", id, e, err)
		}
	}
}

// holdsOlderRecords reports whether a journal file holds, after some
// records, one with a lower seq: a recycled file's former contents.
func holdsOlderRecords(b []byte) bool {
	var last uint64
	for len(b) >= 8 {
		n := binary.BigEndian.Uint32(b)
		if n < 16 || int(n) > len(b)-8 {
			return false
		}
		seq := binary.BigEndian.Uint64(b[8:])
		if last != 0 && seq < last {
			return true
		}
		last, b = seq, b[8+n:]
	}
	return false
}

// Batches sync side by side, but one is acknowledged only after every
// batch before it: replay stops at the first gap, so an escrow written
// after a failed batch in the same file must fail too, and the next one
// goes to a new file and succeeds.
func TestJournalAcknowledgesInOrder(t *testing.T) {
	s, err := OpenBoltStore(t.TempDir())
	mustBeNil(t, err)
	defer s.Close()
	ctx := context.Background()
	now := time.Now()
	exp := now.Unix() + 3600
	syncing := make(chan int, 8) // the call number, once its sync returned or is held
	release := make(chan struct{})
	var calls atomic.Int32
	s.journal.inlineSync = false // the first batch must sync beside the committer
	s.journal.maxInFlight = 2    // and the second beside it
	s.journal.sync = func(f *os.File) error {
		n := int(calls.Add(1))
		if n == 1 {
			syncing <- n
			<-release
			return errors.New("the disk is gone")
		}
		err := fdatasync(f)
		syncing <- n
		return err
	}
	create := func(id string) chan error {
		done := make(chan error, 1)
		go func() {
			done <- s.CreateEscrow(ctx, Escrow{ID: id, Kind: "email", Data: "x", Expiration: exp}, now)
		}()
		return done
	}
	first := create("first")
	if n := <-syncing; n != 1 {
		t.Fatalf("sync %d came first", n)
	}
	second := create("second")
	if n := <-syncing; n != 2 {
		t.Fatalf("sync %d came second", n)
	}
	select {
	case err := <-second:
		t.Fatalf("the second batch was answered (%v) while the first was still syncing", err)
	default:
	}
	close(release)
	if err := <-first; err == nil {
		t.Fatal("a batch whose sync failed succeeded")
	}
	if err := <-second; !errors.Is(err, errJournalGap) {
		t.Fatalf("the batch after a failed one: %v, want errJournalGap", err)
	}
	third := create("third")
	if err := <-third; err != nil {
		t.Fatalf("the next batch, in a new file: %v", err)
	}
	for _, id := range []string{"first", "second"} {
		// Unclaimed: the client was told it failed, and may try again.
		if err := s.CreateEscrow(ctx, Escrow{ID: id, Kind: "email", Data: "y", Expiration: exp}, now); err != nil {
			t.Errorf("%s again: %v", id, err)
		}
	}
}
