package server

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Journal files are made ahead of use, with every block written and
// synced, so a record overwrites blocks the file already has: its
// fdatasync then flushes the data alone, with no new size or block map
// to commit (on ext4 here an append's fdatasync also commits the file
// system's own journal, and is 1.4-1.7 times slower).
//
// A new file is filled with zeros; a file whose records bbolt has all
// taken is recycled instead, renamed to the next generation, as
// PostgreSQL recycles WAL segments: writing 4 MiB of zeros and syncing
// them while records are synced beside them would stall those. What a
// recycled file held before is told from the new records by their seq:
// within a file seqs go up by one, so replay stops at a record that does
// not follow (readJournal), and every old record's seq is one bbolt had
// applied before the file was recycled, so none is ever redone.

// journalMaker keeps the next journal file ready while the current one
// fills, so a rotation seldom waits.
type journalMaker struct {
	dir     string
	size    int64
	files   chan madeJournal
	recycle chan string // files bbolt has absorbed, to reuse or remove
	stop    chan struct{}
	done    chan struct{}
}

// madeJournal is a ready file, or why none could be made.
type madeJournal struct {
	f   *os.File
	err error
}

// spareRecycled is how many absorbed files wait to be reused; more go.
const spareRecycled = 2

func startJournalMaker(dir string, size int64) *journalMaker {
	m := &journalMaker{dir: dir, size: size, files: make(chan madeJournal),
		recycle: make(chan string, spareRecycled), stop: make(chan struct{}), done: make(chan struct{})}
	go m.run()
	return m
}

// run keeps one file ready; a failure is handed over as its error, and
// the next file is tried only after that hand-over.
func (m *journalMaker) run() {
	defer close(m.done)
	for gen := uint64(1); ; gen++ {
		name := filepath.Join(m.dir, fmt.Sprintf("%s%016x", journalPrefix, gen))
		var made madeJournal
		select {
		case old := <-m.recycle:
			made.f, made.err = recycleJournalFile(old, name)
		default:
			made.f, made.err = makeJournalFile(name, m.size)
		}
		select {
		case m.files <- made:
		case <-m.stop:
			if made.f != nil {
				made.f.Close()
				os.Remove(made.f.Name())
			}
			for {
				select {
				case old := <-m.recycle:
					os.Remove(old)
				default:
					return
				}
			}
		}
	}
}

// next returns a ready journal file, waiting for it if need be.
func (m *journalMaker) next() (*os.File, error) {
	made := <-m.files
	return made.f, made.err
}

// absorbed hands over a file whose records bbolt has all committed.
func (m *journalMaker) absorbed(name string) {
	select {
	case m.recycle <- name:
	default:
		os.Remove(name)
	}
}

// close stops the maker and removes the files it kept.
func (m *journalMaker) close() {
	close(m.stop)
	<-m.done
}

// makeJournalFile creates name full of zeros, synced with its name.
func makeJournalFile(name string, size int64) (*os.File, error) {
	// O_EXCL: replay removed every journal, so a file of this name was
	// left by a failure here; the next generation's name is tried.
	f, err := os.OpenFile(name, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, fmt.Errorf("server: creating journal: %w", err)
	}
	fail := func(err error) (*os.File, error) {
		f.Close()
		os.Remove(name)
		return nil, fmt.Errorf("server: creating journal: %w", err)
	}
	zeros := make([]byte, 256<<10)
	for off := int64(0); off < size; off += int64(len(zeros)) {
		if _, err := f.Write(zeros[:min(int64(len(zeros)), size-off)]); err != nil {
			return fail(err)
		}
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	// The name must survive a power cut as surely as the records.
	if err := syncDir(filepath.Dir(name)); err != nil {
		return fail(err)
	}
	return f, nil
}

// recycleJournalFile renames an absorbed journal to name and opens it.
func recycleJournalFile(old, name string) (*os.File, error) {
	if _, err := os.Lstat(name); !errors.Is(err, os.ErrNotExist) {
		os.Remove(old)
		return nil, fmt.Errorf("server: recycling journal: %s is in the way", filepath.Base(name))
	}
	if err := os.Rename(old, name); err != nil {
		os.Remove(old)
		return nil, fmt.Errorf("server: recycling journal: %w", err)
	}
	f, err := os.OpenFile(name, os.O_WRONLY, 0o600)
	if err == nil {
		err = syncDir(filepath.Dir(name))
	}
	if err != nil {
		if f != nil {
			f.Close()
		}
		os.Remove(name)
		return nil, fmt.Errorf("server: recycling journal: %w", err)
	}
	return f, nil
}
