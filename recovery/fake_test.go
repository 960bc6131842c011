package recovery

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"sync"
)

// The flows are tested against this in-memory location, a fake: the real
// Passcrow location (passcrow*.go) talks to a server, and end-to-end
// tests with our own server over loopback live elsewhere. It keeps
// fragments in a map and sends "codes" by remembering them.

const kindMemoryFake = "memory-fake"

var errWrongCodeFake = errors.New("memory fake: wrong code")

type memoryStoreFake struct {
	mu      sync.Mutex
	frags   map[string]Fragment // by id
	codes   map[string]string   // id -> code last sent
	deleted []string
}

func newMemoryStoreFake() *memoryStoreFake {
	return &memoryStoreFake{frags: map[string]Fragment{}, codes: map[string]string{}}
}

type memoryDataFake struct {
	ID string `json:"id"`
}

// memoryLocationFake is one location backed by a shared store; failPlace
// makes Place fail, to test the clean-up.
type memoryLocationFake struct {
	store     *memoryStoreFake
	name      string
	failPlace error
}

func (l *memoryLocationFake) Kind() string     { return kindMemoryFake }
func (l *memoryLocationFake) Describe() string { return l.name }

func (l *memoryLocationFake) Place(ctx context.Context, f Fragment, o PlaceOptions) (Record, error) {
	if l.failPlace != nil {
		return Record{}, l.failPlace
	}
	id := make([]byte, 8)
	rand.Read(id)
	d, _ := json.Marshal(memoryDataFake{ID: hex.EncodeToString(id)})
	l.store.mu.Lock()
	l.store.frags[hex.EncodeToString(id)] = append(Fragment(nil), f...)
	l.store.mu.Unlock()
	return Record{Kind: kindMemoryFake, Prefix: o.Prefix, Hint: l.name, Expires: o.Expires.Unix(), Data: d}, nil
}

// memoryKeeperFake is the Keeper for the fake's records.
type memoryKeeperFake struct{ store *memoryStoreFake }

func (k memoryKeeperFake) Kind() string { return kindMemoryFake }

func (k memoryKeeperFake) id(r Record) (string, error) {
	var d memoryDataFake
	if err := json.Unmarshal(r.Data, &d); err != nil {
		return "", err
	}
	return d.ID, nil
}

func (k memoryKeeperFake) Challenge(ctx context.Context, r Record, language string) (Challenge, error) {
	id, err := k.id(r)
	if err != nil {
		return Challenge{}, err
	}
	n, _ := rand.Int(rand.Reader, big.NewInt(1000000))
	k.store.mu.Lock()
	defer k.store.mu.Unlock()
	if _, ok := k.store.frags[id]; !ok {
		return Challenge{}, errors.New("memory fake: no such fragment")
	}
	k.store.codes[id] = fmt.Sprintf("%s%06d", r.Prefix, n)
	return Challenge{Prefix: r.Prefix, Hint: r.Hint}, nil
}

func (k memoryKeeperFake) Fetch(ctx context.Context, r Record, code string) (Fragment, error) {
	id, err := k.id(r)
	if err != nil {
		return nil, err
	}
	k.store.mu.Lock()
	defer k.store.mu.Unlock()
	if c, ok := k.store.codes[id]; !ok || c != code {
		return nil, errWrongCodeFake
	}
	return append(Fragment(nil), k.store.frags[id]...), nil
}

func (k memoryKeeperFake) Delete(ctx context.Context, r Record) error {
	id, err := k.id(r)
	if err != nil {
		return err
	}
	k.store.mu.Lock()
	defer k.store.mu.Unlock()
	delete(k.store.frags, id)
	k.store.deleted = append(k.store.deleted, id)
	return nil
}

// code is the code last "sent" for r, as the user would read it.
func (s *memoryStoreFake) code(r Record) string {
	id, _ := memoryKeeperFake{}.id(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.codes[id]
}

// tamper flips a bit of r's fragment, as a hostile location might.
func (s *memoryStoreFake) tamper(r Record) {
	id, _ := memoryKeeperFake{}.id(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.frags[id][0] ^= 1
}

func (s *memoryStoreFake) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.frags)
}

func memoryLocationsFake(s *memoryStoreFake, names ...string) []Location {
	var out []Location
	for _, n := range names {
		out = append(out, &memoryLocationFake{store: s, name: n})
	}
	return out
}
