package platform

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/zalando/go-keyring"
)

// KeychainStore keeps values in the OS keychain (Secret Service on Linux,
// Keychain on macOS, Credential Manager on Windows) under one service name.
//
// Keychains cap an entry's size (Windows 2,560 bytes, macOS about 3,000), so
// a value is split into chunk entries of at most chunkEntryLen bytes each.
// For a name N the entries are:
//
//	head:N              {"gen":G,"chunks":n,"len":l,"sha256":h,"pending":P}
//	chunk:N:G:0..n-1    base64 of the value's bytes
//
// Put writes the chunks under a fresh generation G, then switches the head
// to G, then deletes the old generation: the head switch is a single entry
// write, so a crash leaves either the old or the new value readable. Before
// writing chunks, Put records G as "pending" in the head, so chunks left by
// a crash are found and removed by the next Put or Delete.
//
// The keychain has no portable way to list entries, so the names are kept
// in an index, itself a value stored the same way under indexKey.
//
// Writers in different processes are serialised by a file lock
// (lockKeychain); readers share it, so they never see chunks vanish
// under them.
type KeychainStore struct {
	service string
	// ProbeTimeout bounds the check that the keychain answers at all.
	ProbeTimeout time.Duration

	mu     sync.Mutex
	probed bool
}

var _ Store = (*KeychainStore)(nil)

const (
	// chunkEntryLen is the size of one chunk entry's stored text: under
	// every platform's limit, with room for macOS's own base64 layer.
	chunkEntryLen = 2000
	chunkLen      = chunkEntryLen / 4 * 3 // raw bytes per chunk
	// maxValueLen bounds a value: packs are a few kilobytes, and a head
	// read back is believed no further than this.
	maxValueLen = 1 << 20
	// indexKey can never clash with a user's name: names exclude '/'.
	indexKey  = "/index"
	probeUser = "/probe"
)

// defaultProbeTimeout is NewKeychainStore's ProbeTimeout; a variable only
// so a test can shorten it.
var defaultProbeTimeout = 5 * time.Second

// NewKeychainStore returns a store under the keychain service name
// (the app uses KeychainService). It does not touch the keychain yet; the
// first operation checks it answers and fails with ErrNoKeychain if not.
func NewKeychainStore(service string) *KeychainStore {
	return &KeychainStore{service: service, ProbeTimeout: defaultProbeTimeout}
}

// Check reports whether the keychain can be used: nil, an error wrapping
// ErrNoKeychain if there is none, or one wrapping ErrKeychainLocked if it
// is there but did not answer within ProbeTimeout or would not unlock.
func (s *KeychainStore) Check() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.check()
}

func (s *KeychainStore) check() error {
	if s.probed {
		return nil
	}
	if err := probeKeychain(s.service, s.ProbeTimeout); err != nil {
		return err
	}
	s.probed = true
	return nil
}

// probeRoundTrip reads a missing entry: "not found" proves the keychain
// works. The goroutine is abandoned on timeout; go-keyring takes no context.
// A timeout means the keychain is there but busy or locked, most likely
// waiting on an unlock prompt.
func probeRoundTrip(ctx context.Context, service string, timeout time.Duration) error {
	done := make(chan error, 1)
	go func() {
		_, err := keyring.Get(service, probeUser)
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || errors.Is(err, keyring.ErrNotFound) {
			return nil
		}
		return roundTripError(err)
	case <-ctx.Done():
		return probeTimedOut(timeout)
	}
}

func probeTimedOut(timeout time.Duration) error {
	return fmt.Errorf("%w: it did not answer in %v", ErrKeychainLocked, timeout)
}

// Get implements Store.
func (s *KeychainStore) Get(name string) ([]byte, error) {
	if err := ValidateName(name); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.check(); err != nil {
		return nil, err
	}
	defer s.lockKeychain(false)()
	return s.getValue(name)
}

// Put implements Store.
func (s *KeychainStore) Put(name string, v []byte) error {
	if err := ValidateName(name); err != nil {
		return err
	}
	if len(v) > maxValueLen {
		return fmt.Errorf("keychain: %q: %d bytes is too large to keep (at most %d)", name, len(v), maxValueLen)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.check(); err != nil {
		return err
	}
	defer s.lockKeychain(true)()
	// Indexed first: a name in the index without a head is skipped by
	// List, a value without an index entry would be lost to List.
	if err := s.updateIndex(name, true); err != nil {
		return err
	}
	return s.putValue(name, v)
}

// Delete implements Store.
func (s *KeychainStore) Delete(name string) error {
	if err := ValidateName(name); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.check(); err != nil {
		return err
	}
	defer s.lockKeychain(true)()
	if err := s.deleteValue(name); err != nil {
		return err
	}
	return s.updateIndex(name, false)
}

// List implements Store.
func (s *KeychainStore) List() ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.check(); err != nil {
		return nil, err
	}
	defer s.lockKeychain(false)()
	index, err := s.readIndex()
	if err != nil {
		return nil, err
	}
	var names []string
	for _, name := range index {
		if ValidateName(name) != nil {
			continue // planted in the index: no Get could read it
		}
		h, err := s.readHead(name)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if h.Gen != "" {
			names = append(names, name)
		}
	}
	return names, nil
}

type head struct {
	Gen     string `json:"gen,omitempty"`
	Chunks  int    `json:"chunks"`
	Len     int    `json:"len"`
	SHA256  string `json:"sha256,omitempty"`
	Pending string `json:"pending,omitempty"`
}

// check refuses a head that Put could not have written, before any of
// its numbers is used: the keychain is shared with every program the
// user runs, and a count or length read from it sizes allocations and
// loops.
func (h *head) check() error {
	if !isGen(h.Gen) || !isGen(h.Pending) {
		return errors.New("its generation is not 16 hex digits")
	}
	if h.Gen == "" {
		return nil // nothing stored yet: the rest is unused
	}
	if h.Len < 0 || h.Len > maxValueLen {
		return fmt.Errorf("length %d is not between 0 and %d", h.Len, maxValueLen)
	}
	if want := (h.Len + chunkLen - 1) / chunkLen; h.Chunks != want {
		return fmt.Errorf("%d chunks for %d bytes, where Put writes %d chunks", h.Chunks, h.Len, want)
	}
	if len(h.SHA256) != 2*sha256.Size || !isLowerHex(h.SHA256) {
		return errors.New("its checksum is not a SHA-256 in hex")
	}
	return nil
}

// isGen reports whether g is "" or a generation as newGen makes them.
func isGen(g string) bool { return g == "" || len(g) == 16 && isLowerHex(g) }

func isLowerHex(s string) bool {
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f') {
			return false
		}
	}
	return true
}

func headUser(key string) string { return "head:" + key }

// chunkUser is unambiguous: parsed from the right, i is digits and gen is
// 16 hex digits, so what remains is the key.
func chunkUser(key, gen string, i int) string {
	return "chunk:" + key + ":" + gen + ":" + strconv.Itoa(i)
}

func (s *KeychainStore) readHead(key string) (head, error) {
	raw, err := keyring.Get(s.service, headUser(key))
	if errors.Is(err, keyring.ErrNotFound) {
		return head{}, fmt.Errorf("%q: %w", key, ErrNotFound)
	}
	if err != nil {
		return head{}, fmt.Errorf("keychain: reading %q: %w", key, err)
	}
	var h *head
	if err := json.Unmarshal([]byte(raw), &h); err != nil {
		return head{}, fmt.Errorf("keychain: %q: %w: bad head entry: %v", key, ErrCorrupt, err)
	}
	if h == nil {
		return head{}, fmt.Errorf("keychain: %q: %w: bad head entry: null", key, ErrCorrupt)
	}
	if err := h.check(); err != nil {
		return head{}, fmt.Errorf("keychain: %q: %w: bad head entry: %v", key, ErrCorrupt, err)
	}
	return *h, nil
}

func (s *KeychainStore) writeHead(key string, h head) error {
	b, err := json.Marshal(h)
	if err != nil {
		return err
	}
	if err := keyring.Set(s.service, headUser(key), string(b)); err != nil {
		return fmt.Errorf("keychain: writing %q: %w", key, err)
	}
	return nil
}

// getValue reads a value. Another process (the CLI beside the app) may
// replace it meanwhile and delete the chunks being read; then the head has
// moved on and reading again gives the new value.
func (s *KeychainStore) getValue(key string) ([]byte, error) {
	for attempt := 0; ; attempt++ {
		h, err := s.readHead(key)
		if err != nil {
			return nil, err
		}
		v, err := s.readChunks(key, h)
		if err == nil || attempt == 2 || !errors.Is(err, ErrCorrupt) {
			return v, err
		}
		if now, herr := s.readHead(key); herr != nil || now.Gen == h.Gen {
			return nil, err
		}
	}
}

func (s *KeychainStore) readChunks(key string, h head) ([]byte, error) {
	if h.Gen == "" {
		return nil, fmt.Errorf("%q: %w", key, ErrNotFound)
	}
	v := make([]byte, 0, h.Len) // h.Len is checked: at most maxValueLen
	for i := range h.Chunks {
		raw, err := keyring.Get(s.service, chunkUser(key, h.Gen, i))
		if errors.Is(err, keyring.ErrNotFound) {
			return nil, fmt.Errorf("keychain: %q: %w: chunk %d of %d is missing", key, ErrCorrupt, i+1, h.Chunks)
		}
		if err != nil {
			return nil, fmt.Errorf("keychain: reading %q: %w", key, err)
		}
		if len(raw) > chunkEntryLen {
			return nil, fmt.Errorf("keychain: %q: %w: chunk %d of %d is longer than %d, the most Put writes", key, ErrCorrupt, i+1, h.Chunks, chunkEntryLen)
		}
		b, err := base64.StdEncoding.DecodeString(raw)
		if err != nil {
			return nil, fmt.Errorf("keychain: %q: %w: chunk %d of %d is not base64", key, ErrCorrupt, i+1, h.Chunks)
		}
		if len(v)+len(b) > h.Len {
			return nil, fmt.Errorf("keychain: %q: %w: chunk %d of %d makes the value longer than the %d bytes its head says", key, ErrCorrupt, i+1, h.Chunks, h.Len)
		}
		v = append(v, b...)
	}
	sum := sha256.Sum256(v)
	if len(v) != h.Len || hex.EncodeToString(sum[:]) != h.SHA256 {
		return nil, fmt.Errorf("keychain: %q: %w: checksum mismatch", key, ErrCorrupt)
	}
	return v, nil
}

func (s *KeychainStore) putValue(key string, v []byte) error {
	old, err := s.readHead(key)
	switch {
	case errors.Is(err, ErrCorrupt):
		// A damaged head names no chunks we may trust to delete; the
		// new value replaces it, and its old chunks stay as litter.
		old = head{}
	case err != nil && !errors.Is(err, ErrNotFound):
		return err
	}
	if old.Pending != "" {
		if err := s.deleteChunks(key, old.Pending); err != nil {
			return err
		}
	}
	gen, err := newGen()
	if err != nil {
		return err
	}
	intent := old
	intent.Pending = gen
	if err := s.writeHead(key, intent); err != nil {
		return err
	}
	n, err := s.writeChunks(key, gen, v)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(v)
	if err := s.writeHead(key, head{Gen: gen, Chunks: n, Len: len(v), SHA256: hex.EncodeToString(sum[:])}); err != nil {
		return err
	}
	if old.Gen != "" {
		return s.deleteChunks(key, old.Gen)
	}
	return nil
}

func (s *KeychainStore) writeChunks(key, gen string, v []byte) (int, error) {
	n := 0
	for c := range slices.Chunk(v, chunkLen) {
		if err := keyring.Set(s.service, chunkUser(key, gen, n), b64(c)); err != nil {
			return 0, fmt.Errorf("keychain: writing %q: %w", key, err)
		}
		n++
	}
	return n, nil
}

// deleteChunks removes a generation's chunks up to the first missing one;
// counting is not needed, so it also clears a crashed Put's partial chunks.
func (s *KeychainStore) deleteChunks(key, gen string) error {
	for i := 0; ; i++ {
		err := keyring.Delete(s.service, chunkUser(key, gen, i))
		if errors.Is(err, keyring.ErrNotFound) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("keychain: deleting %q: %w", key, err)
		}
	}
}

func (s *KeychainStore) deleteValue(key string) error {
	h, err := s.readHead(key)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil && !errors.Is(err, ErrCorrupt) {
		return err
	}
	// The head goes first: from then on the value is gone as a whole.
	if err := keyring.Delete(s.service, headUser(key)); err != nil && !errors.Is(err, keyring.ErrNotFound) {
		return fmt.Errorf("keychain: deleting %q: %w", key, err)
	}
	for _, gen := range []string{h.Gen, h.Pending} {
		if gen != "" {
			if err := s.deleteChunks(key, gen); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *KeychainStore) readIndex() ([]string, error) {
	b, err := s.getValue(indexKey)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var names []string
	if err := json.Unmarshal(b, &names); err != nil {
		return nil, fmt.Errorf("keychain: %w: bad index: %v", ErrCorrupt, err)
	}
	slices.Sort(names)
	return names, nil
}

func (s *KeychainStore) updateIndex(name string, present bool) error {
	names, err := s.readIndex()
	if err != nil {
		return err
	}
	i, found := slices.BinarySearch(names, name)
	switch {
	case present && !found:
		names = slices.Insert(names, i, name)
	case !present && found:
		names = slices.Delete(names, i, i+1)
	default:
		return nil
	}
	if len(names) == 0 {
		return s.deleteValue(indexKey)
	}
	b, err := json.Marshal(names)
	if err != nil {
		return err
	}
	return s.putValue(indexKey, b)
}

func newGen() (string, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return hex.EncodeToString(b[:]), nil
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
