package platform

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"

	"github.com/passcrow/passcrow-desktop/internal/testreal"
)

// keychainForTest returns a store under a service name of its own, on the
// real Secret Service (scripts/with-keyring.sh starts gnome-keyring), and
// removes every entry of that service afterwards.
func keychainForTest(t *testing.T) *KeychainStore {
	t.Helper()
	var b [6]byte
	rand.Read(b[:])
	service := "passcrow-test-" + hex.EncodeToString(b[:])
	s := NewKeychainStore(service)
	if err := s.Check(); err != nil {
		testreal.Require(t, "a Secret Service (run under scripts/with-keyring.sh)", err)
	}
	t.Cleanup(func() {
		if err := keyring.DeleteAll(service); err != nil && !errors.Is(err, keyring.ErrNotFound) {
			t.Errorf("cleaning up %s: %v", service, err)
		}
		if path, err := lockPath(service); err == nil {
			os.Remove(path)
		}
	})
	return s
}

func rawHead(t *testing.T, s *KeychainStore, key string) head {
	t.Helper()
	raw, err := keyring.Get(s.service, headUser(key))
	if err != nil {
		t.Fatalf("raw head of %q: %v", key, err)
	}
	var h head
	if err := json.Unmarshal([]byte(raw), &h); err != nil {
		t.Fatal(err)
	}
	return h
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

func TestKeychainStore(t *testing.T) {
	storeContract(t, keychainForTest(t))
}

func TestKeychainSplitsLargeValues(t *testing.T) {
	s := keychainForTest(t)
	v := randomBytes(9000)
	if err := s.Put("big", v); err != nil {
		t.Fatal(err)
	}
	got, err := s.Get("big")
	if err != nil || !bytes.Equal(got, v) {
		t.Fatalf("Get(big) = %d bytes, %v; want the 9000 put", len(got), err)
	}
	h := rawHead(t, s, "big")
	if h.Chunks != 6 { // 1500 raw bytes per 2000-byte entry
		t.Fatalf("head says %d chunks, want 6", h.Chunks)
	}
	for i := range h.Chunks {
		raw, err := keyring.Get(s.service, chunkUser("big", h.Gen, i))
		if err != nil {
			t.Fatalf("chunk %d: %v", i, err)
		}
		if len(raw) > 2000 {
			t.Errorf("chunk %d entry is %d bytes, over 2000", i, len(raw))
		}
	}
	if _, err := keyring.Get(s.service, chunkUser("big", h.Gen, h.Chunks)); !errors.Is(err, keyring.ErrNotFound) {
		t.Fatalf("chunk %d exists (%v), want exactly %d entries", h.Chunks, err, h.Chunks)
	}
}

func TestKeychainReplaceRemovesOldGeneration(t *testing.T) {
	s := keychainForTest(t)
	if err := s.Put("pack", randomBytes(5000)); err != nil {
		t.Fatal(err)
	}
	old := rawHead(t, s, "pack")
	v2 := randomBytes(3000)
	if err := s.Put("pack", v2); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Get("pack"); err != nil || !bytes.Equal(got, v2) {
		t.Fatalf("Get after replace = %d bytes, %v", len(got), err)
	}
	for i := range old.Chunks {
		if _, err := keyring.Get(s.service, chunkUser("pack", old.Gen, i)); !errors.Is(err, keyring.ErrNotFound) {
			t.Errorf("old generation chunk %d still there (%v)", i, err)
		}
	}
}

// TestKeychainCrashBeforeHeadSwitch stops a Put the way a crash would:
// the new generation's chunks are written but the head is not switched.
func TestKeychainCrashBeforeHeadSwitch(t *testing.T) {
	s := keychainForTest(t)
	v1 := randomBytes(4000)
	if err := s.Put("pack", v1); err != nil {
		t.Fatal(err)
	}
	const crashed = "00000000c0ffee00"
	h := rawHead(t, s, "pack")
	h.Pending = crashed
	if err := s.writeHead("pack", h); err != nil {
		t.Fatal(err)
	}
	if _, err := s.writeChunks("pack", crashed, randomBytes(7000)); err != nil {
		t.Fatal(err)
	}

	if got, err := s.Get("pack"); err != nil || !bytes.Equal(got, v1) {
		t.Fatalf("after the crash Get = %d bytes, %v; want the old value", len(got), err)
	}
	if list, err := s.List(); err != nil || !slices.Equal(list, []string{"pack"}) {
		t.Fatalf("after the crash List = %q, %v", list, err)
	}

	// The next Put clears the crashed generation.
	v3 := randomBytes(100)
	if err := s.Put("pack", v3); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Get("pack"); err != nil || !bytes.Equal(got, v3) {
		t.Fatalf("Get after the next Put = %d bytes, %v", len(got), err)
	}
	if _, err := keyring.Get(s.service, chunkUser("pack", crashed, 0)); !errors.Is(err, keyring.ErrNotFound) {
		t.Fatalf("crashed generation's chunk survived the next Put (%v)", err)
	}
}

// TestKeychainCrashOnFirstPut: a name that never got its head switched
// does not exist, and Delete clears what the crash left.
func TestKeychainCrashOnFirstPut(t *testing.T) {
	s := keychainForTest(t)
	const crashed = "00000000deadbeef"
	if err := s.updateIndex("fresh", true); err != nil {
		t.Fatal(err)
	}
	if err := s.writeHead("fresh", head{Pending: crashed}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.writeChunks("fresh", crashed, randomBytes(2000)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get("fresh"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get of a never-finished Put = %v, want ErrNotFound", err)
	}
	if list, err := s.List(); err != nil || len(list) != 0 {
		t.Fatalf("List = %q, %v; want nothing", list, err)
	}
	if err := s.Delete("fresh"); err != nil {
		t.Fatal(err)
	}
	for _, user := range []string{headUser("fresh"), chunkUser("fresh", crashed, 0), chunkUser("fresh", crashed, 1)} {
		if _, err := keyring.Get(s.service, user); !errors.Is(err, keyring.ErrNotFound) {
			t.Errorf("entry %q survived Delete (%v)", user, err)
		}
	}
}

func TestKeychainDetectsTampering(t *testing.T) {
	s := keychainForTest(t)
	v := randomBytes(4000)
	if err := s.Put("pack", v); err != nil {
		t.Fatal(err)
	}
	h := rawHead(t, s, "pack")

	// Same length, different bytes: only the checksum can tell.
	forged := bytes.Clone(v[1500:3000])
	forged[0] ^= 1
	if err := keyring.Set(s.service, chunkUser("pack", h.Gen, 1), b64(forged)); err != nil {
		t.Fatal(err)
	}
	_, err := s.Get("pack")
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "checksum mismatch") {
		t.Fatalf("Get of a tampered value = %v, want ErrCorrupt with a checksum mismatch", err)
	}

	if err := keyring.Delete(s.service, chunkUser("pack", h.Gen, 2)); err != nil {
		t.Fatal(err)
	}
	_, err = s.Get("pack")
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "chunk 3 of 3 is missing") {
		t.Fatalf("Get with a missing chunk = %v, want ErrCorrupt naming the chunk", err)
	}
	// A damaged value can still be replaced.
	if err := s.Put("pack", []byte("fresh")); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Get("pack"); err != nil || string(got) != "fresh" {
		t.Fatalf("Get after replacing a damaged value = %q, %v", got, err)
	}
}
