// Package logfile keeps the technical side of the errors a person saw in
// the app: the screens show a plain sentence and put the chain of Go
// errors behind "Details" and here, in a file the user can find and send
// to someone who helps them. The file is private (0600), bounded (one
// older copy kept when it grows past MaxSize) and never holds a secret:
// whatever looks like a code or a key is blotted out before it is written,
// and callers name the secrets they know of.
package logfile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"
)

// Name is the log file's name in its directory; the older copy is
// Name + ".1".
const Name = "errors.log"

// MaxSize is how big the file may grow before it is moved to Name.1
// (replacing the older copy), so the two never pass twice this.
const MaxSize = 256 << 10

// Log appends to one log file. A nil *Log writes nothing, so code that
// runs without one (tests, a broken data folder) needs no checks.
type Log struct {
	dir string
	now func() time.Time
	mu  sync.Mutex
}

// New is a log in dir (made private if missing). Nothing is written until
// the first Add.
func New(dir string) *Log { return &Log{dir: dir, now: time.Now} }

// Path is where the log is written, for telling the user; "" for nil.
func (l *Log) Path() string {
	if l == nil {
		return ""
	}
	return filepath.Join(l.dir, Name)
}

// Add writes one entry: when, what the user was doing and err's text,
// with every secret and anything shaped like a code or key removed.
func (l *Log) Add(what string, err error, secrets ...string) error {
	if l == nil || err == nil {
		return nil
	}
	line := fmt.Sprintf("%s %s: %s\n", l.now().UTC().Format(time.RFC3339), Scrub(what, secrets...), Scrub(err.Error(), secrets...))
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := os.MkdirAll(l.dir, 0o700); err != nil {
		return fmt.Errorf("error log: %w", err)
	}
	path := l.Path()
	if fi, err := os.Stat(path); err == nil && fi.Size()+int64(len(line)) > MaxSize {
		if err := os.Rename(path, path+".1"); err != nil {
			return fmt.Errorf("error log: %w", err)
		}
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("error log: %w", err)
	}
	// A file made by an older version, or copied in, may be wider open.
	if err := f.Chmod(0o600); err != nil && !errors.Is(err, errors.ErrUnsupported) {
		f.Close()
		return fmt.Errorf("error log: %w", err)
	}
	if _, err := f.WriteString(line); err != nil {
		f.Close()
		return fmt.Errorf("error log: %w", err)
	}
	return f.Close()
}

var (
	// code is a Passcrow code as servers send it (a prefix letter or
	// digit and six digits, rarely seven) or as typed with a space or
	// dash in the middle.
	code = regexp.MustCompile(`\b[0-9A-Za-z][ -]?[0-9]{3}[ -]?[0-9]{3,4}\b`)
	// key is a long run of base64, base32 or hex with a digit in it:
	// keys, fragments, escrow ids and tokens; plain words and host names
	// have no such runs.
	key = regexp.MustCompile(`[A-Za-z0-9+/_-]{16,}={0,2}`)
)

// Scrub is s with each of secrets, and anything shaped like a code or a
// key, replaced by "[hidden]".
func Scrub(s string, secrets ...string) string {
	for _, x := range secrets {
		if len(x) >= 4 {
			s = strings.ReplaceAll(s, x, "[hidden]")
		}
	}
	s = key.ReplaceAllStringFunc(s, func(m string) string {
		if strings.ContainsAny(m, "0123456789") {
			return "[hidden]"
		}
		return m
	})
	return code.ReplaceAllString(s, "[hidden]")
}
