package platform

import (
	"bytes"
	"encoding/json"
	"errors"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"
)

// allocatedDuring is how many bytes f allocates (in this process: the
// tests of this package do not run in parallel).
func allocatedDuring(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// getSafely is s.Get(name) that turns a panic into a test failure, so
// one bad case does not hide the others.
func getSafely(t *testing.T, s *KeychainStore, name string) (v []byte, err error) {
	t.Helper()
	defer func() {
		if p := recover(); p != nil {
			t.Errorf("Get(%q) panicked: %v", name, p)
			err = errors.New("panicked")
		}
	}()
	return s.Get(name)
}

// TestKeychainTamperedHeads writes damaged head entries with go-keyring
// directly, as malware or a careless keychain tool could, into the real
// Secret Service: Get must say the value is damaged, never panic, never
// allocate what the head claims.
func TestKeychainTamperedHeads(t *testing.T) {
	s := keychainForTest(t)
	v := randomBytes(4000) // 3 chunks
	if err := s.Put("pack", v); err != nil {
		t.Fatal(err)
	}
	good := rawHead(t, s, "pack")
	asJSON := func(h head) string {
		b, err := json.Marshal(h)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	with := func(change func(*head)) string {
		h := good
		change(&h)
		return asJSON(h)
	}
	for _, tc := range []struct {
		name, head, want string
	}{
		{"negative length", with(func(h *head) { h.Len = -5 }), "length"},
		{"huge length", with(func(h *head) { h.Len = 3 << 30 }), "length"},
		{"length beyond int64", strings.Replace(asJSON(good), `"len":4000`, `"len":1e30`, 1), "head"},
		{"negative count", with(func(h *head) { h.Chunks = -1 }), "chunk"},
		{"huge count", with(func(h *head) { h.Chunks = 1 << 40 }), "chunk"},
		{"count not a number", strings.Replace(asJSON(good), `"chunks":3`, `"chunks":"three"`, 1), "head"},
		{"count a fraction", strings.Replace(asJSON(good), `"chunks":3`, `"chunks":2.5`, 1), "head"},
		{"count disagrees with length", with(func(h *head) { h.Chunks = 2 }), "chunk"},
		{"generation names another entry", with(func(h *head) { h.Gen = "x:" + good.Gen }), "generation"},
		{"pending names another entry", with(func(h *head) { h.Pending = "../" }), "generation"},
		{"checksum not hex", with(func(h *head) { h.SHA256 = "zz" }), "checksum"},
		{"not JSON", "{", "head"},
		{"JSON null", "null", "head"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := keyring.Set(s.service, headUser("pack"), tc.head); err != nil {
				t.Fatal(err)
			}
			var err error
			alloc := allocatedDuring(func() { _, err = getSafely(t, s, "pack") })
			if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Get = %v, want ErrCorrupt mentioning %q", err, tc.want)
			}
			if alloc > 64<<20 {
				t.Errorf("Get allocated %d MiB for a damaged head", alloc>>20)
			}
		})
	}
	// The damaged value can still be replaced and deleted.
	if err := s.Put("pack", []byte("fresh")); err != nil {
		t.Fatalf("Put over a damaged head: %v", err)
	}
	if got, err := s.Get("pack"); err != nil || string(got) != "fresh" {
		t.Fatalf("Get after replacing = %q, %v", got, err)
	}
	if err := keyring.Set(s.service, headUser("pack"), with(func(h *head) { h.Len = -1 })); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete("pack"); err != nil {
		t.Fatalf("Delete of a damaged head: %v", err)
	}
	if _, err := s.Get("pack"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get after Delete = %v, want ErrNotFound", err)
	}
}

// TestKeychainTamperedChunks damages the chunk entries of a good head.
func TestKeychainTamperedChunks(t *testing.T) {
	s := keychainForTest(t)
	v := randomBytes(4000) // chunks of 1500, 1500 and 1000 bytes
	if err := s.Put("pack", v); err != nil {
		t.Fatal(err)
	}
	h := rawHead(t, s, "pack")
	for _, tc := range []struct {
		name  string
		chunk int
		entry string // "" deletes the chunk
		want  string
	}{
		{"chunk longer than stored chunks", 0, b64(bytes.Repeat([]byte{1}, 1<<20)), "chunk 1 of 3 is longer"},
		{"chunks longer than the head says", 2, b64(v[:1500]), "longer than the 4000 bytes"},
		{"chunk not base64", 1, "!!!", "chunk 2 of 3 is not base64"},
		{"missing first chunk", 0, "", "chunk 1 of 3 is missing"},
		{"missing last chunk", 2, "", "chunk 3 of 3 is missing"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := s.Put("pack", v); err != nil {
				t.Fatal(err)
			}
			h = rawHead(t, s, "pack")
			user := chunkUser("pack", h.Gen, tc.chunk)
			var err error
			if tc.entry == "" {
				err = keyring.Delete(s.service, user)
			} else {
				err = keyring.Set(s.service, user, tc.entry)
			}
			if err != nil {
				t.Fatal(err)
			}
			_, err = getSafely(t, s, "pack")
			if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Get = %v, want ErrCorrupt saying %q", err, tc.want)
			}
		})
	}
}

// TestKeychainTamperedIndex: names in the index that no Store could hold
// are not listed, even when an entry exists under them.
func TestKeychainTamperedIndex(t *testing.T) {
	s := keychainForTest(t)
	if err := s.Put("pack", []byte("v")); err != nil {
		t.Fatal(err)
	}
	if err := s.putValue(indexKey, []byte(`["pack","a/b","","x\ty"]`)); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"a/b", "", "x\ty"} {
		if err := s.putValue(bad, []byte("planted")); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := s.List(); err != nil || !slices.Equal(got, []string{"pack"}) {
		t.Fatalf("List = %q, %v; want only the valid name", got, err)
	}
}

func TestKeychainRefusesValuesTooLargeToReadBack(t *testing.T) {
	s := keychainForTest(t)
	err := s.Put("huge", make([]byte, maxValueLen+1))
	if err == nil || !strings.Contains(err.Error(), "too large") {
		t.Fatalf("Put of %d bytes = %v, want too large", maxValueLen+1, err)
	}
	if _, err := keyring.Get(s.service, headUser("huge")); !errors.Is(err, keyring.ErrNotFound) {
		t.Fatalf("a refused Put left a head entry (%v)", err)
	}
}
