package server

// Group commit of new escrows through a journal in front of bbolt.
//
// A bbolt commit costs two fsyncs (the pages, then the meta page that
// points at them) and more when the file grows, so a lone escrow took
// about four times one fdatasync. Here a new escrow is written to a
// journal file (made ahead: journal_file.go; its records:
// journal_record.go) and acknowledged after one fdatasync of it; every
// escrow that arrived meanwhile shares the next one, and two batches may
// sync at once (maxInFlight, one by default; the writer is in commit_write.go, and a
// creation that finds it idle writes and syncs itself). The escrows then
// reach bbolt in large ordinary (fsynced) transactions off the request
// path (commit_apply.go), and until then are served from memory
// (pending).
//
// Why this and not SQLite in WAL mode, which also commits with one
// fsync: bbolt stays the one file that holds everything else (waiting
// periods, guess budgets, send limits), its commits stay exactly as safe
// as before, and the journal is only a redo log of creations: a record
// is whole (length and CRC-32C) or ignored, and records already in bbolt
// are skipped by sequence number (bbolt keeps the highest applied one in
// the same transaction as the escrows). No dependency is added.
//
// Ordering: an escrow is claimed in pending before its existence in
// bbolt is checked, so two creations of one id (here or in
// CreateDelayedEscrow, which claims too) cannot both succeed. Every other
// write first hands all journaled escrows to the writer (flushPending),
// so a deletion or sweep that follows an acknowledged creation sees it.

import (
	"cmp"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Journal tuning.
const (
	// journalPrefix names journal files: journal-<generation in hex>.
	journalPrefix = "journal-"
	// journalMaxBytes is the size journal files are made at; a full one
	// is closed for a new one, and old files go once bbolt has them.
	journalMaxBytes = 4 << 20
	// applyEvery and applyBatch: journaled escrows go to bbolt at least
	// this often, or sooner when this many are waiting, so bbolt's own
	// fsyncs stay few and out of the way of the journal's.
	applyEvery = 500 * time.Millisecond
	applyBatch = 4096
	// maxCommitBatch is the most creations sharing one fdatasync.
	maxCommitBatch = 256
	// maxRecordBytes bounds one journal record when reading it back.
	maxRecordBytes = 1 << 20
)

var (
	bucketMeta = []byte("meta")
	keyApplied = []byte("journal-applied")
	castagnoli = crc32.MakeTable(crc32.Castagnoli)
)

// pendingEscrow is a creation on its way: claimed (seq 0) while its id is
// checked and its record written, then journaled until bbolt has it.
type pendingEscrow struct {
	e   Escrow
	seq uint64
	// isNew: bbolt had no record of this id when it was claimed and no
	// journaled one was replaced, so applying it needs no deletion first.
	isNew bool
	// applying: its hand-over is in the writer's transaction now, or
	// committed (set and cleared under mu, by the writer).
	applying bool
}

type createOp struct {
	p    *pendingEscrow
	done chan error
}

// escrowCommitter owns the journal. Its goroutine writes and syncs
// records; the BoltStore writer applies them to bbolt.
type escrowCommitter struct {
	s         *BoltStore
	dir       string
	fileBytes int64 // journal file size: journalMaxBytes, less in tests

	mu        sync.RWMutex // guards pending, unqueued, applied, committed, lastApply
	pending   map[string]*pendingEscrow
	unqueued  []*pendingEscrow // journaled, not yet handed to the writer
	applied   uint64           // the applied mark bbolt has committed
	committed uint64           // highest seq bbolt has, even above the mark
	lastApply time.Time        // when escrows were last handed over

	queueMu sync.Mutex // keeps hand-overs to the writer in seq order

	creates chan createOp
	stopped chan struct{}

	maker *journalMaker        // makes the next journal file (journal_file.go)
	sync  func(*os.File) error // fdatasync; tests fail or hold it
	// maxInFlight: batches syncing at once (defaultMaxInFlight; a test
	// syncs two side by side).
	maxInFlight int
	// inlineSync: a lone batch is synced by the committer itself, not
	// beside it; tests that hold a sync turn it off.
	inlineSync bool

	// wmu guards the journal writer's state below: the committer
	// goroutine holds it while it handles an event, a lone creation
	// while it writes itself (writeAlone).
	wmu      sync.Mutex
	f        *os.File
	size     int64
	seq      uint64 // last seq written
	old      []journalFile
	inflight []*syncBatch // written, in seq order; acknowledged in order
	// poisoned: a batch in the current file failed, so nothing after it
	// there may be acknowledged; the next batch goes to a new file.
	poisoned bool
	buf      []byte
}

type journalFile struct {
	path string
	last uint64
}

// openCommitter replays what journals hold beyond bbolt's applied mark
// into bbolt, removes the journals and starts a new one.
func openCommitter(s *BoltStore, dir string, fileBytes int64, now time.Time) (*escrowCommitter, error) {
	c := &escrowCommitter{
		s: s, dir: dir, fileBytes: fileBytes, sync: fdatasync, inlineSync: true, maxInFlight: defaultMaxInFlight,
		pending: map[string]*pendingEscrow{},
		creates: make(chan createOp, maxCommitBatch),
		stopped: make(chan struct{}),
	}
	if err := c.replay(now); err != nil {
		return nil, err
	}
	c.maker = startJournalMaker(dir, fileBytes)
	if err := c.rotate(); err != nil {
		c.maker.close()
		return nil, err
	}
	go c.run()
	return c, nil
}

func (c *escrowCommitter) replay(now time.Time) error {
	names, err := filepath.Glob(filepath.Join(c.dir, journalPrefix+"*"))
	if err != nil {
		return err
	}
	var applied uint64
	if err := c.s.db.View(func(tx *bolt.Tx) error {
		applied = readApplied(tx)
		return nil
	}); err != nil {
		return err
	}
	c.seq = applied
	var redo []journalRecord
	for _, name := range names {
		recs, err := readJournal(name)
		if err != nil {
			return fmt.Errorf("server: reading journal: %w", err)
		}
		for _, r := range recs {
			c.seq = max(c.seq, r.seq)
			if r.seq > applied && alive(r.e.Expiration, now) {
				redo = append(redo, r)
			}
		}
	}
	// Seq order is write order, whatever the files are named (files of
	// older versions were named by seq, these by generation).
	slices.SortStableFunc(redo, func(a, b journalRecord) int { return cmp.Compare(a.seq, b.seq) })
	if len(redo) > 0 || c.seq > applied {
		err := c.s.db.Update(func(tx *bolt.Tx) error {
			replayed := map[string]bool{}
			for _, r := range redo {
				key := []byte(r.e.ID)
				// A creation is journaled only while bbolt has no live
				// escrow of its id, so a live one there that this replay
				// did not put came later: one with a waiting period,
				// which goes to bbolt directly, taking the id of a
				// creation whose journal write failed (and was refused)
				// but reached the disk. It stays.
				if exp, _, ok := get(tx, bucketEscrow, key); ok && alive(exp, now) && !replayed[r.e.ID] {
					continue
				}
				if err := put(tx, bucketEscrow, key, r.e.Expiration, encodeEscrowRecord(r.e)); err != nil {
					return err
				}
				replayed[r.e.ID] = true
			}
			return writeApplied(tx, c.seq)
		})
		if err != nil {
			return fmt.Errorf("server: replaying journal: %w", err)
		}
	}
	c.applied, c.committed = c.seq, c.seq
	for _, name := range names {
		if err := os.Remove(name); err != nil {
			return fmt.Errorf("server: removing journal: %w", err)
		}
	}
	return nil
}

// rotate moves on to a new journal file, made ahead (journal_file.go);
// the current one becomes old until bbolt has everything in it.
func (c *escrowCommitter) rotate() error {
	f, err := c.maker.next()
	if err != nil {
		return err
	}
	if c.f != nil {
		c.old = append(c.old, journalFile{path: c.f.Name(), last: c.seq})
		c.f.Close()
	}
	c.f, c.size = f, 0
	return nil
}

// errJournalGap fails a batch synced after one that failed in the same
// file: replay would stop at the failed one's records.
var errJournalGap = errors.New("server: an earlier journal write failed")

// finish acknowledges a batch: its escrows wait for bbolt in memory, or,
// on err, are unclaimed.
func (c *escrowCommitter) finish(b *syncBatch, err error) {
	c.mu.Lock()
	for i, op := range b.ops {
		if err != nil {
			c.unclaimLocked(op.p)
			continue
		}
		op.p.seq = b.first + uint64(i)
		c.unqueued = append(c.unqueued, op.p)
	}
	c.mu.Unlock()
	for _, op := range b.ops {
		op.done <- err
	}
	c.maybeApply(false)
}

// claim reserves id for a creation, or reports ErrExists if one is on its
// way or pending; the caller checks bbolt after claiming.
func (c *escrowCommitter) claim(p *pendingEscrow, now time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.pending[p.e.ID]; old != nil {
		if old.seq == 0 || alive(old.e.Expiration, now) {
			return ErrExists
		}
		// An expired escrow not yet in bbolt: the new one replaces it
		// there too, since it is applied after it (so it must delete
		// the old one's index entry).
		p.isNew = false
	}
	c.pending[p.e.ID] = p
	return nil
}

// reserve claims id for a creation that writes bbolt itself (a delayed
// escrow): release once its write has returned.
func (c *escrowCommitter) reserve(id string, now time.Time) (release func(), err error) {
	p := &pendingEscrow{e: Escrow{ID: id}}
	if err := c.claim(p, now); err != nil {
		return nil, err
	}
	return func() { c.unclaim(p) }, nil
}

func (c *escrowCommitter) unclaim(p *pendingEscrow) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.unclaimLocked(p)
}

func (c *escrowCommitter) unclaimLocked(p *pendingEscrow) {
	if c.pending[p.e.ID] == p {
		delete(c.pending, p.e.ID)
	}
}

// lookup returns a journaled escrow not yet in bbolt.
func (c *escrowCommitter) lookup(id string) (Escrow, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	p := c.pending[id]
	if p == nil || p.seq == 0 {
		return Escrow{}, false
	}
	return p.e, true
}

// create journals e and returns once its record is on disk.
func (c *escrowCommitter) create(ctx context.Context, e Escrow, now time.Time) error {
	p := &pendingEscrow{e: e, isNew: true}
	if err := c.claim(p, now); err != nil {
		return err
	}
	// An id the server has just drawn needs no look into bbolt (a random
	// B-tree look-up, 4-5% of the server's CPU per creation at c=16).
	if !e.NewID {
		var exists, inBolt bool
		err := c.s.db.View(func(tx *bolt.Tx) error {
			var exp int64
			exp, _, inBolt = get(tx, bucketEscrow, []byte(e.ID))
			exists = inBolt && alive(exp, now)
			return nil
		})
		if err != nil || exists {
			c.unclaim(p)
			if err == nil {
				err = ErrExists
			}
			return err
		}
		p.isNew = p.isNew && !inBolt
	}
	// A code left from an expired escrow of the same id must not apply
	// to the new one; dropped before the escrow is readable.
	c.s.codes.drop(e.ID)
	op := createOp{p: p, done: make(chan error, 1)}
	c.s.mu.RLock()
	if c.s.closed {
		c.s.mu.RUnlock()
		c.unclaim(p)
		return ErrClosed
	}
	if c.writeAlone(op) {
		c.s.mu.RUnlock()
		return <-op.done
	}
	select {
	case c.creates <- op:
	case <-ctx.Done():
		c.s.mu.RUnlock()
		c.unclaim(p)
		return ctx.Err()
	}
	c.s.mu.RUnlock()
	// Once queued the record is written; wait for it even if ctx ends,
	// so the caller never reports failure for an escrow that was made.
	return <-op.done
}

// stop writes what is queued, hands it to the writer and ends the
// committer goroutine. The caller has marked the store closed.
func (c *escrowCommitter) stop() {
	close(c.creates)
	<-c.stopped
	c.maker.close()
}

// removeJournals deletes the journal files once the writer has stopped
// and everything is in bbolt; what is not stays for the next start.
func (c *escrowCommitter) removeJournals() {
	c.mu.RLock()
	done := len(c.pending) == 0
	c.mu.RUnlock()
	if !done {
		return
	}
	for _, f := range c.old {
		os.Remove(f.path)
	}
	if c.f != nil {
		os.Remove(c.f.Name())
	}
}

// escrowValue is an escrow's value in bbolt, as put writes it: its
// expiration, then its record.
func escrowValue(e Escrow) []byte {
	v := binary.BigEndian.AppendUint64(make([]byte, 0, 64+len(e.Kind)+len(e.Data)), uint64(e.Expiration))
	return append(v, encodeEscrowRecord(e)...)
}

// encodeEscrowRecord is an escrow's value in bbolt after its expiration.
func encodeEscrowRecord(e Escrow) []byte {
	b, _ := json.Marshal(escrowRecord{Kind: e.Kind, Data: e.Data}) // strings only: cannot fail
	return b
}
