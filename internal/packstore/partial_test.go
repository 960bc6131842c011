package packstore

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/passcrow/passcrow-desktop/platform"
	"github.com/passcrow/passcrow-desktop/recovery"
)

// fragmentsFor makes n stand-in fragments under p's first prefixes: the
// store only keeps bytes, it never combines them.
func fragmentsFor(t *testing.T, p *recovery.Pack, n int) map[string]recovery.Fragment {
	t.Helper()
	if n > len(p.Records) {
		t.Fatalf("the pack has %d records, %d asked for", len(p.Records), n)
	}
	out := map[string]recovery.Fragment{}
	for _, r := range p.Records[:n] {
		out[r.Prefix] = recovery.Fragment("fragment " + r.Prefix)
	}
	return out
}

func newStore(t *testing.T) platform.Store {
	t.Helper()
	st, err := platform.NewFileStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// A complete set of fragments is never written: the store alone must not
// open the secret.
func TestSavePartialKeepsFewerThanNeeded(t *testing.T) {
	st := newStore(t)
	p := referencePack(t)
	need := p.Need()
	if need < 2 {
		t.Fatalf("the test pack needs %d fragments; want at least 2", need)
	}
	now := time.Unix(1_700_000_000, 0)
	kept, err := SavePartial(st, "ref", p, fragmentsFor(t, p, need), now)
	if err != nil {
		t.Fatal(err)
	}
	if len(kept) != need-1 {
		t.Fatalf("kept %q, want %d prefixes", kept, need-1)
	}
	got := LoadPartial(st, "ref", p, now)
	if len(got) != need-1 {
		t.Fatalf("loaded %d fragments, want %d", len(got), need-1)
	}
	if _, _, err := recovery.Combine(p, got); !errors.Is(err, recovery.ErrNotEnough) {
		t.Errorf("Combine of what the store keeps: %v, want ErrNotEnough", err)
	}
}

func TestSavePartialNothingDeletes(t *testing.T) {
	st := newStore(t)
	p := referencePack(t)
	now := time.Unix(1_700_000_000, 0)
	if _, err := SavePartial(st, "ref", p, fragmentsFor(t, p, 1), now); err != nil {
		t.Fatal(err)
	}
	if _, err := SavePartial(st, "ref", p, nil, now); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Get(PartialPrefix + "ref"); !errors.Is(err, platform.ErrNotFound) {
		t.Errorf("state kept after saving nothing: %v", err)
	}
}

// A later run does not extend the life of fragments kept earlier.
func TestSavePartialKeepsFirstExpiry(t *testing.T) {
	st := newStore(t)
	p := referencePack(t)
	t0 := time.Unix(1_700_000_000, 0)
	if _, err := SavePartial(st, "ref", p, fragmentsFor(t, p, 1), t0); err != nil {
		t.Fatal(err)
	}
	later := t0.Add(PartialTTL - time.Hour)
	if _, err := SavePartial(st, "ref", p, fragmentsFor(t, p, 1), later); err != nil {
		t.Fatal(err)
	}
	if got := LoadPartial(st, "ref", p, t0.Add(PartialTTL+time.Minute)); got != nil {
		t.Errorf("fragments outlived the first save by more than %v", PartialTTL)
	}
}

func TestLoadPartialExpiredOrOtherPack(t *testing.T) {
	st := newStore(t)
	p := referencePack(t)
	now := time.Unix(1_700_000_000, 0)
	if _, err := SavePartial(st, "ref", p, fragmentsFor(t, p, 1), now); err != nil {
		t.Fatal(err)
	}
	other := *p
	other.Secret = "AAAA" + p.Secret[4:]
	if got := LoadPartial(st, "ref", &other, now); got != nil {
		t.Error("another pack under the same name got the fragments")
	}
	if _, err := st.Get(PartialPrefix + "ref"); !errors.Is(err, platform.ErrNotFound) {
		t.Errorf("state of a replaced pack kept: %v", err)
	}
	if _, err := SavePartial(st, "ref", p, fragmentsFor(t, p, 1), now); err != nil {
		t.Fatal(err)
	}
	if got := LoadPartial(st, "ref", p, now.Add(PartialTTL+time.Second)); got != nil {
		t.Error("expired fragments were loaded")
	}
}

// SweepPartial removes expired state of every name, state whose pack is
// gone or replaced, and unreadable state; it cuts a complete set (as an
// older version kept) and leaves good state alone.
func TestSweepPartial(t *testing.T) {
	st := newStore(t)
	p := referencePack(t)
	t0 := time.Unix(1_700_000_000, 0)
	for _, n := range []string{"old", "fresh", "complete", "replaced"} {
		if err := Save(st, n, p); err != nil {
			t.Fatal(err)
		}
	}
	put := func(name string, pr partialRecovery) {
		t.Helper()
		b, err := json.Marshal(pr)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Put(PartialPrefix+name, b); err != nil {
			t.Fatal(err)
		}
	}
	one := fragmentsFor(t, p, 1)
	put("old", partialRecovery{Pack: Fingerprint(p), Expires: t0.Unix(), Fragments: one})
	put("fresh", partialRecovery{Pack: Fingerprint(p), Expires: t0.Add(2 * PartialTTL).Unix(), Fragments: one})
	put("complete", partialRecovery{Pack: Fingerprint(p), Expires: t0.Add(2 * PartialTTL).Unix(), Fragments: fragmentsFor(t, p, p.Need())})
	put("replaced", partialRecovery{Pack: "another pack", Expires: t0.Add(2 * PartialTTL).Unix(), Fragments: one})
	put("orphan", partialRecovery{Pack: Fingerprint(p), Expires: t0.Add(2 * PartialTTL).Unix(), Fragments: one})
	if err := st.Put(PartialPrefix+"garbage", []byte("not json")); err != nil {
		t.Fatal(err)
	}

	n, err := SweepPartial(st, t0.Add(PartialTTL))
	if err != nil {
		t.Fatal(err)
	}
	if n != 5 {
		t.Errorf("SweepPartial changed %d entries, want 5", n)
	}
	for _, name := range []string{"old", "replaced", "orphan", "garbage"} {
		if _, err := st.Get(PartialPrefix + name); !errors.Is(err, platform.ErrNotFound) {
			t.Errorf("%q: state left: %v", name, err)
		}
	}
	if got := LoadPartial(st, "fresh", p, t0.Add(PartialTTL)); len(got) != 1 {
		t.Errorf("fresh state: %d fragments, want 1", len(got))
	}
	if got := LoadPartial(st, "complete", p, t0.Add(PartialTTL)); len(got) != p.Need()-1 {
		t.Errorf("a complete set was cut to %d fragments, want %d", len(got), p.Need()-1)
	}
	// The packs themselves are untouched.
	if names, _ := Names(st); fmt.Sprint(names) != "[complete fresh old replaced]" {
		t.Errorf("packs after the sweep: %q", names)
	}
}
